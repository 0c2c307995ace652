"""The timeliness report's charts as PNG bytes, drawn with matplotlib (Agg, no pyplot).

Two charts a Board would rather look at than read: each measure's on-time rate per quarter,
and Appendix B returns by agency (on time, and how late the late ones were). The same report
gives the same bytes: fixed size and resolution, one bundled font, no timestamp or software
name in the file.

Colours come from the Okabe-Ito palette and a single-hue ramp, which readers with the common
colour-vision deficiencies can tell apart; every bar carries its figure as text as well.
"""

from __future__ import annotations

import functools
import io
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ParamSpec

from bot.core.report_view import NOTHING_DUE, percent
from bot.core.timeliness_figures import MeasureFigures, PeriodFigures, TimelinessReport

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

P = ParamSpec("P")
DPI = 100
WIDTH_IN = 10.0  # 1000 px: a desktop email's column, scaled down on a phone
BLUE, ORANGE, SKY = "#0072B2", "#E69F00", "#56B4E9"
# Quarters in order, light to dark: one hue, so order reads without a colour legend to decode.
QUARTER_RAMP = ("#9ecae1", "#4292c6", "#2171b5", "#08306b")
INK, MUTED, GRID = "#1b1b1b", "#555555", "#d9d9d9"
# Any: matplotlib types rc keys as a Literal of every setting name.
STYLE: Any = {
    "font.family": "DejaVu Sans",  # shipped with matplotlib: the same glyphs on every host
    "font.size": 10,
    "axes.edgecolor": MUTED,
    "axes.labelcolor": INK,
    "xtick.color": INK,
    "ytick.color": INK,
    "svg.hashsalt": "tscp",
}


@dataclass(frozen=True)
class Chart:
    name: str  # file stem and Content-ID stem, e.g. "on-time-by-quarter"
    title: str
    alt: str  # what the image shows, for screen readers and mail clients that block images
    png: bytes
    width: int  # pixels
    height: int


def charts(report: TimelinessReport) -> list[Chart]:
    """The report's charts; a chart with nothing to show (no agency asked) is left out."""
    found = []
    if report.quarters and report.whole.measures:
        found.append(on_time_chart(report.quarters))
    if report.whole.appendix_b:
        found.append(appendix_b_chart(report.whole))
    return found


def _styled(draw: Callable[P, Chart]) -> Callable[P, Chart]:
    """Draw under the charts' own style: tick labels are made when the figure is saved, so
    the style must hold until then; the process's matplotlib settings are left as they were."""

    @functools.wraps(draw)
    def styled(*args: P.args, **kwargs: P.kwargs) -> Chart:
        from matplotlib import rc_context

        with rc_context(STYLE):
            return draw(*args, **kwargs)

    return styled


def on_time_height(measures: int, quarters: int) -> int:
    """The on-time chart's height in pixels: it grows with the bars so none is squeezed."""
    return round((1.9 + measures * (quarters * 0.3 + 0.35)) * DPI)


def appendix_b_height(agencies: int) -> int:
    return round((1.9 + agencies * 0.6) * DPI)


@_styled
def on_time_chart(quarters: Sequence[PeriodFigures]) -> Chart:
    labels = [m.label for m in quarters[0].measures]
    height = on_time_height(len(labels), len(quarters))
    fig, ax = _figure(height, left=3.1, right=0.3, top=0.9, bottom=0.75)
    step = 1.0 / len(quarters)
    colours = _ramp(len(quarters))
    for q, period in enumerate(quarters):
        rates = {m.label: m for m in period.measures}
        for i, label in enumerate(labels):
            y = i + (q + 0.5) * step * 0.85 - 0.425
            _rate_bar(ax, y, step * 0.78, rates.get(label), colours[q])
    _percent_axis(ax, "Share of the deadlines that fell due that were met on time")
    _category_axis(ax, labels, width=34)
    ax.legend(
        handles=_keys(colours, [q.period.label for q in quarters]),
        loc="lower left", bbox_to_anchor=(0, 1.0), ncol=min(len(quarters), 4),
        frameon=False, handlelength=1.2, fontsize=10,
    )  # fmt: skip
    fig.suptitle(
        "Statutory deadlines met on time, by quarter", x=0.02, ha="left", fontsize=14, y=0.985
    )
    return Chart(
        "on-time-by-quarter",
        "Statutory deadlines met on time, by quarter",
        "Bar chart: for each measure, the share of deadlines met on time in each quarter. "
        "The same figures are in the tables.",
        _png(fig),
        round(WIDTH_IN * DPI),
        height,
    )


@_styled
def appendix_b_chart(whole: PeriodFigures) -> Chart:
    agencies = list(whole.appendix_b)
    names = [m.agency or m.label for m in agencies]
    height = appendix_b_height(len(agencies))
    fig, (left, right) = _figure_pair(height)
    for i, m in enumerate(agencies):
        _rate_bar(left, i, 0.6, m, BLUE, nothing=NOTHING_DUE.replace("deadlines", "returns"))
        _lateness_bars(right, i, m)
    _percent_axis(left, "Returns on time")
    _category_axis(left, names, width=30)
    from matplotlib.ticker import MaxNLocator

    worst = max((m.worst_days_late or 0 for m in agencies), default=0)
    right.set_xlim(0, max(worst, 4) * 1.5 + 2)  # room after the longest bar for its figures
    right.set_xlabel("Working days late (late returns only)")
    right.xaxis.set_major_locator(MaxNLocator(integer=True))
    _plain(right)
    right.legend(
        handles=_keys([SKY, ORANGE], ["Median", "Worst"]),
        loc="lower left", bbox_to_anchor=(0, 1.0), ncol=2, frameon=False,
    )  # fmt: skip
    fig.suptitle(
        f"Appendix B returns by agency, {whole.period.label}", x=0.02, ha="left", fontsize=14,
        y=0.985,
    )  # fmt: skip
    return Chart(
        "appendix-b-by-agency",
        "Appendix B returns by agency",
        "Bar chart: for each agency, the share of Appendix B returns on time, and the median "
        "and worst working days late. The same figures are in the tables.",
        _png(fig),
        round(WIDTH_IN * DPI),
        height,
    )


def _rate_bar(
    ax: Axes,
    y: float,
    thickness: float,
    m: MeasureFigures | None,
    colour: str,
    nothing: str = NOTHING_DUE,
) -> None:
    if m is None or m.on_time_rate is None:
        # No bar at all: an empty quarter is neither 0% nor 100%, and must not look like one.
        ax.text(0.01, y, nothing, va="center", fontsize=9, color=MUTED, style="italic")
        return
    ax.barh(y, m.on_time_rate, height=thickness, color=colour)
    ax.text(
        m.on_time_rate + 0.01, y, f"{percent(m.on_time_rate)} ({m.on_time} of {m.due})",
        va="center", fontsize=9, color=INK,
    )  # fmt: skip


def _lateness_bars(ax: Axes, y: int, m: MeasureFigures) -> None:
    if m.worst_days_late is None or m.median_days_late is None:
        text = "none late" if m.due else ""
        ax.text(0.1, y, text, va="center", fontsize=9, color=MUTED, style="italic")
        return
    ax.barh(y - 0.16, m.median_days_late, height=0.3, color=SKY)
    ax.barh(y + 0.16, m.worst_days_late, height=0.3, color=ORANGE)
    ax.text(
        m.worst_days_late + 0.1, y,
        f"median {m.median_days_late:g}\nworst {m.worst_days_late}",
        va="center", fontsize=8.5, color=INK, linespacing=1.3,
    )  # fmt: skip


def _keys(colours: Sequence[str], labels: Sequence[str]) -> list[Patch]:
    from matplotlib.patches import Patch

    return [Patch(color=c, label=t) for c, t in zip(colours, labels, strict=True)]


def _percent_axis(ax: Axes, label: str) -> None:
    from matplotlib.ticker import FixedLocator, PercentFormatter

    ax.set_xlim(0, 1.3)  # room after a full bar for its "100% (6 of 6)"
    ax.xaxis.set_major_locator(FixedLocator([0, 0.25, 0.5, 0.75, 1.0]))
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_xlabel(label)
    _plain(ax)


def _category_axis(ax: Axes, labels: Sequence[str], *, width: int) -> None:
    ax.set_yticks(range(len(labels)), [textwrap.fill(t, width) for t in labels])
    ax.set_ylim(len(labels) - 0.5, -0.5)  # first row on top, as in the tables
    ax.tick_params(axis="y", length=0)


def _plain(ax: Axes) -> None:
    """No chart junk: no box, a faint vertical grid behind the bars to read values against."""
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.set_axisbelow(True)
    ax.grid(axis="x", color=GRID, linewidth=0.8)


def _ramp(n: int) -> list[str]:
    if n <= len(QUARTER_RAMP):
        return list(QUARTER_RAMP[(len(QUARTER_RAMP) - n) // 2 :][:n])
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    blues = colormaps["Blues"]
    return [to_hex(blues(0.35 + 0.6 * k / (n - 1))) for k in range(n)]


def _margins(fig: Figure, height: int, *, left: float, right: float, top: float,
             bottom: float) -> None:  # fmt: skip
    h = height / DPI
    fig.subplots_adjust(
        left=left / WIDTH_IN, right=1 - right / WIDTH_IN, top=1 - top / h, bottom=bottom / h
    )


def _figure(height: int, **margins: float) -> tuple[Figure, Axes]:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(WIDTH_IN, height / DPI), dpi=DPI)
    ax = fig.add_subplot()
    _margins(fig, height, **margins)
    return fig, ax


def _figure_pair(height: int) -> tuple[Figure, tuple[Axes, Axes]]:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(WIDTH_IN, height / DPI), dpi=DPI)
    left, right = fig.subplots(1, 2, sharey=True, gridspec_kw={"width_ratios": (5, 4)})
    _margins(fig, height, left=2.8, right=0.3, top=0.9, bottom=0.75)
    fig.subplots_adjust(wspace=0.12)
    right.tick_params(axis="y", length=0, labelleft=False)
    return fig, (left, right)


def _png(fig: Figure) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)
    out = io.BytesIO()
    # No "Software" text chunk, and matplotlib writes no date: the same figures give the same
    # bytes, so a test (and a reader comparing two runs) can rely on it.
    fig.savefig(out, format="png", dpi=DPI, metadata={"Software": None}, facecolor="white")
    return out.getvalue()

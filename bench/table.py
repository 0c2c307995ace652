"""The one table of bench/compare.py: a row per measure, with the reference measured in the
same run, the ratio, the target (issue 11) and whether it is met."""

from __future__ import annotations

import statistics
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field

from bench.backlog import BacklogResult, Series
from bench.harness import Finished
from bench.latency import LatencyResult, percentile
from bench.scale import ScaleResult

FETCH_SHARE = 0.25  # of the batched bare fetch loop
PEER_TIMES = 5.0  # django-helpdesk get_email
RATE = {"plain, SQLite": 200.0, "30% SINs, SQLite": 100.0}  # msg/s
LATENCY_P95 = 1.0  # s
RSS_MB = 150.0
PASS_S, CASES_JSON_S = 1.0, 2.0  # at 10,000 cases and 50,000 outbox rows
HELP_S, READ_ONLY_S = 0.3, 0.5
SCALE = (10_000, 50_000)


@dataclass
class Row:
    group: str
    measure: str
    bot: str
    reference: str = "-"
    ratio: str = "-"
    target: str = "-"
    verdict: str = "info"
    raw: dict[str, object] = field(default_factory=dict)
    # The bot's figure from its CPU seconds instead of wall seconds (see harness.Finished).
    cpu: str = "-"


def _verdict(met: bool | None) -> str:
    return "n/a" if met is None else ("pass" if met else "FAIL")


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f} s"


def _rate(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f} msg/s"


class Table:
    def __init__(self) -> None:
        self.rows: list[Row] = []

    def add(self, row: Row) -> None:
        self.rows.append(row)

    def failed(self, group: str, error: str) -> None:
        self.add(Row(group, f"{group}: measure failed", "-", verdict="ERROR", raw={"error": error}))

    # --- backlog -----------------------------------------------------------------------------

    def backlog(self, r: BacklogResult, peer_unavailable: str) -> None:
        n = r.count
        each = n / statistics.median(r.fetch_each)
        batched = n / statistics.median(r.fetch_batched)
        self.add(
            Row(
                "backlog",
                f"bare fetch loop, {n:,} msgs: one FETCH per message",
                "-",
                _rate(each),
                raw={"seconds": r.fetch_each},
            )
        )
        self.add(
            Row(
                "backlog",
                f"bare fetch loop, {n:,} msgs: FETCH per 200 UIDs",
                "-",
                _rate(batched),
                raw={"seconds": r.fetch_batched},
            )
        )
        for name, series in r.runs.items():
            rate, cpu = series.rate(n), _rate(series.cpu_rate(n))
            raw = {
                "seconds": series.seconds,
                "cpu_seconds": series.cpu,
                "max_rss_mb": series.rss_mb,
                "runs": series.notes,
            }
            share = None if rate is None else rate / batched
            self.add(
                Row(
                    "backlog",
                    f"run --once, {name}: vs batched fetch loop",
                    _rate(rate),
                    _rate(batched),
                    "-" if share is None else f"{share:.1%}",
                    f">= {FETCH_SHARE:.0%}",
                    _verdict(None if share is None else share >= FETCH_SHARE),
                    raw,
                    cpu,
                )
            )
            if name in RATE:
                self.add(
                    Row(
                        "backlog",
                        f"run --once, {name}: absolute",
                        _rate(rate),
                        target=f">= {RATE[name]:.0f} msg/s",
                        verdict=_verdict(None if rate is None else rate >= RATE[name]),
                        cpu=cpu,
                    )
                )
                self._peer(name, series, r, peer_unavailable)

    def _peer(self, name: str, bot: Series, r: BacklogResult, unavailable: str) -> None:
        series = r.peer.get(name)
        rate, peer_rate = bot.rate(r.count), series.rate(r.count) if series else None
        measure = f"run --once, {name}: vs django-helpdesk get_email"
        if peer_rate is None or rate is None:
            why = unavailable or "no result"
            self.add(
                Row(
                    "backlog",
                    measure,
                    _rate(rate),
                    "peer unavailable",
                    target=f">= {PEER_TIMES:.0f}x",
                    verdict="n/a",
                    raw={"why": why},
                )
            )
            return
        times = rate / peer_rate
        bot_cpu, peer_cpu = bot.cpu_rate(r.count), series.cpu_rate(r.count) if series else None
        cpu = "-"
        if bot_cpu and peer_cpu:
            cpu = f"{_rate(bot_cpu)}, peer {_rate(peer_cpu)}: {bot_cpu / peer_cpu:.1f}x"
        self.add(
            Row(
                "backlog",
                measure,
                _rate(rate),
                _rate(peer_rate),
                f"{times:.1f}x",
                f">= {PEER_TIMES:.0f}x",
                _verdict(times >= PEER_TIMES),
                {
                    "peer_seconds": series.seconds if series else [],
                    "peer_runs": series.notes if series else [],
                    "peer_cpu_seconds": series.cpu if series else [],
                },
                cpu,
            )
        )

    # --- latency, memory, records, start-up ----------------------------------------------------

    def latency(self, r: LatencyResult) -> None:
        raw = {
            "seconds": r.seconds,
            "reference_seconds": r.reference,
            "missing": r.missing,
            "note": r.note,
            "approval_seconds": r.approvals,
            "approvals_missing": r.approvals_missing,
            "invitation_seconds": r.invitations,
            "invitations_missing": r.invitations_missing,
        }
        for share, target in ((0.5, None), (0.95, LATENCY_P95)):
            value, floor = r.percentile(share), percentile(r.reference, share)
            met = None if value is None or target is None else value < target and not r.missing
            self.add(
                Row(
                    "latency",
                    f"SIN appended -> acknowledgement at SMTP, p{share * 100:.0f}"
                    f" (IDLE, {len(r.seconds)} SINs, {r.missing} unanswered)",
                    "-" if value is None else f"{value:.2f} s",
                    "-" if floor is None else f"{floor:.2f} s (bare IDLE)",
                    "-" if value is None or not floor else f"{value / floor:.1f}x",
                    target="-" if target is None else f"< {target:g} s",
                    verdict="info" if target is None else _verdict(met),
                    raw=raw,
                )
            )
        for share, target in ((0.5, None), (0.95, LATENCY_P95)):
            value = percentile(r.invitations, share)
            missing = r.invitations_missing
            met = None if value is None or target is None else value < target and not missing
            self.add(
                Row(
                    "latency",
                    f"SIN appended -> Screening Panel invitation at SMTP, p{share * 100:.0f}"
                    f" ({len(r.invitations)} SINs, {missing} not invited)",
                    _seconds(value),
                    target="-" if target is None else f"< {target:g} s",
                    verdict="info" if target is None else _verdict(met),
                    raw=raw,
                )
            )
        for share in (0.5, 0.95):
            value = percentile(r.approvals, share)
            self.add(
                Row(
                    "latency",
                    f"draft approved at the terminal -> at SMTP, p{share * 100:.0f}"
                    f" ({len(r.approvals)} approvals, {r.approvals_missing} not sent;"
                    " the command's start included)",
                    _seconds(value),
                    raw=raw,  # issue 11 sets no target: the outbox's 15 s tick is the "before"
                )
            )

    def memory(self, found: Mapping[str, Finished]) -> None:
        for name, done in found.items():
            summary = done.json()
            self.add(
                Row(
                    "memory",
                    f"peak RSS of run --once, {name}",
                    f"{done.max_rss_mb:.0f} MB",
                    target=f"< {RSS_MB:.0f} MB",
                    verdict=_verdict(done.max_rss_mb < RSS_MB),
                    raw={
                        "seconds": done.seconds,
                        "exit": done.code,
                        "processed": summary.get("processed"),
                    },
                )
            )

    def records(self, r: ScaleResult) -> None:
        at = f"{r.cases:,} cases, {r.outbox:,} outbox rows, {r.database}"
        small = r.cases < SCALE[0] or r.outbox < SCALE[1]
        note = {"dataset": r.source, "cases": r.cases, "outbox": r.outbox, "error": r.error}
        spent = sum(r.pass_steps.values()) if r.pass_steps else None
        self._scaled(
            f"deadline+reminder+digest pass, {at}",
            spent,
            PASS_S,
            small,
            {**note, "steps": r.pass_steps},
        )
        self.rows[-1].cpu = _seconds(r.pass_cpu)
        json_s = statistics.median(r.cases_json) if r.cases_json else None
        self._scaled(
            f"cases --json, {at}", json_s, CASES_JSON_S, small, {**note, "seconds": r.cases_json}
        )
        self.rows[-1].cpu = _seconds(
            statistics.median(r.cases_json_cpu) if r.cases_json_cpu else None
        )

    def _scaled(
        self, measure: str, value: float | None, target: float, small: bool, raw: dict[str, object]
    ) -> None:
        # Under the target's scale a slow result still fails, but a fast one proves nothing.
        met = None if value is None else value < target
        verdict = "n/a (small)" if small and met else _verdict(met)
        self.add(
            Row(
                "records",
                measure,
                "-" if value is None else f"{value:.2f} s",
                target=f"< {target:g} s at 10,000/50,000",
                verdict=verdict,
                raw=raw,
            )
        )

    def startup(self, found: Mapping[str, tuple[float, float]]) -> None:
        for name, (value, cpu) in found.items():
            target = HELP_S if name == "--help" else READ_ONLY_S
            self.add(
                Row(
                    "startup",
                    f"tscp-bot {name} (median wall time)",
                    f"{value:.2f} s",
                    target=f"< {target:g} s",
                    verdict=_verdict(value < target),
                    cpu=_seconds(cpu),
                )
            )

    # --- output --------------------------------------------------------------------------------

    def render(self, about: Mapping[str, object], settings: Mapping[str, object]) -> str:
        head = ("measure", "tscp-bot", "reference", "ratio", "target", "verdict", "by CPU time")
        cells = [head] + [
            (r.measure, r.bot, r.reference, r.ratio, r.target, r.verdict, r.cpu) for r in self.rows
        ]
        widths = [max(len(c[i]) for c in cells) for i in range(len(head))]
        lines = [
            f"tscp-bot {about.get('commit')} at {about.get('when')}, {about.get('cpus')} CPUs, "
            f"load {_load(about)}; {settings.get('count')} msgs, "
            f"{settings.get('repeats')} interleaved repetition(s), medians"
        ]
        for i, cell in enumerate(cells):
            lines.append("  ".join(c.ljust(w) for c, w in zip(cell, widths, strict=True)).rstrip())
            if i == 0:
                lines.append("  ".join("-" * w for w in widths))
        return "\n".join(lines)

    def as_json(self, about: Mapping[str, object], settings: Mapping[str, object]) -> object:
        return {
            "machine": dict(about),
            "settings": dict(settings),
            "rows": [asdict(r) for r in self.rows],
        }


def _load(about: Mapping[str, object]) -> str:
    start, end = about.get("load_average_at_start"), about.get("load_average_at_end")
    first = start[0] if isinstance(start, tuple | list) else "?"
    last = end[0] if isinstance(end, tuple | list) else "?"
    return (
        f"{first:.1f} -> {last:.1f}"
        if isinstance(first, float) and isinstance(last, float)
        else "?"
    )

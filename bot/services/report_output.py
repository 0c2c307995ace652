"""The Board's timeliness report as files and as an email body: HTML with its charts, and
the spreadsheet. Charts are drawn here only, so nothing imports matplotlib until a report is
asked for (the daemon draws once a month)."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Literal

from bot.adapters.email_builder import InlineImage
from bot.adapters.templates import RenderedEmail, TemplateRenderer
from bot.config import Config
from bot.core.report_view import report_context
from bot.core.timeliness_figures import TimelinessReport
from bot.services.mailout import config_context

EVENT = "timeliness_report"
CID_DOMAIN = "tscp-bot"


def report_email_context(
    report: TimelinessReport, images: Literal["cid", "data"], *, monthly: bool = False
) -> tuple[dict[str, object], list[InlineImage]]:
    """The template context, and the images to send inline when they are named by cid:.

    cid: is what Outlook shows inside an email; data: keeps a saved .html file whole, one
    file to pass on, which every browser shows."""
    from bot.adapters.report_charts import charts

    inline, shown = [], []
    for chart in charts(report):
        if images == "cid":
            cid = f"{chart.name}@{CID_DOMAIN}"
            inline.append(InlineImage(cid, f"{chart.name}.png", chart.png))
            src = f"cid:{cid}"
        else:
            src = "data:image/png;base64," + base64.b64encode(chart.png).decode("ascii")
        shown.append(
            {
                "title": chart.title,
                "alt": chart.alt,
                "src": src,
                "width": chart.width,
                "height": chart.height,
            }
        )
    return report_context(report, shown, monthly=monthly), inline


def render_html(config: Config, report: TimelinessReport) -> RenderedEmail:
    context, _ = report_email_context(report, "data")
    return TemplateRenderer(config.templates_dir).render(
        EVENT, {**config_context(config), **context}
    )


def write_html(config: Config, report: TimelinessReport, path: Path) -> None:
    path.write_text(render_html(config, report).html, encoding="utf-8")


def write_xlsx(report: TimelinessReport, path: Path) -> None:
    from bot.adapters.report_xlsx import workbook

    path.write_bytes(workbook(report))

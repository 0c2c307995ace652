"""The timeliness report's HTML in a real browser (Debian's Chromium), as for the digest
(tests/adapters/digest_phone.py): shown in an iframe of the width wanted, measured by a
script once loaded, the numbers read back from `--dump-dom`.

`python -m tests.adapters.report_page docs/images` writes the README's picture of the charts,
drawn from the invented year in tests/fixtures/timeliness_year.py.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from bot.adapters.templates import TemplateRenderer
from bot.services.report_output import EVENT, report_email_context
from tests.adapters.test_templates import BUSINESS_MANAGER, PARTNERSHIP, TEMPLATES
from tests.fixtures.chromium import screenshot
from tests.fixtures.timeliness_year import invented_year


def render_year() -> str:
    """The invented year's report as the --html file has it: charts as data: URIs."""
    context, _ = report_email_context(invented_year(), "data")
    base = {"partnership": PARTNERSHIP, "business_manager": BUSINESS_MANAGER}
    return TemplateRenderer(TEMPLATES).render(EVENT, {**base, **context}).html


def charts_only(report_html: str) -> str:
    """The report's heading and its two charts: what the README shows."""
    head, rest = report_html.split("<table", 1)
    charts = "<p" + rest.split("</table>", 1)[1].split("<h2>", 1)[0].split("<p", 1)[1]
    return head + charts + "</body></html>"


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/images")
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        target = out / "report-charts.png"
        screenshot(charts_only(render_year()), 820, 1330, target, Path(tmp))
        print(target, target.stat().st_size)

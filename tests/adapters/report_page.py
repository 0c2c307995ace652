"""The timeliness report's HTML in a real browser (Debian's Chromium), as for the digest
(tests/adapters/digest_phone.py): shown in an iframe of the width wanted, measured by a
script once loaded, the numbers read back from `--dump-dom`.

`python -m tests.adapters.report_page docs/images` writes the README's picture of the charts,
drawn from the invented year in tests/fixtures/timeliness_year.py.
"""

from __future__ import annotations

import html
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bot.adapters.templates import TemplateRenderer
from bot.services.report_output import EVENT, report_email_context
from tests.adapters.digest_phone import _chromium
from tests.adapters.test_templates import BUSINESS_MANAGER, PARTNERSHIP, TEMPLATES
from tests.fixtures.timeliness_year import invented_year

MARK = "report-measure"


def render_year() -> str:
    """The invented year's report as the --html file has it: charts as data: URIs."""
    context, _ = report_email_context(invented_year(), "data")
    base = {"partnership": PARTNERSHIP, "business_manager": BUSINESS_MANAGER}
    return TemplateRenderer(TEMPLATES).render(EVENT, {**base, **context}).html


def page(report_html: str, width: int, height: int = 900) -> str:
    script = f"""
window.addEventListener("load", () => {{
  const doc = document.getElementById("report").contentDocument;
  const cells = [...doc.querySelectorAll("table.cards td")].filter(td => td.offsetWidth > 0);
  const result = {{
    viewport: doc.defaultView.innerWidth,
    pageWidth: doc.documentElement.scrollWidth,
    widest: Math.max(...[...doc.body.querySelectorAll("*")]
      .map(e => e.getBoundingClientRect().right)),
    headersShown: [...doc.querySelectorAll("table.cards tr.head")]
      .filter(r => r.offsetHeight > 0).length,
    narrowestCell: Math.min(...cells.map(td => td.offsetWidth)),
    images: [...doc.images].map(i => ({{
      loaded: i.complete, natural: i.naturalWidth, shown: i.getBoundingClientRect().width,
      tall: i.getBoundingClientRect().height, ratio: i.naturalHeight / i.naturalWidth,
    }})),
  }};
  const out = document.createElement("pre");
  out.id = "{MARK}";
  out.textContent = JSON.stringify(result);
  document.body.appendChild(out);
}});
"""
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"></head>'
        '<body style="margin: 0; background: #d9dde2;">'
        f'<iframe id="report" style="border: 0; width: {width}px; height: {height}px; '
        f'background: #ffffff; display: block;" srcdoc="{html.escape(report_html)}"></iframe>'
        f"<script>{script}</script></body></html>"
    )


def measure(report_html: str, width: int, workdir: Path) -> dict[str, Any]:
    source = workdir / f"report-{width}.html"
    source.write_text(page(report_html, width), encoding="utf-8")
    done = subprocess.run(
        _chromium(workdir / "profile", max(width, 500) + 20, 1000,
                  "--virtual-time-budget=5000", "--dump-dom", source.as_uri()),
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    start = done.stdout.index(f'id="{MARK}">') + len(f'id="{MARK}">')
    found: dict[str, Any] = json.loads(html.unescape(done.stdout[start:].split("</pre>")[0]))
    return found


def screenshot(report_html: str, width: int, height: int, target: Path, workdir: Path) -> None:
    source = workdir / "shot.html"
    source.write_text(page(report_html, width, height), encoding="utf-8")
    subprocess.run(
        _chromium(workdir / "profile", width, height,
                  "--virtual-time-budget=5000", f"--screenshot={target}", source.as_uri()),
        capture_output=True, timeout=120, check=True,
    )  # fmt: skip


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

"""The daily digest in a real browser: a realistic busy day, rendered by Debian's Chromium.

Headless Chromium will not make its window narrower than 500 px, so the digest is shown in an
iframe of the width wanted: media queries inside an iframe answer to the iframe's width, as
they answer to the screen's on a phone. A script in the outer page measures the digest after
it has loaded and writes the numbers into the DOM, which `--dump-dom` prints.

`python -m tests.adapters.digest_phone docs/images` writes the README's screenshots.
"""

from __future__ import annotations

import html
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

from bot.adapters.templates import TemplateRenderer
from bot.core.calendar import build_calendar
from tests.adapters.test_templates import CONTEXTS, TEMPLATES

CHROMIUM = Path("/usr/bin/chromium")
MARK = "digest-measure"

AGENCIES = (
    "Tameside and Glossop Integrated Care NHS Foundation Trust",
    "Pennine Care NHS Foundation Trust (Child and Adolescent Mental Health Services)",
    "Greater Manchester Police",
    "Tameside Metropolitan Borough Council Children's Services",
    "Greater Manchester Integrated Care Partnership",
)
TITLES = (
    ("Local authority notifies the National Panel", "Within 5 working days of the local "
     "authority becoming aware of the incident (Working Together 2023, chapter 5)."),
    ("Rapid Review sent to the National Panel", "Within 15 working days of the local "
     "authority becoming aware."),
    ("Agency returns its Appendix B information by the date set in the request",
     "Date set in the Rapid Review information request sent on Tue 3 Nov 2026."),
    ("Screening Panel meets", "Within 2 working days of the notification."),
)  # fmt: skip
LONG_ADDRESS = "designated.safeguarding.lead.children@tamesideandglossopicft.nhs.example.net"
LONG_LINK = (
    "https://sharepoint.example.org/sites/tscp/Shared%20Documents/Rapid%20Reviews/2026/"
    "TSCP-2026-0012/chronology-final-v3-with-health-visiting-entries.docx"
)


def _deadline(n: int, due: date) -> dict[str, Any]:
    title, explain = TITLES[n % len(TITLES)]
    return {"ref": f"TSCP-2026-{n:04d}", "name": "x", "title": title, "due": due,
            "explain": explain}  # fmt: skip


def busy_day() -> dict[str, Any]:
    """A day with much to do: many deadlines, long agency names, long subjects and addresses."""
    base = CONTEXTS["daily_digest"]
    today = date(2026, 11, 26)
    cal = build_calendar(range(2026, 2028))
    overdue = [
        {**_deadline(n, cal.add_working_days(today, -n)), "days_overdue": n} for n in range(1, 9)
    ]
    upcoming = [_deadline(20 + n, cal.add_working_days(today, n // 3)) for n in range(14)]
    subject = (
        "RE: FW: [TSCP-2026-0012] Rapid Review information request (Appendix B): return by "
        "Tue 12 Jan 2027 - clarification needed about the chronology and the school's records"
    )
    return {
        **base,
        "today": today,
        "overdue": overdue,
        "upcoming": upcoming,
        "new_on_cases": [
            {
                **base["new_on_cases"][0],
                "ref": f"TSCP-2026-{n:04d}",
                "agency": AGENCIES[n % 5],
                "who": f"Robin Invented <{LONG_ADDRESS}>",
                "lines": ["The chronology is now on the shared site:", LONG_LINK],
            }
            for n in range(3)
        ],
        "returns": [
            {
                "ref": f"TSCP-2026-{n:04d}",
                "agency": AGENCIES[n % 5],
                "due": cal.add_working_days(today, n - 3),
                "state": "overdue" if n < 3 else "requested",
            }
            for n in range(10)
        ],
        "actions": [
            {
                **base["actions"][0],
                "ref": f"TSCP-2026-{n:04d}",
                "owner": AGENCIES[n % 5],
                "text": "Audit the referral pathway between health visiting and early help, and "
                "report the findings to the Partnership's Practice Review Group",
            }
            for n in range(4)
        ],
        "triage": [
            {
                **base["triage"][0],
                "id": 30 + n,
                "subject": subject,
                "sender": LONG_ADDRESS,
                "agency": AGENCIES[n % 5],
            }
            for n in range(5)
        ],
        "awaiting_approval": [
            {
                **base["awaiting_approval"][0],
                "subject": subject,
                "recipients": [LONG_ADDRESS, "panel.notifications@education.gov.example.net"],
            }
        ],
        "flags": [
            *base["flags"],
            {
                "ref": "TSCP-2026-0012",
                "what": "form gaps",
                "detail": "missing: name of referrer, whether abuse or neglect is known or "
                "suspected; doubtful: date of birth",
            },
        ],
        "health": {
            **base["health"],
            "mailbox_error": f"IMAP imap.example.org:993: authentication failed for {LONG_ADDRESS}",
        },
    }


def page(digest_html: str, width: int, height: int = 900) -> str:
    """An outer page holding the digest in an iframe `width` px wide, measuring it on load."""
    script = f"""
window.addEventListener("load", () => {{
  const frame = document.getElementById("digest");
  const doc = frame.contentDocument, win = frame.contentWindow;
  const cells = [...doc.querySelectorAll("table.cards td")].filter(td => td.offsetWidth > 0);
  const result = {{
    viewport: win.innerWidth,
    pageWidth: doc.documentElement.scrollWidth,
    widest: Math.max(...[...doc.body.querySelectorAll("*")]
      .map(e => e.getBoundingClientRect().right)),
    headersShown: [...doc.querySelectorAll("table.cards tr.head")]
      .filter(r => r.offsetHeight > 0).length,
    narrowestCell: Math.min(...cells.map(td => td.offsetWidth)),
    height: doc.documentElement.scrollHeight,
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
        f'<iframe id="digest" style="border: 0; width: {width}px; height: {height}px; '
        f'background: #ffffff; display: block;" srcdoc="{html.escape(digest_html)}"></iframe>'
        f"<script>{script}</script></body></html>"
    )


def _chromium(profile: Path, width: int, height: int, *args: str) -> list[str]:
    # A profile of its own: helpers and CI jobs may run Chromium at the same time.
    return [
        str(CHROMIUM), "--headless", "--disable-gpu", "--no-sandbox", "--hide-scrollbars",
        f"--user-data-dir={profile}", f"--window-size={width},{height}", *args,
    ]  # fmt: skip


def measure(digest_html: str, width: int, workdir: Path) -> dict[str, float]:
    """The digest's width and layout as Chromium lays it out at `width` px."""
    source = workdir / f"digest-{width}.html"
    source.write_text(page(digest_html, width), encoding="utf-8")
    done = subprocess.run(
        _chromium(workdir / "profile", max(width, 500) + 20, 1000,
                  "--virtual-time-budget=5000", "--dump-dom", source.as_uri()),
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    start = done.stdout.index(f'id="{MARK}">') + len(f'id="{MARK}">')
    found: dict[str, float] = json.loads(html.unescape(done.stdout[start:].split("</pre>")[0]))
    return found


def screenshot(digest_html: str, width: int, height: int, target: Path, workdir: Path) -> None:
    """A PNG of the top `height` px of the digest at `width` px (framed in grey when narrower
    than 500 px, the narrowest window headless Chromium makes)."""
    source = workdir / f"shot-{width}.html"
    source.write_text(page(digest_html, width, height), encoding="utf-8")
    subprocess.run(
        _chromium(workdir / "profile", max(width, 500), height,
                  "--virtual-time-budget=5000", f"--screenshot={target}", source.as_uri()),
        capture_output=True, timeout=120, check=True,
    )  # fmt: skip


def render_busy_day() -> str:
    return TemplateRenderer(TEMPLATES).render("daily_digest", busy_day()).html


if __name__ == "__main__":
    import tempfile

    out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/images")
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for w, h in ((390, 2000), (1280, 1200)):
            screenshot(render_busy_day(), w, h, out / f"digest-{w}px.png", Path(tmp))
            print(out / f"digest-{w}px.png", os.path.getsize(out / f"digest-{w}px.png"))

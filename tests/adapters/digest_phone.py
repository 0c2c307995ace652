"""The daily digest in a real browser: a realistic busy day, laid out by Debian's Chromium
(tests/fixtures/chromium).

`python -m tests.adapters.digest_phone docs/images` writes the README's screenshots.
"""

from __future__ import annotations

import os
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bot.adapters.bank_holidays import working_calendar
from bot.adapters.templates import TemplateRenderer
from tests.adapters.test_templates import CONTEXTS, TEMPLATES
from tests.fixtures.chromium import screenshot

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
    # One late Rapid Review whose delay the National Panel was told of: its extra line fits too.
    told = (due, due + timedelta(days=28)) if n == 2 else None
    return {"ref": f"TSCP-2026-{n:04d}", "name": "x", "title": title, "due": due,
            "explain": explain, "delay_told": told, "delay_passed": False,
            "while_closed": None,
            "closed_by": None}  # fmt: skip


def busy_day() -> dict[str, Any]:
    """A day with much to do: many deadlines, long agency names, long subjects and addresses."""
    base = CONTEXTS["daily_digest"]
    today = date(2026, 11, 26)
    cal = working_calendar(range(2026, 2028))
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
                "key": f"agency{n % 5}",
                "who": f"Robin Invented <{LONG_ADDRESS}>",
                "lines": ["The chronology is now on the shared site:", LONG_LINK],
            }
            for n in range(3)
        ],
        "returns": [
            {
                "ref": f"TSCP-2026-{n:04d}",
                "agency": AGENCIES[n % 5],
                "key": f"agency{n % 5}",
                "due": cal.add_working_days(today, n - 3),
                "state": "overdue" if n < 3 else "requested",
                "away": today if n == 1 else None,
                "replied": today if n == 2 else None,
            }
            for n in range(10)
        ],
        "panels": [
            *base["panels"],
            {  # a panel whose time passed undecided: its votes, who has not voted
                **base["panels"][0],
                "ref": "TSCP-2026-0009",
                "start": base["panels"][0]["start"] - timedelta(days=2),
                "held": True,
                "votes": [
                    {"partner": "Local authority", "vote": "not voted yet"},
                    {"partner": "Police", "vote": "No further action"},
                    {
                        "partner": "Health",
                        "vote": "Local learning review (audit, learning or assurance activity)",
                    },
                ],
                "standing": "no majority yet; waiting for Local authority",
            },
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
                "key": f"agency{n % 5}",
            }
            for n in range(5)
        ],
        "quarantine": [
            {**base["quarantine"][0], "id": 40, "subject": subject, "sender": LONG_ADDRESS},
            {
                **base["quarantine"][0],
                "id": 41,
                "subject": "(headers unreadable)",
                "sender": "(headers unreadable)",
            },
        ],
        "quarantine_total": 2,
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

"""Mail only labelled automatic that names no case reaches a person: a post through a list, a
records system's email, a subject a person typed. A real out-of-office answering our mail
stays quiet (delivery reports: tests/test_end_to_end_bounces.py).

Every email goes in through the Maildir inbox and the real ingest path (run_once).
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from bot.adapters.db.models import StoredMessage
from bot.services.daily_digest import send_digest_if_due
from tests.fixtures.app import AppFactory
from tests.services.test_lifecycle import LA, Bot, body_of

LIST_POST = {
    "List-Id": "Tameside DSL network <dsl-network.lists.tameside.gov.uk>",
    "Precedence": "list",
}
RECORDS_SYSTEM = {
    "Auto-Submitted": "auto-generated",
    "Reply-To": "sam.worker@tameside.gov.uk",
}


def _triage(bot: Bot) -> dict[str, str]:
    """Subject -> triage reason of every message waiting for a person."""
    with bot.app.sessions() as s:
        rows = s.scalars(
            select(StoredMessage)
            .where(StoredMessage.needs_triage.is_(True))
            .order_by(StoredMessage.id)
        )
        return {r.subject or "": r.triage_reason or "" for r in rows}


def _in_inbox(bot: Bot) -> int:
    new = bot.tmp_path / "inbox" / "new"
    cur = bot.tmp_path / "inbox" / "cur"
    return sum(1 for d in (new, cur) if d.is_dir() for _ in d.iterdir())


def test_mail_labelled_automatic_on_no_case_is_put_before_a_person_an_out_of_office_is_not(
    make_app: AppFactory, tmp_path: Path
) -> None:
    bot = Bot(make_app, tmp_path, "2026-12-16T09:00")
    bot.mail(
        "pat.teacher@invented-primary.tameside.sch.uk",
        "Concern about a Year 5 pupil",
        "A pupil disclosed she is being hit at home. What do I do next?",
        headers=LIST_POST,
    )
    bot.mail(
        "records.noreply@tameside.gov.uk",
        "Case note added",
        "Children taken from the refuge, whereabouts unknown.",
        headers=RECORDS_SYSTEM,
    )
    bot.mail(
        LA,
        "Out of office cover over Christmas for screening",
        "While I am away 24 Dec to 2 Jan, Robin Deputy will vote for the local authority.",
    )
    # A real out-of-office, answering mail sent from the mailbox: no one wrote news in it now.
    bot.mail(
        "jo.away@invented-primary.tameside.sch.uk",
        "Automatic reply: Training dates",
        "I am out of the office until 4 January.",
        headers={"Auto-Submitted": "auto-replied", "In-Reply-To": "<tscp-bot.1@tameside.gov.uk>"},
    )
    bot.run()
    waiting = _triage(bot)
    assert set(waiting) == {
        "Concern about a Year 5 pupil",
        "Case note added",
        "Out of office cover over Christmas for screening",
    }
    assert "Precedence: list" in waiting["Concern about a Year 5 pupil"]
    assert "Auto-Submitted: auto-generated" in waiting["Case note added"]
    assert "names no case" in waiting["Out of office cover over Christmas for screening"]
    assert _in_inbox(bot) == 3  # where the Business Manager works, until triage done
    bot.at("2026-12-17T08:05")
    assert send_digest_if_due(bot.app)
    digest = body_of(bot.outbox("daily_digest")[-1]).replace("\r\n", "\n")
    section = digest.split("MESSAGES TO TRIAGE", 1)[1].split("QUARANTINED MESSAGES", 1)[0]
    assert "Subject: Concern about a Year 5 pupil" in section
    assert "Subject: Case note added" in section

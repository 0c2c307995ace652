"""`Status` by email through the real ingest path (Maildir in, outbox out), on SQLite and
PostgreSQL: who gets the case view, what it says, and what it never says."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from bot.adapters.db.models import StoredMessage
from tests.fixtures.app import AppFactory
from tests.fixtures.forms_docx import SIN_INCIDENT, SIN_REFERRER, sin_docx
from tests.fixtures.mail import FIXED_BOUNDARY, drop_into_maildir
from tests.fixtures.mail import email as make_email
from tests.fixtures.scenarios import Scenarios
from tests.services.conftest import copied
from tests.services.test_lifecycle import BM, LA, POLICE, SCRUTINEER, Bot, body_of, delivered, reply

REF = "TSCP-2026-0001"
CHILD = (
    ("Name", "Quinn Zed Invented"),
    ("Date of birth", "03/04/2020"),
    ("Sex", "Female"),
    ("Address", "27 Lindenbrook Close, Dukinfield SK16 9ZZ"),
    ("Legal status", "Child in need"),
)
IDENTIFYING = (
    "Quinn",
    "Invented",
    "03/04/2020",
    "2020-04-03",
    "3 April 2020",
    "Lindenbrook",
    "SK16 9ZZ",
    "Robin Example",
    "Morgan Sample",
)


def build_named(make_app: AppFactory, tmp_path: Path) -> Bot:
    """A case opened from a SIN form naming an invented child, on Wed 16 Dec 2026."""
    bot = Bot(make_app, tmp_path, "2026-12-16T09:00")
    raw = make_email(
        "GM SIN form attached",
        "Please find the notification form attached.",
        sender="casey.invented@gmp.police.uk",
        message_id="<sin@test>",
        attachment=(
            "SIN form.docx",
            sin_docx(child=CHILD, incident=SIN_INCIDENT, referrer=SIN_REFERRER),
        ),
        boundary=FIXED_BOUNDARY,
    )
    drop_into_maildir(bot.tmp_path / "inbox", raw)
    bot.run()
    assert bot.case().initials
    return bot


@pytest.fixture
def named(
    make_app: AppFactory, tmp_path: Path, migrated_database_url: str, scenarios: Scenarios
) -> Bot:
    """build_named, replayed once per backend and process, and copied
    (tests/fixtures/scenarios.py)."""
    return copied("status_named", build_named, make_app, tmp_path, migrated_database_url, scenarios)


def views(bot: Bot) -> list[tuple[list[str], str, str]]:
    return [(r.recipients, r.subject, body_of(r)) for r in bot.outbox("case_status")]


def test_a_partner_asks_on_the_thread_and_gets_the_view_with_initials_only(named: Bot) -> None:
    named.at("2026-12-17T10:00").mail(POLICE, reply(REF), "Vote: rapid review")
    named.mail(LA, reply(REF), "Vote: rapid review")
    named.run()
    stage, clocks = named.case().stage, {d.name: d.due for d in named.case().deadlines}
    named.at("2026-12-18T10:00").mail(POLICE, reply(REF), "Status\n\nThanks,\nCasey")
    named.run()

    [(to, subject, text)] = views(named)
    assert to == [POLICE]
    case = named.case()
    assert subject == f"[{REF}] Case view ({case.initials}): rapid review"
    flat = " ".join(text.split())
    assert "Record: serious incident notification Stage: rapid review (open)" in flat
    assert "Screening Panel decision: Rapid Review" in flat
    assert "Police: Rapid Review" in flat and "Local authority: Rapid Review" in flat
    # Every deadline with how it was counted: the rule, the start, the holidays skipped.
    for d in case.deadlines:
        assert " ".join(d.explanation.split()) in flat
    assert "working days after" in flat
    for word in IDENTIFYING:
        assert word.lower() not in text.lower(), word
    # Read-only: no stage moved, no clock started or moved; recorded in the chronology.
    assert case.stage == stage and {d.name: d.due for d in case.deadlines} == clocks
    assert any(e.what == "command" and e.detail.startswith("Status ->") for e in case.events)
    # The view is the answer: no separate confirmation, no "case reply" alert to the BM.
    assert [r for r in named.outbox("command_result") if r.created_at.day == 18] == []
    assert named.outbox("case_reply_alert") == []


def test_a_new_email_with_status_and_the_reference_in_its_subject(bot: Bot) -> None:
    bot.at("2026-12-16T11:00").mail(LA, f"Status {REF}", "")
    bot.run()
    [(to, subject, text)] = views(bot)
    assert to == [LA] and subject.startswith(f"[{REF}] Case view")
    flat = " ".join(text.split())
    assert "Stage: screening (open)" in flat
    assert all(" ".join(d.explanation.split()) in flat for d in bot.case().deadlines)


def test_an_unknown_reference_gets_no_view_and_waits_for_a_person(bot: Bot) -> None:
    bot.at("2026-12-16T11:00").mail(POLICE, "Status TSCP-2026-0099", "")
    bot.run()
    assert views(bot) == []
    with bot.app.sessions() as s:
        row = s.scalars(select(StoredMessage).order_by(StoredMessage.id.desc())).first()
        assert row is not None and row.needs_triage
        assert "TSCP-2026-0099, which is not a known case" in (row.triage_reason or "")


def test_a_closed_case_still_answers_status(bot: Bot) -> None:
    bot.at("2026-12-16T11:00").mail(
        BM, reply(REF), "Notifiable: no because a duplicate\nClose: duplicate of an earlier SIN"
    )
    bot.run()
    bot.at("2026-12-16T12:00").mail(HEALTH_DSP, reply(REF), "status please")
    bot.run()
    [(to, subject, text)] = views(bot)
    assert to == [HEALTH_DSP] and subject.endswith(": closed")
    assert "Stage: closed (closed)" in text
    assert bot.case().stage == "closed"


HEALTH_DSP = "dsp.tameside@nhs.net"


def test_status_with_other_commands_shows_what_they_changed(bot: Bot) -> None:
    bot.at("2026-12-16T11:00").mail(BM, reply(REF), "Status\nNotifiable: yes")
    bot.run()
    [(_, _, text)] = views(bot)
    assert "Notifiable to the National Panel: yes" in text
    [result] = bot.outbox("command_result")  # the other line is confirmed as usual
    assert "Notifiable: yes" in body_of(result)


def test_a_redelivered_request_is_answered_once(bot: Bot) -> None:
    raw = delivered(
        make_email(reply(REF), "Status", sender=POLICE, message_id="<status-once@test>"), POLICE
    )
    drop_into_maildir(bot.tmp_path / "inbox", raw)
    bot.at("2026-12-16T11:00").run()
    drop_into_maildir(bot.tmp_path / "inbox", raw)
    bot.at("2026-12-16T11:10").run()
    assert len(views(bot)) == 1


def test_the_scrutineer_is_told_it_is_not_theirs_and_the_bm_is_told(bot: Bot) -> None:
    bot.at("2026-12-16T11:00").mail(SCRUTINEER, reply(REF), "Status")
    bot.run()
    assert views(bot) == []
    [told] = bot.outbox("command_result")
    assert told.recipients == [SCRUTINEER]
    assert (
        "the Independent Scrutineer may not give `Status`: only the Business Manager and the "
        "statutory partners' representatives (local authority, police, health) may"
    ) in " ".join(body_of(told).split())
    [rejected] = bot.outbox("command_rejected")
    assert rejected.recipients == [BM]


@pytest.mark.parametrize(
    ("sender", "auth"),
    [
        ("mailbox.nationalreviewpanel@education.gov.uk", True),  # an outside body
        ("someone@example.net", True),  # nobody the configuration knows
        (POLICE, False),  # the police representative's address, not authenticated
    ],
)
def test_outside_or_unauthorised_senders_get_no_view_and_the_bm_is_told(
    bot: Bot, sender: str, auth: bool
) -> None:
    bot.at("2026-12-16T11:00").mail(sender, reply(REF), "Status", auth=auth)
    bot.run()
    assert views(bot) == []
    [rejected] = bot.outbox("command_rejected")
    assert rejected.recipients == [BM] and sender in body_of(rejected)
    [note] = bot.outbox("command_refused_to_sender")
    assert note.recipients == [sender] and REF not in body_of(note)


def test_a_deadline_missed_on_friday_is_a_day_late_when_asked_at_the_weekend(bot: Bot) -> None:
    # The Screening Panel was due Fri 18 Dec. No working day has passed by Saturday, but the
    # deadline has: "OVERDUE by 0 working days" read as if it were on time.
    bot.at("2026-12-19T10:00").mail(BM, reply(REF), "Status")
    bot.run()
    [view] = bot.outbox("case_status")
    assert "OVERDUE by 1 working day (was due Fri 18 Dec 2026)" in body_of(view)
    assert "OVERDUE by 0" not in body_of(view)

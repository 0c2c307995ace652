"""Who is an agency, on the real ingest path: schools matched by pattern, probation's return,
organisations nobody configured, and subjects typed with en dashes and curly quotes.

The mail is the invented corpus in tests/corpus, delivered through the Maildir inbox.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from bot.adapters.db.models import (
    AgencyRequest,
    Case,
    ChronologyEntry,
    OutboxMessage,
    StoredMessage,
)
from bot.services.passes import run_once
from tests.fixtures.app import LONDON, AppFactory
from tests.fixtures.mail import drop_into_maildir
from tests.fixtures.mail import email as make_email
from tests.services.test_lifecycle import (
    BM,
    SCRUTINEER,
    Bot,
    body_of,
    decide_rapid_review,
    reply,
)

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


def deliver(bot: Bot, name: str, arrived: str | None = None) -> None:
    raw = (CORPUS / name).read_bytes()
    if arrived is None:
        drop_into_maildir(bot.tmp_path / "inbox", raw)
    else:
        when = datetime.fromisoformat(arrived).replace(tzinfo=LONDON)
        drop_into_maildir(bot.tmp_path / "inbox", raw, arrived=when)


def stored(bot: Bot, sender: str) -> StoredMessage:
    with bot.app.sessions() as s:
        row = s.scalars(select(StoredMessage).where(StoredMessage.from_addr == sender)).one()
        _ = row.case
        return row


def test_a_headteacher_challenging_on_a_case_thread_is_a_relevant_agency_escalation(
    bot: Bot,
) -> None:
    bot.at("2026-12-17T16:10")
    deliver(bot, "escalation-headteacher-outside-tameside-school.eml")
    bot.run()
    row = stored(bot, "head@brookfold-primary.oldham.sch.uk")
    assert row.kind == "escalation" and not row.needs_triage
    [alert] = bot.outbox("escalation_alert")
    assert sorted(alert.recipients) == sorted([BM, SCRUTINEER])
    body = body_of(alert)
    assert "From:        Schools outside Tameside (brookfold-primary.oldham.sch.uk)" in body
    assert "Case:        TSCP-2026-0001" in body


def test_a_challenge_from_an_organisation_not_configured_is_triaged_with_the_reason(
    bot: Bot,
) -> None:
    bot.at("2026-12-17T16:45")
    deliver(bot, "case-reply-challenge-from-unconfigured-academy.eml")
    bot.run()
    row = stored(bot, "r.okonjo@highfold-academy.example")
    reason = (
        "from an organisation not in the configuration: highfold-academy.example; "
        "add it to [[agencies]]"
    )
    assert row.case is not None and row.case.ref == "TSCP-2026-0001"  # kept with its case
    assert row.needs_triage and row.triage_reason == reason
    bot.at("2026-12-18T08:30").run()
    [digest] = [r for r in bot.outbox("daily_digest") if "18 Dec" in r.subject]
    assert f"Reason:  {reason}" in body_of(digest)
    # Issue 13: each message to triage says who sent it.
    assert "from r.okonjo@highfold-academy.example" in body_of(digest)


def test_a_reply_on_a_case_from_a_configured_agency_is_not_triaged(bot: Bot) -> None:
    bot.at("2026-12-17T10:00").mail(
        "dsl@willowmere.tameside.sch.uk", reply("TSCP-2026-0001"), "Thank you, noted."
    )
    bot.run()
    row = stored(bot, "dsl@willowmere.tameside.sch.uk")
    assert row.kind == "case_reply" and not row.needs_triage


def test_probation_return_from_justice_gov_uk_is_recorded_against_its_request(
    bot: Bot,
) -> None:
    decide_rapid_review(bot, "2026-12-17T09:00")
    bot.at("2026-12-17T09:30").mail(
        BM, reply("TSCP-2026-0001"), "Agencies: probation\nReturn by: 24/12/2026"
    )
    bot.run()
    [request] = bot.outbox("appendix_b_request")
    assert request.recipients == ["tameside.probation.safeguarding@justice.gov.uk"]
    # Returned by another officer than the contact the request went to.
    deliver(bot, "appendix-b-probation-return-justice-gov-uk.eml", "2026-12-21T14:20")
    bot.at("2026-12-21T14:30").run()
    row = stored(bot, "lena.marchetti@justice.gov.uk")
    assert row.kind == "appendix_b" and not row.needs_triage
    arrived = datetime(2026, 12, 21, 14, 20, tzinfo=LONDON)
    with bot.app.sessions() as s:
        returned = s.scalars(select(AgencyRequest)).one()
        assert (returned.agency_key, returned.received_at) == ("probation", arrived)
        entries = s.scalars(select(ChronologyEntry).order_by(ChronologyEntry.on)).all()
        assert [(e.agency_key, e.event) for e in entries] == [
            ("probation", "Licence start"),
            ("probation", "Address check"),
        ]
    [met] = [d.met_at for d in bot.case().deadlines if d.name == "appendix_b:probation"]
    assert met == arrived
    details = [e.detail for e in bot.case().events]
    assert "Appendix B from probation: 9 fields, 2 chronology rows" in details


def test_a_sin_subject_typed_with_en_dashes_and_curly_quotes_opens_a_case(
    make_app: AppFactory, tmp_path: Path
) -> None:
    app, _ = make_app(now="2026-12-16T08:15")
    raw = (CORPUS / "sin-subject-en-dash-curly-quotes-nbsp.eml").read_bytes()
    drop_into_maildir(tmp_path / "inbox", raw)
    run_once(app)
    with app.sessions() as s:
        assert [c.ref for c in s.scalars(select(Case))] == ["TSCP-2026-0001"]
        [ack] = s.scalars(
            select(OutboxMessage).where(OutboxMessage.event == "sin_acknowledgement")
        ).all()
        assert ack.recipients == ["dana.whitlow@gmp.police.uk"]


def test_a_case_reference_typed_with_en_dashes_files_on_the_case_not_a_new_one(
    bot: Bot,
) -> None:
    raw = make_email(
        "RE: [TSCP\u20132026\u20130001] Revised SIN form",
        "A corrected SIN: the date of admission was 14 December, not 13.",
        sender="priya.castellan@nhs.net",
        message_id="<revised@nhs.net>",
    )
    drop_into_maildir(bot.tmp_path / "inbox", raw)
    bot.at("2026-12-16T11:30").run()
    with bot.app.sessions() as s:
        assert [c.ref for c in s.scalars(select(Case))] == ["TSCP-2026-0001"]
    row = stored(bot, "priya.castellan@nhs.net")
    assert row.case is not None and row.case.ref == "TSCP-2026-0001"
    assert len(bot.outbox("sin_acknowledgement")) == 1

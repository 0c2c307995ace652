"""Ingest end to end on the embedded Maildir backend, on SQLite and PostgreSQL."""

from __future__ import annotations

import contextlib
import email
from pathlib import Path

from sqlalchemy import func, select

from bot.adapters.db.models import Case, Meeting, OutboxMessage, StoredMessage
from bot.adapters.maildir_source import MaildirSource
from bot.core.message import MailMessage
from bot.services.ingest import ingest_pass
from tests.fixtures.app import LONDON, AppFactory
from tests.fixtures.mail import drop_into_maildir, sin
from tests.fixtures.mail import email as make_email


def _source(tmp_path: Path) -> MaildirSource:
    return MaildirSource(tmp_path / "inbox")


def _count(app, model) -> int:  # type: ignore[no-untyped-def]
    with app.sessions() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_sin_opens_case_acknowledges_and_invites(make_app: AppFactory, tmp_path: Path) -> None:
    app, _ = make_app(now="2026-12-23T09:00")
    drop_into_maildir(tmp_path / "inbox", sin())
    report = ingest_pass(app, _source(tmp_path))
    assert (report.stored, report.processed, report.released) == (1, 1, 1)
    with app.sessions() as s:
        case = s.scalars(select(Case)).one()
        assert case.ref == "TSCP-2026-0001"
        due = {d.name: d.due.isoformat() for d in case.deadlines}
        # 23 Dec 2026 + 2 working days skips Christmas Day and the Boxing Day substitute.
        assert due["screening_meeting"] == "2026-12-29"
        out = s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    events = sorted(o.event for o in out)
    assert events == ["screening_invitation", "sin_acknowledgement"]
    ack = next(o for o in out if o.event == "sin_acknowledgement")
    assert ack.recipients == ["casey.invented@gmp.police.uk"]
    assert "TSCP-2026-0001" in ack.subject
    invite = next(o for o in out if o.event == "screening_invitation")
    assert sorted(invite.recipients) == sorted(
        [
            "dsp.children@tameside.gov.uk",
            "dsp.tameside@gmp.police.uk",
            "dsp.tameside@nhs.net",
            "tscp.business.manager@tameside.gov.uk",
        ]
    )
    parsed = email.message_from_bytes(invite.raw)
    calendars = [p for p in parsed.walk() if p.get_content_type() == "text/calendar"]
    assert calendars and b"METHOD:REQUEST" in calendars[0].get_payload(decode=True)
    # Earliest slot with two hours' notice: 14:00 the same day (23 Dec), inside the deadline.
    assert b"20261223T140000" in calendars[0].get_payload(decode=True)


def test_second_sin_gets_next_reference(make_app: AppFactory, tmp_path: Path) -> None:
    app, _ = make_app()
    drop_into_maildir(tmp_path / "inbox", sin("<a@x>"), sin("<b@x>", sender="p@nhs.net"))
    ingest_pass(app, _source(tmp_path))
    with app.sessions() as s:
        assert sorted(s.scalars(select(Case.ref))) == ["TSCP-2026-0001", "TSCP-2026-0002"]
        starts = sorted(m.start for m in s.scalars(select(Meeting)))
    # One panel meeting per case: the second SIN gets the next free slot, not the same one.
    assert [t.astimezone(LONDON).strftime("%d %H:%M") for t in starts] == ["23 14:00", "24 10:00"]


def test_duplicate_delivery_opens_no_second_case(make_app: AppFactory, tmp_path: Path) -> None:
    app, _ = make_app()
    raw = sin()
    drop_into_maildir(tmp_path / "inbox", raw, raw)
    report = ingest_pass(app, _source(tmp_path))
    assert (report.stored, report.duplicates, report.released) == (1, 1, 2)
    assert _count(app, Case) == 1
    assert _count(app, OutboxMessage) == 2  # one acknowledgement, one invitation


def test_reused_message_id_with_other_content_is_kept_and_flagged(
    make_app: AppFactory, tmp_path: Path
) -> None:
    app, _ = make_app()
    drop_into_maildir(tmp_path / "inbox", sin("<same@x>"))
    ingest_pass(app, _source(tmp_path))
    drop_into_maildir(tmp_path / "inbox", sin("<same@x>", date="2026-12-23T08:40"))
    ingest_pass(app, _source(tmp_path))
    assert _count(app, Case) == 1
    with app.sessions() as s:
        second = s.scalars(select(StoredMessage).order_by(StoredMessage.id.desc())).first()
        assert second is not None
        assert "message_id_reused" in second.flags and second.needs_triage


def test_missing_message_id_gets_one_from_the_hash(make_app: AppFactory, tmp_path: Path) -> None:
    app, _ = make_app()
    drop_into_maildir(tmp_path / "inbox", sin(message_id=None))
    ingest_pass(app, _source(tmp_path))
    with app.sessions() as s:
        row = s.scalars(select(StoredMessage)).one()
        assert row.message_id.startswith("sha256-") and row.message_id.endswith(".invalid")
    assert _count(app, Case) == 1


def test_unclassified_goes_to_triage_and_is_not_answered(
    make_app: AppFactory, tmp_path: Path
) -> None:
    app, _ = make_app()
    drop_into_maildir(tmp_path / "inbox", make_email("Lunch order", "Sandwiches for Friday?"))
    ingest_pass(app, _source(tmp_path))
    with app.sessions() as s:
        row = s.scalars(select(StoredMessage)).one()
        assert row.kind == "unclassified" and row.needs_triage
    assert _count(app, OutboxMessage) == 0


def test_auto_reply_quoting_case_is_filed_never_answered(
    make_app: AppFactory, tmp_path: Path
) -> None:
    app, _ = make_app()
    drop_into_maildir(tmp_path / "inbox", sin())
    ingest_pass(app, _source(tmp_path))
    ooo = make_email(
        "Automatic reply: [TSCP-2026-0001] Screening Panel",
        "Away until January",
        sender="dsp.tameside@nhs.net",
        message_id="<ooo@nhs.net>",
        headers={"Auto-Submitted": "auto-replied"},
    )
    drop_into_maildir(tmp_path / "inbox", ooo)
    ingest_pass(app, _source(tmp_path))
    with app.sessions() as s:
        row = s.scalars(
            select(StoredMessage).where(StoredMessage.message_id == "ooo@nhs.net")
        ).one()
        assert row.kind == "auto_reply" and row.case is not None and not row.needs_triage
    assert _count(app, OutboxMessage) == 2  # still only the first case's two emails


def test_our_own_mail_coming_back_is_not_answered(make_app: AppFactory, tmp_path: Path) -> None:
    app, _ = make_app()
    drop_into_maildir(tmp_path / "inbox", sin())
    ingest_pass(app, _source(tmp_path))
    with app.sessions() as s:
        ack = s.scalars(
            select(OutboxMessage).where(OutboxMessage.event == "sin_acknowledgement")
        ).one()
        raw = ack.raw
    drop_into_maildir(tmp_path / "inbox", raw)
    ingest_pass(app, _source(tmp_path))
    with app.sessions() as s:
        looped = s.scalars(select(StoredMessage).order_by(StoredMessage.id.desc())).first()
        assert looped is not None and looped.kind == "auto_reply"
    assert _count(app, OutboxMessage) == 2 and _count(app, Case) == 1


def test_reply_threads_to_case_by_in_reply_to(make_app: AppFactory, tmp_path: Path) -> None:
    app, _ = make_app()
    drop_into_maildir(tmp_path / "inbox", sin())
    ingest_pass(app, _source(tmp_path))
    with app.sessions() as s:
        invite = s.scalars(
            select(OutboxMessage).where(OutboxMessage.event == "screening_invitation")
        ).one()
        invite_id = invite.message_id
    reply = make_email(
        "Re: your email",
        "I can attend.",
        sender="dsp.tameside@gmp.police.uk",
        message_id="<reply@gmp.police.uk>",
        headers={"In-Reply-To": f"<{invite_id}>"},
    )
    drop_into_maildir(tmp_path / "inbox", reply)
    ingest_pass(app, _source(tmp_path))
    with app.sessions() as s:
        row = s.scalars(
            select(StoredMessage).where(StoredMessage.message_id == "reply@gmp.police.uk")
        ).one()
        assert (
            row.kind == "case_reply" and row.case is not None and row.case.ref == "TSCP-2026-0001"
        )


def test_parser_crash_is_quarantined_after_three_tries_and_the_rest_flows(
    make_app: AppFactory, tmp_path: Path
) -> None:
    app, _ = make_app()
    real_parse = app.parse

    def parse(raw: bytes) -> MailMessage:
        if b"POISON" in raw:
            raise RecursionError("parser blew up")
        return real_parse(raw)

    app.parse = parse
    poison = make_email("POISON", "POISON body", message_id="<poison@x>")
    drop_into_maildir(tmp_path / "inbox", poison, sin())
    first = ingest_pass(app, _source(tmp_path))
    assert first.failed == 1 and first.processed == 1 and first.released == 1
    assert _count(app, Case) == 1  # the SIN behind the poison message went through
    ingest_pass(app, _source(tmp_path))
    third = ingest_pass(app, _source(tmp_path))
    assert third.released == 1  # quarantined on the third try, then moved out of the inbox
    with app.sessions() as s:
        row = s.scalars(select(StoredMessage).where(StoredMessage.message_id == "poison@x")).one()
        assert row.status == "quarantined" and row.attempts == 3 and row.needs_triage
        assert "RecursionError" in (row.last_error or "")
    assert list((tmp_path / "inbox" / "new").iterdir()) == []


def test_crash_between_commit_and_move_gives_no_duplicate(
    make_app: AppFactory, tmp_path: Path
) -> None:
    """The move to Processed fails (as if the process died): the next pass must not redo work."""
    app, _ = make_app()
    drop_into_maildir(tmp_path / "inbox", sin())

    class DiesBeforeMove(MaildirSource):
        def mark_processed(self, key: str) -> None:
            raise SystemExit("killed")

    with contextlib.suppress(SystemExit):
        ingest_pass(app, DiesBeforeMove(tmp_path / "inbox"))
    assert _count(app, Case) == 1
    report = ingest_pass(app, _source(tmp_path))  # "after the restart"
    assert report.duplicates == 1 and report.released == 1
    assert _count(app, Case) == 1 and _count(app, OutboxMessage) == 2


def test_oversized_attachment_is_stored_flagged_not_read(
    make_app: AppFactory, tmp_path: Path
) -> None:
    app, _ = make_app(ingest={"max_attachment_bytes": 1000})
    big = sin(attachment=("scan.pdf", b"%PDF-1.4 " + b"x" * 5000))
    drop_into_maildir(tmp_path / "inbox", big)
    ingest_pass(app, _source(tmp_path))
    with app.sessions() as s:
        row = s.scalars(select(StoredMessage)).one()
        assert row.raw == big  # the evidential copy is whole
        assert row.needs_triage and "scan.pdf" in (row.triage_reason or "")
    assert _count(app, Case) == 1

"""Ingest end to end on the embedded Maildir backend, on SQLite and PostgreSQL."""

from __future__ import annotations

import contextlib
import email
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime
from email import policy
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.adapters.db.models import Case, Deadline, Meeting, OutboxMessage, StoredMessage
from bot.adapters.imap_source import ImapSource
from bot.adapters.mail_source import Batch, Cursor, Fingerprint, Found, MailSource, Moves
from bot.adapters.maildir_source import MaildirSource
from bot.app import App
from bot.core.message import MailMessage
from bot.services.daily_digest import send_digest_if_due
from bot.services.digest import digest_context
from bot.services.ingest import IngestReport, ingest_pass
from tests.fixtures.app import LONDON, AppFactory
from tests.fixtures.dovecot import DovecotServer
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


def _acknowledgement_of_a_sin(app: App, tmp_path: Path) -> bytes:
    """A SIN read, and the acknowledgement the bot sent for it, as it would come back."""
    drop_into_maildir(tmp_path / "inbox", sin())
    ingest_pass(app, _source(tmp_path))
    with app.sessions() as s:
        return (
            s.scalars(select(OutboxMessage).where(OutboxMessage.event == "sin_acknowledgement"))
            .one()
            .raw
        )


def test_our_own_mail_coming_back_is_not_answered(make_app: AppFactory, tmp_path: Path) -> None:
    app, _ = make_app()
    drop_into_maildir(tmp_path / "inbox", _acknowledgement_of_a_sin(app, tmp_path))
    ingest_pass(app, _source(tmp_path))
    with app.sessions() as s:
        looped = s.scalars(select(StoredMessage).order_by(StoredMessage.id.desc())).first()
        assert looped is not None and looped.kind == "auto_reply"
    assert _count(app, OutboxMessage) == 2 and _count(app, Case) == 1


def test_a_sin_the_business_manager_forwards_from_the_shared_mailbox_opens_a_case(
    make_app: AppFactory, tmp_path: Path
) -> None:
    """From the partnership's own address but written by a person (no bot header, a
    Message-ID the outbox never gave): read like any SIN, never answered to the mailbox."""
    app, _ = make_app()
    forwarded = sin("<bm-fwd-1@tameside.gov.uk>", sender="TSCP@Tameside.gov.uk")
    drop_into_maildir(tmp_path / "inbox", forwarded)
    ingest_pass(app, _source(tmp_path))
    with app.sessions() as s:
        row = s.scalars(select(StoredMessage)).one()
        assert row.kind == "sin" and row.case is not None
        assert row.needs_triage and "sent from the partnership's own mailbox" in (
            row.triage_reason or ""
        )
        acks = s.scalars(select(OutboxMessage).where(OutboxMessage.event == "sin_acknowledgement"))
        assert list(acks) == []
    assert _count(app, Case) == 1


def test_our_own_mail_back_without_our_header_is_still_ours_by_its_message_id(
    make_app: AppFactory, tmp_path: Path
) -> None:
    app, _ = make_app()
    raw = _acknowledgement_of_a_sin(app, tmp_path)
    stripped = email.message_from_bytes(raw, policy=policy.default)
    del stripped["X-TSCP-Bot"]  # a gateway dropped it
    drop_into_maildir(tmp_path / "inbox", stripped.as_bytes())
    ingest_pass(app, _source(tmp_path))
    with app.sessions() as s:
        looped = s.scalars(select(StoredMessage).order_by(StoredMessage.id.desc())).first()
        assert looped is not None and looped.kind == "auto_reply" and not looped.needs_triage
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
    # Quarantined on the third try: it stays in the inbox, where the Business Manager works.
    assert (third.released, third.waiting_for_a_person) == (0, 1)
    with app.sessions() as s:
        row = s.scalars(select(StoredMessage).where(StoredMessage.message_id == "poison@x")).one()
        assert row.status == "quarantined" and row.attempts == 3 and row.needs_triage
        assert "RecursionError" in (row.last_error or "")
    assert len(list((tmp_path / "inbox" / "new").iterdir())) == 1
    # Seen again on the next pass, but neither retried nor counted as another delivery.
    fourth = ingest_pass(app, _source(tmp_path))
    assert (fourth.processed, fourth.failed, fourth.duplicates) == (0, 0, 0)


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
    # The same copy seen again is not a second delivery; it is simply moved now.
    assert report.duplicates == 0 and report.released == 1
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


# -- received means arrived ---------------------------------------------------------------------
# A SIN and a complaint that reached the mailbox on Friday 27 November 2026 at 16:00 are read on
# Monday 30 November at 09:00: every clock counts from Friday, and the referrer is told Friday.

FRIDAY_4PM = datetime(2026, 11, 27, 16, 0, tzinfo=UTC)  # London is on GMT in November
MONDAY_9AM = "2026-11-30T09:00"
# A SIN form without the local authority's awareness date: panel_notification falls back to
# the receipt date, which must also be Friday's.
SIN_WITHOUT_AWARENESS = make_email(
    "Serious Incident Notification - GM SIN form",
    "Please find the GM SIN form for the Screening Panel.",
    message_id="<sin-friday@gmp.police.uk>",
)
COMPLAINT = make_email(
    "Complaint about the partnership's review decision",
    "I wish to make a formal complaint about how my concerns were handled.",
    sender="pat.public@example.org",
    message_id="<complaint-friday@example.org>",
)


class Mailbox:
    """The real mailbox of one test: Dovecot over IMAP, or a Maildir on disk."""

    def __init__(self, request: pytest.FixtureRequest, tmp_path: Path) -> None:
        self.request, self.tmp_path = request, tmp_path
        self.dovecot: DovecotServer | None = None
        if request.param == "imap":
            self.dovecot = request.getfixturevalue("dovecot")

    def put(self, raw: bytes, arrived: datetime) -> None:
        if self.dovecot is None:
            drop_into_maildir(self.tmp_path / "inbox", raw, arrived=arrived)
        else:
            self.dovecot.append(raw, arrived=arrived)

    def source(self) -> MailSource:
        if self.dovecot is None:
            return _source(self.tmp_path)
        d = self.dovecot
        source = ImapSource(d.host, d.port, d.user, d.password, security="plain")
        self.request.addfinalizer(source.close)
        return source

    def inbox(self) -> list[bytes]:
        """What is still in the inbox, unread and unmoved (line endings as the test wrote)."""
        if self.dovecot is None:
            return [p.read_bytes() for p in sorted((self.tmp_path / "inbox" / "new").iterdir())]
        assert all(b"\\Seen" not in f for f in self.dovecot.flags().values())
        return [raw.replace(b"\r\n", b"\n") for raw in self.dovecot.fetch_all()]


@pytest.fixture(params=["imap", "maildir"])
def mailbox(request: pytest.FixtureRequest, tmp_path: Path) -> Mailbox:
    return Mailbox(request, tmp_path)


@pytest.fixture
def deliver_friday(mailbox: Mailbox) -> Callable[[bytes], MailSource]:
    """deliver(raw) puts raw in the real mailbox as arrived on Friday 16:00; returns a source."""

    def deliver(raw: bytes) -> MailSource:
        mailbox.put(raw, FRIDAY_4PM)
        return mailbox.source()

    return deliver


def _body(row: OutboxMessage) -> str:
    msg = email.message_from_bytes(row.raw, policy=policy.default)
    part = msg.get_body(preferencelist=("plain",))
    assert part is not None
    return " ".join(str(part.get_content()).split())


def _outbox(app: App, event: str) -> OutboxMessage:
    with app.sessions() as s:
        return s.scalars(select(OutboxMessage).where(OutboxMessage.event == event)).one()


def _deadlines(app: App) -> dict[str, Deadline]:
    with app.sessions() as s:
        return {d.name: d for d in s.scalars(select(Deadline))}


def test_sin_read_on_monday_counts_from_its_friday_arrival(
    make_app: AppFactory, deliver_friday: Callable[[bytes], MailSource]
) -> None:
    app, _ = make_app(now=MONDAY_9AM)
    ingest_pass(app, deliver_friday(SIN_WITHOUT_AWARENESS))

    due = _deadlines(app)
    # 2 working days after Fri 27 Nov is Tue 1 Dec (from Monday it would be Wed 2 Dec).
    assert due["screening_meeting"].due == date(2026, 12, 1)
    assert "SIN form received on Fri 27 Nov 2026" in due["screening_meeting"].explanation
    # Receipt stands in for awareness: 5 working days after Friday is Fri 4 Dec, not Mon 7 Dec.
    assert due["panel_notification"].due == date(2026, 12, 4)
    assert "mailbox gave no arrival time" not in due["panel_notification"].explanation
    ack = _body(_outbox(app, "sin_acknowledgement"))
    assert "We received it at 16:00 on Friday 27 November 2026" in ack
    with app.sessions() as s:
        row = s.scalars(select(StoredMessage)).one()
        assert row.received_at == FRIDAY_4PM and row.received_source == "mailbox"
        assert row.fetched_at == datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def test_complaint_read_on_monday_gets_its_20_working_days_from_friday(
    make_app: AppFactory, deliver_friday: Callable[[bytes], MailSource]
) -> None:
    app, _ = make_app(now=MONDAY_9AM)
    ingest_pass(app, deliver_friday(COMPLAINT))

    # 20 working days after Fri 27 Nov skip Christmas Day and the Boxing Day substitute
    # (Mon 28 Dec): Tue 29 Dec. Counted from Monday it would be Wed 30 Dec.
    assert _deadlines(app)["complaint_response"].due == date(2026, 12, 29)
    ack = _body(_outbox(app, "complaint_acknowledgement"))
    assert "by Tuesday 29 December 2026" in ack


class NoArrivalTimes:
    """A mailbox whose server reports no arrival time (the MailSource port, hand-written)."""

    def __init__(self, inner: MailSource) -> None:
        self.inner = inner

    def fetch(self, since: Cursor | None, arrived_since: datetime | None = None) -> Batch:
        batch = self.inner.fetch(since, arrived_since)
        return replace(batch, messages=[replace(m, arrived_at=None) for m in batch.messages])

    def mark_processed(self, key: str) -> None:
        self.inner.mark_processed(key)

    def mark_processed_many(self, keys: list[str], budget_seconds: float) -> Moves:
        return self.inner.mark_processed_many(keys, budget_seconds)

    def find_and_release(self, mail: Fingerprint) -> Found:
        return self.inner.find_and_release(mail)

    def set_aside(self, key: str) -> str | None:
        return self.inner.set_aside(key)

    def wait(self, timeout: float) -> bool:
        return self.inner.wait(timeout)

    def close(self) -> None:
        self.inner.close()


def test_without_an_arrival_time_every_date_says_it_used_the_time_the_bot_read_it(
    make_app: AppFactory, tmp_path: Path
) -> None:
    app, _ = make_app(now=MONDAY_9AM)
    drop_into_maildir(tmp_path / "inbox", SIN_WITHOUT_AWARENESS, COMPLAINT, arrived=FRIDAY_4PM)
    ingest_pass(app, NoArrivalTimes(_source(tmp_path)))

    due = _deadlines(app)
    assert due["screening_meeting"].due == date(2026, 12, 2)
    note = (
        "the mailbox gave no arrival time, so the time the bot read the message "
        "(09:00 on Mon 30 Nov 2026) was used; the real deadline may be earlier."
    )
    for name in ("screening_meeting", "panel_notification", "complaint_response"):
        assert note in due[name].explanation, name
    assert "SIN form received (assumed) on Mon 30 Nov 2026" in due["screening_meeting"].explanation
    with app.sessions() as s:
        [ack] = s.scalars(select(OutboxMessage).where(OutboxMessage.event == "sin_acknowledgement"))
        text = " ".join(ack.raw.decode("utf-8", "replace").split())
    assert "Our mailbox did not record when it arrived; we read it at 09:00 on" in text
    assert "We received it at" not in text
    with app.sessions() as s:
        assert set(s.scalars(select(StoredMessage.received_source))) == {"fetch_time"}


# -- a first run against a mailbox full of old mail ---------------------------------------------


def test_mail_from_before_since_is_left_untouched_and_reported(
    make_app: AppFactory, mailbox: Mailbox
) -> None:
    old_sin = sin("<old-sin@gmp.police.uk>")
    mailbox.put(old_sin, datetime(2026, 3, 3, 10, 0, tzinfo=UTC))
    mailbox.put(COMPLAINT, datetime(2026, 11, 30, 16, 0, tzinfo=UTC))
    mailbox.put(SIN_WITHOUT_AWARENESS, datetime(2026, 12, 1, 10, 0, tzinfo=UTC))
    app, clock = make_app(now="2026-12-02T09:00", ingest={"since": date(2026, 12, 1)})

    first = run_once_with(app, mailbox.source())
    clock.set("2026-12-02T09:30")
    later = ingest_pass(app, mailbox.source(), full_sweep=False)

    with app.sessions() as s:
        [case] = s.scalars(select(Case)).all()
        assert case.sin_received_on == date(2026, 12, 1) and case.kind == "review"
        assert s.scalar(select(func.count()).select_from(StoredMessage)) == 1
        events = sorted(s.scalars(select(OutboxMessage.event)))
    assert events == ["daily_digest", "screening_invitation", "sin_acknowledgement"]
    assert sorted(mailbox.inbox()) == sorted([old_sin, COMPLAINT])
    line = (
        "Left 2 messages that arrived before Tue 1 Dec 2026 in the inbox, untouched "
        "(oldest Tue 3 Mar 2026)"
    )
    summary = first.left_summary(LONDON)
    assert summary is not None and summary.startswith(line)
    assert line in _body(_outbox(app, "daily_digest"))
    # A later pass neither acts on the old mail nor forgets to report it.
    assert later.stored == 0
    with app.sessions() as s:
        text = digest_context(s, app, date(2026, 12, 3), clock.now())["health"]
    assert line in str(text)


def run_once_with(app: App, source: MailSource) -> IngestReport:
    """Ingest, then the digest, as one `run --once` pass does."""
    report = ingest_pass(app, source)
    send_digest_if_due(app)
    return report

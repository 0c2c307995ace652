"""The database schema: typed SQLAlchemy 2 models, one DeclarativeBase.

Times are stored as timezone-aware UTC; dates (deadlines) as plain calendar dates in
Europe/London, because a statutory deadline is a day, not an instant.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any, ClassVar

from sqlalchemy import (
    JSON,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, object_session, relationship
from sqlalchemy.types import TypeDecorator

from bot.adapters.db.raw import read_raw
from bot.core.lifecycle import Stage


class UtcDateTime(TypeDecorator[datetime]):
    """Aware UTC in, aware UTC out, on every backend (SQLite would otherwise drop the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; localise it first")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class SafeText(TypeDecorator[str]):
    """Text every database accepts: no NUL (PostgreSQL refuses it) and no more than the
    column holds (PostgreSQL refuses that too), so no field read from a message can make its
    row, and with it the message, impossible to store. The raw bytes keep the original."""

    impl: type[String] = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        value = value.replace("\x00", "")
        length: int | None = getattr(self.impl_instance, "length", None)
        return value if length is None else value[:length]

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        return value


class SafeString(SafeText):
    """SafeText for a String(length) column."""

    impl = String
    cache_ok = True


intpk = Annotated[int, mapped_column(Integer, primary_key=True, autoincrement=True)]
utc = Annotated[datetime, mapped_column(UtcDateTime())]
text = Annotated[str, mapped_column(SafeText())]


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        dict[str, object]: JSON,
        list[str]: JSON,
        datetime: UtcDateTime,
    }


class StoredMessage(Base):
    """One incoming email exactly as received: the evidential record."""

    __tablename__ = "messages"
    __table_args__ = (
        Index("ix_messages_status", "status"),
        Index("ix_messages_case_id", "case_id"),
    )

    id: Mapped[intpk]
    sha256: Mapped[str] = mapped_column(SafeString(64), unique=True)
    message_id: Mapped[str] = mapped_column(SafeString(998), index=True)
    size: Mapped[int]
    # When it arrived in the mailbox (every clock it starts counts from here) ...
    received_at: Mapped[utc]
    # ... and when the bot read it; the two differ by a weekend when the bot was down.
    fetched_at: Mapped[utc]
    # "mailbox": received_at is the server's arrival time. "fetch_time": the server gave none,
    # so received_at is fetched_at and every date counted from it says so.
    received_source: Mapped[str] = mapped_column(SafeString(20), default="mailbox")
    # Graph's message ids alone run to ~150 characters; with the Internet Message-ID beside.
    source_key: Mapped[str] = mapped_column(SafeString(1000), default="")
    # stored -> processed | quarantined; "stored" rows are still to be worked on.
    status: Mapped[str] = mapped_column(SafeString(20), default="stored")
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(SafeText(), default=None)
    processed_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    released_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    duplicate_deliveries: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str | None] = mapped_column(SafeString(20), default=None)
    rule: Mapped[str | None] = mapped_column(SafeString(100), default=None)
    classification: Mapped[dict[str, object]] = mapped_column(default=dict)
    flags: Mapped[list[str]] = mapped_column(default=list)
    subject: Mapped[str] = mapped_column(SafeText(), default="")
    from_addr: Mapped[str] = mapped_column(SafeString(320), default="")
    needs_triage: Mapped[bool] = mapped_column(default=False)
    triage_reason: Mapped[str | None] = mapped_column(SafeText(), default=None)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), default=None)

    case: Mapped[Case | None] = relationship()

    @property
    def raw(self) -> bytes:
        """The bytes as received, read now from their own table (MessageRaw): never loaded
        with the row, never kept on it. bot.services.store writes them."""
        session = object_session(self)
        if session is None:
            raise RuntimeError(f"message #{self.id} is in no session: its bytes cannot be read")
        return read_raw(session, self.id, self.size)


class MessageRaw(Base):
    """The bytes of one incoming email, exactly as received, apart from its row.

    Apart so that the row's many updates (status, processed_at, released_at, ...) never
    rewrite them (SQLite writes a whole row on every UPDATE), and so that no query of the
    rows (lists, the digest, release) loads them. Deleted with their message.
    """

    __tablename__ = "message_raw"

    message_id: Mapped[int] = mapped_column(
        ForeignKey("messages.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    data: Mapped[bytes] = mapped_column(LargeBinary)


class Case(Base):
    __tablename__ = "cases"
    __table_args__ = (
        UniqueConstraint("year", "number"),
        Index("ix_cases_status_kind", "status", "kind"),
        Index("ix_cases_opened_at", "opened_at"),
    )

    id: Mapped[intpk]
    ref: Mapped[str] = mapped_column(SafeString(40), unique=True)
    year: Mapped[int]
    number: Mapped[int]
    status: Mapped[str] = mapped_column(SafeString(30), default="open")
    opened_at: Mapped[utc]
    sin_received_on: Mapped[date]
    # The start of panel_notification, when not the receipt (bot.core.awareness chooses it).
    la_aware_on: Mapped[date | None] = mapped_column(default=None)
    # Which source gave that start: business_manager | form | receipt.
    aware_source: Mapped[str | None] = mapped_column(SafeString(20), default=None)
    # The Business Manager's latest `Aware:`; with a reason it is a correction that wins.
    bm_aware_on: Mapped[date | None] = mapped_column(default=None)
    bm_aware_reason: Mapped[str | None] = mapped_column(SafeText(), default=None)
    initials: Mapped[str] = mapped_column(SafeString(10), default="")
    referrer_email: Mapped[str] = mapped_column(SafeString(320), default="")
    # review (from a SIN) | complaint | escalation; all share references and deadlines.
    kind: Mapped[str] = mapped_column(SafeString(20), default="review")
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), default=None)
    # A bot.core.lifecycle.Stage, stored by value; only the lifecycle table changes it.
    stage: Mapped[str] = mapped_column(SafeString(40), default=Stage.SCREENING.value)
    decision: Mapped[str | None] = mapped_column(SafeString(30), default=None)
    decided_by: Mapped[str | None] = mapped_column(SafeText(), default=None)
    notifiable: Mapped[bool | None] = mapped_column(default=None)
    notification_sent_on: Mapped[date | None] = mapped_column(default=None)
    review_period: Mapped[str | None] = mapped_column(SafeText(), default=None)
    rr_meeting_on: Mapped[date | None] = mapped_column(default=None)
    rr_report_on: Mapped[date | None] = mapped_column(default=None)
    cspr: Mapped[bool | None] = mapped_column(default=None)
    cspr_rationale: Mapped[str | None] = mapped_column(SafeText(), default=None)
    reviewer_name: Mapped[str | None] = mapped_column(SafeText(), default=None)
    family_preview_on: Mapped[date | None] = mapped_column(default=None)
    planned_publication: Mapped[date | None] = mapped_column(default=None)
    # The full report went to the National Panel, the Secretary of State and Ofsted.
    report_sent_on: Mapped[date | None] = mapped_column(default=None)
    published_on: Mapped[date | None] = mapped_column(default=None)
    closed_reason: Mapped[str | None] = mapped_column(SafeText(), default=None)

    deadlines: Mapped[list[Deadline]] = relationship(
        back_populates="case", order_by="Deadline.due", cascade="all, delete-orphan"
    )
    events: Mapped[list[CaseEvent]] = relationship(
        back_populates="case", order_by="CaseEvent.id", cascade="all, delete-orphan"
    )


class Vote(Base):
    """A statutory partner's screening vote; a later vote from the same role supersedes it."""

    __tablename__ = "votes"

    id: Mapped[intpk]
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    role: Mapped[str] = mapped_column(SafeString(30))
    voter: Mapped[str] = mapped_column(SafeString(320))
    choice: Mapped[str] = mapped_column(SafeString(30))
    at: Mapped[utc]
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"), default=None)
    superseded: Mapped[bool] = mapped_column(default=False)


class AgencyRequest(Base):
    """An Appendix B information request to one agency, and its return."""

    __tablename__ = "agency_requests"
    __table_args__ = (UniqueConstraint("case_id", "agency_key"),)

    id: Mapped[intpk]
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    agency_key: Mapped[str] = mapped_column(SafeString(100))
    requested_on: Mapped[date]
    return_by: Mapped[date]
    received_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"), default=None)


class ActionItem(Base):
    """One recommendation of the action plan, owned by an agency."""

    __tablename__ = "action_items"
    __table_args__ = (UniqueConstraint("case_id", "number"),)

    id: Mapped[intpk]
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    number: Mapped[int]
    text: Mapped[text]
    owner_key: Mapped[str] = mapped_column(SafeString(100))
    due: Mapped[date]
    done_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)


class CaseField(Base):
    """One fact read from a form, with where it came from and how sure the reader was."""

    __tablename__ = "case_fields"
    __table_args__ = (UniqueConstraint("case_id", "scope", "name"),)

    id: Mapped[intpk]
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    # "sin", "child:1".."child:4", or "appendix_b:<agency>"
    scope: Mapped[str] = mapped_column(SafeString(120))
    name: Mapped[str] = mapped_column(SafeString(80))
    value: Mapped[str] = mapped_column(SafeText(), default="")
    where: Mapped[str] = mapped_column(SafeText(), default="")
    confidence: Mapped[float] = mapped_column(default=1.0)
    problem: Mapped[str | None] = mapped_column(SafeText(), default=None)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"), default=None)
    updated_at: Mapped[utc]


class ChronologyEntry(Base):
    """A row of an agency's Appendix B chronology; all agencies' rows make the case chronology."""

    __tablename__ = "chronology_entries"

    id: Mapped[intpk]
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    agency_key: Mapped[str] = mapped_column(SafeString(100))
    on: Mapped[date | None] = mapped_column(default=None)
    raw_date: Mapped[str] = mapped_column(SafeString(100), default="")
    contact: Mapped[str] = mapped_column(SafeText(), default="")
    practitioner: Mapped[str] = mapped_column(SafeText(), default="")
    event: Mapped[str] = mapped_column(SafeText(), default="")
    outcome: Mapped[str] = mapped_column(SafeText(), default="")
    where: Mapped[str] = mapped_column(SafeText(), default="")
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"), default=None)


class CaseCounter(Base):
    """The last case number used per year; locked while a new reference is taken."""

    __tablename__ = "case_counters"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(default=0)


class Deadline(Base):
    __tablename__ = "deadlines"
    # The unique constraint's index serves lookups by case; the other, unmet ones by due date.
    __table_args__ = (
        UniqueConstraint("case_id", "name"),
        Index("ix_deadlines_met_due", "met_at", "due"),
    )

    id: Mapped[intpk]
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    name: Mapped[str] = mapped_column(SafeString(120))
    start: Mapped[date]
    due: Mapped[date]
    explanation: Mapped[text]
    assumption: Mapped[str | None] = mapped_column(SafeText(), default=None)
    # open -> overdue (by the tick) ; met_at set when satisfied.
    state: Mapped[str] = mapped_column(SafeString(20), default="open")
    met_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    # The day the event that met it happened (a command's own date), which may be before
    # met_at, the moment it was recorded. None for "not_required" and for rows met before 0006.
    met_on: Mapped[date | None] = mapped_column(default=None)

    case: Mapped[Case] = relationship(back_populates="deadlines")


class CaseEvent(Base):
    """Append-only chronology: who did what, when, and why."""

    __tablename__ = "case_events"
    __table_args__ = (Index("ix_case_events_what_at", "what", "at"),)

    id: Mapped[intpk]
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    at: Mapped[utc]
    actor: Mapped[str] = mapped_column(SafeString(320))
    what: Mapped[str] = mapped_column(SafeString(60))
    detail: Mapped[text]
    why: Mapped[str] = mapped_column(SafeText(), default="")

    case: Mapped[Case] = relationship(back_populates="events")


class Meeting(Base):
    __tablename__ = "meetings"

    id: Mapped[intpk]
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    purpose: Mapped[str] = mapped_column(SafeString(40))
    uid: Mapped[str] = mapped_column(SafeString(200), unique=True)
    sequence: Mapped[int] = mapped_column(default=0)
    start: Mapped[utc]
    end: Mapped[utc]
    location: Mapped[text]
    within_deadline: Mapped[bool] = mapped_column(default=True)
    # Set when METHOD:CANCEL went to the attendees; a later Reschedule: books it again.
    cancelled_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    # The meeting on the mailbox's calendar when the bot booked it there ([mailbox.graph] or
    # [mailbox.ews] calendar = true): the Graph event id, or the EWS item id.
    calendar_event_id: Mapped[str | None] = mapped_column(SafeString(1000), default=None)

    case: Mapped[Case] = relationship()


class MeetingResponse(Base):
    """One attendee's Accept / Tentative / Decline, as their calendar program sent it."""

    __tablename__ = "meeting_responses"

    id: Mapped[intpk]
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    attendee: Mapped[str] = mapped_column(SafeString(320))
    # ACCEPTED | TENTATIVE | DECLINED | DELEGATED | NEEDS-ACTION (iCalendar PARTSTAT)
    partstat: Mapped[str] = mapped_column(SafeString(20))
    # The version of the meeting it answers; older than the meeting's: stale, never counted.
    sequence: Mapped[int] = mapped_column(default=0)
    stale: Mapped[bool] = mapped_column(default=False)
    responded_at: Mapped[utc]
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"), default=None)


class OutboxMessage(Base):
    """Every outgoing email, written in the same transaction as the change that caused it."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_due", "status", "next_attempt_at"),
        Index("ix_outbox_case_id", "case_id"),
        Index("ix_outbox_event_created", "event", "created_at"),
    )

    id: Mapped[intpk]
    idempotency_key: Mapped[str] = mapped_column(SafeString(300), unique=True)
    message_id: Mapped[str] = mapped_column(SafeString(300), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), default=None)
    event: Mapped[str] = mapped_column(SafeString(60))
    sender: Mapped[str] = mapped_column(SafeString(320))
    recipients: Mapped[list[str]] = mapped_column()
    subject: Mapped[text]
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[utc]
    # pending -> sent | failed (refused for good by the server; kept and shown in the digest)
    status: Mapped[str] = mapped_column(SafeString(20), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[utc]
    last_error: Mapped[str | None] = mapped_column(SafeText(), default=None)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    # Mail to outside bodies waits as a draft until the Business Manager approves it.
    requires_approval: Mapped[bool] = mapped_column(default=False)
    approved_by: Mapped[str | None] = mapped_column(SafeString(320), default=None)
    approved_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    # A lease, so that two bot instances never send the same row at once.
    claimed_until: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    # Set and committed before the SMTP transaction, cleared when its outcome is recorded: a
    # row claimed with it still set was being sent when the process died, and may have gone.
    attempt_started_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)

    case: Mapped[Case | None] = relationship()


class OutboxDeliveryFailure(Base):
    """A delivery report saying an outbox email did not reach one of its recipients."""

    __tablename__ = "outbox_delivery_failures"
    __table_args__ = (UniqueConstraint("outbox_id", "recipient"),)

    id: Mapped[intpk]
    outbox_id: Mapped[int] = mapped_column(ForeignKey("outbox.id"), index=True)
    recipient: Mapped[str] = mapped_column(SafeString(320))
    # RFC 3463 code ("5.1.1"), "" when the report gave none; diagnostic is the server's words.
    status: Mapped[str] = mapped_column(SafeString(20), default="")
    diagnostic: Mapped[str] = mapped_column(SafeText(), default="")
    reported_at: Mapped[utc]
    # The stored bounce that said so.
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"), default=None)

    outbox: Mapped[OutboxMessage] = relationship()


class MailboxState(Base):
    """Per-mailbox cursor and health, so a restart knows where it was."""

    __tablename__ = "mailbox_state"

    name: Mapped[str] = mapped_column(SafeString(200), primary_key=True)
    uidvalidity: Mapped[int | None] = mapped_column(default=None)
    last_uid: Mapped[int | None] = mapped_column(default=None)
    # A backend's own opaque sync state (Graph: the Inbox's delta link), in place of the UIDs.
    sync_state: Mapped[str | None] = mapped_column(Text, default=None)
    last_success_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    last_error: Mapped[str | None] = mapped_column(SafeText(), default=None)
    last_error_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    # Mail left in the inbox because it arrived before the `since` cut-off (left_before).
    left_count: Mapped[int] = mapped_column(default=0)
    left_oldest: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    left_before: Mapped[date | None] = mapped_column(default=None)


class JobHealth(Base):
    """How each scheduled job last went, written by the instance that runs it."""

    __tablename__ = "job_health"

    name: Mapped[str] = mapped_column(SafeString(60), primary_key=True)
    last_started_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    last_finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    last_ok_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    # Exception type and a short message only: never SQL parameters or message content.
    last_error: Mapped[str | None] = mapped_column(SafeText(), default=None)
    last_error_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    failures: Mapped[int] = mapped_column(default=0)
    failing_since: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    holder: Mapped[str] = mapped_column(SafeString(200), default="")


class JobLease(Base):
    """Which instance runs a scheduled job; another may take it once `expires_at` has passed."""

    __tablename__ = "job_leases"

    name: Mapped[str] = mapped_column(SafeString(60), primary_key=True)
    holder: Mapped[str] = mapped_column(SafeString(200))
    expires_at: Mapped[utc]


class BotInstance(Base):
    """A running daemon's heartbeat: gaps between them are when no bot was running."""

    __tablename__ = "bot_instances"

    id: Mapped[str] = mapped_column(SafeString(200), primary_key=True)  # host:pid:random
    host: Mapped[str] = mapped_column(SafeString(200))
    pid: Mapped[int]
    started_at: Mapped[utc]
    last_seen_at: Mapped[utc]
    stopped_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)


class PurgeRecord(Base):
    """What `tscp-bot purge` deleted, when and under which rule: the audit log of erasure.

    Purge never deletes from this table. It names records by reference only (a case reference,
    "message #12"), never by a person's name, subject or address.
    """

    __tablename__ = "purge_log"

    id: Mapped[intpk]
    purged_at: Mapped[utc]
    # The [retention] key that made it due, and its value then ("closed_cases_years=35").
    rule: Mapped[str] = mapped_column(SafeString(100))
    kind: Mapped[str] = mapped_column(SafeString(20))  # case | message | outbox
    reference: Mapped[str] = mapped_column(SafeString(200))
    # What the period was counted from: the case's last activity, the mail's arrival.
    since: Mapped[utc]
    # Rows deleted, by table: {"messages": 4, "case_events": 12, ...}
    removed: Mapped[dict[str, object]] = mapped_column(default=dict)
    run_by: Mapped[str] = mapped_column(SafeString(200), default="")

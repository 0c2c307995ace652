"""The bot's own running state and audit: mailbox cursors, messages the mailbox keeps
refusing, job health and leases, instance heartbeats, the closed days deadlines were last
counted on, and the log of what purge erased."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.adapters.db.models.base import Base, SafeString, SafeText, UtcDateTime, intpk, utc


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
    # Why the last look at the junk folder failed; None when it worked (or was never tried).
    junk_error: Mapped[str | None] = mapped_column(SafeText(), default=None)
    # When the junk folder was last looked at (bot.services.junk_folder.EVERY apart at most).
    junk_looked_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    # Why the reading process does not work for the instance reading this mailbox, which reads
    # mail in its own process without its limits meanwhile; None once a child answers again.
    reading_broken: Mapped[str | None] = mapped_column(SafeText(), default=None)
    reading_broken_since: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)


class StuckMessage(Base):
    """A message the mailbox keeps refusing with an error that blames the server: on how many
    passes and since when, so that one whose trouble proves lasting is set aside for a person
    instead of failing every pass (bot.services.stuck_messages). Kept in the database, as
    every instance's passes count; a later good read of the key deletes the row."""

    __tablename__ = "stuck_messages"

    key: Mapped[str] = mapped_column(SafeString(1000), primary_key=True)  # the mailbox key
    passes: Mapped[int] = mapped_column(default=0)
    first_failed_at: Mapped[utc]
    last_failed_at: Mapped[utc]
    last_error: Mapped[str] = mapped_column(SafeText(), default="")  # the server's answer


class JunkSeen(Base):
    """A message seen in the mailbox's junk folder, never read: kept so that the Business
    Manager is told of it once and the digest lists it until it leaves that folder (moved to
    the Inbox by a person, or deleted). bot.services.junk_folder keeps it."""

    __tablename__ = "junk_seen"

    key: Mapped[str] = mapped_column(SafeString(1000), primary_key=True)  # the backend's id
    sender: Mapped[str] = mapped_column(SafeString(320), default="")
    subject: Mapped[str] = mapped_column(SafeText(), default="")
    arrived_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    first_seen_at: Mapped[utc]


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


class CalendarState(Base):
    """The working calendar's closed weekdays the open deadlines were last counted on, so that
    a closure taken out of the configuration, or a new bank holiday table, is noticed once and
    every deadline counted again (bot.services.recount). Days by ISO date."""

    __tablename__ = "calendar_state"

    name: Mapped[str] = mapped_column(SafeString(60), primary_key=True)
    years: Mapped[list[str]]
    closed: Mapped[dict[str, object]]  # day -> its name ("Christmas Day")
    local: Mapped[list[str]]  # of those, the partnership's own closure days
    # When the instance below last counted, or found the calendar unchanged (at most hourly).
    checked_at: Mapped[utc]
    # The instance that counted them: its host, and the configuration file it runs with ("" when
    # counted before this was kept, or from a configuration given without a file).
    counted_by: Mapped[str] = mapped_column(SafeString(200), default="")
    config_file: Mapped[str] = mapped_column(SafeString(1000), default="")

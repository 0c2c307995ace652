"""A case and its records: votes, agency requests and returns, actions, form facts, the
chronology, deadlines, the event log, and the counter that numbers cases."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, Integer, UniqueConstraint
from sqlalchemy import text as text_clause
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.adapters.db.models.base import Base, SafeString, SafeText, UtcDateTime, intpk, text, utc


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
    # A bot.core.lifecycle.Stage, stored by value; only the lifecycle table changes it. The
    # first stage's value is written out, not imported: importing the lifecycle table brings
    # the whole command parser into every command that reads the database (a test holds the
    # two equal).
    stage: Mapped[str] = mapped_column(SafeString(40), default="screening")
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
    # The stage `Close:` found the case at, which `Reopen:` returns it to; None for a case
    # never closed, or closed before 0035 (bot.core.reopening reads its record instead).
    closed_from: Mapped[str | None] = mapped_column(SafeString(40), default=None)

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


# Only the children's dates (of birth, or an unborn child's expected date of delivery): the
# resend check looks an open case up by its children's (bot.services.same_child). Partial, as
# an index of every value would hold the incident descriptions too, longer than PostgreSQL
# lets an index entry be. The same words as the check's query, which SQLite needs to use it.
CHILD_DATES = ("date_of_birth", "expected_date_of_delivery")
_DATES = text_clause(f"name IN ({', '.join(repr(n) for n in CHILD_DATES)})")


class CaseField(Base):
    """One fact read from a form, with where it came from and how sure the reader was."""

    __tablename__ = "case_fields"
    __table_args__ = (
        UniqueConstraint("case_id", "scope", "name"),
        Index("ix_case_fields_child_dates", "value", sqlite_where=_DATES, postgresql_where=_DATES),
    )

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
    # An agreed extension (`Complaint extended:`, `Report extended:`): `due` is then the agreed
    # day, which the chase follows, and first_due the day the rule gave, which stays in what
    # is shown and in the timeliness report. Both None for a clock never extended.
    first_due: Mapped[date | None] = mapped_column(default=None)
    extension: Mapped[str | None] = mapped_column(SafeText(), default=None)

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
    # When the email this event records reached the mailbox (its received_at, as the server
    # gave it): `at` is when the bot read it, a weekend later after a stop. None when it
    # records no email, or the server gave no arrival time (then only `at` is known).
    arrived_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)

    case: Mapped[Case] = relationship(back_populates="events")

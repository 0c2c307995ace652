"""Meetings the bot booked for a case, and the attendees' replies to them."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.adapters.db.models.base import Base, SafeString, SafeText, UtcDateTime, intpk, text, utc

if TYPE_CHECKING:
    from bot.adapters.db.models.cases import Case


class Meeting(Base):
    __tablename__ = "meetings"
    # The screening slot search reads the meetings in its window by start (migration 0036).
    __table_args__ = (Index("ix_meetings_start", "start"),)

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
    # Why nothing vouched for a mailed answer's sender (counted, but flagged for a person);
    # None when something did, when authentication is off, or read back from the calendar.
    unauthenticated: Mapped[str | None] = mapped_column(SafeText(), default=None)

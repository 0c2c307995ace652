"""What the Screening Panel booking needs of a mailbox's calendar, whichever service holds it:
Microsoft Graph (bot.adapters.graph_calendar) or on-premises Exchange Web Services
(bot.adapters.ews_calendar). bot.services.panel_calendar talks only to this interface.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.core.meeting_replies import Answer


class CalendarError(Exception):
    """A calendar call failed; the message is one line fit for the log and the Business
    Manager, naming the permission that is missing when that is the cause."""


@dataclass(frozen=True)
class Busy:
    """One busy interval of one person, in UTC-aware datetimes."""

    address: str
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Attendee:
    """An attendee's answer as the calendar records it; None when they have not answered (or
    are the organiser)."""

    address: str
    answer: Answer | None


@dataclass(frozen=True)
class CalendarAccess:
    """What `tscp-bot doctor` learnt of the calendar; None where the service cannot tell."""

    where: str  # the calendar, in words: "TSCP@council.gov.uk through Microsoft Graph"
    unshared: tuple[str, ...] = ()  # "address: why" for each person whose free/busy is hidden
    meetings: int | None = None  # meetings the bot can see in the window asked
    can_create: bool | None = None  # whether the bot may create meetings there
    advice: str = ""  # what to grant when can_create is False


class MeetingCalendar(Protocol):
    def busy(self, addresses: Sequence[str], start: datetime, end: datetime) -> list[Busy]:
        """Every busy (or out-of-office) interval of `addresses` between start and end."""
        ...

    def create(
        self,
        *,
        subject: str,
        start: datetime,
        end: datetime,
        location: str,
        body: str,
        attendees: Sequence[tuple[str, str]],
        key: str,
    ) -> tuple[str, datetime | None]:
        """The meeting's id and start, the invitations sent. The same `key` again (a retry
        after a crash) returns the meeting made the first time, at the time asked for then,
        instead of a second one."""
        ...

    def move(self, event_id: str, start: datetime, end: datetime) -> None:
        """The meeting moved; the attendees are sent the update."""
        ...

    def cancel(self, event_id: str, comment: str) -> None:
        """The meeting cancelled; the attendees are sent the cancellation with `comment`."""
        ...

    def answers(self, event_id: str) -> list[Attendee]: ...

    def access(self, addresses: Sequence[str], start: datetime, end: datetime) -> CalendarAccess:
        """Free/busy of `addresses` and the calendar itself tried, changing nothing; a
        CalendarError when the calendar cannot be reached at all."""
        ...

    def close(self) -> None: ...

"""The date a command records for an event, and whether a repeated command may change it.

Pure. A command that records an event ("CSPR: yes 15/01/2027", "Notified", "Report
submitted: ...") carries the day the event happened; without one it means the day of the
email, and the confirmation says so. A recorded date starts or meets a statutory clock, so a
repeated command may keep it or move it earlier (an earlier start never makes a deadline
later) but never later: only an explicit correction with a reason does that.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from bot.core.deadlines import fmt_date


class Repeat(StrEnum):
    FIRST = "first"  # nothing recorded yet
    SAME = "same"  # the same date again: nothing changes
    EARLIER = "earlier"  # accepted: the clock moves earlier, and the chronology says so
    LATER = "later"  # refused: only a correction with a reason moves it later


@dataclass(frozen=True)
class EventDay:
    on: date
    assumed_today: bool  # no date was given, so the day the command was given was used

    def said(self) -> str:
        """What the confirmation adds, so nobody believes a date they did not give."""
        if not self.assumed_today:
            return ""
        return f" (recorded as {fmt_date(self.on)}, the day it was given, as it named no date)"


def event_day(
    given: date | None, today: date, what: str, began: date | None = None
) -> EventDay | str:
    """The day to record, or the reason the line is refused: an event cannot be in the future,
    nor before its case began (a mistyped year would start or meet a clock a year early).
    `today`: the day the command was given (its email's arrival), not the day it is read.
    `began`: the first day of the case's clocks (the local authority's awareness, or the day
    the case was opened if that is earlier), for events with no nearer bound of their own."""
    if given is None:
        return EventDay(today, assumed_today=True)
    if given > today:
        return (
            f"{fmt_date(given)} is after today ({fmt_date(today)}); {what} can only be "
            "recorded once it has happened, with the day it happened"
        )
    if began is not None and given < began:
        return (
            f"{fmt_date(given)} is before the case began ({fmt_date(began)}), so it cannot be "
            f"the day of {what}; check the year"
        )
    return EventDay(given, assumed_today=False)


def repeat(recorded: date | None, given: date) -> Repeat:
    if recorded is None:
        return Repeat.FIRST
    if given == recorded:
        return Repeat.SAME
    return Repeat.EARLIER if given < recorded else Repeat.LATER


def later_refusal(what: str, recorded: date, clock: str, correction: str) -> str:
    """Why a repeated command with a later date is refused, and how to correct a wrong date."""
    return (
        f"{what} is already recorded as {fmt_date(recorded)}; {clock} will not be moved later. "
        f"If that date was wrong, write `{correction}: <date> because <reason>`"
    )


def earlier_note(what: str, recorded: date, given: date) -> str:
    """For the chronology when a repeated command brings a date forward."""
    return (
        f"{what} moved earlier from {fmt_date(recorded)} to {fmt_date(given)} by a repeated "
        "command; an earlier date never makes a deadline later"
    )

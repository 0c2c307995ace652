"""An agreed extension of a clock's due day: a complaint's reply agreed later with the
complainant, a CSPR report agreed later with the National Panel. Pure.

The clock never moves later silently. The agreed day becomes the day the chase follows, but
the day the rule gave stays beside it in everything shown ("due Wed 6 Jan 2027; extended to
Wed 20 Jan 2027, agreed with the complainant on Sun 6 Dec 2026"), and the timeliness report
still measures the clock against that first day (and, separately, against the agreed one).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.core.command_dates import closed_day_note
from bot.core.dates import fmt_date
from bot.core.working_days import WorkingCalendar

COMPLAINT = "complaint_response"
CSPR_REPORT = "cspr_report"
# How an explanation's extension line begins: a second extension replaces the line.
EXTENDED = "Agreed extension: "

# Who may agree each clock's later day, by role only: the words go into the case's views and,
# for the CSPR report, into a partner's `Status`, so a person's name is never taken here.
_PARTIES: dict[str, dict[str, str]] = {
    COMPLAINT: {
        "complainant": "the complainant",
        "the complainant": "the complainant",
        "complainant's representative": "the complainant's representative",
        "the complainant's representative": "the complainant's representative",
    },
    CSPR_REPORT: {
        "national panel": "the National Panel",
        "the national panel": "the National Panel",
        "panel": "the National Panel",
        "the panel": "the National Panel",
    },
}
_WHAT = {COMPLAINT: "the reply to the complaint", CSPR_REPORT: "the CSPR report"}
_USAGE = {
    COMPLAINT: "Complaint extended: <new date> agreed with the complainant on <date agreed>",
    CSPR_REPORT: "Report extended: <new date> agreed with the National Panel on <date agreed>",
}


@dataclass(frozen=True)
class Agreed:
    """An extension as given: the new due day, who agreed it (by role), the day they did."""

    clock: str
    to: date
    party: str
    agreed_on: date


def usage(clock: str) -> str:
    return _USAGE[clock]


def party(clock: str, words: str) -> str | None:
    """The role `words` name for `clock` ("the complainant"), None when they name none."""
    return _PARTIES[clock].get(" ".join(words.lower().replace("\u2019", "'").split()))


def parties(clock: str) -> str:
    return " or ".join(dict.fromkeys(_PARTIES[clock].values()))


def problem(agreed: Agreed, due: date, start: date, today: date) -> str | None:
    """Why the extension cannot be recorded, or None.

    A later day only, still to come, agreed on a day that has happened since the clock
    started: an earlier day is no extension (a wrong start is put right with its `Correct`
    command), and a day already gone would record an agreement that can no longer hold."""
    what, how = _WHAT[agreed.clock], _USAGE[agreed.clock]
    if agreed.agreed_on > today:
        return (
            f"it was agreed on {fmt_date(agreed.agreed_on)}, after today "
            f"({fmt_date(today)}); give the day it was agreed: {how}"
        )
    if agreed.agreed_on < start:
        return (
            f"it was agreed on {fmt_date(agreed.agreed_on)}, before the clock started "
            f"({fmt_date(start)}); check the date: {how}"
        )
    if agreed.to < today:
        return (
            f"the new date {fmt_date(agreed.to)} has already passed (today is "
            f"{fmt_date(today)}); an extension is recorded for a day still to come"
        )
    if agreed.to <= due:
        return (
            f"the new date {fmt_date(agreed.to)} is not after the day {what} is due now "
            f"({fmt_date(due)}); an extension only moves it later, and the clock keeps its day"
        )
    return None


def closed_day_warning(to: date, calendar: WorkingCalendar) -> str:
    """What the reply adds for an agreed day the partnership is closed, or "". The day is kept:
    it is what was agreed, and the bot moving it would state a day nobody agreed."""
    closed = closed_day_note(to, calendar)
    if not closed:
        return ""
    return (
        f"; PLEASE CHECK: {fmt_date(to)}{closed}, kept as agreed (the reminders come on the "
        "working day before); if another day was agreed, give the line again with it"
    )


def words(agreed: Agreed) -> str:
    """ "extended to Wed 20 Jan 2027, agreed with the complainant on Sun 6 Dec 2026"."""
    return (
        f"extended to {fmt_date(agreed.to)}, agreed with {agreed.party} on "
        f"{fmt_date(agreed.agreed_on)}"
    )


def shown_due(due: date, first_due: date | None, extension: str | None) -> str:
    """A due day as every view gives it: the first day kept beside an agreed one."""
    if first_due is None or not extension:
        return f"due {fmt_date(due)}"
    return f"due {fmt_date(first_due)}; {extension}"


def explanation(before: str, first_due: date, extension: str) -> str:
    """The clock's explanation with its extension line (replacing an earlier one): the first
    day and the rule's explanation stay, so nobody reads the agreed day as the rule's."""
    kept = [line for line in before.splitlines() if not line.startswith(EXTENDED)]
    line = (
        f"{EXTENDED}{extension}. The rule's day, {fmt_date(first_due)}, still stands in the "
        "timeliness report, which also says whether the agreed day was met."
    )
    return "\n".join([*kept, line])


def still_later(counted: date, agreed: date) -> bool:
    """Whether an agreed day still stands once its clock is counted again (its start
    corrected): it does while it is later than the rule's new day."""
    return agreed > counted

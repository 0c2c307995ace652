"""The would-be due day a triage line gives (bot.core.complaint_again), counted again with the
calendar in use when the line is shown.

The line is stored as a sentence when the mail arrives; a council closure day or a bank
holiday configured afterwards would leave it giving the day counted then, while the record
`tscp-bot triage new-case N` opens counts with today's calendar: the line and the record would
disagree, and the line be wrong. So the sentence names the day its count starts from beside
the due day, and every place that shows it counts that day again (`recounted`). Written and
read here only, so the words and the reading cannot drift apart.
"""

from __future__ import annotations

import re
from datetime import date

from bot.core.deadlines import complaint_response, fmt_date
from bot.core.working_days import WorkingCalendar

# A day as fmt_date writes it: "Tue 29 Dec 2026".
_DAY = r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} [A-Z][a-z]{2} \d{4}"
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# "due <day> (20 working days from its arrival on <day>" and "due <day>, 20 working days
# from <day>, the day ...": the one sentence shape due_words() writes, either way round.
_DUE = re.compile(
    rf"(?P<head>due )(?P<due>{_DAY})(?P<mid>(?: \(|, )20 working days from (?:its arrival on )?)"
    rf"(?P<start>{_DAY})"
)


def due_words(due: date, since: str, *, bracketed: bool) -> str:
    """ "due <due> (20 working days from <since>" or "due <due>, 20 working days from
    <since>": `since` begins with the day counted from ("its arrival on <day>", or "<day>,
    ..."), which `recounted` reads back."""
    joint = " (" if bracketed else ", "
    return f"due {fmt_date(due)}{joint}20 working days from {since}"


def gives_due(reason: str) -> bool:
    """Whether `reason` gives a would-be due day: only then is a calendar needed to show it."""
    return _DUE.search(reason) is not None


def recounted(reason: str, calendar: WorkingCalendar) -> str:
    """`reason` with each would-be due day counted from its start on `calendar`; a day the
    calendar cannot count (a year it does not cover) is said to be uncounted, never kept."""
    return _DUE.sub(lambda m: _recount(m, calendar), reason)


def _recount(m: re.Match[str], calendar: WorkingCalendar) -> str:
    start = _parse_day(m["start"])
    try:
        due = fmt_date(complaint_response(start, calendar).due)
    except ValueError:  # CalendarRangeError too: the calendar does not cover the year
        due = "on a day the working calendar cannot count yet"
    return f"{m['head']}{due}{m['mid']}{m['start']}"


def _parse_day(words: str) -> date:
    _, day, month, year = words.split()
    return date(int(year), _MONTHS.index(month) + 1, int(day))

"""How a months clock's due day was reached, in words for an email's "(6 months from ...)".

"6 months from the decision" is untrue of a due day brought forward (or, for the report's
year online, moved on) from a weekend, a bank holiday or a council closure day: the partners
would count the months themselves and find another day. The words name the day the months
ended and why it was not kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from bot.core.dates import fmt_date
from bot.core.deadlines import Deadline
from bot.core.working_days import WorkingCalendar, add_months, is_weekend


def months_from(deadline: Deadline, event: str) -> str:
    """ "6 months from the decision", or "..., brought forward from Sun 18 Jul 2027, a Sunday"
    (or "..., Christmas Day") when the months ended on a day nobody works."""
    names = dict(deadline.skipped)
    return _words(deadline.rule.amount, deadline.start, deadline.due, names, event)


def months_counted(amount: int, start: date, due: date, cal: WorkingCalendar, event: str) -> str:
    """The same words for a due day recorded earlier and read back (the CSPR report's, for its
    send-by lines): the day the months ended is named from the calendar."""
    ended = add_months(start, amount)
    names = dict(cal.skipped(due, ended)) if ended > due else {}
    return _words(amount, start, due, names, event)


def _words(amount: int, start: date, due: date, names: Mapping[date, str], event: str) -> str:
    said = f"{amount} months from {event}"
    ended = add_months(start, amount)
    if ended == due:
        return said
    why = names.get(ended) or (f"a {ended:%A}" if is_weekend(ended) else "not a working day")
    # A least-time clock (the report's year online) rolls forward instead: said the same way.
    way = "brought forward" if ended > due else "moved on"
    return f"{said}, {way} from {fmt_date(ended)}, {why}"

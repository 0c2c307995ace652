"""How a months clock's due day was reached, in words for an email's "(6 months from ...)".

"6 months from the decision" is untrue of a due day brought forward from a weekend, a bank
holiday or a council closure day: the partners would count 6 months themselves and find
another day. The words name the day the months ended and why it was not kept.
"""

from __future__ import annotations

from bot.core.dates import fmt_date
from bot.core.deadlines import Deadline
from bot.core.working_days import add_months, is_weekend


def months_from(deadline: Deadline, event: str) -> str:
    """ "6 months from the decision", or "..., brought forward from Sun 18 Jul 2027, a Sunday"
    (or "..., Christmas Day") when the months ended on a day nobody works."""
    said = f"{deadline.rule.amount} months from {event}"
    ended = add_months(deadline.start, deadline.rule.amount)
    if ended <= deadline.due:
        return said
    names = dict(deadline.skipped)
    why = names.get(ended) or (f"a {ended:%A}" if is_weekend(ended) else "not a working day")
    return f"{said}, brought forward from {fmt_date(ended)}, {why}"

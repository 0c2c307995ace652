"""How an Appendix B return date is explained: given by the Business Manager (`Return by:`),
counted by the bot (the default working days), or counted again when the request went on a
later day than it was written for (the mail server down: bot.core.stated_dates).

Every return date a user or an agency sees names its rule, the day it was counted from and
the days that count skipped. A re-dated request's date was counted from the day it went, not
from the day it was written for, so it is explained from that day; a date the Business Manager
gave stays hers, with what re-dating did to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.core.dates import fmt_date

_DEFAULT = "the default return when no Return by: is given"
_KEPT = "as counting again from that day would give an earlier one"


@dataclass(frozen=True)
class Redating:
    """An Appendix B request that went later than the day it was written for."""

    written_for: date  # the day it first said it was sent
    # The working days counted from the day it went to its return date; 0: none, the first
    # return date was kept, as that count gave an earlier one.
    days: int
    # The working days the bot counted its first return date with; 0: a Return by: was given.
    first_counted: int = 0


def counted_span(
    start: date, due: date, default_days: int, redating: Redating | None
) -> tuple[date, date] | None:
    """The days a return date's working days were counted over (the closures and weekends
    passed are those skipped); None for a date given, not counted."""
    if redating is None:
        return (start, due) if default_days else None
    if redating.days:
        return start, due
    return (redating.written_for, due) if redating.first_counted else None


def how_returned(
    label: str, start: date, source: str, default_days: int, redating: Redating | None
) -> str:
    """The rule of a return date asked for by `label` ("Appendix B requested from GMP") on
    `start`, the day the request went."""
    went = fmt_date(start)
    if redating is None:
        if default_days:
            return f"{default_days} working days after {label} on {went}, {_DEFAULT} ({source})."
        return f"return date set when the request was made ({label} on {went}; {source})."
    written = fmt_date(redating.written_for)
    if redating.first_counted and redating.days:
        return (
            f"{redating.days} working days after {label} on {went}, the day the request went, "
            f"as many as it first gave from {written}, the day it was written for: {_DEFAULT} "
            f"({source})."
        )
    if redating.first_counted:
        first = f"{redating.first_counted} working days after {label} on {written}, {_DEFAULT}"
        return f"{first} ({source}); kept when the request went on {went}, {_KEPT}."
    given = f"return date set when the request was made ({label} on {written}; {source})"
    if redating.days:
        return (
            f"{given}, counted again when the request went on {went}: {redating.days} working "
            "days after that day, as many as it first gave."
        )
    return f"{given}; kept when the request went on {went}, {_KEPT}."

"""What a corrected event date did to the clocks hanging on it, in words for the reply.

`Correct CSPR:`, `Correct Notified:` and `Correct Published:` re-time the deadlines counted
from the day corrected (the CSPR report's 6 months, the Rapid Review's 15 working days, the
report's year online) or met on it, as do `CSPR: yes`, `Notified:` and `Published:` given again
with an earlier day. A clock moved later, or made late, is exactly what must never happen
unsaid: the reply names each one, its old and new day, and whether it is now overdue or was
met late.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from bot.core.dates import fmt_date


@dataclass(frozen=True)
class Clock:
    title: str  # as the Business Manager knows it: "CSPR report"
    due: date
    met_on: date | None = None  # the day it was met; None while it runs (or not required)
    running: bool = True  # neither met nor set aside


def moved(
    before: Mapping[str, Clock],
    after: Mapping[str, Clock],
    today: date,
    because: Mapping[str, str] | None = None,
) -> list[str]:
    """One phrase per clock the correction changed: due day moved, or met now late. `because`
    names, for a clock, what its new due day is counted from when that is not the day the
    command gave (the notice of publication, counted back from the day it was published)."""
    found = []
    for name, now in after.items():
        was = before.get(name)
        if was is None:
            continue
        late = _late_on(now) if _late_on(was) is None else None
        if now.due != was.due:
            why = f" ({because[name]})" if because and name in because else ""
            found.append(_due_moved(was, now, today, late, why))
        elif late is not None:
            found.append(
                f"the {now.title} was due {fmt_date(now.due)} and is now recorded as met on "
                f"{fmt_date(late)}: it is now late"
            )
    return found


def counted_now(clock: Clock, today: date, why: str) -> str:
    """A clock a command started where none ran before, with why and where it stands: one
    already past its due day is never left to look as if it were to come."""
    said = f"the {clock.title} is now counted: due {fmt_date(clock.due)} ({why})"
    if clock.running and clock.due < today:
        return f"{said}: it is overdue"
    if clock.met_on is not None:
        when = "late" if _late_on(clock) is not None else "in time"
        return f"{said}: met on {fmt_date(clock.met_on)}, {when}"
    return said


def replacing(before: date | None, given: date) -> str:
    """The day an event command given again with an earlier day replaces, named beside it (as
    `Aware:` names it), so the reply explains every date it shows; nothing the first time."""
    if before is None or before == given:
        return ""
    return f" as {fmt_date(given)}, replacing {fmt_date(before)}"


def _due_moved(was: Clock, now: Clock, today: date, late: date | None, why: str) -> str:
    way = "later" if now.due > was.due else "earlier"
    said = (
        f"the {now.title} is now due {fmt_date(now.due)}, {way} than the "
        f"{fmt_date(was.due)} counted before{why}"
    )
    if now.running and now.due < today:
        return f"{said}: it is now overdue"
    if late is not None:
        return f"{said}: met on {fmt_date(late)}, it is now late"
    if now.met_on is not None and _late_on(now) is None:
        # Moved but still met in time: said, so a moved clock is never left to be guessed at.
        return f"{said}: met on {fmt_date(now.met_on)}, in time"
    return said


def _late_on(clock: Clock) -> date | None:
    """The day a clock met after its due day was met, or None."""
    return clock.met_on if clock.met_on is not None and clock.met_on > clock.due else None

"""`Aware: <date> [because <reason>]`: the date the local authority became aware, given by the
Business Manager or the local authority's representative.

An earlier or equal plausible date is recorded as given; a later one, or one that is
implausible, is refused unless a reason comes with it, and then the chronology keeps the old
start, the new one, who moved it and why.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.adapters.db.models import Case
from bot.app import App
from bot.core import commands as c
from bot.core.awareness import Choice, refusal
from bot.core.deadlines import fmt_date
from bot.services.awareness import facts_for, retime
from bot.services.cases import add_event
from bot.services.review.common import Actor, CommandRefused


def record_aware(
    session: Session, app: App, case: Case, cmd: c.LaAware, actor: Actor, now: datetime
) -> Choice:
    """Record the date given, or refuse it; the choice of start it made (the reply is
    bot.core.aware_reply's, once every clock it moves is moved)."""
    # "In the future" means when the command was given (its email's arrival, however late it is
    # read), as for every other dated command: a day still to come when written is a typo.
    facts = facts_for(session, app, case, actor.said_at)
    # The reason stays in the case record: the clock's explanation, which the partners read,
    # says only that the date is a correction given with Aware: (bot.core.awareness).
    reason = cmd.reason
    problem = refusal(facts, cmd.on, reason)
    if problem is not None:
        raise CommandRefused(f"Aware: {fmt_date(cmd.on)} was not recorded: {problem}")
    case.bm_aware_on, case.bm_aware_reason = cmd.on, reason or None
    choice = retime(session, app, case, now)
    old = facts.recorded
    if old is not None and choice.chosen.on > old.on:
        add_event(
            session,
            case,
            now,
            "awareness_corrected",
            f"Local authority awareness moved later, from {old.label()} to "
            f"{fmt_date(choice.chosen.on)}, by {actor.email}: {reason}",
            actor=actor.email,
            why=f"{actor.via}: {cmd.line}",
        )
    return choice

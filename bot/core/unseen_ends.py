"""Troubles alerted by an earlier run of the bot and never told over: the trouble ended while
no bot was running, and the restarted one never saw it going on (bot.services.alerts).

The outbox remembers each alert and each "working again" email by its episode's key; an alert
with no such email is a trouble someone was told of and never told the end of. The restarted
bot tells it over once its own check can see so: the job it holds has run well since the
trouble began (or, for the outbox, it read the backlog and found none waiting too long; for
the reading process, it read the mailbox's record and found it clear). Never
on no evidence: a job held by another instance, or not run yet, or the database away, says
nothing about whether the trouble is over.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from bot.core.health import ENDED_KEY, SHARED, Judged, Problem, ended, read_ended_key

ALERT_KEY = "alert:"
# What the restarted bot knows of the trouble: its kind, job and start (the alert's key); the
# details were in the alert itself.
DETAIL = "as the alert sent then said"


def untold(alert_keys: Iterable[str], ended_keys: Iterable[str]) -> list[Problem]:
    """The alerted troubles (the outbox's alert keys) with no "working again" email, the
    latest of each job's only: an earlier one of the same kind and job went on under a new
    start while no bot ran, and the later one stands for it."""
    told = {key.removeprefix(ENDED_KEY) for key in ended_keys}
    latest: dict[tuple[str, str], Problem] = {}
    for key in alert_keys:
        episode = key.removeprefix(ALERT_KEY)
        read = read_ended_key(ENDED_KEY + episode)
        if read is None:
            continue
        problem = Problem(read[0], read[1], read[2], DETAIL)
        known = latest.get((problem.kind, problem.job))
        if known is None or known.since < problem.since:
            latest[(problem.kind, problem.job)] = problem
    return [p for p in latest.values() if p.episode not in told]


def seen_over(
    untold_troubles: Sequence[Problem],
    now: Sequence[Problem],
    judged: Judged,
    ran_well: dict[str, datetime],
) -> list[Problem]:
    """Of `untold_troubles`, those this check sees over: none going on now (bot.core.health's
    `ended`, which also leaves out what the check could not see), and each one's job run well
    since it began (`ran_well`: the last good run of each job this instance holds)."""
    return [p for p in ended(untold_troubles, now, judged) if _ran_well_since(p, judged, ran_well)]


def _ran_well_since(problem: Problem, judged: Judged, ran_well: dict[str, datetime]) -> bool:
    if problem.kind == "outbox":
        return judged.backlog
    if problem.kind == "reading":  # its record read and clear: a reading process answered
        return judged.reading
    if problem.kind in SHARED:  # any job running well shows the sign-in, the database, works
        return any(at > problem.since for at in ran_well.values())
    at = ran_well.get(problem.job)
    return at is not None and at > problem.since

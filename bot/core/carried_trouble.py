"""A job's trouble carried from one instance, or one run, to the next (bot.services.jobs): the
same trouble keeps its start, so its alert's episode key, and is not alerted again."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from bot.core.health import JobState


def carried_trouble(
    mine: JobState, stored: JobState | None, now: datetime, within: timedelta
) -> JobState:
    """This instance's memory of a job as a run starts, with the trouble it is in (when it
    began, the failures so far, the last error) as the job's stored row tells it.

    `stored` is the row the last instance to run the job wrote. The trouble one instance saw,
    or this one before a restart, goes on in the next: its start is kept, so its alert's
    episode key is the same and the alert is not sent again. Only while it is plausibly the
    same trouble: the stored failure ended no longer than `within` ago (longer, and the bot was
    down: a new episode, told again). A success stored after this instance's own trouble
    began (another instance ran the job well meanwhile) ends that trouble. A row no newer than
    this instance's last run (its own, or one it could not yet save) changes nothing."""
    if stored is None or stored.finished_at is None:
        return mine
    if mine.finished_at is not None and stored.finished_at <= mine.finished_at:
        return mine
    ended = (
        mine.failing_since is not None
        and stored.ok_at is not None
        and stored.ok_at > mine.failing_since
    )
    if mine.failing_since is not None and not ended:
        return mine
    if (
        stored.failing_since is not None
        and stored.failures > 0
        and now - stored.finished_at <= within
    ):
        return replace(
            mine,
            failing_since=stored.failing_since,
            failures=stored.failures,
            last_error=stored.last_error,
        )
    return replace(mine, failing_since=None, failures=0, last_error=None)

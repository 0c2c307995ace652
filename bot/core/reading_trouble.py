"""The reading process's trouble as the watchdog alerts it (bot.services.alerts), from the record
the instance reading the mailbox keeps on the mailbox's row (bot.services.reading).

A failing job's rule: alerted once it has lasted `alert_after` (`[daemon] alert_after_minutes`).
Mail is still read meanwhile, only without the time and memory limits, and a fork that failed
for a moment is mended by the tries again at 5 and 15 minutes: waiting is no loss, and an alert
for a trouble over by itself would be one more email to ignore. Its start is the record's, kept
however many passes, restarts or instances meet it, so its episode, and its alert, is one.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.core.health import Problem

# The trouble's "job" in its episode key and its "working again" email: not one of the jobs.
READING = "reading process"


def reading_trouble(
    broken: str | None, since: datetime | None, now: datetime, alert_after: timedelta
) -> list[Problem]:
    """`broken`, `since`: the record (why the reading process does not work, from when; None
    when it works); `now` on the clock the record was written by (the app's)."""
    if not broken or since is None or now - since < alert_after:
        return []
    return [Problem("reading", READING, since, broken)]

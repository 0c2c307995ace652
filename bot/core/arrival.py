"""When a message counts as received, in words: the fallback note and the first-run report.

Every clock a message starts (screening meeting, panel notification fallback, complaint reply)
counts from its arrival in the mailbox. These texts say so whenever that is not what happened.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from bot.core.deadlines import Deadline, fmt_date


def fetch_time_note(fetched_local: datetime) -> str:
    """The assumption added to every date counted from a message with no arrival time."""
    return (
        "the mailbox gave no arrival time, so the time the bot read the message "
        f"({fetched_local:%H:%M} on {fmt_date(fetched_local.date())}) was used; "
        "the real deadline may be earlier."
    )


def with_assumption(deadline: Deadline, note: str | None) -> Deadline:
    """The deadline with note added to whatever it already assumes."""
    if note is None:
        return deadline
    joined = f"{deadline.assumption} Also, {note}" if deadline.assumption else note
    return replace(deadline, assumption=joined)


def left_in_inbox(count: int, before: date, oldest: date | None) -> str:
    """One line for the terminal and the digest about mail older than the `since` cut-off."""
    noun = "message that" if count == 1 else "messages that"
    oldest_text = f" (oldest {fmt_date(oldest)})" if oldest else ""
    return (
        f"Left {count} {noun} arrived before {fmt_date(before)} in the inbox, "
        f"untouched{oldest_text}: no case opened, nothing acknowledged. To deal with one, "
        "run again with an earlier --since date."
    )

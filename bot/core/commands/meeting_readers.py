"""Readers for the Screening Panel meeting's commands: `Reschedule: <date> <time>` and
`Cancel meeting`. Same signature as every reader in bot.core.commands.readers."""

from __future__ import annotations

import re
from datetime import date, time

from bot.core.commands.model import CancelMeeting, Reschedule
from bot.core.commands.partials import _Parsed
from bot.core.commands.values import _after_because, _BadValue, _date, _value

# "14:00", "14.30", "2pm", "2.30 pm", after the date and an optional "at"; a bare "14" is not
# a time (it could be the day of the month).
_TRAILING_TIME = re.compile(
    r"(?P<date>.*?)[\s,]+(?:at\s+)?(?P<h>\d{1,2})(?:[:.](?P<m>\d{2}))?\s*(?P<ampm>[ap]\.?m\.?)?",
    re.IGNORECASE | re.DOTALL,
)
_RESCHEDULE_USAGE = "write Reschedule: <date> <time>, for example Reschedule: 29/12/2026 14:00"


def _clock_time(hour: int, minute: int, ampm: str) -> time:
    if ampm:
        if not 1 <= hour <= 12:
            raise _BadValue(f"{hour}{ampm} is not a time; {_RESCHEDULE_USAGE}")
        hour = hour % 12 + (12 if ampm.lower().startswith("p") else 0)
    if hour > 23 or minute > 59:
        raise _BadValue(f"{hour}:{minute:02d} is not a time; {_RESCHEDULE_USAGE}")
    return time(hour, minute)


def _read_reschedule(value: str, line: str, today: date) -> _Parsed:
    m = _TRAILING_TIME.fullmatch(_value(value))
    if m is None or not (m.group("m") or m.group("ampm")):
        raise _BadValue(f"give the new date and time; {_RESCHEDULE_USAGE}")
    at = _clock_time(int(m.group("h")), int(m.group("m") or 0), m.group("ampm") or "")
    return Reschedule(_date(m.group("date"), today), at, line)


def _read_cancel_meeting(value: str, line: str, today: date) -> _Parsed:
    return CancelMeeting(_after_because(value).rstrip("."), line)

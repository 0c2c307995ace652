"""What an agency has sent back since its Appendix B return was asked for, when the return
itself has not come: the latest out-of-office, and the latest email a person wrote.

The escalation to the agency's safeguarding lead says what came ("the only reply was an
out-of-office", "a reply was received on ..."), never "no reply recorded" when someone at the
agency did write: the lead reads that as their colleague ignoring five reminders.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

Key = tuple[int, str]  # (case id, agency key)


@dataclass(frozen=True)
class Answer:
    key: Key  # the case it came on, and the agency its sender's address is
    day: date  # the day it reached the mailbox, in the partnership's time zone
    automatic: bool  # an out-of-office or other automatic reply


@dataclass
class Answers:
    away: dict[Key, date] = field(default_factory=dict)  # the latest out-of-office
    replied: dict[Key, date] = field(default_factory=dict)  # the latest email a person wrote

    def since(self, key: Key, day: date) -> tuple[date | None, date | None]:
        """The latest out-of-office and the latest email a person wrote on or after `day`
        (None: none came since), when `day` is not earlier than the day `key` was asked."""
        away, replied = self.away.get(key), self.replied.get(key)
        return (
            away if away and away >= day else None,
            replied if replied and replied >= day else None,
        )


def since_request(asked: Mapping[Key, date], answers: Iterable[Answer]) -> Answers:
    """For each return asked for (`asked`: the day of its request), the latest answers of each
    sort from that agency on that case, on or after the day it was asked for; an answer
    before the request was about something else."""
    found = Answers()
    for answer in answers:
        requested = asked.get(answer.key)
        if requested is None or answer.day < requested:
            continue
        latest = found.away if answer.automatic else found.replied
        if answer.day >= latest.get(answer.key, answer.day):
            latest[answer.key] = answer.day
    return found


def earliest(clocks: Iterable[tuple[Key, date]]) -> dict[Key, date]:
    """The earliest day each (case, agency) was asked for something: answers since then are
    read once, and each thing asked keeps those on or after its own day (Answers.since)."""
    found: dict[Key, date] = {}
    for key, day in clocks:
        found[key] = min(day, found.get(key, day))
    return found

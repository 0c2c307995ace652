"""What no email the bot writes may say: checks shared by the template and outbox tests."""

from __future__ import annotations

import re

# Nouns the bot puts a count in front of. "1 agencies" and "1 days" are the faults to catch.
COUNTED = (
    "days",
    "agencies",
    "recipients",
    "attempts",
    "reminders",
    "commands",
    "votes",
    "emails",
    "messages",
    "returns",
    "actions",
    "deadlines",
    "cases",
)
_ONE_PLURAL = re.compile(rf"(?<![\d.,/:])\b1 (?:working )?(?:{'|'.join(COUNTED)})\b")
# Every count of days the bot gives is of working days: a bare "3 days" hides which.
_BARE_DAYS = re.compile(r"(?<![\d.,/:])\b\d+ days?\b")
# A count glued to a noun with "(s)" reads as a form; say the number right instead.
_OPTIONAL_PLURAL = re.compile(r"\b\d+ [a-z]+\(s\)")


def subject_faults(subject: str) -> list[str]:
    faults = []
    if subject != subject.strip():
        faults.append(f"leading or trailing space: {subject!r}")
    if "  " in subject:
        faults.append(f"double space: {subject!r}")
    return faults + text_faults(subject)


def text_faults(text: str) -> list[str]:
    flat = " ".join(text.split())
    return [
        f"{what}: {m.group(0)!r}"
        for what, pattern in (
            ("'1' with a plural noun", _ONE_PLURAL),
            ("days without 'working'", _BARE_DAYS),
            ("'(s)' plural", _OPTIONAL_PLURAL),
        )
        for m in pattern.finditer(flat)
    ]

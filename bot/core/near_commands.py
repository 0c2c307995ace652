"""Lines shaped like a command that no command reads: "Notifed: 16/12/2026", "Awareness date:
14/12/2026". From one who gives commands, on a case, and with no command read in the email,
they are a command mistyped or one the bot does not know: she believes it was recorded, and
nothing was. She is answered, with the nearest commands the bot knows, and the digest says so
(bot.services.near_commands). Ordinary prose is never answered: only a short label, a colon
or a dash, and a value, whose label is near a command's word or whose value is a date.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from bot.core.commands.keywords import KEYWORDS, _command_text
from bot.core.plan_effects import OPENS_RECORD, Effect, FileOnCase, TellNoCommandRecognised
from bot.core.snapshot import Snapshot

# "Label: value" with a label of one to four words, as a command is written.
_LABELLED = re.compile(
    r"(?P<label>[A-Za-z][A-Za-z'&/]*(?:\s+[A-Za-z'&/]+){0,3})\s*[:=\-\u2013]\s*(?P<value>\S.*)"
)
_DATE = re.compile(
    r"\b(?:\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}-\d{2}-\d{2}|\d{1,2}(?:st|nd|rd|th)?\s+"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*|today|yesterday)\b",
    re.IGNORECASE,
)
NEAR = 0.8  # how alike a label and a command word must be: "notifed" and "notified" are 0.93
NEAREST_SHOWN = 3


def command_like(text: str) -> tuple[str, ...]:
    """The lines of `text` (the new text of an email) that look like a command and are none:
    the caller asks only when no line was read as a command or a command's error."""
    found = []
    for raw in text.splitlines():
        m = _LABELLED.fullmatch(_command_text(raw))
        if m and (_DATE.search(m.group("value")) or _nearest(m.group("label"))):
            found.append(" ".join(raw.split()))
    return tuple(found)


def nearest_commands(lines: tuple[str, ...]) -> tuple[str, ...]:
    """The commands the lines come nearest to, most alike first, each named once."""
    named: list[str] = []
    for line in lines:
        m = _LABELLED.fullmatch(_command_text(line))
        for word in _nearest(m.group("label")) if m else ():
            if word not in named:
                named.append(word)
    return tuple(named[:NEAREST_SHOWN])


def _nearest(label: str) -> tuple[str, ...]:
    said = " ".join(label.lower().split())
    scored = sorted(
        ((_likeness(said, k), KEYWORDS[k]) for k in KEYWORDS), key=lambda pair: -pair[0]
    )
    return tuple(dict.fromkeys(word for score, word in scored if score >= NEAR))


def _likeness(said: str, keyword: str) -> float:
    """1.0 for the same words. "Notifed" is one letter from "Notified"; "Meeting" is the first
    word of "Meeting held"; "Awareness date" starts with "aware". Words under four letters
    are too short to tell ("Note" is not "Not publishing")."""
    whole = SequenceMatcher(None, said, keyword).ratio()
    mine, theirs = said.split()[0], keyword.split()[0]
    long_enough = min(len(mine), len(theirs)) >= 4
    first = SequenceMatcher(None, mine, theirs).ratio() if long_enough else 0.0
    stem = 0.9 if long_enough and said.startswith(keyword) else 0.0
    return max(whole, first, stem)


def no_command_recognised(snap: Snapshot, effects: list[Effect]) -> list[Effect]:
    """Answer one who gives commands (authenticated) whose email on a case held lines like
    commands and not one command: filed on the case, and nothing else done with it."""
    if not (snap.near_commands and snap.commands_allowed) or snap.has_commands:
        return []
    filed = any(isinstance(e, FileOnCase) for e in effects)
    if not filed or any(isinstance(e, OPENS_RECORD) for e in effects):
        return []
    return [TellNoCommandRecognised(snap.near_commands, nearest_commands(snap.near_commands))]

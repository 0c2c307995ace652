"""Lines shaped like a command that no command reads: "Notifed: 16/12/2026", "Awareness date:
14/12/2026". From one who gives commands, on a case, and with no command read in the email,
they are a command mistyped or one the bot does not know: she believes it was recorded, and
nothing was. She is answered, with the nearest commands the bot knows, and the digest says so
(bot.services.near_commands). Ordinary prose is never answered: only a short label, a colon
or a dash, and a value, whose label is near a command's word. A date after a label is not
enough: "Date of birth: 01/02/2015" and "Update: mother arrested yesterday" are notes for a
person. What is kept of a line is its label ("Notifed:"), never its value: the answer goes by
ordinary email, and a value may be a child's details.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from bot.core.commands.keywords import KEYWORDS, command_text
from bot.core.plan_effects import OPENS_RECORD, Effect, FileOnCase, TellNoCommandRecognised
from bot.core.snapshot import Snapshot

# "Label: value" with a label of one to four words, as a command is written.
_LABELLED = re.compile(
    r"(?P<label>[A-Za-z][A-Za-z'&/]*(?:\s+[A-Za-z'&/]+){0,3})\s*(?P<sep>[:=\-\u2013])\s*"
    r"(?P<value>\S.*)"
)
_SEPARATORS = ":=-\u2013 "
NEAR = 0.8  # how alike a label and a command word must be: "notifed" and "notified" are 0.93
NEAREST_SHOWN = 3


def command_like(text: str) -> tuple[str, ...]:
    """The labels of the lines of `text` (the new text of an email) that look like a command
    and are none, each with its separator as written ("Notifed:", "Decison -"); the caller
    asks only when no line was read as a command or a command's error."""
    found = []
    for raw in text.splitlines():
        m = _LABELLED.fullmatch(command_text(raw))
        if m and _nearest(m.group("label")):
            label, sep = " ".join(m.group("label").split()), m.group("sep")
            found.append(label + sep if sep in ":=" else f"{label} {sep}")
    return tuple(found)


def nearest_commands(labels: tuple[str, ...]) -> tuple[str, ...]:
    """The commands the labels come nearest to, most alike first, each named once."""
    named: list[str] = []
    for label in labels:
        for word in _nearest(label.rstrip(_SEPARATORS)):
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

"""Lines shaped like a command that no command reads: "Notifed: 16/12/2026", "Voet: rapid
review". From one who gives commands, on a case, and with no command read in the email, they
are a command mistyped or one the bot does not know: she believes it was recorded, and nothing
was. She is answered, with the nearest commands the bot knows, and the digest says so
(bot.services.near_commands). What is kept of a line is its label ("Notifed:"), never its
value: the answer goes by ordinary email, and a value may be a child's details.

The rule. A line "Label: value" (a label of one word up to as many as the longest command's,
six in "Secretary of State and Ofsted notified", then a colon, "=", a hyphen or an en dash) is
near a command when both hold:

1. Its label is near one of the command's keywords, compared in lower case with single spaces,
   by edits (a letter added, dropped or changed, or two letters swapped, "Voet" for "Vote"):
   - the whole label is at most 1 edit from the keyword (2 when the keyword has 8 letters or
     more: "Agencys" for "Agencies"), and has at least four letters; except, for commands
     that take free text (Close, Delay, Reviewer, Action...: any words fit them), the keyword
     with letters added at its end ("Closed", "Delayed", "Actions"), a word of its own; or,
     only for commands whose value is checked (a date, a choice, a number):
   - its first word is that near the keyword's first word, both of four letters or more
     ("Meeting" for "Meeting held"), or the label begins or ends with the keyword
     ("Awareness date" with "Aware", "Panel notified" with "Notified"), or is two or more of
     its words and no others ("SoS notified" with "SoS and Ofsted notified").
2. Its value is one that command reads ("16/12/2026" for Notified, "rapid review" for Vote),
   as the bot's own reader of that command says.

A label that is another word for a command's is near it too, by rule 2 alone: "Outcome: rapid
review", "Result: no further action" (Decision), "Date of notification: 16/12/2026" (Notified).

So prose after an everyday word is never answered: "Meeting: went well" (Meeting held takes a
date), "Note: the family have moved" (one letter from Vote, which takes a vote), "Status:
waiting for the police" (Status takes nothing), "Closed: the school, on Friday". Nor is a
label near no command, whatever its value: "Update: mother arrested yesterday", "Date of
birth: 01/02/2015", "Strategy meeting: 18/12/2026" are notes for a person.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from bot.core.commands.keywords import KEYWORDS, command_text, reads_value, takes_free_text
from bot.core.plan_effects import OPENS_RECORD, Effect, FileOnCase, TellNoCommandRecognised
from bot.core.snapshot import Snapshot

# "Label: value" with a label of up to as many words as the longest keyword, as a command is
# written: a slip in "Secretary of State and Ofsted notified" is answered as one in "Notified".
_MOST_WORDS = max(len(keyword.split()) for keyword in KEYWORDS)
# A hyphen between letters is part of a word ("Re-open"), one after a word the separator.
_HYPHENED = r"(?:-[A-Za-z]+)*"
_LABELLED = re.compile(
    rf"(?P<label>[A-Za-z][A-Za-z'&/]*{_HYPHENED}(?:\s+[A-Za-z'&/]+{_HYPHENED})"
    rf"{{0,{_MOST_WORDS - 1}}})\s*"
    r"(?P<sep>[:=\-\u2013])\s*"
    r"(?P<value>\S.*)"
)
SHORTEST = 4  # letters: "Tel" or "Due" is no command's word mistyped
NEAREST_SHOWN = 3


@dataclass(frozen=True)
class NearLine:
    """A line near a command: its label as written, with its separator ("Notifed:",
    "Decison -"), and the table's words for the commands it is near, nearest first."""

    label: str
    commands: tuple[str, ...]


def command_like(text: str, today: date) -> tuple[NearLine, ...]:
    """The lines of `text` (the new text of an email) near a command, by the rule above; the
    caller asks only when no line was read as a command or a command's error. `today`: the
    day of the email, for a value such as "yesterday"."""
    found = []
    for raw in text.splitlines():
        m = _LABELLED.fullmatch(command_text(raw))
        if m is None:
            continue
        near = _nearest(m.group("label"), m.group("value"), today)
        if near:
            label, sep = " ".join(m.group("label").split()), m.group("sep")
            found.append(NearLine(label + sep if sep in ":=" else f"{label} {sep}", near))
    return tuple(found)


def nearest_commands(lines: tuple[NearLine, ...]) -> tuple[str, ...]:
    """The commands the lines come nearest to, each named once, the first few only."""
    named = dict.fromkeys(word for line in lines for word in line.commands)
    return tuple(named)[:NEAREST_SHOWN]


# Other words for a command's, as a Business Manager writes the panel's decision.
_SAME_AS = {
    "outcome": "decision",
    "result": "decision",
    "recommendation": "decision",
    "date of notification": "notified",
}


def _nearest(label: str, value: str, today: date) -> tuple[str, ...]:
    said = " ".join(label.lower().split())
    said = _SAME_AS.get(said, said)
    scored = sorted(
        (edits, n, keyword)
        for n, keyword in enumerate(KEYWORDS)
        if (edits := _edits_from(said, keyword)) is not None and reads_value(keyword, value, today)
    )
    return tuple(dict.fromkeys(KEYWORDS[keyword] for _, _, keyword in scored))


def _edits_from(said: str, keyword: str) -> int | None:
    """How near the label is to the keyword by rule 1, in edits; None when it is not."""
    free = takes_free_text(keyword)
    if free and said.startswith(keyword):
        return None  # "Closed", "Delayed", "Actions": a word of its own, and any value fits
    whole = _distance(said, keyword)
    if len(said) >= SHORTEST and whole <= _allowed(keyword):
        return whole
    if free:
        return None
    if len(said.split()) > 1 and set(said.split()) < set(keyword.split()):
        return 1  # "SoS notified" for "SoS and Ofsted notified": words of it, and no others
    if said.endswith(f" {keyword}"):
        return 2  # "Panel notified" for "Notified": less near than a slip of the keyword
    mine, theirs = said.split()[0], keyword.split()[0]
    if min(len(mine), len(theirs)) < SHORTEST:
        return None
    first = _distance(mine, theirs)
    if first <= _allowed(theirs):
        return first + 1  # a shared first word is less near than the whole label
    return 1 if said.startswith(keyword) else None


def _allowed(word: str) -> int:
    return 1 if len(word) < 8 else 2


def _distance(a: str, b: str) -> int:
    """Edits from a to b: a letter added, dropped or changed, or two neighbours swapped
    (optimal string alignment)."""
    before: list[int] = []
    row = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        earlier, before, row = before, row, [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            row[j] = min(before[j] + 1, row[j - 1] + 1, before[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], earlier[j - 2] + 1)
    return row[-1]


def no_command_recognised(snap: Snapshot, effects: list[Effect]) -> list[Effect]:
    """Answer one who gives commands (authenticated) whose email on a case held lines like
    commands, or commands below its signature, and not one command read: filed on the case,
    and nothing else done with it. (Beside a command read, a line below the signature is
    answered in the confirmation: bot.services.commands.)"""
    if not (snap.near_commands or snap.below_signature) or snap.has_commands:
        return []
    filed = any(isinstance(e, FileOnCase) for e in effects)
    if not (snap.commands_allowed and filed) or any(isinstance(e, OPENS_RECORD) for e in effects):
        return []
    near = snap.near_commands
    labels = tuple(line.label for line in near)
    return [TellNoCommandRecognised(labels, nearest_commands(near), snap.below_signature)]


def mistyped(lines: tuple[NearLine, ...]) -> tuple[NearLine, ...]:
    """Of the lines near a command in an email where commands were read, those whose label is
    no command's own word ("Notifed:" beside "Vote: rapid review"): a line labelled with a
    command's word was read as that command, or refused with its reason, or is below the
    signature, and is answered so."""
    return tuple(line for line in lines if _bare(line.label) not in KEYWORDS)


def _bare(label: str) -> str:
    return " ".join(label.rstrip(":=-\u2013 ").lower().split())

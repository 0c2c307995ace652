"""What an answer to someone outside the partnership repeats of their own command lines.

A confirmation or refusal quotes the sender's lines back so they can see what became of each.
To the Business Manager that is the whole line. Anyone else (a partner's representative, the
Independent Scrutineer, an address that is not a configured person at all) is outside the
partnership: a line goes back whole only when it was read as a command whose value is not free
text (a vote, a date, Status, "Agree" alone) and gives no one of the family; any other line goes
back by its label alone ("Disagree: ..."), and what the bot says of it loses the line's words.
The sender has their own copy; mail crossing organisations again carries less. A line from an
unknown address goes back by its label whatever it holds: the address may be forged. Pure.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from bot.core.commands.keywords import command_keyword, command_text, label_of
from bot.core.personal_text import personal_in

LEFT_OUT = "(what followed is left out of this email)"
# Commands whose value is a choice, a date or the partnership's own words (an agency's key):
# nothing a person typed about the family fits in them.
CLOSED = frozenset(
    {
        "vote",
        "decision",
        "notified",
        "agencies",
        "review period",
        "return by",
        "return from",
        "meeting held",
        "report submitted",
        "answered",
        "expected",
        "family preview",
        "publication",
        "published",
        "report sent",
        "action done",
        "approve",
        "reschedule",
        "status",
    }
)
# Commands closed but for a reason that may follow ("Aware: 15/12/2026 because ...").
REASONED = frozenset({"aware", "notifiable", "cspr", "sos and ofsted notified"})
_REASON = re.compile(r"\bbecause\b|\bnot\s+required\b|\s[-\u2013]\s", re.IGNORECASE)
# Said in place of a sentence that still gave someone once the line's words were taken out.
NOT_REPEATED = "not carried out; the reason is left out of this email, as it repeated your words"


@dataclass(frozen=True)
class Echo:
    """A line and what the bot said of it, as they may be repeated to the sender."""

    line: str
    said: str


def echo(
    line: str,
    said: str,
    *,
    read: bool,
    fields: Iterable[tuple[str, str]] = (),
    flags: Iterable[str] = (),
) -> Echo:
    """`line` and `said` (its outcome or refusal) as an answer outside the partnership repeats
    them. `read`: the line was read as a command (not one that could not be read); `fields`
    and `flags`: the case's form values and form flags, for what the forms recorded."""
    keyword = command_keyword(line)
    if keyword is not None and " ".join(line.split()) == f"{label_of(keyword)} ...":
        return Echo(line, said)  # already its label alone (a line below the signature)
    fields, flags = list(fields), list(flags)
    if read and _closed(line, keyword) and personal_in(line, fields, flags) is None:
        return Echo(line, said)
    return _cut(line, said, keyword, fields, flags)


def _closed(line: str, keyword: str | None) -> bool:
    if keyword is None:
        return False
    if keyword in CLOSED or keyword.startswith("correct ") or _alone(line):
        return True
    return keyword in REASONED and _REASON.search(line.partition(":")[2]) is None


def _alone(line: str) -> bool:
    """The line is a keyword with nothing after it ("Agree", "Cancel meeting")."""
    return (
        command_keyword(line) is not None
        and re.search(r"\d|[:\-]\s*\w", line) is None
        and (len(command_text(line).split()) <= 3)
    )


def by_label(line: str) -> str:
    """The line by its label alone, for an answer that repeats nothing after it ("Status"
    alone is already that)."""
    keyword = command_keyword(line)
    if keyword is not None and _alone(line):
        return label_of(keyword).removesuffix(":")
    return _label(line, keyword)


def _cut(
    line: str, said: str, keyword: str | None, fields: list[tuple[str, str]], flags: list[str]
) -> Echo:
    for words in sorted(_words_of(line), key=len, reverse=True):
        said = said.replace(words, "...")
    if said and personal_in(said, fields, flags) is not None:
        said = NOT_REPEATED
    return Echo(_label(line, keyword), said)


def _label(line: str, keyword: str | None) -> str:
    head = label_of(keyword) if keyword is not None else "A line"
    return f"{head} ... {LEFT_OUT}"


def _words_of(line: str) -> set[str]:
    """The line as the bot may have quoted it: whole, as compared, and its value alone."""
    whole = line.strip()
    text = command_text(whole)
    _, colon, tail = text.partition(":")
    value = tail.strip() if colon else " ".join(text.split()[1:])
    return {w for w in (whole, text, " ".join(whole.split()), value) if len(w) > 2}

"""`Status`: asking for the case as it stands, on a case thread or with the reference in the
subject.

Only a line that is plainly the request counts: "Status", "Status please", "Status?",
"Case status: TSCP-2026-0001". Anything longer ("Status: waiting for the police return",
"Status of the review is unclear") is what someone wrote, never an instruction and never an
error, so a colleague's sentence does not bounce back as a refused command.

A new email whose whole subject is "Status TSCP-2026-0001" (no "Re:" or "Fwd:": a reply's
subject is the email it answers, not a request) asks the same with an empty body.
"""

from __future__ import annotations

import re
from datetime import date

from bot.core.commands.model import Command, ParsedCommands, StatusRequest
from bot.core.commands.values import _BadValue, _value
from bot.core.subject_prefixes import leading

# A reference as people write it, tagged or bare; the prefix is the partnership's, checked
# against the case by the service.
_REF = re.compile(r"\[?\s*(?P<ref>[A-Za-z]{2,12}-\d{4}-\d{4,6})\s*\]?")
_COURTESY = frozenset({"", "please", "pls", "request", "requested", "update", "please send"})
_SUBJECT_WORDS = frozenset({"status", "case status", "status request", "status please"})


def _words(text: str) -> str:
    return " ".join(_value(text).lower().split())


def read_status(value: str, line: str, today: date) -> StatusRequest:
    """The request, or _BadValue for a longer line (which the keyword table takes as prose)."""
    found = _REF.search(value)
    rest = _REF.sub(" ", value) if found else value
    if _words(rest.replace("?", " ")) not in _COURTESY:
        raise _BadValue("not a status request")
    return StatusRequest(line, found.group("ref").upper() if found else None)


def status_in_subject(subject: str) -> StatusRequest | None:
    """A request written as a new email's whole subject: "Status TSCP-2026-0001"."""
    if leading(subject).answered:
        return None
    found = _REF.search(subject)
    if found is None:
        return None
    rest = _words(_REF.sub(" ", subject).replace("?", " ").replace(":", " ").replace("-", " "))
    if rest not in _SUBJECT_WORDS:
        return None
    return StatusRequest(" ".join(subject.split()), found.group("ref").upper())


def with_subject_status(parsed: ParsedCommands, subject: str) -> ParsedCommands:
    """The body's commands, with the subject's request first when the body has none."""
    asked = status_in_subject(subject)
    if asked is None or any(isinstance(c, StatusRequest) for c in parsed.commands):
        return parsed
    commands: tuple[Command, ...] = (asked, *parsed.commands)
    return ParsedCommands(commands, parsed.errors, parsed.below_signature, parsed.below_lines)

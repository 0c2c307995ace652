"""The readers of the two commands that end a case and take it up again (both need a reason,
kept in the case's chronology), and of the one that ties an escalation record to its case."""

from __future__ import annotations

import re
from datetime import date

from bot.core.commands.model import AboutCase, Close, Reopen
from bot.core.commands.partials import _Parsed
from bot.core.commands.values import _BadValue, _free, _value

# Any partnership's prefix: the parser is not told the configured one, and the service looks
# the reference up, refusing one no case has.
_REF = re.compile(r"\[?([A-Za-z]{2,8}-\d{4}-\d{4,6})\]?[.]?")


def _read_close(value: str, line: str, today: date) -> _Parsed:
    return Close(_free(value, "reason for closing"), line)


def _read_reopen(value: str, line: str, today: date) -> _Parsed:
    return Reopen(_free(value, "reason for reopening"), line)


def _read_about_case(value: str, line: str, today: date) -> _Parsed:
    found = _REF.fullmatch(_value(value))
    if found is None:
        raise _BadValue("name the case by its reference, for example About case: TSCP-2026-0001")
    return AboutCase(found.group(1).upper(), line)

"""The readers of the two commands that end a case and take it up again: both need a reason,
kept in the case's chronology."""

from __future__ import annotations

from datetime import date

from bot.core.commands.model import Close, Reopen
from bot.core.commands.partials import _Parsed
from bot.core.commands.values import _free


def _read_close(value: str, line: str, today: date) -> _Parsed:
    return Close(_free(value, "reason for closing"), line)


def _read_reopen(value: str, line: str, today: date) -> _Parsed:
    return Reopen(_free(value, "reason for reopening"), line)

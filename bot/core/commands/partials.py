"""Lines that are only part of a command: the parser combines them into one.

"Agencies:", "Review period:" and "Return by:" make one RequestReturns; "Delay reason:" and
"Expected:" make one Delay. A reader returns one of these or a whole command (`_Parsed`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TypeAlias

from bot.core.commands.model import Command


@dataclass(frozen=True)
class _Agencies:
    names: tuple[str, ...]
    line: str


@dataclass(frozen=True)
class _Period:
    text: str
    line: str


@dataclass(frozen=True)
class _ReturnBy:
    on: date
    line: str


@dataclass(frozen=True)
class _DelayReason:
    reason: str
    line: str


@dataclass(frozen=True)
class _Expected:
    on: date
    line: str


_Partial: TypeAlias = _Agencies | _Period | _ReturnBy | _DelayReason | _Expected
_Parsed: TypeAlias = Command | _Partial

# Every reader has the same signature, (value, line, today), so the keyword table can hold them.
_Reader: TypeAlias = Callable[[str, str, date], _Parsed]

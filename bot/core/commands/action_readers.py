"""Readers for the commands that name a numbered item: the action plan's actions ("Action:
<what>; owner: <agency>; due: <date>", "Action done: 3") and drafts awaiting approval
("Approve 12"). Same signature as every reader in bot.core.commands.readers."""

from __future__ import annotations

import re
from datetime import date

from bot.core.commands.model import ActionDone, AddAction, Approve
from bot.core.commands.partials import _Parsed
from bot.core.commands.values import _BadValue, _date, _value

_NUMBER = re.compile(r"#?\s*(\d{1,6})")
_ACTION_DONE_LINE = re.compile(
    r"actions?\s*(?:no\.?\s*|number\s*)?#?\s*(\d{1,6})\s*(?:[:=\-\u2013\u2014]\s*|is\s+)?"
    r"(?:done|complete|completed)[.!]?",
    re.IGNORECASE,
)
_ACTION_PART = re.compile(r"\s*[;,|]\s*(?=(?:owner|due)\b)", re.IGNORECASE)


def _read_action_done(value: str, line: str, today: date) -> _Parsed:
    m = _NUMBER.fullmatch(_value(value))
    if m is None:
        raise _BadValue("give the action's number: Action done: 3")
    return ActionDone(int(m.group(1)), line)


def _read_action(value: str, line: str, today: date) -> _Parsed:
    if m := re.fullmatch(r"#?\s*(\d{1,6})\s*(?:done|complete|completed)", _value(value), re.I):
        return ActionDone(int(m.group(1)), line)
    usage = "write Action: <what>; owner: <agency>; due: <date>"
    text, *parts = _ACTION_PART.split(value.strip())
    owner: str | None = None
    due: date | None = None
    for part in parts:
        m = re.fullmatch(
            r"(owner|due)(?:\s+(?:by|on))?\s*[:=\-\u2013\u2014]?\s*(.*)", part, re.I | re.S
        )
        if m is None:
            continue
        if m.group(1).lower() == "owner":
            owner = _value(m.group(2)) or None
        else:
            due = _date(m.group(2), today)
    missing = [w for w, v in (("owner", owner), ("due date", due)) if v is None]
    if not text.strip() or missing:
        what = "the action itself" if not text.strip() else " and ".join(missing)
        raise _BadValue(f"{what} missing; {usage}")
    assert owner is not None and due is not None
    return AddAction(text.strip(), owner, due, line)


def _read_approve(value: str, line: str, today: date) -> _Parsed:
    if not _value(value):
        return Approve(None, line)
    m = _NUMBER.fullmatch(_value(value))
    if m is None:
        raise _BadValue("write Approve, or Approve and the draft's number: Approve 12")
    return Approve(int(m.group(1)), line)

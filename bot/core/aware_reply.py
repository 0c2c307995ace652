"""The reply to `Aware: <date>`: the day given, the day it replaces, and each clock it moved.

Every `Aware:` may move the National Panel's clock (and a looked-after death's), earlier or,
with a reason, later: a clock never moves unsaid, so each reply names the day counted from
before and every clock's old and new due day (bot.core.moved_clocks), however many times the
date has been corrected already. Pure: the days and the clocks before and after in, words out.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from bot.core.awareness import LABELS, Candidate, Source
from bot.core.dates import fmt_date
from bot.core.moved_clocks import Clock, moved

PANEL = "panel_notification"


def aware_reply(
    given: date,
    old: Candidate | None,
    chosen: Candidate,
    clocks: tuple[Mapping[str, Clock], Mapping[str, Clock]],
    today: date,
) -> str:
    """`old`: the start counted from before the command (None: none yet); `chosen`: the one
    counted from now; `clocks`: the case's clocks before and after."""
    before, after = clocks
    said = f"local authority aware {fmt_date(given)}"
    if chosen.source is Source.BUSINESS_MANAGER:
        head = f"{said}{_replacing(old, chosen)}"
    else:
        # The date given is kept, but an earlier one known is counted from.
        moved_from = _replacing(old, chosen) if old is not None and old.on != chosen.on else ""
        head = (
            f"{said} recorded; the National Panel's clock is counted from {chosen.label()}, "
            f"the earliest plausible date{moved_from}"
        )
    panel = _moved_only(PANEL, before, after, today)
    others = [p for name in after if name != PANEL for p in _moved_only(name, before, after, today)]
    if not panel and PANEL in after:
        still = "still " if old is not None else ""
        panel = [f"National Panel notification {still}due {fmt_date(after[PANEL].due)}"]
    return f"{head}: {'; '.join([*panel, *others])}" if panel or others else head


def _replacing(old: Candidate | None, chosen: Candidate) -> str:
    """The day counted from before, named beside the one counted from now."""
    if old is None:
        return ""
    if old.on == chosen.on:
        return f", the day already counted from ({LABELS[old.source]})"
    return f", replacing {fmt_date(old.on)} ({LABELS[old.source]})"


def _moved_only(
    name: str, before: Mapping[str, Clock], after: Mapping[str, Clock], today: date
) -> list[str]:
    if name not in before or name not in after:
        return []
    return moved({name: before[name]}, {name: after[name]}, today)

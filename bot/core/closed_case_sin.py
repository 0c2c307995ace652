"""A new notification written as a reply on a closed case's thread.

The police reply on TSCP-2026-0001's thread, months after it was closed: "A further serious
incident has occurred; SIN form to follow". Read as a reply, it is filed on the closed case as
news and starts no clock, though a new incident's 2-working-day screening clock is running
from the day it arrived. Nothing is opened on a guess (it may be about the old incident after
all): when its subject or text reads as a SIN by the SIN rules' own signals (bot.core.rules,
`reads_as_sin`), with or without a form, the Business Manager is told now and on the triage
list, with the day it arrived and the command that opens it as a case counted from that day.
"""

from __future__ import annotations

from bot.core.deadlines import fmt_date
from bot.core.plan_effects import AlertNow, Effect, Triage
from bot.core.plan_forms import new_case
from bot.core.snapshot import Snapshot

# Kinds with a record or a handling of their own; a calendar answer echoes our subject.
_OWN_WAY = ("sin", "complaint", "escalation", "auto_reply", "calendar_reply")


def new_sin_on_closed_case(snap: Snapshot, effects: list[Effect]) -> list[Effect]:
    if not (snap.case_exists and not snap.case_open and snap.reads_as_sin):
        return []
    if snap.kind in _OWN_WAY or snap.message_id_reused or snap.copy_of is not None:
        return []
    if any(isinstance(e, AlertNow) for e in effects):
        return []  # its SIN form names another child: she is already asked (plan_forms)
    arrived = f" on {fmt_date(snap.arrived_on)}" if snap.arrived_on is not None else ""
    since = f"from {fmt_date(snap.arrived_on)}, " if snap.arrived_on is not None else "from "
    said = (
        f"on {snap.case_ref}, which is closed, but it reads as a new serious incident "
        f"notification; it arrived{arrived}. Nothing was opened. If it is a new notification "
        f"(its 2-working-day screening clock is running), run {new_case(snap)} to open it as "
        f"a new case, its clocks counted {since}the day it arrived"
    )
    return [Triage(said), AlertNow(f"{said}.")]

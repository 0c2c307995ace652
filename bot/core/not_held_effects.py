"""The effects of a complaint or an escalation naming a reference no case has, on no case:
on the triage list with what `tscp-bot triage new-case N` would open (bot.core.complaint_again).
Apart from bot.core.plan_effects, which names them among the effects, to keep it short."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class TriageComplaintNotHeld:
    """A complaint naming a reference no case has, from someone with no open complaint: on the
    triage list with the day its response would be due, as `triage new-case` may open it."""

    not_held: str
    # A forwarded complaint: opened as on arrival (bot.core.message_plan), its clock from the
    # day its writer sent it when read for sure and earlier (`first_written`), so the would-be
    # due day is counted from that day too; `doubt`: why that day is unsure, if known.
    forwarded: bool = False
    first_written: date | None = None
    doubt: str | None = None


@dataclass(frozen=True)
class TriageEscalationNotHeld:
    """An escalation naming a reference no case has: on the triage list, saying that `triage
    new-case` opens it as an escalation record linked to no case, as one naming none is."""

    not_held: str

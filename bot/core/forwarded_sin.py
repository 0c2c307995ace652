"""A SIN passed on to the mailbox by someone else: the day its clocks count from, and who is
told it was received.

The police send their notification to the Business Manager on Friday; she forwards it to the
mailbox on Wednesday. The partnership had it on Friday, so its Screening Panel's 2 working
days ran out on Tuesday: counted from Wednesday, the bot would promise a panel "within 2
working days" that is already late, and say nothing. The forwarded email's own day is used
when it is sure (bot.core.forwarded: read one way only, earlier than the forward, not a year
back), and a person is always asked to check it; when it is not sure the clocks count from the
forward, and a person is told that too, as the real start may be earlier.

Whom the acknowledgement goes to: a forward from the Business Manager (or from the
partnership's own mailbox) is acknowledged to whoever wrote the forwarded email, the referrer,
when that is an agency's address the bot may answer: she needs no acknowledgement of her own
forward, and the referrer would otherwise have none. Their address becomes the case's
referrer, so the panel's outcome goes to them too. With no such address nobody is
acknowledged, and she is asked to tell the referrer. A forward from anyone else (an agency
colleague passing on a notification) is acknowledged to them as before: they are the one who
notified the mailbox, their address is sure, and a writer read from quoted text may be anyone
in the chain.
"""

from __future__ import annotations

from datetime import date

from bot.core.deadlines import fmt_date
from bot.core.forwarded import counted_from
from bot.core.plan_effects import Acknowledge, Effect, Triage
from bot.core.snapshot import Snapshot

_CHECK = (
    "If it reached the partnership on another day, write Correct Received: <date> because "
    "<reason> on the case; if the local authority became aware on another day, Aware: <date>"
)


def counted_since(snap: Snapshot) -> date | None:
    """The forwarded email's day, when a forwarded SIN's clocks count from it."""
    if not snap.forwarded or snap.arrived_on is None:
        return None
    return counted_from(snap.first_written, snap.arrived_on)


def start_unsure(snap: Snapshot) -> bool:
    """A forwarded SIN counted from the forward only because the day it was first sent could
    not be read for sure (or read as later, or a year back): the real start may be earlier,
    so no day counted from the forward is told to anyone outside. Sent the day it was
    forwarded, the forward's day is the real one."""
    return (
        snap.forwarded
        and snap.arrived_on is not None
        and counted_since(snap) is None
        and snap.first_written != snap.arrived_on
    )


def acknowledgement(snap: Snapshot) -> list[Effect]:
    unsure = start_unsure(snap)
    if not (snap.forwarded and snap.forwarded_by_us):
        return [Acknowledge(start_unsure=unsure)] if snap.can_acknowledge else []
    if snap.first_writer is not None:
        return [Acknowledge(snap.first_writer, start_unsure=unsure)]
    return [
        Triage(
            "forwarded SIN not acknowledged: the forwarded email gives no agency address the "
            "bot may answer; answer the referrer another way, with the case's reference"
        )
    ]


def forwarded_note(snap: Snapshot, since: date | None) -> list[Effect]:
    """What a person checks on a forwarded SIN: the day its clocks count from."""
    arrived = snap.arrived_on
    if not snap.forwarded or arrived is None:
        return []
    if since is not None:
        return [
            Triage(
                f"forwarded SIN: its clocks count from {fmt_date(since)}, the day the forwarded "
                f"email says it was sent, not {fmt_date(arrived)}, when the forward arrived; "
                f"check that day. {_CHECK}"
            )
        ]
    return [
        Triage(
            f"forwarded SIN: its clocks count from {fmt_date(arrived)}, when the forward "
            f"arrived, as {_why_not(snap.first_written, arrived)}. If it was sent to the "
            f"partnership earlier, its clocks ran from then: check. {_CHECK}{_untold(snap)}"
        )
    ]


def _untold(snap: Snapshot) -> str:
    if not start_unsure(snap):
        return ""
    return ". No key dates were given to the referrer: tell them the deadlines once checked"


def _why_not(written: date | None, arrived: date) -> str:
    if written is None:
        return "the day the forwarded email was sent could not be read for sure"
    if written == arrived:
        return "the forwarded email was sent that day"
    return f"the day the forwarded email gives, {fmt_date(written)}, is later or over a year before"

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

The same answers hold for a forwarded SIN opened later from the triage list (`tscp-bot triage
new-case`, bot.core.triage_new_case): they are asked of a `Forward`, not of the snapshot.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.core.deadlines import fmt_date
from bot.core.forwarded import counted_from
from bot.core.plan_effects import Acknowledge, Effect, OpenCase, Triage
from bot.core.snapshot import Snapshot

_CHECK = (
    "If it reached the partnership on another day, write Correct Received: <date> because "
    "<reason> on the case; if the local authority became aware on another day, Aware: <date>"
)


@dataclass(frozen=True)
class Forward:
    """A message passing on an email someone else wrote (bot.core.forwarded), as read."""

    arrived_on: date  # the day the forward reached the mailbox, where the partnership is
    first_written: date | None  # the day the forwarded email was sent, when read for sure
    first_writer: str | None  # its writer, when an acknowledgement may go to them
    by_us: bool  # passed on by the Business Manager or the partnership's own mailbox
    quoted_writer: str | None = None  # the address on its quoted From line, whoever it is
    # Why the day it was sent is unsure, when its Sent line's zone letters are the cause.
    doubt: str | None = None
    # A forwarded complaint's writer, read for sure (bot.core.forwarded.complainant_of); "":
    # not known. Never the forwarder, who must not be taken for the complainant.
    complainant: str = ""


def forward_of(snap: Snapshot) -> Forward | None:
    """The snapshot's forward; None when the message is no forward."""
    if not snap.forwarded or snap.arrived_on is None:
        return None
    return Forward(
        snap.arrived_on,
        snap.first_written,
        snap.first_writer,
        snap.forwarded_by_us,
        snap.quoted_writer,
        snap.first_written_doubt,
    )


def counted_since(fwd: Forward | None) -> date | None:
    """The forwarded email's day, when a forwarded SIN's clocks count from it."""
    return counted_from(fwd.first_written, fwd.arrived_on) if fwd is not None else None


def clocks_start(fwd: Forward | None, arrived: date) -> date:
    """The day a SIN that arrived on `arrived` has its clocks counted from."""
    return counted_since(fwd) or arrived


def opened_from(fwd: Forward | None) -> OpenCase:
    """The case a SIN opens: counted from the forwarded email's day when sure; otherwise from
    its arrival, with why when the Sent line's zone letters are the cause."""
    since = counted_since(fwd)
    doubt = fwd.doubt if fwd is not None and since is None else None
    return OpenCase(since, doubt)


def start_unsure(fwd: Forward | None) -> bool:
    """A forwarded SIN counted from the forward only because the day it was first sent could
    not be read for sure (or read as later, or a year back): the real start may be earlier,
    so no day counted from the forward is told to anyone outside. Sent the day it was
    forwarded, the forward's day is the real one."""
    return fwd is not None and counted_since(fwd) is None and fwd.first_written != fwd.arrived_on


def acknowledgement(fwd: Forward | None, can_acknowledge: bool) -> list[Effect]:
    """Whom a new SIN is acknowledged to (none: `[]`, or a person is asked to answer)."""
    unsure = start_unsure(fwd)
    if fwd is None or not fwd.by_us:
        return [Acknowledge(start_unsure=unsure)] if can_acknowledge else []
    if fwd.first_writer is not None:
        return [Acknowledge(fwd.first_writer, start_unsure=unsure)]
    return [
        Triage(
            "forwarded SIN not acknowledged: the forwarded email gives no agency address the "
            "bot may answer; answer the referrer another way, with the case's reference"
        )
    ]


def forwarded_note(fwd: Forward | None, acknowledged: str | None = None) -> list[Effect]:
    """What a person checks on a forwarded SIN: the day its clocks count from, and, when a
    colleague forwarded it, that `acknowledged` (the forwarder) was told, not its writer."""
    if fwd is None:
        return []
    arrived, since = fwd.arrived_on, counted_since(fwd)
    told = _who_was_told(fwd, acknowledged)
    if since is not None:
        return [
            Triage(
                f"forwarded SIN: its clocks count from {fmt_date(since)}, the day the forwarded "
                f"email says it was sent, not {fmt_date(arrived)}, when the forward arrived; "
                f"check that day. {_CHECK}{told}"
            )
        ]
    return [
        Triage(
            f"forwarded SIN: its clocks count from {fmt_date(arrived)}, when the forward "
            f"arrived, as {_why_not(fwd, arrived)}. If it was sent to the "
            f"partnership earlier, its clocks ran from then: check. {_CHECK}{_untold(fwd)}{told}"
        )
    ]


def _who_was_told(fwd: Forward, acknowledged: str | None) -> str:
    """A colleague's forward is acknowledged to them, by design; whoever wrote the SIN is not,
    and may be waiting to hear that it arrived."""
    writer = fwd.quoted_writer
    if fwd.by_us or acknowledged is None or writer is None:
        return ""
    if writer.lower() == acknowledged.lower():
        return ""
    return (
        f". The acknowledgement went to {acknowledged}, who forwarded it, not to {writer}, "
        "who wrote it (named on the quoted From line): tell them if they should know"
    )


def _untold(fwd: Forward) -> str:
    if not start_unsure(fwd):
        return ""
    return ". No key dates were given to the referrer: tell them the deadlines once checked"


def _why_not(fwd: Forward, arrived: date) -> str:
    written = fwd.first_written
    if written is None and fwd.doubt is not None:
        return f"the day the forwarded email was sent could not be read for sure: {fwd.doubt}"
    if written is None:
        return "the day the forwarded email was sent could not be read for sure"
    if written == arrived:
        return "the forwarded email was sent that day"
    return f"the day the forwarded email gives, {fmt_date(written)}, is later or over a year before"

"""The last guard against a mail loop: a sender the bot has already acknowledged a few times
today is not acknowledged again, whatever its mail looks like.

A helpdesk or CRM that answers with no automatic-mail header ("Thank you for your complaint -
reference CS-001234") reads like a new complaint; acknowledged, it answers again, and so on
for ever. Its record still opens (nothing is lost), but the acknowledgement is held back and a
person is told: "possible mail loop with <address>".

SINs are not limited: a SIN is known by its form or its subject, which no auto-responder
writes unthreaded, and a referral unit may rightly send several in a day. An Appendix B
return's receipt is: a responder that answers it with a leaflet attached, on the case's
thread, reads like the return sent again. Its receipt is then held back without a triage
line, as an agency may rightly send four returns in a day.
"""

from __future__ import annotations

from dataclasses import replace

from bot.core.plan_effects import Effect, OpenComplaint, OpenEscalation, RecordReturn, Triage
from bot.core.snapshot import Snapshot

# Automatic acknowledgements one address may be sent in 24 hours, unless
# `[ingest] max_acknowledgements_per_day` says otherwise (Snapshot.acknowledgements_per_day).
ACKNOWLEDGEMENTS_PER_DAY = 3


def _acknowledges(effect: Effect) -> bool:
    if isinstance(effect, RecordReturn):
        return effect.receipt
    return isinstance(effect, OpenComplaint | OpenEscalation) and effect.acknowledge


def _quiet(effect: Effect) -> Effect:
    if isinstance(effect, OpenEscalation):
        return replace(effect, acknowledge=False, held_back=True)
    if isinstance(effect, OpenComplaint):
        return replace(effect, acknowledge=False)
    if isinstance(effect, RecordReturn):
        return replace(effect, receipt=False)
    return effect


def loop_guard(snap: Snapshot, effects: list[Effect]) -> list[Effect]:
    """`effects`, without their acknowledgement when the sender has had its day's share."""
    sent = snap.acknowledged_today
    if sent < snap.acknowledgements_per_day or not any(map(_acknowledges, effects)):
        return effects
    kept = [_quiet(e) for e in effects]
    if not any(_acknowledges(e) for e in effects if not isinstance(e, RecordReturn)):
        # Only a return's receipt held back: the return is recorded and in the digest, and an
        # agency sending its day's returns is no loop worth a person's time.
        return kept
    return [*kept, Triage(loop_reason(snap.answer_to, sent))]


def held_back(address: str, sent: int, per_day: int) -> str | None:
    """Why an acknowledgement to `address`, sent `sent` in the last day, is held back; None: it
    is not. For a record opened by hand (`tscp-bot triage new-case`), as on arrival."""
    return loop_reason(address, sent) if sent >= per_day else None


def loop_reason(address: str, sent: int) -> str:
    were = "automatic acknowledgement was" if sent == 1 else "automatic acknowledgements were"
    return (
        f"possible mail loop with {address}: {sent} {were} sent to it in the last 24 "
        "hours, so this one was not acknowledged; if a person wrote it, answer them yourself"
    )

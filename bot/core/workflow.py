"""What to do with a classified message: a pure decision, applied later in one transaction.

The plan is deliberately conservative. Anything the bot is not sure how to act on goes to the
Business Manager's triage list rather than being answered or dropped.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MessageFacts:
    kind: str
    case_ref: str | None  # reference the message carries (subject tag or thread)
    case_exists: bool  # that reference names a case we hold
    can_acknowledge: bool
    no_ack_reason: str
    message_id_reused: bool  # same Message-ID as an earlier, different message


@dataclass(frozen=True)
class IngestPlan:
    open_case: bool = False
    file_on_case: bool = False
    acknowledge: bool = False
    book_screening: bool = False
    triage_reason: str | None = None
    note: str = ""


def plan_for(facts: MessageFacts) -> IngestPlan:
    if facts.message_id_reused:
        return IngestPlan(
            file_on_case=facts.case_exists,
            triage_reason="same Message-ID as an earlier message but different content",
            note="not acted on: possible resend or forgery",
        )
    if facts.case_ref and not facts.case_exists and facts.kind != "auto_reply":
        return IngestPlan(triage_reason=f"refers to {facts.case_ref}, which is not a known case")
    if facts.kind == "auto_reply":
        return IngestPlan(file_on_case=facts.case_exists, note="automatic message: never answered")
    if facts.kind == "sin":
        return _plan_sin(facts)
    if facts.kind in ("appendix_b", "escalation", "complaint", "case_reply") and facts.case_exists:
        return IngestPlan(file_on_case=True, note=f"{facts.kind} filed on the case")
    if facts.kind in ("appendix_b", "escalation", "complaint"):
        return IngestPlan(triage_reason=f"{facts.kind.replace('_', ' ')} not linked to a case")
    return IngestPlan(triage_reason="not recognised by any rule")


def _plan_sin(facts: MessageFacts) -> IngestPlan:
    if facts.case_exists:
        # A corrected or repeated form in an existing thread updates that case, never a new one.
        return IngestPlan(file_on_case=True, note="further SIN form filed on the existing case")
    return IngestPlan(
        open_case=True,
        acknowledge=facts.can_acknowledge,
        book_screening=True,
        note="" if facts.can_acknowledge else f"not acknowledged: {facts.no_ack_reason}",
    )

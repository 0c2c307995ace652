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
    has_commands: bool = False  # command lines (votes, decisions, approvals...) in new text
    blank_form: bool = False  # the attached form has its labels but no values filled in


@dataclass(frozen=True)
class IngestPlan:
    open_case: bool = False
    file_on_case: bool = False
    acknowledge: bool = False
    book_screening: bool = False
    run_commands: bool = False
    open_complaint: bool = False
    open_escalation: bool = False
    record_return: bool = False
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
    if facts.has_commands and facts.case_exists:
        return IngestPlan(file_on_case=True, run_commands=True, note="commands on the case")
    return _plan_by_kind(facts)


def _plan_by_kind(facts: MessageFacts) -> IngestPlan:
    ack = facts.can_acknowledge
    why_not = "" if ack else f"not acknowledged: {facts.no_ack_reason}"
    if facts.kind == "sin":
        if facts.blank_form and not facts.case_exists:
            return IngestPlan(
                triage_reason="blank SIN template (no values filled in): not a notification"
            )
        if facts.case_exists:
            # A corrected or repeated form in an existing thread updates that case.
            return IngestPlan(file_on_case=True, note="further SIN form filed on the existing case")
        return IngestPlan(open_case=True, acknowledge=ack, book_screening=True, note=why_not)
    if facts.kind == "escalation":
        return IngestPlan(
            file_on_case=facts.case_exists, open_escalation=True, acknowledge=ack, note=why_not
        )
    if facts.kind == "complaint" and not facts.case_exists:
        return IngestPlan(open_complaint=True, acknowledge=ack, note=why_not)
    if facts.kind == "appendix_b" and facts.case_exists:
        return IngestPlan(file_on_case=True, record_return=True, note="Appendix B return")
    if facts.kind == "unclassified":
        # Kept with its case, but a person decides what it is.
        return IngestPlan(
            file_on_case=facts.case_exists, triage_reason="not recognised by any rule"
        )
    if facts.case_exists:
        return IngestPlan(file_on_case=True, note=f"{facts.kind} filed on the case")
    if facts.kind == "appendix_b":
        return IngestPlan(triage_reason="appendix b not linked to a case")
    return IngestPlan(triage_reason="not recognised by any rule")

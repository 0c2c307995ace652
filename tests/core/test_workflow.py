"""What the bot does with each classified message: open, file, acknowledge, book or triage."""

from __future__ import annotations

import itertools

import pytest

from bot.core.workflow import IngestPlan, MessageFacts, plan_for

REF = "TSCP-2026-001"
KINDS = (
    "sin",
    "appendix_b",
    "escalation",
    "complaint",
    "case_reply",
    "auto_reply",
    "unclassified",
)
# (case_ref, case_exists): no reference, a reference to an unknown case, a known case.
NO_REF = (None, False)
UNKNOWN = (REF, False)
KNOWN = (REF, True)
CASE_STATES = (NO_REF, UNKNOWN, KNOWN)

REUSED_REASON = "same Message-ID as an earlier message but different content"
UNKNOWN_REASON = f"refers to {REF}, which is not a known case"


def facts(
    kind: str,
    case: tuple[str | None, bool] = NO_REF,
    *,
    can_acknowledge: bool = True,
    no_ack_reason: str = "",
    reused: bool = False,
) -> MessageFacts:
    case_ref, case_exists = case
    return MessageFacts(
        kind=kind,
        case_ref=case_ref,
        case_exists=case_exists,
        can_acknowledge=can_acknowledge,
        no_ack_reason=no_ack_reason,
        message_id_reused=reused,
    )


@pytest.mark.parametrize(
    ("kind", "case", "expected"),
    [
        # A new SIN opens a case, books the panel and thanks the referrer.
        ("sin", NO_REF, IngestPlan(open_case=True, acknowledge=True, book_screening=True)),
        ("sin", UNKNOWN, IngestPlan(triage_reason=UNKNOWN_REASON)),
        (
            "sin",
            KNOWN,
            IngestPlan(file_on_case=True, note="further SIN form filed on the existing case"),
        ),
        ("appendix_b", NO_REF, IngestPlan(triage_reason="appendix b not linked to a case")),
        ("appendix_b", UNKNOWN, IngestPlan(triage_reason=UNKNOWN_REASON)),
        # A return on a known case marks the agency's request received.
        (
            "appendix_b",
            KNOWN,
            IngestPlan(file_on_case=True, record_return=True, note="Appendix B return"),
        ),
        # An escalation always opens its own record, linked to the case when it names one.
        ("escalation", NO_REF, IngestPlan(open_escalation=True, acknowledge=True)),
        ("escalation", UNKNOWN, IngestPlan(triage_reason=UNKNOWN_REASON)),
        (
            "escalation",
            KNOWN,
            IngestPlan(file_on_case=True, open_escalation=True, acknowledge=True),
        ),
        # A new complaint opens a complaint record and is acknowledged.
        ("complaint", NO_REF, IngestPlan(open_complaint=True, acknowledge=True)),
        ("complaint", UNKNOWN, IngestPlan(triage_reason=UNKNOWN_REASON)),
        ("complaint", KNOWN, IngestPlan(file_on_case=True, note="complaint filed on the case")),
        ("case_reply", NO_REF, IngestPlan(triage_reason="not recognised by any rule")),
        ("case_reply", UNKNOWN, IngestPlan(triage_reason=UNKNOWN_REASON)),
        ("case_reply", KNOWN, IngestPlan(file_on_case=True, note="case_reply filed on the case")),
        # Automatic mail is never answered and never bothers the Business Manager.
        ("auto_reply", NO_REF, IngestPlan(note="automatic message: never answered")),
        ("auto_reply", UNKNOWN, IngestPlan(note="automatic message: never answered")),
        (
            "auto_reply",
            KNOWN,
            IngestPlan(file_on_case=True, note="automatic message: never answered"),
        ),
        ("unclassified", NO_REF, IngestPlan(triage_reason="not recognised by any rule")),
        ("unclassified", UNKNOWN, IngestPlan(triage_reason=UNKNOWN_REASON)),
        (
            "unclassified",
            KNOWN,
            IngestPlan(file_on_case=True, triage_reason="not recognised by any rule"),
        ),
    ],
)
def test_plan_by_kind_and_case(
    kind: str, case: tuple[str | None, bool], expected: IngestPlan
) -> None:
    assert plan_for(facts(kind, case)) == expected


def test_new_sin_that_cannot_be_acknowledged_still_opens_and_books_and_says_why() -> None:
    plan = plan_for(facts("sin", can_acknowledge=False, no_ack_reason="sender is a mailing list"))
    assert plan == IngestPlan(
        open_case=True,
        acknowledge=False,
        book_screening=True,
        note="not acknowledged: sender is a mailing list",
    )


def test_sin_on_existing_case_ignores_acknowledgement_reason() -> None:
    plan = plan_for(
        facts("sin", KNOWN, can_acknowledge=False, no_ack_reason="sender is a mailing list")
    )
    assert plan == IngestPlan(file_on_case=True, note="further SIN form filed on the existing case")


@pytest.mark.parametrize(
    ("kind", "case", "expected"),
    [
        ("sin", NO_REF, IngestPlan(triage_reason=REUSED_REASON, note=(
            "not acted on: possible resend or forgery"))),
        ("sin", KNOWN, IngestPlan(file_on_case=True, triage_reason=REUSED_REASON, note=(
            "not acted on: possible resend or forgery"))),
        ("complaint", UNKNOWN, IngestPlan(triage_reason=REUSED_REASON, note=(
            "not acted on: possible resend or forgery"))),
        ("auto_reply", KNOWN, IngestPlan(file_on_case=True, triage_reason=REUSED_REASON, note=(
            "not acted on: possible resend or forgery"))),
    ],
)  # fmt: skip
def test_reused_message_id_is_triaged_not_acted_on(
    kind: str, case: tuple[str | None, bool], expected: IngestPlan
) -> None:
    assert plan_for(facts(kind, case, reused=True)) == expected


ALL_FACTS = [
    facts(kind, case, can_acknowledge=ack, no_ack_reason="" if ack else "no reply wanted",
          reused=reused)
    for kind, case, ack, reused in itertools.product(
        KINDS, CASE_STATES, (True, False), (True, False)
    )
]  # fmt: skip


@pytest.mark.parametrize("f", ALL_FACTS)
def test_invariants_over_every_combination(f: MessageFacts) -> None:
    plan = plan_for(f)
    # Only a new, un-reused SIN opens a case, and only then is the panel booked.
    assert plan.open_case == (f.kind == "sin" and f.case_ref is None and not f.message_id_reused)
    assert plan.book_screening == plan.open_case
    # Only a newly opened record is acknowledged, and only when the checks allow it.
    opened = plan.open_case or plan.open_complaint or plan.open_escalation
    assert plan.acknowledge == (opened and f.can_acknowledge)
    # Never both open a case and file on one; never file on a case that does not exist.
    assert not (plan.open_case and plan.file_on_case)
    assert not (plan.file_on_case and not f.case_exists)
    # A reused Message-ID always goes to the Business Manager.
    if f.message_id_reused:
        assert plan.triage_reason == REUSED_REASON
    # Automatic mail is never triaged unless its Message-ID is suspicious.
    if f.kind == "auto_reply" and not f.message_id_reused:
        assert plan.triage_reason is None
    # Something is always done: opened, filed or triaged (or a quietly dropped auto-reply).
    assert opened or plan.file_on_case or plan.triage_reason or f.kind == "auto_reply"


def test_commands_on_a_known_case_are_run_and_filed() -> None:
    f = MessageFacts("case_reply", REF, True, True, "", False, has_commands=True)
    assert plan_for(f) == IngestPlan(
        file_on_case=True, run_commands=True, note="commands on the case"
    )


def test_commands_never_run_from_automatic_or_suspicious_mail() -> None:
    for kind, reused in (("auto_reply", False), ("case_reply", True)):
        f = MessageFacts(kind, REF, True, True, "", reused, has_commands=True)
        assert not plan_for(f).run_commands

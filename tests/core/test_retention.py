"""What is due for purge, decided from facts alone: each rule, its edges, and what is never due."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

import pytest

from bot.core.retention import (
    CaseFacts,
    MessageFacts,
    OutboxFacts,
    PurgeRule,
    RecordKind,
    RetentionPolicy,
    cutoff,
    due_for_purge,
)

NOW = datetime(2030, 6, 15, 12, 0, tzinfo=UTC)
POLICY = RetentionPolicy(closed_cases_years=2, unclassified_mail_months=6, sent_outbox_months=12)
OLD = datetime(2027, 1, 1, tzinfo=UTC)  # older than every period in POLICY
RECENT = datetime(2030, 5, 1, tzinfo=UTC)  # newer than every period in POLICY


def decide(
    cases: Iterable[CaseFacts] = (),
    messages: Iterable[MessageFacts] = (),
    outbox: Iterable[OutboxFacts] = (),
    policy: RetentionPolicy = POLICY,
) -> list[tuple[RecordKind, int, PurgeRule]]:
    return [(d.kind, d.id, d.rule) for d in due_for_purge(policy, NOW, cases, messages, outbox)]


def case(
    id: int, closed: bool = True, at: datetime = OLD, linked: set[int] | None = None
) -> CaseFacts:
    return CaseFacts(id, f"TSCP-2027-{id:04d}", closed, at, frozenset(linked or ()))


def mail(
    id: int,
    case_id: int | None = None,
    handled: bool = True,
    at: datetime = OLD,
    refs: Iterable[tuple[RecordKind, int]] = (),
) -> MessageFacts:
    return MessageFacts(id, case_id, handled, at, frozenset(refs))


def sent(
    id: int, case_id: int | None = None, finished: bool = True, at: datetime = OLD
) -> OutboxFacts:
    return OutboxFacts(id, case_id, finished, at, "digest")


@pytest.mark.parametrize(
    ("years", "months", "expected"),
    [
        (2, 0, datetime(2028, 6, 15, 12, tzinfo=UTC)),
        (0, 6, datetime(2029, 12, 15, 12, tzinfo=UTC)),
        (0, 18, datetime(2028, 12, 15, 12, tzinfo=UTC)),
    ],
)
def test_cutoff_counts_whole_calendar_months(years: int, months: int, expected: datetime) -> None:
    assert cutoff(NOW, years=years, months=months) == expected


def test_cutoff_from_the_31st_lands_on_the_shorter_months_last_day() -> None:
    assert cutoff(datetime(2030, 3, 31, tzinfo=UTC), months=1) == datetime(2030, 2, 28, tzinfo=UTC)
    assert cutoff(datetime(2028, 2, 29, tzinfo=UTC), years=1) == datetime(2027, 2, 28, tzinfo=UTC)


def test_a_closed_case_past_its_period_is_due_under_its_rule() -> None:
    assert decide(cases=[case(1)]) == [(RecordKind.CASE, 1, PurgeRule.CLOSED_CASE)]


@pytest.mark.parametrize(
    "facts",
    [
        case(1, closed=False),  # an open case, however old
        case(1, at=RECENT),  # closed, but active within the period
        case(1, at=datetime(2028, 6, 15, 12, tzinfo=UTC)),  # exactly the period: not yet
    ],
)
def test_an_open_or_recent_case_is_never_due(facts: CaseFacts) -> None:
    assert decide(cases=[facts]) == []


def test_a_family_of_cases_goes_together_or_not_at_all() -> None:
    parent, complaint = case(1, linked={2}), case(2, closed=False, linked={1})
    assert decide(cases=[parent, complaint]) == []  # the open complaint keeps its case
    old_complaint = case(2, linked={1})
    assert decide(cases=[parent, old_complaint]) == [
        (RecordKind.CASE, 1, PurgeRule.CLOSED_CASE),
        (RecordKind.CASE, 2, PurgeRule.CLOSED_CASE),
    ]
    # A chain: 3 is open, so 2 (linked to 3) stays, so 1 (linked to 2) stays too.
    chain = [case(1, linked={2}), case(2, linked={1, 3}), case(3, closed=False, linked={2})]
    assert decide(cases=chain) == []


def test_mail_of_no_case_goes_once_handled_and_past_its_period() -> None:
    assert decide(messages=[mail(7)]) == [(RecordKind.MESSAGE, 7, PurgeRule.UNCLASSIFIED_MAIL)]
    assert decide(messages=[mail(7, at=RECENT)]) == []
    assert decide(messages=[mail(7, handled=False)]) == []  # waiting for a person


def test_mail_on_a_case_is_never_due_by_itself_even_on_an_old_closed_case() -> None:
    # It goes with its case (the service deletes it with the case's rows), not as loose mail.
    assert decide(cases=[case(1, closed=False)], messages=[mail(7, case_id=1)]) == []
    assert decide(cases=[case(1)], messages=[mail(7, case_id=1)]) == [
        (RecordKind.CASE, 1, PurgeRule.CLOSED_CASE)
    ]


def test_mail_a_kept_record_refers_to_is_kept() -> None:
    vote_on_open_case = mail(7, refs=[(RecordKind.CASE, 1)])
    assert decide(cases=[case(1, closed=False)], messages=[vote_on_open_case]) == []
    # ... and goes when what refers to it goes.
    assert decide(cases=[case(1)], messages=[vote_on_open_case]) == [
        (RecordKind.CASE, 1, PurgeRule.CLOSED_CASE),
        (RecordKind.MESSAGE, 7, PurgeRule.UNCLASSIFIED_MAIL),
    ]
    bounce_about_kept_email = mail(8, refs=[(RecordKind.OUTBOX, 3)])
    assert decide(messages=[bounce_about_kept_email], outbox=[sent(3, at=RECENT)]) == []


def test_sent_email_of_no_case_goes_after_its_period_never_one_still_waiting() -> None:
    assert decide(outbox=[sent(3)]) == [(RecordKind.OUTBOX, 3, PurgeRule.SENT_OUTBOX)]
    assert decide(outbox=[sent(3, finished=False)]) == []
    assert decide(outbox=[sent(3, at=RECENT)]) == []
    assert decide(outbox=[sent(3, case_id=1)]) == []  # goes with its case


def test_zero_keeps_that_kind_for_ever() -> None:
    forever = RetentionPolicy(0, 0, 0)
    assert decide(cases=[case(1)], messages=[mail(7)], outbox=[sent(3)], policy=forever) == []


def test_decisions_name_records_by_reference_only() -> None:
    [d] = due_for_purge(POLICY, NOW, [case(1)], [], [])
    assert (d.reference, d.since) == ("TSCP-2027-0001", OLD)
    [m] = due_for_purge(POLICY, NOW, [], [mail(7)], [])
    assert m.reference == "message #7"


def test_a_case_whose_mail_another_kept_record_refers_to_is_kept() -> None:
    # Message 7 is filed on case 1, but case 2 (open) holds a vote that came in it.
    shared = mail(7, case_id=1, refs=[(RecordKind.CASE, 2)])
    assert decide(cases=[case(1), case(2, closed=False)], messages=[shared]) == []
    assert decide(cases=[case(1), case(2)], messages=[shared]) == [
        (RecordKind.CASE, 1, PurgeRule.CLOSED_CASE),
        (RecordKind.CASE, 2, PurgeRule.CLOSED_CASE),
    ]
    bounced = mail(8, case_id=1, refs=[(RecordKind.OUTBOX, 3)])  # about an email of no case
    assert decide(cases=[case(1)], messages=[bounced]) == []
    own = mail(9, case_id=1, refs=[(RecordKind.CASE, 1)])  # its own vote: no obstacle
    assert decide(cases=[case(1)], messages=[own]) == [(RecordKind.CASE, 1, PurgeRule.CLOSED_CASE)]

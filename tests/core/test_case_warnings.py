"""Which contradictions in a case's facts the Business Manager is warned about, and how."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from bot.core.case_warnings import CaseFacts, ReturnFacts, case_warnings

NOTIFIED = date(2026, 12, 18)
RR_DUE = date(2027, 1, 13)
ON_TIME = ReturnFacts("icb", date(2027, 1, 5), received=False)
LATE = ReturnFacts("gmp", date(2027, 1, 20), received=False)
LATE_BUT_IN = ReturnFacts("gmp", date(2027, 1, 20), received=True)

# A Rapid Review in progress with nothing wrong: every row below changes one or two facts.
HEALTHY = CaseFacts(
    closed=False,
    decision="rapid_review",
    notifiable=True,
    notification_sent_on=NOTIFIED,
    rapid_review_due=RR_DUE,
    rapid_review_submitted=False,
    returns=(ON_TIME,),
)
STILL_EXPECTED = "Rapid Review still expected"
NOT_NOTIFIABLE = "Rapid Review but not notifiable"
LATE_RETURN = "Appendix B due after the Rapid Review"


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, []),
        # Closed, or decided otherwise, after the Panel was told: the review is still owed.
        ({"closed": True}, [STILL_EXPECTED]),
        ({"decision": "no_further_action"}, [STILL_EXPECTED]),
        ({"decision": "local_review"}, [STILL_EXPECTED]),
        ({"closed": True, "rapid_review_submitted": True}, []),
        ({"closed": True, "notification_sent_on": None, "rapid_review_due": None}, []),
        # Notified only once closed: no Rapid Review clock was started, none is expected.
        ({"closed": True, "rapid_review_due": None}, []),
        ({"decision": "no_further_action", "rapid_review_due": None}, [STILL_EXPECTED]),
        (
            {"decision": "no_further_action", "notification_sent_on": None, "notifiable": False},
            [],
        ),
        ({"decision": None, "notifiable": None}, []),
        # A Rapid Review needs a notification.
        ({"notifiable": False}, [NOT_NOTIFIABLE]),
        ({"notifiable": None}, []),
        ({"notifiable": False, "closed": True}, [STILL_EXPECTED]),
        # Returns due after the review's own deadline, while still outstanding.
        ({"returns": (ON_TIME, LATE)}, [LATE_RETURN]),
        ({"returns": (LATE_BUT_IN,)}, []),
        ({"returns": (LATE,), "rapid_review_submitted": True}, []),
        ({"returns": (LATE,), "rapid_review_due": None, "notification_sent_on": None}, []),
        ({"returns": (LATE,), "closed": True}, [STILL_EXPECTED]),
        ({"returns": (replace(LATE, return_by=RR_DUE),)}, []),  # on the day itself is in time
        (
            {"returns": (LATE,), "notifiable": False, "decision": "rapid_review"},
            [NOT_NOTIFIABLE, LATE_RETURN],
        ),
        (
            {"returns": (LATE, replace(LATE, agency="tameside-council"))},
            [LATE_RETURN, LATE_RETURN],
        ),
    ],
)
def test_warnings_table(changes: dict[str, object], expected: list[str]) -> None:
    found = case_warnings(replace(HEALTHY, **changes))  # type: ignore[arg-type]
    assert [w.what for w in found] == expected


def test_closed_after_notification_names_dates_and_the_fix() -> None:
    [w] = case_warnings(replace(HEALTHY, closed=True))
    assert w.sentence == (
        "The National Panel was notified on Fri 18 Dec 2026 but the case is closed: a Rapid "
        "Review is still expected (due Wed 13 Jan 2027). Record it with Report submitted: "
        "<date>; or, if the notification date is wrong, give Reopen: <reason> and then Correct "
        "Notified: <date> because <reason>."
    )


def test_no_further_action_after_notification_names_the_decision() -> None:
    [w] = case_warnings(replace(HEALTHY, decision="no_further_action"))
    assert 'the case was decided "no further action": a Rapid Review is still expected' in (
        w.sentence
    )
    # Report submitted: is refused at that stage: the advice puts the decision first.
    assert w.sentence.endswith(
        "To record it, the decision must first be a Rapid Review (the partners' votes, or "
        "Decision: rapid review), then Report submitted: <date>; or correct the notification "
        "date (Correct Notified: <date> because <reason>)."
    )


def test_not_notifiable_review_says_how_to_correct_it() -> None:
    [w] = case_warnings(replace(HEALTHY, notifiable=False))
    assert "decided on a Rapid Review but the case is recorded as not notifiable" in w.sentence
    assert "Notifiable: yes" in w.sentence


def test_late_return_names_agency_both_dates_and_the_fix() -> None:
    [w] = case_warnings(replace(HEALTHY, returns=(LATE,)))
    assert w.sentence == (
        "The Appendix B return from gmp is due Wed 20 Jan 2027, after the Rapid Review deadline "
        "of Wed 13 Jan 2027. Agree an earlier date (Agencies: gmp with Return by: <date>) or "
        "tell the National Panel of the delay (Delay: <reason>; expected <date>)."
    )

"""Whether an email telling a decision may still go as written on the day it goes."""

from __future__ import annotations

from datetime import date

from bot.core.stated_decisions import (
    CsprSaid,
    DecisionVerdict,
    Fate,
    cspr_on_sending,
    outcome_on_sending,
    reconvene_on_sending,
    referrer_on_sending,
)

HELD = CsprSaid(True, date(2027, 1, 15), date(2027, 7, 15))
MOVED = CsprSaid(True, date(2027, 1, 18), date(2027, 7, 16))


def test_a_cspr_decision_email_saying_what_stands_goes() -> None:
    assert cspr_on_sending(HELD, HELD, None) is None
    # Queued before its due day was kept: its day and kind are what it is judged by.
    assert cspr_on_sending(CsprSaid(True, HELD.decided_on), HELD, None) is None


def test_a_moved_decision_is_written_again_unless_another_email_tells_it() -> None:
    verdict = cspr_on_sending(HELD, MOVED, None)
    assert verdict is not None and verdict.fate is Fate.REWRITE
    assert verdict.untrue == (
        "it gives a CSPR to be held, decided on Fri 15 Jan 2027, the report due Thu 15 Jul "
        "2027, but the decision is now a CSPR to be held, decided on Mon 18 Jan 2027, the "
        "report due Fri 16 Jul 2027"
    )
    told = cspr_on_sending(HELD, CsprSaid(False, date(2027, 1, 18)), 13)
    assert told is not None and told.fate is Fate.WITHDRAW
    assert told.untrue.endswith("no CSPR, decided on Mon 18 Jan 2027; email #13 tells them that")


def test_a_referrer_outcome_goes_only_with_the_decision_the_referrer_has_not_had() -> None:
    assert referrer_on_sending("rapid_review", False, "rapid_review", None) is None
    changed = referrer_on_sending("rapid_review", False, "no_further_action", None)
    assert changed is not None and changed.fate is Fate.WITHDRAW
    assert "the email giving that decision follows" in changed.untrue
    gone = referrer_on_sending("rapid_review", False, None, None)
    assert gone is not None and "that decision was withdrawn" in gone.untrue
    # A -> B -> A while the mail server was down, A sent: nothing new for the referrer.
    again = referrer_on_sending("rapid_review", True, "rapid_review", "rapid_review")
    assert again is not None and again.fate is Fate.WITHDRAW
    # "Changed since we last wrote", but nothing went before: written again without it.
    unsaid = referrer_on_sending("no_further_action", True, "no_further_action", None)
    assert unsaid is not None and unsaid.fate is Fate.REWRITE
    assert (
        referrer_on_sending("no_further_action", True, "no_further_action", "rapid_review") is None
    )


def test_the_panels_outcome_goes_only_with_the_decision_that_stands() -> None:
    assert outcome_on_sending("rapid_review", "rapid_review") is None
    moved = outcome_on_sending("rapid_review", "local_review")
    assert moved is not None and moved.fate is Fate.WITHDRAW
    gone = outcome_on_sending("rapid_review", None)
    assert gone is not None and "asking to reconvene the panel" in gone.untrue


def test_a_no_cspr_email_is_written_again_when_only_its_reason_changed() -> None:
    day = date(2027, 1, 15)
    said, now = CsprSaid(False, day, reason="first"), CsprSaid(False, day, reason="second")
    verdict = cspr_on_sending(said, now, None)
    assert verdict is not None and verdict.fate is Fate.REWRITE
    assert verdict.untrue.endswith('with the reason "first", but the reason is now "second"')
    assert cspr_on_sending(said, now, 21) == DecisionVerdict(
        Fate.WITHDRAW, f"{verdict.untrue}; email #21 tells them that"
    )
    # Queued before its reason was kept: judged by its day and kind alone.
    assert cspr_on_sending(CsprSaid(False, day), now, None) is None


def test_a_screening_outcome_is_written_again_when_its_notifiable_line_changed() -> None:
    assert outcome_on_sending("rapid_review", "rapid_review", (True, True)) is None
    assert outcome_on_sending("rapid_review", "rapid_review", None) is None  # not kept
    verdict = outcome_on_sending("rapid_review", "rapid_review", (None, False))
    assert verdict is not None and verdict.fate is Fate.REWRITE
    assert verdict.untrue.endswith(
        '"Notifiable to the National Panel: not yet recorded", but that is now no'
    )
    # A decision changed since withdraws it, whatever its line says.
    changed = outcome_on_sending("rapid_review", "local_review", (None, True))
    assert changed is not None and changed.fate is Fate.WITHDRAW


def test_a_request_to_reconvene_goes_only_while_the_panel_has_no_decision() -> None:
    assert reconvene_on_sending(None) is None
    verdict = reconvene_on_sending("local_review")
    assert verdict is not None and verdict.fate is Fate.WITHDRAW
    assert "but it has since decided Local" in verdict.untrue, verdict.untrue


def test_a_screening_outcome_is_written_again_when_its_next_steps_changed() -> None:
    asked = {"panel_notification": "reply with Notified: ... by Mon 21 Dec 2026", "close": "a"}
    assert (
        outcome_on_sending("no_further_action", "no_further_action", None, (asked, asked)) is None
    )
    done = outcome_on_sending(
        "no_further_action", "no_further_action", None, (asked, {"close": "b"})
    )
    assert done is not None and done.fate is Fate.REWRITE
    assert done.untrue.endswith(
        "and the next steps the National Panel notification and closing the case, which no "
        "longer stand as written"
    )
    closed = outcome_on_sending("local_review", "local_review", None, ({}, {"closed": "c"}))
    assert closed is not None and closed.untrue.endswith(
        "next steps that leave out the case closed, which now stand"
    )
    # A decision changed since withdraws it, whatever its steps say.
    changed = outcome_on_sending("rapid_review", "local_review", None, (asked, {}))
    assert changed is not None and changed.fate is Fate.WITHDRAW

"""Whether a chase queued earlier may still go: each reason it may not, and when it still may.

Christmas 2026: the Appendix B return due Thu 24 Dec is chased 'before-1' Wed 23, 'due' Thu
24, 'overdue-1' Tue 29 Dec (25 and 28 are bank holidays), ... 'escalation' Mon 4 Jan 2027.
"""

from __future__ import annotations

from datetime import date

import pytest

from bot.adapters.bank_holidays import working_calendar
from bot.core.reminders import ReminderPolicy
from bot.core.stale_chases import (
    Chase,
    DeadlineNow,
    for_closing,
    read_key,
    set_aside_key,
    withdraw_because,
)

CAL = working_calendar(range(2025, 2030))
POLICY = ReminderPolicy()
DUE = date(2026, 12, 24)
STILL_OPEN = DeadlineNow(case_status="open", due=DUE)


def why(key: str, now: DeadlineNow = STILL_OPEN, today: date = DUE) -> str | None:
    chase = read_key(key)
    assert chase is not None
    return withdraw_because(chase, now, today, CAL, POLICY)


def test_keys_name_the_case_deadline_due_date_and_step() -> None:
    assert read_key("reminder:TSCP-2026-0001:appendix_b:gmp:2026-12-24:overdue-2") == Chase(
        "TSCP-2026-0001", "appendix_b:gmp", DUE, "overdue-2"
    )
    assert read_key("vote-reminder:TSCP-2026-0001:police") == Chase(
        "TSCP-2026-0001", "screening_meeting", None, None, "police"
    )
    assert read_key("votes-missing:TSCP-2026-0001") == Chase(
        "TSCP-2026-0001", "screening_meeting", None, None
    )
    assert read_key("rr-delay-check:TSCP-2026-0001:2027-01-25") == Chase(
        "TSCP-2026-0001", "rapid_review", date(2027, 1, 25), None
    )
    for other in ("ack:<m1@test>", "reminder:TSCP-2026-0001:x", "reminder:R:name:soon:due"):
        assert read_key(other) is None


def test_a_chase_still_true_on_its_own_day_goes() -> None:
    assert why("reminder:R:appendix_b:gmp:2026-12-24:due") is None
    assert why("vote-reminder:R:police", DeadlineNow(case_status="open")) is None


@pytest.mark.parametrize(
    ("now", "said"),
    [
        (DeadlineNow(case_status="closed", due=DUE), "the case is closed"),
        (DeadlineNow(case_status="open", exists=False), "no longer one of the case's"),
        (
            DeadlineNow(case_status="open", state="not_required", met=True, due=DUE),
            "set aside (not required)",
        ),
        (
            DeadlineNow(case_status="open", state="met", met=True, met_on=DUE, due=DUE),
            "met on Thu 24 Dec 2026",
        ),
        (
            DeadlineNow(case_status="open", due=date(2027, 1, 8)),
            "re-dated from Thu 24 Dec 2026 to Fri 8 Jan 2027",
        ),
    ],
)
def test_a_chase_no_longer_true_is_withdrawn_saying_why(now: DeadlineNow, said: str) -> None:
    reason = why("reminder:R:appendix_b:gmp:2026-12-24:due", now)
    assert reason is not None and said in reason


def test_a_reminder_that_missed_its_day_gives_way_to_the_next_step() -> None:
    reason = why("reminder:R:appendix_b:gmp:2026-12-24:due", today=date(2026, 12, 29))
    assert reason == (
        "its day, Thu 24 Dec 2026, has passed; the 'overdue-1' step is sent instead, worded "
        "for its own day"
    )
    # Queued late on its day (Wed 23 Dec) and able to go only the next: 'due' replaces it.
    assert why("reminder:R:appendix_b:gmp:2026-12-24:before-1", today=DUE) is not None


def test_the_escalation_still_goes_late_it_has_no_step_after_it() -> None:
    assert why("reminder:R:appendix_b:gmp:2026-12-24:escalation", today=date(2027, 1, 8)) is None


def test_a_vote_chase_goes_until_the_decision_is_made() -> None:
    decided = DeadlineNow(case_status="open", state="met", met=True, met_on=date(2026, 12, 17))
    assert why("vote-reminder:R:police", decided) == "the deadline was met on Thu 17 Dec 2026"


def test_a_vote_chase_is_withdrawn_once_that_partner_has_voted() -> None:
    voted = DeadlineNow(case_status="open", voted=True)
    assert why("vote-reminder:R:police", voted) == "the partner has voted since it was queued"
    # A standing vote says nothing about a deadline reminder to the Business Manager.
    assert (
        why("reminder:R:appendix_b:gmp:2026-12-24:due", DeadlineNow("open", due=DUE, voted=True))
        is None
    )


def test_a_statutory_notice_still_owed_on_a_closed_case_is_still_chased() -> None:
    closed = DeadlineNow(case_status="closed", due=DUE)
    for name in ("panel_notification", "looked_after_death_notification"):
        assert why(f"reminder:R:{name}:2026-12-24:due", closed) is None, name
    # Any other clock stops with the case, and so does the notice once it is made.
    assert why("reminder:R:rapid_review:2026-12-24:due", closed) == "the case is closed"
    made = DeadlineNow(case_status="closed", state="met", met=True, met_on=DUE, due=DUE)
    assert why("reminder:R:panel_notification:2026-12-24:due", made) is not None


def test_a_send_by_reminder_goes_until_the_report_is_sent_or_its_publication_planned() -> None:
    # The report due Thu 24 Dec 2026 must reach the three bodies by Tue 15 Dec.
    key = "send-by-reminder:TSCP-2026-0001:2026-12-24:before-1"
    on = date(2026, 12, 14)
    assert read_key(key) == Chase("TSCP-2026-0001", "cspr_report", DUE, None, send_by=True)
    assert why(key, today=on) is None
    sent = "the report was recorded as sent on Mon 14 Dec 2026"
    assert why(key, DeadlineNow(case_status="open", due=DUE, report_in_hand=sent), on) == sent
    # Published, the report's own clock is met: the reminder goes no more than the report's.
    met = DeadlineNow(case_status="open", state="met", met=True, met_on=on, due=DUE)
    assert why(key, met, on) == "the deadline was met on Mon 14 Dec 2026"


def test_a_send_by_reminder_does_not_go_after_its_day() -> None:
    # The report due Thu 15 Jul 2027 must reach the three bodies by Tue 6 Jul 2027.
    key = "send-by-reminder:TSCP-2026-0001:2027-07-15:due"
    still = DeadlineNow(case_status="open", due=date(2027, 7, 15))
    assert why(key, still, date(2027, 7, 6)) is None
    assert (
        why(key, still, date(2027, 7, 7))
        == "the day to send the report, Tue 6 Jul 2027, has passed"
    )
    redated = DeadlineNow(case_status="open", due=date(2027, 7, 16))
    assert why(key, redated, date(2027, 7, 6)) == (
        "the deadline was re-dated from Thu 15 Jul 2027 to Fri 16 Jul 2027"
    )


def test_a_chase_withdrawn_as_its_case_closed_gives_its_key_up_for_a_reopening() -> None:
    closed = DeadlineNow(case_status="closed", due=DUE)
    chase = read_key("reminder:R:rapid_review:2026-12-24:due")
    assert chase is not None and for_closing(chase, closed)
    assert not for_closing(chase, DeadlineNow(case_status="open", met=True, due=DUE))
    notice = read_key("reminder:R:panel_notification:2026-12-24:due")
    assert notice is not None and not for_closing(notice, closed)  # chased while closed
    set_aside = set_aside_key("reminder:R:rapid_review:2026-12-24:due", 7)
    assert set_aside == "withdrawn-7:reminder:R:rapid_review:2026-12-24:due"
    assert read_key(set_aside) is None  # a finished email, never read as a chase again

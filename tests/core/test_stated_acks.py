"""Whether an acknowledgement or the panel's invitation that waited still says what is true on
the day it goes.

A complaint read on Tue 1 Dec 2026 is due its response on Thu 31 Dec 2026 (20 working days;
25 and 28 Dec and 1 Jan are bank holidays). A SIN read on Wed 16 Dec 2026 has its Screening
Panel booked for Fri 18 Dec 2026 at 10:00, the last of its 2 working days.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.core.stated_acks import CaseNow, key_dates_on, on_sending_ack
from bot.core.stated_dates import COMPLAINT_ACK, INVITATION, SIN_ACK, Action, Stated

LONDON = ZoneInfo("Europe/London")
TUE_1_DEC, THU_31_DEC = date(2026, 12, 1), date(2026, 12, 31)
WED_16_DEC, FRI_18_DEC, MON_21_DEC = date(2026, 12, 16), date(2026, 12, 18), date(2026, 12, 21)
PANEL = datetime(2026, 12, 18, 10, 0, tzinfo=LONDON)
NOTIFY = date(2026, 12, 23)  # the National Panel's 5 working days
DEADLINES = ((FRI_18_DEC, False), (NOTIFY, False))


def at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=LONDON)


COMPLAINT = Stated(TUE_1_DEC, received=TUE_1_DEC, promised=THU_31_DEC)
OPEN = CaseNow(received=TUE_1_DEC, reply_due=THU_31_DEC)


def test_a_complaint_acknowledgement_whose_reply_date_is_to_come_goes_as_written() -> None:
    on = date(2026, 12, 30)
    assert on_sending_ack(COMPLAINT_ACK, COMPLAINT, at(on), on, OPEN) is None


def test_one_that_waited_past_its_reply_date_is_written_again_without_a_date() -> None:
    on = date(2027, 1, 4)
    verdict = on_sending_ack(COMPLAINT_ACK, COMPLAINT, at(on), on, OPEN)
    assert verdict is not None and verdict.action is Action.REWORD
    assert verdict.restated == Stated(on, received=TUE_1_DEC, promised=None)
    assert verdict.untrue == (
        "it said the complaint was received on Tue 1 Dec 2026, a written response by Thu 31 "
        "Dec 2026; it went on Mon 4 Jan 2027 saying the complaint was received on Tue 1 Dec "
        "2026, sorry that it is late, and a written response as soon as possible"
    )
    assert verdict.todo == "its written response is overdue: send it as soon as you can"
    # Written again, it is true the next day too: a retry is not written again.
    assert on_sending_ack(COMPLAINT_ACK, verdict.restated, at(on), date(2027, 1, 5), OPEN) is None


def test_one_whose_receipt_was_corrected_gives_the_corrected_dates() -> None:
    earlier = CaseNow(received=date(2026, 11, 30), reply_due=date(2026, 12, 30))
    on = date(2026, 12, 2)
    verdict = on_sending_ack(COMPLAINT_ACK, COMPLAINT, at(on), on, earlier)
    assert verdict is not None and verdict.restated is not None
    assert verdict.restated.promised == date(2026, 12, 30)
    assert verdict.todo == ""


SIN = Stated(WED_16_DEC, meeting_at=PANEL, key_dates=key_dates_on(DEADLINES, WED_16_DEC))
LIVE = CaseNow(meeting_at=PANEL, key_dates=DEADLINES)


def test_a_sin_acknowledgement_before_its_panel_and_key_dates_goes_as_written() -> None:
    assert on_sending_ack(SIN_ACK, SIN, at(date(2026, 12, 17)), date(2026, 12, 17), LIVE) is None


def test_one_that_waited_past_its_panel_says_the_panel_was_booked_and_marks_the_days() -> None:
    verdict = on_sending_ack(SIN_ACK, SIN, at(MON_21_DEC), MON_21_DEC, LIVE)
    assert verdict is not None and verdict.action is Action.REWORD
    assert verdict.restated is not None and verdict.restated.meeting_gone
    assert verdict.restated.key_dates == ((FRI_18_DEC, "passed"), (NOTIFY, ""))
    assert verdict.untrue == (
        "it gave the Screening Panel as booked for Fri 18 Dec 2026 10:00, which had come or "
        "gone by the day it could go; it listed key dates as still to come (Fri 18 Dec 2026) "
        "whose day had come: it was written again as of Mon 21 Dec 2026"
    )


def test_one_going_on_the_panels_day_after_it_began_says_it_was_booked() -> None:
    verdict = on_sending_ack(SIN_ACK, SIN, at(FRI_18_DEC, 11), FRI_18_DEC, LIVE)
    assert verdict is not None and verdict.restated is not None
    assert verdict.restated.meeting_gone
    assert verdict.restated.key_dates == ((FRI_18_DEC, "today"), (NOTIFY, ""))


def test_one_whose_panel_moved_gives_the_new_time() -> None:
    moved = datetime(2026, 12, 22, 14, 0, tzinfo=LONDON)
    on = date(2026, 12, 17)
    verdict = on_sending_ack(
        SIN_ACK, SIN, at(on), on, CaseNow(meeting_at=moved, key_dates=DEADLINES)
    )
    assert verdict is not None and verdict.restated is not None
    assert (verdict.restated.meeting_at, verdict.restated.meeting_gone) == (moved, False)
    assert "it was moved to Tue 22 Dec 2026 14:00" in verdict.untrue


def test_one_written_before_any_panel_was_booked_gives_the_time_booked_since() -> None:
    unbooked = Stated(WED_16_DEC, key_dates=SIN.key_dates)
    verdict = on_sending_ack(SIN_ACK, unbooked, at(date(2026, 12, 17)), date(2026, 12, 17), LIVE)
    assert verdict is not None and verdict.restated is not None
    assert (verdict.restated.meeting_at, verdict.restated.meeting_gone) == (PANEL, False)
    assert verdict.untrue.startswith(
        "it gave no Screening Panel time; a panel was booked since, for Fri 18 Dec 2026 10:00"
    )
    assert "had come or gone" not in verdict.untrue


INVITED = Stated(WED_16_DEC, meeting_at=PANEL, key_dates=SIN.key_dates)


def test_an_invitation_to_a_meeting_gone_by_is_held_for_another_time() -> None:
    verdict = on_sending_ack(INVITATION, INVITED, at(MON_21_DEC), MON_21_DEC, LIVE)
    assert verdict is not None and verdict.action is Action.HOLD
    assert verdict.untrue == (
        "the meeting it invites the panel to (Fri 18 Dec 2026 10:00) had begun or gone by"
    )
    assert verdict.todo.startswith("book another time with Reschedule: <date> <time>")


def test_an_invitation_to_a_meeting_moved_called_off_or_decided_since_is_withdrawn() -> None:
    on = date(2026, 12, 17)
    moved = CaseNow(meeting_at=datetime(2026, 12, 22, 14, 0, tzinfo=LONDON), key_dates=DEADLINES)
    for live in (moved, CaseNow(key_dates=DEADLINES), CaseNow(meeting_at=PANEL, decided=True)):
        verdict = on_sending_ack(INVITATION, INVITED, at(on), on, live)
        assert verdict is not None and verdict.action is Action.WITHDRAW


def test_an_invitation_still_to_come_whose_key_date_came_is_written_again() -> None:
    panel = datetime(2026, 12, 22, 14, 0, tzinfo=LONDON)
    said = Stated(WED_16_DEC, meeting_at=panel, key_dates=SIN.key_dates)
    verdict = on_sending_ack(
        INVITATION, said, at(MON_21_DEC), MON_21_DEC, CaseNow(meeting_at=panel, key_dates=DEADLINES)
    )
    assert verdict is not None and verdict.action is Action.REWORD
    assert verdict.restated is not None
    assert verdict.restated.key_dates == ((FRI_18_DEC, "passed"), (NOTIFY, ""))


def test_what_an_acknowledgement_states_survives_its_json() -> None:
    kept = Stated(WED_16_DEC, meeting_at=PANEL, meeting_gone=True, key_dates=SIN.key_dates,
                  kept={"missing": ["Date of birth"], "previous": None})  # fmt: skip
    assert Stated.from_json(kept.as_json()) == kept
    assert Stated.from_json(COMPLAINT.as_json()) == COMPLAINT

"""The EWS calendar adapter against the local on-premises Exchange endpoint: the free/busy
that chooses the Screening Panel's slot, the meeting's UID that makes a retry safe, a fresh
ChangeKey for each change, and `[mailbox.ews] calendar` in the configuration."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.adapters.ews_calendar import EwsCalendar, meeting_uid
from bot.adapters.ews_connection import EwsConnection, EwsLogin
from bot.adapters.meeting_calendar import CalendarError
from bot.core.meeting_replies import Answer
from tests.config.test_loader import error_for, example, parse
from tests.fixtures.ews import MAILBOX, PASSWORD, USERNAME
from tests.fixtures.ews_calendar import EwsCalendarServer

POLICE, HEALTH = "dsp.tameside@gmp.police.uk", "dsp.tameside@nhs.net"
WED = datetime(2026, 12, 23, 14, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


@pytest.fixture
def calendar(ews: EwsCalendarServer) -> Any:
    login = EwsLogin(ews.endpoint, MAILBOX, USERNAME, PASSWORD, "basic")
    made = EwsCalendar(EwsConnection(login))
    yield made
    made.close()


def _book(calendar: EwsCalendar, key: str = "k-1", start: datetime = WED) -> tuple[str, Any]:
    return calendar.create(
        subject="[TSCP-2026-0001] Screening Panel", start=start, end=start + HOUR,
        location="Tameside One", body="Papers follow.",
        attendees=[("Police DSP", POLICE), ("Health DSP", HEALTH)], key=key,
    )  # fmt: skip


def test_busy_and_out_of_office_block_a_slot_tentative_does_not(
    calendar: EwsCalendar, ews: EwsCalendarServer
) -> None:
    ews.set_busy(POLICE, WED, WED + HOUR)
    ews.set_busy(HEALTH, WED - HOUR, WED, "OOF")
    ews.set_busy(HEALTH, WED + HOUR, WED + 2 * HOUR, "Tentative")

    found = calendar.busy([POLICE, HEALTH], WED - 3 * HOUR, WED + 3 * HOUR)

    assert {(b.address, b.start, b.end) for b in found} == {
        (POLICE, WED, WED + HOUR),
        (HEALTH, WED - HOUR, WED),
    }
    assert ews.state.operations.count("GetUserAvailabilityRequest") == 1  # one request for all


def test_one_person_hidden_still_leaves_the_others_free_busy(
    calendar: EwsCalendar, ews: EwsCalendarServer
) -> None:
    ews.set_busy(POLICE, WED, WED + HOUR)
    ews.calendar.no_free_busy[HEALTH] = "ErrorNoFreeBusyAccess"

    found = calendar.busy([HEALTH, POLICE], WED - HOUR, WED + 2 * HOUR)

    assert [(b.address, b.start) for b in found] == [(POLICE, WED)]


def test_partners_outside_the_organisation_without_federation_do_not_stop_the_booking(
    calendar: EwsCalendar, ews: EwsCalendarServer
) -> None:
    # No organization relationship with the police or the NHS: Exchange cannot fetch theirs.
    ews.calendar.no_free_busy[POLICE] = "ErrorAvailabilityConfigNotFound"
    ews.calendar.no_free_busy[HEALTH] = "ErrorAvailabilityConfigNotFound"
    ews.set_busy("dsp.children@tameside.gov.uk", WED, WED + HOUR)

    found = calendar.busy(
        [POLICE, HEALTH, "dsp.children@tameside.gov.uk"], WED - HOUR, WED + 2 * HOUR
    )

    assert [(b.address, b.start) for b in found] == [("dsp.children@tameside.gov.uk", WED)]


def test_the_meeting_carries_its_uid_and_a_second_create_finds_it(
    calendar: EwsCalendar, ews: EwsCalendarServer
) -> None:
    first, start = _book(calendar)
    again, when = _book(calendar)  # the same key: a retry after a crash

    assert again == first and start == when == WED
    [meeting] = ews.calendar.meetings.values()
    assert meeting.uid == meeting_uid("k-1")
    assert ews.calendar.creates == 1
    assert [n.kind for n in ews.calendar.notices] == ["request"]
    other, _ = _book(calendar, key="k-2")  # a new booking (after a cancellation): a new meeting
    assert other != first and ews.calendar.creates == 2


def test_a_move_after_an_answer_uses_the_fresh_change_key(
    calendar: EwsCalendar, ews: EwsCalendarServer
) -> None:
    item_id, _ = _book(calendar)
    ews.respond(item_id, POLICE, "Accept")  # the organiser's item changed: a new ChangeKey
    assert [a.answer for a in calendar.answers(item_id)] == [Answer.ACCEPTED, None]

    calendar.move(item_id, WED + timedelta(days=1), WED + timedelta(days=1) + HOUR)

    meeting = ews.calendar.meetings[item_id]
    assert meeting.start == WED + timedelta(days=1)
    assert [n.kind for n in ews.calendar.notices] == ["request", "update"]
    calendar.cancel(item_id, "The Screening Panel is cancelled: duplicate.")
    assert meeting.cancelled and meeting.cancel_comment.endswith("duplicate.")


def test_a_meeting_no_longer_there_is_a_calendar_error(
    calendar: EwsCalendar, ews: EwsCalendarServer
) -> None:
    item_id, _ = _book(calendar)
    calendar.cancel(item_id, "gone")

    with pytest.raises(CalendarError, match="ErrorItemNotFound"):
        calendar.move(item_id, WED + HOUR, WED + 2 * HOUR)


def _ews_config(**mailbox: Any) -> dict[str, Any]:
    data = example()
    where = {"endpoint": "https://mail.council.internal/EWS/Exchange.asmx",
             "mailbox": "TSCP@tameside.gov.uk", "username": "COUNCIL\\svc-tscp",
             "password_env": "TSCP_EWS_PASSWORD"}  # fmt: skip
    data["mailbox"] = {"backend": "ews", "ews": where | mailbox}
    return data


def test_calendar_is_off_unless_asked_for(tmp_path: Path) -> None:
    env = {"TSCP_EWS_PASSWORD": "invented"}
    off = parse(_ews_config(), tmp_path, env).mailbox.ews
    on = parse(_ews_config(calendar=True), tmp_path, env).mailbox.ews
    assert off is not None and off.calendar is False
    assert on is not None and on.calendar is True
    message = error_for(_ews_config(calendar="yes"), tmp_path, env)
    assert "mailbox.ews.calendar" in message

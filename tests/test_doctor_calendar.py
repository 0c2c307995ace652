"""`tscp-bot doctor` with the Screening Panel booked on the mailbox's calendar: against the
local on-premises EWS endpoint and the local Microsoft Graph, it says whether the panel's
free/busy can be read and the calendar seen and written, and names what to grant when not."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fixtures.entra import CLIENT_SECRET
from tests.fixtures.ews import PASSWORD, write_ews_config
from tests.fixtures.ews_calendar import EwsCalendarServer
from tests.fixtures.graph import GraphTestServer, write_graph_config
from tests.test_doctor import Doctor, lines

POLICE = "dsp.tameside@gmp.police.uk"


@pytest.fixture
def ews_doctor(
    tmp_path: Path,
    database_url: str,
    ews: EwsCalendarServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> Doctor:
    monkeypatch.setenv("TEST_EWS_PASSWORD", PASSWORD)
    monkeypatch.delenv("TSCP_BOT_CONFIG", raising=False)
    doctor = Doctor(write_ews_config(tmp_path, database_url, ews, calendar=True), capsys)
    doctor.init()
    return doctor


def test_ews_calendar_all_well(ews_doctor: Doctor, ews: EwsCalendarServer) -> None:
    code, out, _ = ews_doctor("doctor")

    assert code == 0 and lines(out, "FAIL") == [], out
    assert "ok calendar free/busy: free/busy of all 4 panel members can be read" in out
    [folder] = [line for line in out.splitlines() if line.startswith("ok calendar: ")]
    assert f"the Calendar of {ews.state.mailbox}" in folder
    assert "(0 meetings in the next 7 days) and meetings can be created there" in folder
    assert ews.calendar.meetings == {} and ews.calendar.notices == []  # nothing was booked


def test_ews_calendar_refused_names_the_mailbox_permission(
    ews_doctor: Doctor, ews: EwsCalendarServer
) -> None:
    ews.calendar.denied = True

    code, out, _ = ews_doctor("doctor")

    assert code == 1
    [failed] = lines(out, "FAIL")
    assert failed.startswith("FAIL calendar: ") and "ErrorAccessDenied" in failed
    assert "needs FullAccess on the shared mailbox (Add-MailboxPermission" in failed
    assert "until then the panel is invited by email" in failed
    assert PASSWORD not in out


def test_ews_calendar_read_only_says_meetings_cannot_be_created(
    ews_doctor: Doctor, ews: EwsCalendarServer
) -> None:
    ews.calendar.read_only = True

    code, out, _ = ews_doctor("doctor")

    assert code == 1
    [failed] = lines(out, "FAIL")
    assert "may read the Calendar but not create meetings in it" in failed
    assert "FullAccess" in failed


def test_ews_hidden_free_busy_is_a_warning_naming_the_person_and_the_fix(
    ews_doctor: Doctor, ews: EwsCalendarServer
) -> None:
    ews.calendar.no_free_busy[POLICE] = "ErrorNoFreeBusyAccess"

    code, out, _ = ews_doctor("doctor")

    assert code == 0 and lines(out, "FAIL") == [], out
    [warned] = [line for line in out.splitlines() if line.startswith("warn calendar free/busy")]
    assert "3 of 4 people's free/busy can be read" in warned
    assert f"{POLICE}: ErrorNoFreeBusyAccess" in warned and "AvailabilityOnly" in warned


def test_ews_partners_outside_the_organisation_name_the_organization_relationship(
    ews_doctor: Doctor, ews: EwsCalendarServer
) -> None:
    ews.calendar.no_free_busy[POLICE] = "ErrorAvailabilityConfigNotFound"

    code, out, _ = ews_doctor("doctor")

    assert code == 0, out
    [warned] = [line for line in out.splitlines() if line.startswith("warn calendar free/busy")]
    assert f"{POLICE}: ErrorAvailabilityConfigNotFound" in warned
    assert "New-OrganizationRelationship -FreeBusyAccessEnabled" in warned


def test_graph_calendar_without_calendar_permission_names_it(
    tmp_path: Path,
    database_url: str,
    graph: GraphTestServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("TEST_ENTRA_SECRET", CLIENT_SECRET)
    doctor = Doctor(write_graph_config(tmp_path, database_url, graph, calendar=True), capsys)
    doctor.init()
    graph.state.permissions.discard("Calendars.ReadWrite")

    code, out, _ = doctor("doctor")

    assert code == 1
    [failed] = lines(out, "FAIL")
    assert failed.startswith("FAIL calendar: ") and "Calendars.ReadWrite" in failed


def test_graph_calendar_with_permission_reads_free_busy(
    tmp_path: Path,
    database_url: str,
    graph: GraphTestServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("TEST_ENTRA_SECRET", CLIENT_SECRET)
    doctor = Doctor(write_graph_config(tmp_path, database_url, graph, calendar=True), capsys)
    doctor.init()

    code, out, _ = doctor("doctor")

    assert code == 0, out
    assert "ok calendar free/busy: free/busy of all 4 panel members can be read" in out
    # An opaque token says nothing of Calendars.ReadWrite: doctor says when it will show.
    assert "warn calendar: whether the app holds Calendars.ReadWrite" in out
    assert graph.state.events == {}

"""The Screening Panel booked as a real event on the shared mailbox's calendar through
Microsoft Graph ([mailbox.graph] calendar = true), at the command line against the local Graph:
free/busy picks the slot, Reschedule: moves the event, Cancel meeting cancels it, and the
partners' answers in Outlook come back onto the case."""

from __future__ import annotations

import email
import json
from datetime import datetime
from email import policy
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.cli import main
from bot.services import panel_calendar
from tests.fixtures.entra import CLIENT_SECRET, EntraTestServer
from tests.fixtures.graph import GraphTestServer, write_graph_config
from tests.fixtures.mail import sin

LONDON = ZoneInfo("Europe/London")
POLICE = "dsp.tameside@gmp.police.uk"
HEALTH = "dsp.tameside@nhs.net"
PANEL = {
    "dsp.children@tameside.gov.uk",
    POLICE,
    HEALTH,
    "tscp.business.manager@tameside.gov.uk",
}
REF = "TSCP-2026-0001"


@pytest.fixture
def bot(
    tmp_path: Path,
    database_url: str,
    entra: EntraTestServer,
    graph: GraphTestServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> Any:
    monkeypatch.setenv("TEST_ENTRA_SECRET", CLIENT_SECRET)
    config = write_graph_config(tmp_path, database_url, graph, calendar=True)

    def run(*args: str) -> tuple[int, str]:
        code = main(["--config", str(config), *args])
        captured = capsys.readouterr()
        return code, captured.out + captured.err

    assert run("init")[0] == 0
    return run


def _at(day: int, hour: int) -> datetime:
    return datetime(2026, 12, day, hour, 0, tzinfo=LONDON)


def _calendar_parts(graph: GraphTestServer) -> list[str]:
    found = []
    for sent in graph.state.sent:
        msg = email.message_from_bytes(sent.mime, policy=policy.default)
        found += [str(p.get_param("method")) for p in msg.walk()
                  if p.get_content_type() == "text/calendar"]  # fmt: skip
    return found


def _case(bot: Any) -> dict[str, Any]:
    code, out = bot("--now", "2026-12-23T11:00", "case", REF, "--json")
    assert code == 0, out
    return dict(json.loads(out))


def test_sin_books_one_event_where_the_police_representative_is_free(
    bot: Any, graph: GraphTestServer
) -> None:
    # The police representative has another meeting at the first slot (Wed 23 Dec 14:00).
    graph.set_busy(POLICE, _at(23, 13), _at(23, 15))
    graph.deliver(sin())

    code, out = bot("--now", "2026-12-23T09:05", "run", "--once")

    assert code == 0, out
    [event] = graph.state.live_events()
    assert event.body["subject"] == f"[{REF}] Screening Panel"  # the reference, no name
    assert event.start() == _at(24, 10)
    assert event.body["start"]["timeZone"] == "Europe/London"
    assert event.addresses() == PANEL
    assert {a["type"] for a in event.attendees} == {"required"}
    # Everyone's free/busy was asked for, over the candidate slots up to the deadline.
    [asked] = graph.state.schedule_requests
    assert {a.lower() for a in asked["schedules"]} == PANEL
    # Exchange invites the panel: no second invitation by email.
    assert _calendar_parts(graph) == []
    case = _case(bot)
    booked = next(e for e in case["events"] if e["what"] == "screening_booked")
    assert "10:00 Thu 24 Dec: the police representative is busy at the earlier slot" in str(booked)
    [meeting] = case["meetings"]
    assert meeting["within_deadline"] is True


def test_a_retry_after_a_crash_before_the_commit_makes_no_second_event(
    bot: Any, graph: GraphTestServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = panel_calendar.create_event

    def then_crash(*args: Any) -> None:
        real(*args)
        raise RuntimeError("power cut before the database commit")

    graph.deliver(sin())
    monkeypatch.setattr(panel_calendar, "create_event", then_crash)
    bot("--now", "2026-12-23T09:05", "run", "--once")
    assert len(graph.state.events) == 1  # the event was made; the database never heard of it
    monkeypatch.setattr(panel_calendar, "create_event", real)
    # Meanwhile the police representative's 14:00 filled up: the retry chooses Thursday.
    graph.set_busy(POLICE, _at(23, 13), _at(23, 15))

    code, out = bot("--now", "2026-12-23T09:10", "run", "--once")

    assert code == 0, out
    [event] = graph.state.events.values()
    assert graph.state.calls("POST", r"/events$") == 2  # asked twice, one event
    [meeting] = _case(bot)["meetings"]
    assert meeting["start"] == "2026-12-24T10:00:00+00:00"
    assert event.start() == _at(24, 10)  # the one event follows the booking on record


def test_reschedule_moves_the_same_event_and_cancel_cancels_it(
    bot: Any, graph: GraphTestServer
) -> None:
    graph.deliver(sin())
    bot("--now", "2026-12-23T09:05", "run", "--once")
    [event] = graph.state.live_events()

    code, out = bot("--now", "2026-12-23T10:10", "command", REF, "Reschedule: 24/12/2026 14:00")

    assert code == 0 and "moved from Wed 23 Dec 2026 14:00 to Thu 24 Dec 2026 14:00" in out, out
    assert [e.id for e in graph.state.live_events()] == [event.id]
    assert event.start() == _at(24, 14)

    code, out = bot("--now", "2026-12-23T10:20", "command", REF, "Cancel meeting: the family moved")

    assert code == 0 and "cancelled" in out, out
    assert graph.state.live_events() == [] and event.cancelled
    assert "the family moved" in event.cancel_comment
    bot("--now", "2026-12-23T10:21", "run", "--once")
    assert _calendar_parts(graph) == []  # Exchange told the panel; no iCalendar emails


def test_a_decline_in_outlook_flags_the_case_like_a_mailed_decline(
    bot: Any, graph: GraphTestServer
) -> None:
    graph.deliver(sin())
    bot("--now", "2026-12-23T09:05", "run", "--once")
    [event] = graph.state.live_events()
    graph.respond(event.id, POLICE, "accepted")
    graph.respond(event.id, HEALTH, "declined")

    bot("--now", "2026-12-23T09:40", "run", "--once")
    bot("--now", "2026-12-23T09:45", "run", "--once")  # read again: nothing new is recorded

    case = _case(bot)
    [meeting] = case["meetings"]
    assert meeting["quorate"] is False
    assert meeting["quorum"] == "not quorate: local authority no answer yet; health declined"
    answers = {a["role"]: a["answer"] for a in meeting["answers"]}
    assert answers == {"local_authority": "NEEDS-ACTION", "police": "ACCEPTED",
                       "health": "DECLINED"}  # fmt: skip
    kinds = [e["what"] for e in case["events"]]
    assert kinds.count("meeting_declined") == 1
    assert kinds.count("meeting_reply") == 1
    declined = next(e for e in case["events"] if e["what"] == "meeting_declined")
    assert declined["actor"] == HEALTH and declined["why"] == "answer read from the calendar event"


def test_without_calendar_permission_the_invitation_is_emailed_and_the_bm_told_why(
    bot: Any, graph: GraphTestServer
) -> None:
    graph.state.permissions.discard("Calendars.ReadWrite")
    graph.deliver(sin())

    code, out = bot("--now", "2026-12-23T09:05", "run", "--once")

    assert code == 0, out
    assert graph.state.events == {}
    assert _calendar_parts(graph) == ["REQUEST"]  # the panel is still invited
    failed = next(e for e in _case(bot)["events"] if e["what"] == "screening_calendar_failed")
    assert "Calendars.ReadWrite" in failed["why"]
    [digest] = [
        email.message_from_bytes(s.mime, policy=policy.default)
        for s in graph.state.sent
        if b"TSCP daily digest" in s.mime
    ]
    text = digest.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "screening calendar failed" in text and "Calendars.ReadWrite" in text


def test_closing_the_case_cancels_the_event(bot: Any, graph: GraphTestServer) -> None:
    graph.deliver(sin())
    bot("--now", "2026-12-23T09:05", "run", "--once")
    [event] = graph.state.live_events()

    code, out = bot("--now", "2026-12-23T09:30", "command", REF, "Close: duplicate of a SIN")

    assert code == 0 and "the Screening Panel of Wed 23 Dec 2026 14:00 is cancelled" in out, out
    assert event.cancelled and "the case is closed" in event.cancel_comment

"""Which calendar answers count, and when the Screening Panel is quorate: pure tables."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from bot.core.commands import CancelMeeting, Reschedule, parse_commands
from bot.core.meeting_replies import (
    CalendarItem,
    Response,
    Standing,
    panel_answers,
    standing,
    typed_note,
)

MEMBERS = [
    ("local_authority", "la@x.example"),
    ("police", "p@x.example"),
    ("health", "h@x.example"),
]
AT = datetime(2026, 12, 23, 9, 0, tzinfo=UTC)


def said(*answers: tuple[str, str, int, int]) -> list[Response]:
    return [Response(a, s, seq, AT.replace(minute=m)) for a, s, seq, m in answers]


@pytest.mark.parametrize(
    ("answers", "sequence", "quorate", "summary"),
    [
        (
            (),
            0,
            False,
            "not quorate: local authority no answer yet; police no answer yet; "
            "health no answer yet",
        ),
        (
            (
                ("la@x.example", "ACCEPTED", 0, 1),
                ("p@x.example", "ACCEPTED", 0, 2),
                ("h@x.example", "DECLINED", 0, 3),
            ),
            0,
            False,
            "not quorate: health declined",
        ),
        (
            (
                ("la@x.example", "ACCEPTED", 0, 1),
                ("p@x.example", "ACCEPTED", 0, 2),
                ("h@x.example", "DECLINED", 0, 3),
                ("h@x.example", "ACCEPTED", 0, 4),
            ),
            0,
            True,
            "quorate: all 3 statutory partners accepted",
        ),
        (
            (
                ("la@x.example", "ACCEPTED", 0, 1),
                ("p@x.example", "ACCEPTED", 0, 2),
                ("h@x.example", "TENTATIVE", 0, 3),
            ),
            0,
            False,
            "not quorate: health tentatively accepted",
        ),
        # Accepted before the reschedule: the new time has no answers yet.
        (
            (
                ("la@x.example", "ACCEPTED", 0, 1),
                ("p@x.example", "ACCEPTED", 0, 2),
                ("h@x.example", "ACCEPTED", 0, 3),
            ),
            1,
            False,
            "not quorate: local authority no answer yet; police no answer yet; "
            "health no answer yet",
        ),
    ],
)
def test_the_panel_is_quorate_only_when_all_three_partners_accepted_this_version(
    answers: tuple[tuple[str, str, int, int], ...], sequence: int, quorate: bool, summary: str
) -> None:
    result = panel_answers(MEMBERS, said(*answers), sequence)
    assert (result.quorate, result.summary) == (quorate, summary)


def test_an_answer_to_an_earlier_version_is_shown_as_such() -> None:
    result = panel_answers(MEMBERS, said(("p@x.example", "ACCEPTED", 0, 1)), 1)
    police = result.members[1]
    assert (police.partstat, police.earlier) == ("NEEDS-ACTION", "ACCEPTED")


def test_the_summary_names_whose_latest_answer_nothing_authenticated() -> None:
    doubt = "no Authentication-Results from our receiving server"
    answers = [
        Response("la@x.example", "ACCEPTED", 0, AT, 1, doubt),
        Response("p@x.example", "ACCEPTED", 0, AT, 2),
        Response("h@x.example", "ACCEPTED", 0, AT, 3, doubt),
    ]
    result = panel_answers(MEMBERS, answers, 0)
    assert result.quorate  # counted: some gateways strip every verdict
    assert result.summary == (
        "quorate: all 3 statutory partners accepted (the answers from local authority and "
        "health were not authenticated: check they are theirs)"
    )
    # A later answer that was authenticated replaces the doubt; a decline keeps its own.
    later = [*answers, Response("la@x.example", "ACCEPTED", 0, AT, 4)]
    later.append(Response("h@x.example", "DECLINED", 0, AT, 5, doubt))
    assert panel_answers(MEMBERS, later, 0).summary == (
        "not quorate: health declined "
        "(the answer from health was not authenticated: check it is theirs)"
    )


@pytest.mark.parametrize(
    ("reply", "meeting", "expected"),
    [(0, 0, Standing.CURRENT), (0, 1, Standing.STALE), (2, 1, Standing.UNKNOWN_VERSION)],
)
def test_standing_of_a_reply(reply: int, meeting: int, expected: Standing) -> None:
    assert standing(reply, meeting) is expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Reschedule: 29/12/2026 14:00", Reschedule(date(2026, 12, 29), time(14, 0), "")),
        ("Reschedule 29 December 2026 at 2.30pm", Reschedule(date(2026, 12, 29), time(14, 30), "")),
        ("reschedule meeting - 4/1/2027 10.00", Reschedule(date(2027, 1, 4), time(10, 0), "")),
        ("Cancel meeting", CancelMeeting("", "")),
        ("Cancel meeting: agreed by telephone.", CancelMeeting("agreed by telephone", "")),
    ],
)
def test_meeting_commands_are_read(line: str, expected: object) -> None:
    [command] = parse_commands(line, today=date(2026, 12, 23)).commands
    assert command == type(expected)(**{**vars(expected), "line": line})


@pytest.mark.parametrize(
    "line",
    ["Reschedule the training for next week", "Cancel meeting rooms are short this week"],
)
def test_prose_that_starts_like_a_meeting_command_is_prose(line: str) -> None:
    parsed = parse_commands(line, today=date(2026, 12, 23))
    assert parsed.commands == () and parsed.errors == ()


def test_a_reschedule_without_a_time_is_an_error_naming_the_form() -> None:
    [error] = parse_commands("Reschedule: 29/12/2026", today=date(2026, 12, 23)).errors
    assert "Reschedule: <date> <time>" in error.message


DECLINE = CalendarItem(
    "REPLY", "screening-TSCP-2026-0001@tscp-bot", 0, (("a@b.example", "DECLINED"),)
)


def test_the_note_is_the_comment_else_what_the_sender_wrote_in_the_email() -> None:
    noted = CalendarItem(DECLINE.method, DECLINE.uid, 0, DECLINE.attendees, comment="On leave.")
    assert typed_note([noted], "On leave.\n\nSent from my phone", sent_by_service=False) == (
        "On leave."
    )
    assert typed_note([DECLINE], "  Mother arrested today.\n", sent_by_service=False) == (
        "Mother arrested today."
    )


def test_a_calendar_services_own_account_of_the_answer_is_no_note() -> None:
    google = "Jordan Invented has declined this invitation.\n\n[TSCP-2026-0001] Screening Panel"
    assert typed_note([DECLINE], google, sent_by_service=True) == ""

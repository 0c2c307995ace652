"""`Status` by email: reading the request (on a thread, in a subject) and deciding what the case
view may say. Pure: no database, no clock."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.core import case_status as cs
from bot.core.commands import (
    StatusRequest,
    Vote,
    parse_commands,
    status_in_subject,
    with_subject_status,
)
from bot.core.personal_data import personal_values, withhold

TODAY = date(2027, 1, 14)


def commands(body: str) -> list[object]:
    parsed = parse_commands(body, today=TODAY)
    assert parsed.errors == ()
    return list(parsed.commands)


@pytest.mark.parametrize(
    "line", ["Status", "status please", "STATUS?", "**Status**", "- Status", "Case status"]
)
def test_status_alone_on_a_line_asks_for_the_case_view(line: str) -> None:
    assert commands(f"{line}\n\nThanks,\nCasey") == [StatusRequest(line)]


def test_status_naming_a_reference_keeps_it_to_check_against_the_case() -> None:
    [asked] = commands("Status [TSCP-2026-0001]")
    assert asked == StatusRequest("Status [TSCP-2026-0001]", "TSCP-2026-0001")


@pytest.mark.parametrize(
    "line",
    [
        "Status: waiting for the police return",
        "Status of the review is unclear to me",
        "Status - the family have moved",
    ],
)
def test_a_longer_status_line_is_what_someone_wrote_not_a_command_or_an_error(
    line: str,
) -> None:
    parsed = parse_commands(line, today=TODAY)
    assert parsed.commands == () and parsed.errors == ()


def test_status_in_the_quoted_email_below_is_not_read() -> None:
    body = "Thanks, noted.\n\nOn 13 Jan 2027 the bot wrote:\n> Status\n"
    assert commands(body) == []


def test_status_with_a_vote_keeps_both_in_order() -> None:
    found = commands("Vote: rapid review\nStatus")
    assert [type(c) for c in found] == [Vote, StatusRequest]


@pytest.mark.parametrize(
    "subject", ["Status TSCP-2026-0001", "status: [TSCP-2026-0001]", "Case status - TSCP-2026-0001"]
)
def test_a_new_email_whose_subject_is_status_and_a_reference_asks(subject: str) -> None:
    asked = status_in_subject(subject)
    assert asked is not None and asked.ref == "TSCP-2026-0001"


@pytest.mark.parametrize(
    "subject",
    [
        "RE: Status TSCP-2026-0001",  # a reply: its subject is the email it answers
        "Fwd: Status TSCP-2026-0001",
        "[TSCP-2026-0001] Case view (A.B.): rapid review",  # the bot's own answer
        "Status update on TSCP-2026-0001 from the police",
        "Status",  # no reference: nothing to look up
    ],
)
def test_other_subjects_ask_for_nothing(subject: str) -> None:
    assert status_in_subject(subject) is None


def test_the_subject_request_is_added_only_when_the_body_has_none() -> None:
    empty = parse_commands("", today=TODAY)
    [asked] = with_subject_status(empty, "Status TSCP-2026-0001").commands
    assert isinstance(asked, StatusRequest)
    body = parse_commands("Status", today=TODAY)
    assert with_subject_status(body, "Status TSCP-2026-0001").commands == body.commands


# --- What the view may say -------------------------------------------------------------------

FORM = [
    ("name", "Quinn Zed Invented"),
    ("date_of_birth", "2020-04-03"),
    ("address", "27 Lindenbrook Close, Dukinfield SK16 9ZZ"),
    ("referrer_name", "Robin Example"),
    ("referrer_email", "robin.example@gmp.police.uk"),
    ("incident_date", "2026-12-18"),  # a date the deadlines need, not a person
    ("incident_location", "Tameside"),  # a borough, in every partner's address
    ("sex", "female"),
    ("forename", "Jo"),  # too short to take out of other words
]


def test_personal_values_are_names_their_words_dates_of_birth_and_addresses() -> None:
    secrets = personal_values(FORM)
    for value in (
        "Quinn Zed Invented",
        "Quinn",
        "Invented",
        "2020-04-03",
        "03/04/2020",
        "3 April 2020",
        "3 Apr 2020",
        "27 Lindenbrook Close, Dukinfield SK16 9ZZ",
        "Robin",
        "robin.example@gmp.police.uk",
    ):
        assert value in secrets
    assert "2026-12-18" not in secrets and "female" not in secrets and "Jo" not in secrets
    assert "Tameside" not in secrets


def test_withhold_takes_out_whole_words_in_any_case() -> None:
    secrets = personal_values(FORM)
    text = "QUINN was seen on 03/04/2020 by Robin; Quinnell and Robinson are other people"
    assert withhold(text, secrets) == (
        "[withheld] was seen on [withheld] by [withheld]; Quinnell and Robinson are other people"
    )


def test_outstanding_returns_are_those_not_received_soonest_due_first() -> None:
    received = datetime(2027, 1, 10, tzinfo=UTC)
    lines = cs.outstanding(
        [
            ("Health", date(2027, 1, 4), date(2027, 1, 20), None),
            ("Police", date(2027, 1, 4), date(2027, 1, 12), None),
            ("School", date(2027, 1, 4), date(2027, 1, 12), received),
        ],
        TODAY,
    )
    assert [(r.agency, r.overdue) for r in lines] == [("Police", True), ("Health", False)]


def test_deadlines_are_ordered_by_what_must_be_acted_on() -> None:
    def line(title: str, state: str, due: date) -> cs.DeadlineLine:
        return cs.DeadlineLine(title, due, state, 0, None, "")

    lines = cs.deadline_order(
        [
            line("met", "met", date(2026, 12, 20)),
            line("later", "open", date(2027, 2, 1)),
            line("today", "due_today", TODAY),
            line("late", "overdue", date(2027, 1, 12)),
        ]
    )
    assert [d.title for d in lines] == ["late", "today", "later", "met"]


def test_deadline_titles_name_the_agency() -> None:
    title = cs.deadline_title("appendix_b:gmp", {"gmp": "Greater Manchester Police"})
    assert title.endswith("(Greater Manchester Police)")
    assert cs.deadline_title("rapid_review", {}) != "rapid_review"


@pytest.mark.parametrize("kind", ["complaint", "escalation"])
def test_a_complaint_or_escalation_record_is_shown_to_the_business_manager_only(
    kind: str,
) -> None:
    assert cs.refusal(kind, "business_manager") is None
    for role in ("local_authority", "police", "health"):
        said = cs.refusal(kind, role)
        assert said is not None and "shown to the Business Manager only" in said
    assert cs.refusal("review", "police") is None

"""The last events of the `Status` case view: the Business Manager reads them as recorded, less
what a person typed; a partner reads fixed words only. Pure: no database, no clock."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.core import status_events as se
from bot.core.personal_data import personal_values

BM, POLICE = "business_manager", "police"
FORM = [
    ("name", "Quinn Zed Invented"),
    ("date_of_birth", "2020-04-03"),
    ("referrer_name", "Robin Example"),
]


def _event(
    minute: int,
    what: str = "command",
    detail: str = "Vote: rapid review",
    actor: str = "x@nhs.net",
    roles: frozenset[str] = frozenset({"health"}),
) -> se.RecordedEvent:
    at = datetime(2027, 1, 14, 9, minute, tzinfo=UTC)
    return se.RecordedEvent(at, actor, roles, what, detail)


# --- The Business Manager's view ---------------------------------------------------------------


def test_last_events_are_the_newest_ten_without_anyones_free_text() -> None:
    secrets = personal_values(FORM)
    events = [_event(m) for m in range(12)]
    events.append(_event(30, "new_on_case", "Quinn has deteriorated, call me"))
    events.append(_event(31, "command", "Close: Quinn Invented moved away -> closed"))
    shown = se.last_events(events, secrets, asked_as=BM)
    assert len(shown) == se.LAST_EVENTS
    assert [e.at.minute for e in shown][:3] == [31, 30, 11]
    assert shown[0].detail == "Close: (words not repeated) -> closed"
    assert shown[0].who == "x@nhs.net"
    assert shown[1].what == "new on case" and "Quinn" not in shown[1].detail


@pytest.mark.parametrize(
    ("what", "detail", "shown"),
    [
        ("command", "Vote: rapid review -> vote recorded", "Vote: rapid review -> vote recorded"),
        ("command", "Notified: 18/12/2026 -> recorded", "Notified: 18/12/2026 -> recorded"),
        ("command", "Approve 12 -> queued", "Approve 12 -> queued"),
        (
            "command",
            "Disagree: Sam said so -> recorded",
            "Disagree: (words not repeated) -> recorded",
        ),
        # "Agree" takes the Scrutineer's reason too: it is not a line of dates and choices.
        ("command", "Agree: Sam's history -> recorded", "Agree: (words not repeated) -> recorded"),
        ("command", "Cancel meeting -> cancelled", "Cancel meeting -> cancelled"),
        (
            "command",
            "Publication delayed: x -> drafted",
            "Publication delayed: (words not repeated) -> drafted",
        ),
        ("case_closed", "duplicate of Sam's case", "(not repeated by email: see the case record)"),
        ("scrutineer_disagrees", "Reason: Sam", "(not repeated by email: see the case record)"),
        ("deadline_set", "rapid review due 12/01/2027", "rapid review due 12/01/2027"),
    ],
)
def test_what_a_person_typed_after_a_commands_keyword_is_not_repeated(
    what: str, detail: str, shown: str
) -> None:
    [line] = se.last_events([_event(1, what, detail)], frozenset(), asked_as=BM)
    assert line.detail == shown


def test_events_of_one_moment_are_shown_last_recorded_first() -> None:
    first, second = _event(5, detail="first"), _event(5, detail="second")
    shown = se.last_events([first, second], frozenset(), asked_as=BM)
    assert [e.detail for e in shown] == ["second", "first"]


# --- A partner's view: fixed words only ---------------------------------------------------------

# What the audit found repeated to a partner: each event as the bot records it, and the words
# of it that must not reach the partner.
RECORDED = [
    (
        _event(
            1,
            "form_problem",
            "an answer not read into any field (SIN form.docx, table 3, row 9): 'Father': "
            "'Lee Zzfather, 4 Other Street, EX9 9ZZ, born 05/06/1988'",
            actor="tscp-bot",
            roles=frozenset({se.BOT_ROLE}),
        ),
        "a form could not be read in full",
        "the bot",
        ("Zzmother", "Zzfather", "Other Street", "05/06/1988"),
    ),
    (
        _event(
            2,
            "form_problem",
            "SIN Jamie Example DOB 01.02.2015.docx: damaged (not a valid Word file)",
            actor="tscp-bot",
            roles=frozenset({se.BOT_ROLE}),
        ),
        "a form could not be read in full",
        "the bot",
        ("Jamie", "01.02.2015", ".docx"),
    ),
    (
        _event(
            3,
            "possible_repeat",
            "possibly the same notification as TSCP-2026-0001 (the same referrer, replying to "
            "or forwarding its email ('Serious Incident Notification - Jamie Example'))",
            actor="tscp-bot",
            roles=frozenset({se.BOT_ROLE}),
        ),
        "possibly a repeat of an earlier email",
        "the bot",
        ("Jamie", "Serious Incident Notification"),
    ),
    (
        _event(
            4,
            "return_request_withdrawn",
            "Appendix B request withdrawn because Sam Sample (mother) is not known to GMP",
            actor="bm@example.gov.uk",
            roles=frozenset({BM}),
        ),
        "Appendix B request withdrawn",
        "the Business Manager",
        ("Sam Sample", "mother", "bm@example.gov.uk"),
    ),
    (
        _event(
            5,
            "command",
            "Withdraw request: gmp because Sam Sample (mother) -> withdrawn",
            actor="bm@example.gov.uk",
            roles=frozenset({BM}),
        ),
        "command: Withdraw request",
        "the Business Manager",
        ("Sam Sample", "gmp", "withdrawn"),
    ),
    (
        _event(
            6,
            "command",
            "Agree: given the mother Sam Sample's history -> recorded",
            actor="scrutineer@example.org",
            roles=frozenset({"independent_scrutineer"}),
        ),
        "command: Agree",
        "the Independent Scrutineer",
        ("Sam Sample", "mother", "scrutineer@example.org"),
    ),
    (
        _event(
            7,
            "new_on_case",
            "Thank you, I also want to add that my son was let down.",
            actor="sam.sample.mum1985@example.org",
            roles=frozenset(),
        ),
        "new email on the case",
        "",
        ("sam.sample", "example.org", "my son"),
    ),
]


@pytest.mark.parametrize(("event", "phrase", "who", "never"), RECORDED)
def test_a_partner_reads_the_events_kind_and_who_by_role_and_nothing_recorded(
    event: se.RecordedEvent, phrase: str, who: str, never: tuple[str, ...]
) -> None:
    [line] = se.last_events([event], frozenset(), asked_as=POLICE)
    assert (line.at, line.what, line.who, line.detail) == (event.at, phrase, who, "")
    shown = f"{line.what} {line.who} {line.detail}".lower()
    for words in never:
        assert words.lower() not in shown, words


def test_a_partner_reads_a_kind_without_a_phrase_as_case_updated() -> None:
    odd = _event(1, "something_new", "Quinn Invented's words", roles=frozenset())
    unknown_command = _event(2, "command", "Frobnicate: Quinn -> done")
    shown = se.last_events([odd, unknown_command], frozenset(), asked_as=POLICE)
    assert [(e.what, e.detail) for e in shown] == [
        ("command carried out", ""),
        ("case updated", ""),
    ]


def test_only_the_business_manager_reads_the_events_as_recorded() -> None:
    assert se.in_full(BM)
    for role in ("local_authority", "police", "health", "independent_scrutineer", ""):
        assert not se.in_full(role)


@pytest.mark.parametrize(
    ("line", "phrase"),
    [
        ("**Status**", "command: Status"),
        ("Status TSCP-2026-0001", "command: Status"),
        ("CSPR: no because the family moved", "command: CSPR"),
        ("SoS and Ofsted notified: 14/01/2027", "command: SoS and Ofsted notified"),
        ("Withdraw the request: gmp because x", "command: Withdraw request"),
        ("Action 3 done", "command: Action done"),
        ("Correct Received: 01/12/2026 because x", "command: Correct received"),
    ],
)
def test_a_command_is_named_by_the_command_tables_keyword(line: str, phrase: str) -> None:
    assert se.event_words(_event(1, "command", f"{line} -> done")) == phrase

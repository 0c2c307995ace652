"""Words the Business Manager types for an outside body are refused when they give a person of
the family: on `CSPR: no` and `Reviewer:` too, from the answers on the form no field read, and
on a case with no readable form when they look like a date of birth, an address or a parent's
name. The refusal says what kind of thing was found, and only to the Business Manager.
Invented people only, through the real ingest path."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.adapters.db.models import OutboxMessage
from tests.fixtures.app import AppFactory
from tests.fixtures.scenarios import Scenarios
from tests.services.conftest import build_named, copied, opened_from_form
from tests.services.test_lifecycle import BM, HEALTH, LA, POLICE, SCRUTINEER, Bot, body_of, reply
from tests.services.test_personal_data_outgoing import CHILD, NAME, REF, whole

DSPS = {LA, POLICE, HEALTH}


def told(bot: Bot) -> str:
    """The last confirmation the Business Manager was sent, as one line."""
    [result] = bot.outbox("command_result")[-1:]
    assert result.recipients == [BM]
    return " ".join(body_of(result).split())


def outside(bot: Bot) -> list[OutboxMessage]:
    """Every email that goes to someone other than the Business Manager."""
    return [r for r in bot.outbox() if set(r.recipients) - {BM}]


def rapid_review(bot: Bot, submitted: bool = True) -> None:
    """The Rapid Review decided and notified on Wed 23 Dec 2026; submitted on 12 Jan 2027."""
    bot.at("2026-12-23T11:00").mail(BM, reply(REF), "Decision: rapid review\nNotified: 23/12/2026")
    bot.run()
    if submitted:
        bot.at("2027-01-12T10:00").mail(BM, reply(REF), "Report submitted: 12/01/2027")
        bot.run()


# --- CSPR: no: its reason goes straight to the partner leads and the Scrutineer


def build_named_submitted(make_app: AppFactory, tmp_path: Path) -> Bot:
    b = build_named(make_app, tmp_path)
    rapid_review(b)
    return b


@pytest.fixture
def submitted(
    make_app: AppFactory, tmp_path: Path, migrated_database_url: str, scenarios: Scenarios
) -> Bot:
    """`named` after rapid_review, replayed once per backend and process and copied for each
    test (tests/fixtures/scenarios.py)."""
    return copied(
        "named_submitted",
        build_named_submitted,
        make_app,
        tmp_path,
        migrated_database_url,
        scenarios,
    )


def test_a_cspr_no_reason_naming_the_family_is_refused_and_no_one_is_told(submitted: Bot) -> None:
    submitted.at("2027-01-12T11:00").mail(
        BM, reply(REF), f"CSPR: no because {NAME}'s mother already had a DHR at 12 Invented Road"
    )
    submitted.run()
    assert submitted.outbox("cspr_decision") == []
    assert submitted.case().cspr is None  # nothing recorded
    assert (
        "the reason gives the child's name, and it goes to the three partner leads and the "
        "Independent Scrutineer in the CSPR decision email" in told(submitted)
    )
    assert not [r for r in outside(submitted) if "Invented Road" in whole(r)]
    submitted.at("2027-01-12T11:30").mail(
        BM, reply(REF), "CSPR: no because a domestic homicide review covers the learning"
    )
    submitted.run()
    [decision] = submitted.outbox("cspr_decision")
    assert DSPS | {SCRUTINEER} <= set(decision.recipients)
    assert "A domestic homicide review covers the learning" in " ".join(body_of(decision).split())


# --- Reviewer: drafted to the National Panel, Ofsted and DfE


@pytest.mark.parametrize(
    ("line", "found"),
    [
        (f"Alex Reviewer (appointed for {NAME}'s family)", "gives the child's name"),
        ("Alex Reviewer, who knows the mother, Sam Zzmother", "looks like it gives a family"),
    ],
)
def test_a_reviewer_line_naming_the_family_is_refused(
    submitted: Bot, line: str, found: str
) -> None:
    submitted.at("2027-01-12T11:00").mail(BM, reply(REF), "CSPR: yes 12/01/2027")
    submitted.run()
    submitted.at("2027-01-13T10:00").mail(BM, reply(REF), f"Reviewer: {line}")
    submitted.run()
    assert submitted.outbox("reviewer_notice") == []  # no draft to approve by mistake
    assert f"the Reviewer: line {found}" in told(submitted)
    assert "National Panel, Ofsted and DfE in the reviewer notice" in told(submitted)
    submitted.at("2027-01-13T10:30").mail(BM, reply(REF), "Reviewer: Alex Reviewer")
    submitted.run()
    [draft] = submitted.outbox("reviewer_notice")
    assert draft.status == "draft" and "Alex Reviewer" in body_of(draft)


# --- A case whose SIN came with no form: nothing recorded, but the words still look personal


@pytest.mark.parametrize(
    ("line", "found"),
    [
        (
            "Cancel meeting: Jamie Example (DOB 01/02/2015) moved to 4 Other Street, Leeds",
            "looks like it gives a date of birth",
        ),
        (
            "Cancel meeting: the family moved to 4 Other Street, Leeds",
            "looks like it gives an address (a house number and street)",
        ),
        (
            "Cancel meeting: the family moved to LS9 9ZZ",
            "looks like it gives an address (a postcode)",
        ),
        (
            "Cancel meeting: the father, Lee Zzfather, asked for it",
            "looks like it gives a family member's name",
        ),
    ],
)
def test_a_cancel_reason_on_a_case_with_no_form_is_refused(bot: Bot, line: str, found: str) -> None:
    bot.at("2026-12-16T10:00").mail(BM, reply(REF), line)
    bot.run()
    assert bot.outbox("screening_cancelled") == []
    assert f"the reason {found}, and it goes to every partner invited" in told(bot)
    secret = line.partition(": ")[2]
    assert not [r for r in outside(bot) if secret in whole(r) or "Zzfather" in whole(r)]
    bot.at("2026-12-16T10:30").mail(BM, reply(REF), "Cancel meeting: the family moved away")
    bot.run()
    [cancel] = bot.outbox("screening_cancelled")
    assert POLICE in cancel.recipients and HEALTH in cancel.recipients


def test_a_cancel_reason_naming_a_council_building_goes_and_a_home_is_refused(bot: Bot) -> None:
    bot.at("2026-12-16T10:00").mail(
        BM, reply(REF), "Cancel meeting: the father lives at 14 Acacia Avenue and is unwell"
    )
    bot.run()
    assert bot.outbox("screening_cancelled") == []
    assert "the reason looks like it gives an address (a house number and street)" in told(bot)
    bot.at("2026-12-16T10:30").mail(
        BM, reply(REF), "Cancel meeting: to be held at 1 Oldham Road offices instead"
    )
    bot.run()
    [cancel] = bot.outbox("screening_cancelled")
    assert POLICE in cancel.recipients and HEALTH in cancel.recipients
    assert "1 Oldham Road offices" in whole(cancel)


def test_a_review_period_from_a_birth_on_a_case_with_no_form_is_refused(bot: Bot) -> None:
    bot.at("2026-12-16T11:00").mail(BM, reply(REF), "Decision: rapid review\nNotified: 16/12/2026")
    bot.run()
    bot.at("2026-12-16T12:00").mail(
        BM,
        reply(REF),
        "Agencies: gmp\nReview period: from Jamie Example's birth (01/02/2015) to 15/12/2026",
    )
    bot.run()
    assert bot.outbox("appendix_b_request") == []
    assert "the review period looks like it gives a date of birth" in told(bot)
    assert not [r for r in outside(bot) if "Jamie" in whole(r)]


# --- The answers on the form that no field read


FAMILY = (
    ("Mother's name", "Sam Zzmother"),
    ("Father", "Lee Zzfather, 4 Other Street, EX9 9ZZ, born 05/06/1988"),
)


def build_family(make_app: AppFactory, tmp_path: Path) -> Bot:
    """TSCP-2026-0001 from a SIN whose form names the parents where it has no field for them."""
    b = opened_from_form(make_app, tmp_path, (*CHILD, *FAMILY))
    problems = [e.detail for e in b.case().events if e.what == "form_problem"]
    assert [p for p in problems if "Zzmother" in p or "Zzfather" in p]  # read by no field
    return b


def build_family_notified(make_app: AppFactory, tmp_path: Path) -> Bot:
    b = build_family(make_app, tmp_path)
    rapid_review(b, submitted=False)
    return b


@pytest.fixture
def family(
    make_app: AppFactory, tmp_path: Path, migrated_database_url: str, scenarios: Scenarios
) -> Bot:
    """build_family and rapid_review(submitted=False), replayed once per backend and process,
    and copied (tests/fixtures/scenarios.py)."""
    return copied(
        "family_notified",
        build_family_notified,
        make_app,
        tmp_path,
        migrated_database_url,
        scenarios,
    )


@pytest.mark.parametrize(
    ("reason", "found"),
    [
        ("Sam has asked for more time", "a name written on the form"),
        ("awaiting Zzfather's statement", "a name written on the form"),
        ("the home on Other Street is not yet searched", "an address written on the form"),
        ("the father's records (05/06/1988) are missing", "a date of birth written on the form"),
    ],
)
def test_a_delay_reason_giving_an_answer_no_field_read_is_refused(
    family: Bot, reason: str, found: str
) -> None:
    family.at("2027-01-12T11:00").mail(BM, reply(REF), f"Delay: {reason}; expected 05/02/2027")
    family.run()
    assert family.outbox("panel_delay_notice") == []
    assert f"the reason for the delay gives {found}" in told(family)


def test_a_delay_reason_giving_the_childs_name_as_it_is_typed_is_refused(
    make_app: AppFactory, tmp_path: Path
) -> None:
    """The form says "Zoë O'Brien-Smythe"; the Business Manager types the name as a keyboard
    without accents, Word's curly apostrophe or half the surname give it."""
    child = tuple((k, "Zo\u00eb O'Brien-Smythe" if k == "Name" else v) for k, v in CHILD)
    b = opened_from_form(make_app, tmp_path, child)
    assert b.case().initials == "Z.O."
    rapid_review(b, submitted=False)
    for at, reason in (
        ("2027-01-12T10:00", "Zoe's school has not sent its records"),
        ("2027-01-12T10:05", "the O\u2019Brien family asked for time"),
        ("2027-01-12T10:10", "the SMYTHE family asked for time"),
    ):
        b.at(at).mail(BM, reply(REF), f"Delay: {reason}; expected 05/02/2027")
        b.run()
        assert b.outbox("panel_delay_notice") == [], reason
        assert "the reason for the delay gives the child's name" in told(b), reason

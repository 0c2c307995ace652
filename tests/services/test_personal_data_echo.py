"""An answer to someone outside the partnership does not repeat the child's details they wrote
in their own command lines: a partner's, the Scrutineer's or an unknown sender's lines go back
by their label where they give anyone ("Disagree: ..."); the Business Manager's go back whole.
Through the Maildir inbox and the real ingest path; invented people only."""

from __future__ import annotations

from tests.services.test_lifecycle import BM, HEALTH, POLICE, SCRUTINEER, Bot, body_of, reply
from tests.services.test_personal_data_outgoing import DOB, FIRST, LAST, NAME, whole

REF = "TSCP-2026-0001"
LEFT_OUT = "(what followed is left out of this email)"


def _gives_none(text: str) -> bool:
    return not any(word in text for word in (FIRST, LAST, DOB, "Invented Road", "EX1"))


def test_the_scrutineers_disagree_naming_the_child_is_confirmed_by_its_label(named: Bot) -> None:
    named.at("2026-12-23T10:00").mail(BM, reply(REF), "Decision: rapid review")
    named.run()
    named.at("2026-12-23T11:00").mail(
        SCRUTINEER, reply(REF), f"Disagree: {NAME} should have had a CSPR straight away"
    )
    named.run()
    [told] = [r for r in named.outbox("command_result") if r.recipients == [SCRUTINEER]]
    assert _gives_none(whole(told)), whole(told)
    body = " ".join(body_of(told).split())
    assert f"> Disagree: ... {LEFT_OUT}" in body
    assert "recorded: the Scrutineer disagrees" in body


def test_a_partners_unread_vote_naming_the_child_is_refused_without_the_name(named: Bot) -> None:
    named.at("2026-12-23T11:00").mail(
        POLICE, reply(REF), f"Vote: rapid review - {NAME} (DOB {DOB}) is at serious risk"
    )
    named.run()
    [told] = [r for r in named.outbox("command_result") if r.recipients == [POLICE]]
    assert _gives_none(whole(told)), whole(told)
    body = " ".join(body_of(told).split())
    assert f"> Vote: ... {LEFT_OUT}" in body
    assert "is not one of rapid review, local learning review or no further action" in body


def test_a_partners_plain_vote_is_still_confirmed_whole(named: Bot) -> None:
    named.at("2026-12-23T11:00").mail(HEALTH, reply(REF), "Vote: rapid review")
    named.run()
    [told] = [r for r in named.outbox("command_result") if r.recipients == [HEALTH]]
    assert "> Vote: rapid review" in body_of(told)


def test_the_business_manager_still_sees_her_own_lines_whole(named: Bot) -> None:
    named.at("2026-12-23T11:00").mail(
        BM, reply(REF), f"Action: visit {NAME} at home; owner: gmp; due: 01/03/2027"
    )
    named.run()
    [told] = [r for r in named.outbox("command_result") if r.recipients == [BM]]
    assert f"> Action: visit {NAME} at home" in body_of(told)


def test_an_unknown_senders_commands_are_refused_without_their_words(named: Bot) -> None:
    parent = "sam.sample@example.org"
    named.at("2026-12-23T11:00").mail(
        parent, reply(REF), f"Vote: rapid review because {NAME} lives at 12 Invented Road\nStatus"
    )
    named.run()
    [told] = named.outbox("command_refused_to_sender")
    assert told.recipients == [parent]
    assert _gives_none(whole(told)), whole(told)
    lines = [line.strip() for line in body_of(told).splitlines()]
    assert f"> Vote: ... {LEFT_OUT}" in lines and "> Status" in lines


def test_commands_in_a_partners_new_sin_go_back_without_the_childs_details(named: Bot) -> None:
    named.at("2026-12-23T11:00").mail(
        HEALTH,
        f"Serious Incident Notification - {NAME}",
        f"Please treat this as a SIN.\nVote: rapid review because {NAME} was seen at EX1 2AB\n",
    )
    named.run()
    [told] = named.outbox("commands_on_new_record")
    assert told.recipients == [HEALTH]
    assert _gives_none(whole(told)), whole(told)
    body = " ".join(body_of(told).split())
    assert f"> Vote: ... {LEFT_OUT}" in body
    # Only the Business Manager can give them at the terminal.
    assert "tscp-bot command" not in body and "with the lines at the top." in body


def test_the_scrutineers_commands_naming_no_case_go_back_without_the_childs_name(
    named: Bot,
) -> None:
    named.at("2026-12-23T11:00").mail(
        SCRUTINEER, f"A question about {NAME}", f"Disagree: {NAME} should have been reviewed\n"
    )
    named.run()
    [told] = named.outbox("command_no_case")
    assert told.recipients == [SCRUTINEER]
    assert _gives_none(whole(told)), whole(told)
    body = body_of(told).replace("\r\n", "\n")
    assert f"> Disagree: ... {LEFT_OUT}" in " ".join(body.split())
    # No terminal command (only the Business Manager has the terminal), and the list still ends.
    assert "tscp-bot command" not in body
    assert "reference in its subject.\n\nYour email stays" in body

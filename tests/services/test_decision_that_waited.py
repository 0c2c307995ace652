"""An email telling outside people of a decision that waited for the mail server while the
decision changed is never sent as it was written: the CSPR decision to the partners and the
Scrutineer, and the Screening Panel's decision to the referrer."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import update

from bot.adapters.db.db_clock import database_now
from bot.adapters.db.models import OutboxMessage
from bot.services.outbox_claim import CLAIM
from tests.fixtures.app import AppFactory
from tests.fixtures.scenarios import Scenarios
from tests.services.conftest import build_bot, copied
from tests.services.test_event_dates import rapid_review_submitted
from tests.services.test_lifecycle import BM, HEALTH, LA, POLICE, Bot, body_of, reply
from tests.services.test_reminder_withdrawal import DownSender

REF = "TSCP-2026-0001"
REFERRER = "casey.invented@gmp.police.uk"


def flat(text: str) -> str:
    return " ".join(text.split())


def say(bot: Bot, when: str, line: str) -> str:
    """The Business Manager's `line`, and the reply she is sent."""
    bot.at(when).mail(BM, reply(REF), line)
    bot.run()
    return flat(body_of(bot.outbox("command_result")[-1]))


def build_submitted(make_app: AppFactory, tmp_path: Path) -> Bot:
    """The `bot` case brought to the CSPR decision: its Rapid Review submitted on 14 Jan 2027."""
    b = build_bot(make_app, tmp_path)
    rapid_review_submitted(b)
    return b


@pytest.fixture
def submitted(
    make_app: AppFactory, tmp_path: Path, migrated_database_url: str, scenarios: Scenarios
) -> Bot:
    """build_submitted, replayed once per backend and process and copied for each test
    (tests/fixtures/scenarios.py): six tests replayed its three passes each."""
    return copied(
        "rapid_review_submitted",
        build_submitted,
        make_app,
        tmp_path,
        migrated_database_url,
        scenarios,
    )


def decided_while_down(bot: Bot, first: str, then: tuple[str, str], back: str) -> str:
    """`CSPR: yes` on Fri 15 Jan 2027 with the mail server down, `then` (when, line) before it
    is back at `back`: the reply to `then`. `bot` is `submitted`."""
    working = bot.app.open_sender
    bot.app.open_sender = DownSender
    say(bot, "2027-01-15T10:00", first)
    [waiting] = bot.outbox("cspr_decision")
    assert waiting.status == "pending"
    answer = say(bot, *then)
    bot.app.open_sender = working
    bot.at(back).run()
    return answer


def history(bot: Bot, what: str) -> list[str]:
    return [e.detail for e in bot.case().events if e.what == what]


def test_a_cspr_decision_email_that_waited_goes_with_the_corrected_decision(submitted: Bot) -> None:
    answer = decided_while_down(
        submitted,
        "CSPR: yes",
        ("2027-01-18T10:00", "Correct CSPR: 18/01/2027 because the partners decided on Monday"),
        "2027-01-18T11:00",
    )
    [email] = submitted.outbox("cspr_decision")
    said = (
        f"email #{email.id} (CSPR decision to the partners and the Scrutineer), not sent yet: it "
        "gives a CSPR to be held, decided on Fri 15 Jan 2027, the report due Thu 15 Jul 2027, "
        "but the decision is now a CSPR to be held, decided on Mon 18 Jan 2027, the report due "
        "Fri 16 Jul 2027; it is written again with that decision before it goes"
    )
    assert said in answer, answer
    assert "already sent" not in answer  # nothing had gone: nothing for her to put right
    assert history(submitted, "waiting_email_outdated") == [said[:1].upper() + said[1:]]
    # The partners and the Scrutineer get one email, with the decision as it stands.
    assert email.status == "sent"
    text = flat(body_of(email))
    assert "18 January 2027" in text and "16 July 2027" in text, text
    assert "15 January 2027" not in text and "15 July 2027" not in text, text
    [line] = history(submitted, "email_reworded")
    assert "it was written again with that decision" in line


def test_a_cspr_decision_email_that_waited_is_withdrawn_when_no_cspr_is_decided(
    submitted: Bot,
) -> None:
    answer = decided_while_down(
        submitted,
        "CSPR: yes",
        ("2027-01-18T10:00", "CSPR: no because the Rapid Review found the learning already taken"),
        "2027-01-18T11:00",
    )
    first, second = submitted.outbox("cspr_decision")
    assert f"email #{first.id} (CSPR decision to the partners and the Scrutineer)" in answer
    assert f"email #{second.id} tells them that; it will not go" in answer, answer
    assert (first.status, first.sent_at) == ("withdrawn", None)
    assert second.status == "sent" and "No local CSPR" in body_of(second)
    [why] = history(submitted, "email_withdrawn")
    assert f"Email #{first.id}" in why and "no CSPR, decided on Mon 18 Jan 2027" in why, why


def test_a_cspr_decision_email_that_waited_is_withdrawn_for_an_earlier_day_given(
    submitted: Bot,
) -> None:
    answer = decided_while_down(
        submitted,
        "CSPR: yes 15/01/2027",
        ("2027-01-18T10:00", "CSPR: yes 14/01/2027"),
        "2027-01-18T11:00",
    )
    first, second = submitted.outbox("cspr_decision")
    assert f"email #{second.id} tells them that; it will not go" in answer, answer
    assert (first.status, second.status) == ("withdrawn", "sent")
    assert "14 January 2027" in flat(body_of(second))


def _decision_changed_while_the_mail_server_was_down(bot: Bot) -> None:
    """Rapid review, then no further action, both queued with the server down; then it is up."""
    working = bot.app.open_sender
    bot.app.open_sender = DownSender
    say(bot, "2026-12-16T11:00", "Decision: rapid review")
    say(bot, "2026-12-16T12:00", "Decision: no further action")
    bot.app.open_sender = working
    bot.at("2026-12-16T13:00").run()


def test_a_referrer_outcome_that_waited_is_withdrawn_when_the_decision_changed(bot: Bot) -> None:
    _decision_changed_while_the_mail_server_was_down(bot)

    first, second = bot.outbox("referrer_outcome")
    assert first.recipients == [REFERRER]
    assert (first.status, first.sent_at) == ("withdrawn", None)
    [why] = [w for w in history(bot, "email_withdrawn") if f"Email #{first.id} " in w]
    assert (
        "it gives the Screening Panel's decision as Rapid Review, but it is now No further action"
        in why
    )
    # The referrer gets the decision that stands, and is not told it "changed" from one they
    # never received.
    assert second.status == "sent"
    text = flat(body_of(second))
    assert "No further action" in text
    assert "has changed since we last wrote" not in text, text


def test_a_screening_outcome_that_waited_is_withdrawn_when_the_decision_changed(
    bot: Bot,
) -> None:
    _decision_changed_while_the_mail_server_was_down(bot)

    # The Scrutineer is not sent a decision that no longer stands, then the one that does.
    first, second = bot.outbox("screening_outcome")
    assert (first.status, first.sent_at) == ("withdrawn", None)
    assert second.status == "sent" and "No further action" in flat(body_of(second))
    why = [w for w in history(bot, "email_withdrawn") if f"Email #{first.id} " in w]
    assert why and "but it is now No further action" in why[0], why


NO_A = "CSPR: no because the Rapid Review found the learning already taken"
NO_B = "CSPR: no because the partners found the learning already in the action plan"


def test_a_waiting_no_cspr_email_goes_with_the_reason_given_again_the_same_day(
    submitted: Bot,
) -> None:
    answer = decided_while_down(submitted, NO_A, ("2027-01-15T11:00", NO_B), "2027-01-15T12:00")
    [email] = submitted.outbox("cspr_decision")  # the partners hear the decision once
    assert (
        f"email #{email.id} (CSPR decision to the partners and the Scrutineer), not sent yet: "
        'it gives no CSPR, decided on Fri 15 Jan 2027, with the reason "the Rapid Review found '
        'the learning already taken", but the reason is now "the partners found the learning '
        'already in the action plan"; it is written again with that decision before it goes'
    ) in answer, answer
    assert email.status == "sent"
    text = flat(body_of(email))
    assert "The partners found the learning already in the action plan" in text, text
    assert "Rapid Review found the learning" not in text, text
    assert "This corrects" not in text  # they never had the first reason


def test_a_no_cspr_email_gone_with_the_first_reason_is_followed_by_a_correction(
    submitted: Bot,
) -> None:
    say(submitted, "2027-01-15T10:00", NO_A)
    [first] = submitted.outbox("cspr_decision")
    assert first.status == "sent"
    answer = say(submitted, "2027-01-15T11:00", NO_B)
    first, second = submitted.outbox("cspr_decision")
    assert (
        f"email #{first.id} (CSPR decision to the partners and the Scrutineer) already went "
        f"with the reason first given: email #{second.id} gives them the reason as it now stands"
    ) in answer, answer
    assert second.status == "sent" and second.recipients == first.recipients
    text = flat(body_of(second))
    assert "This corrects our email of Friday 15 January 2027" in text, text
    assert "The partners found the learning already in the action plan" in text, text
    # The same reason given a third time sends nothing more.
    say(submitted, "2027-01-15T12:00", NO_B)
    assert len(submitted.outbox("cspr_decision")) == 2


def test_a_waiting_screening_outcome_goes_saying_whether_the_case_is_notifiable_now(
    bot: Bot,
) -> None:
    working = bot.app.open_sender
    bot.app.open_sender = DownSender
    say(bot, "2026-12-16T11:00", "Decision: no further action")
    [email] = bot.outbox("screening_outcome")
    assert "Notifiable to the National Panel: not yet recorded" in flat(body_of(email))
    say(bot, "2026-12-16T12:00", "Notifiable: no because the incident does not meet the criteria")
    bot.app.open_sender = working
    bot.at("2026-12-16T13:00").run()

    [email] = bot.outbox("screening_outcome")
    assert email.status == "sent"
    text = flat(body_of(email))
    assert "Notifiable to the National Panel: no" in text, text
    assert "not yet recorded" not in text, text
    [line] = [w for w in history(bot, "email_reworded") if f"Email #{email.id} " in w]
    assert (
        "it gives the Screening Panel's decision as No further action and \"Notifiable to the "
        'National Panel: not yet recorded", but that is now no'
    ) in line, line


def test_a_cspr_decision_email_being_sent_is_not_said_to_be_written_again(submitted: Bot) -> None:
    submitted.app.open_sender = DownSender
    say(submitted, "2027-01-15T10:00", "CSPR: yes")
    [email] = submitted.outbox("cspr_decision")
    with submitted.app.sessions() as s:  # another instance has it at the mail server right now
        mid_send = {"claimed_until": database_now(s) + CLAIM, "attempt_started_at": database_now(s)}
        s.execute(update(OutboxMessage).where(OutboxMessage.id == email.id).values(mid_send))
        s.commit()
    answer = say(
        submitted,
        "2027-01-18T10:00",
        "Correct CSPR: 18/01/2027 because the partners decided on Monday",
    )
    said = (
        f"email #{email.id} (CSPR decision to the partners and the Scrutineer) was being sent at "
        "that moment: it gives a CSPR to be held, decided on Fri 15 Jan 2027, the report due Thu "
        "15 Jul 2027, but the decision is now a CSPR to be held, decided on Mon 18 Jan 2027, the "
        "report due Fri 16 Jul 2027; if it went, tell its recipients the decision as it now stands"
    )
    assert said in answer, answer
    assert "written again" not in answer, answer
    # Under "Needs your attention" until she has seen to it, not only in the history.
    assert history(submitted, "sent_notice_outdated") == [said[:1].upper() + said[1:]]
    assert history(submitted, "waiting_email_outdated") == []


def test_a_waiting_request_to_reconvene_is_withdrawn_once_the_panel_has_decided(bot: Bot) -> None:
    bot.at("2026-12-16T11:00").mail(POLICE, reply(REF), "Vote: rapid review")
    bot.mail(LA, reply(REF), "Vote: rapid review")
    bot.run()
    working = bot.app.open_sender
    bot.app.open_sender = DownSender
    bot.at("2027-01-06T10:00").mail(POLICE, reply(REF), "Vote: no further action")
    bot.run()
    [ask] = bot.outbox("screening_reconvene")  # the Rapid Review decision is withdrawn
    assert "has no decision" in flat(body_of(ask)) and len(ask.recipients) == 2
    bot.at("2027-01-07T10:00").mail(HEALTH, reply(REF), "Vote: no further action")
    bot.run()
    bot.app.open_sender = working
    bot.at("2027-01-07T11:00").run()

    # The Scrutineer is not told the panel has no decision after it made one.
    [ask] = bot.outbox("screening_reconvene")
    assert (ask.status, ask.sent_at) == ("withdrawn", None)
    assert bot.outbox("screening_outcome")[-1].status == "sent"
    [why] = [w for w in history(bot, "email_withdrawn") if f"Email #{ask.id} " in w]
    assert (
        "it says the Screening Panel has no decision, but it has since decided No further "
        "action; the outcome email of that decision tells them"
    ) in why, why


def test_an_outcome_written_again_as_it_went_is_told_as_it_happened(bot: Bot) -> None:
    """The panel's decision and the National Panel notification read in one pass: the outcome
    email goes saying the case was notified, and the Business Manager is told that something
    it said was no longer true when it went, not that it waited for a later day (it went that
    day) or that a date changed (the Notifiable line did)."""
    bot.at("2026-12-16T11:00").mail(BM, reply(REF), "Decision: rapid review")
    bot.at("2026-12-16T11:30").mail(BM, reply(REF), "Notified: 16/12/2026")
    bot.at("2026-12-16T12:00").run()
    [email] = bot.outbox("screening_outcome")
    assert "Notifiable to the National Panel: yes" in flat(body_of(email))
    [told] = bot.outbox("untrue_when_sent")
    said = flat(body_of(told))
    assert "Just before an email went, something it said was no longer true" in said, said
    assert "about dates" not in said and "on the day it could go" not in said, said

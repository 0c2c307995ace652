"""`CSPR: no` given again the same day with another reason while the first "no CSPR" email is
at the mail server: the partners and the Scrutineer end with the reason as it stands, told
once. The first went: an email correcting it follows, as when it had gone before the command.
It did not go: it is written again with the new reason before its next try."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.adapters.db.models import Case
from bot.adapters.outgoing import MailSender, SendError
from bot.services.review.cspr_waiting import lock_cspr_decisions
from tests.services.test_decision_that_waited import NO_A, NO_B, REF, flat, history
from tests.services.test_event_dates import rapid_review_submitted
from tests.services.test_lifecycle import BM, SCRUTINEER, Bot, body_of, reply

NAME = "CSPR decision to the partners and the Scrutineer"


class AtTheServer:
    """The mail server: while it has the first CSPR decision email, the Business Manager's
    second `CSPR: no` is carried out (`meanwhile`); then it takes the email, or not (`fails`)."""

    def __init__(self, inner: MailSender, meanwhile: list[Callable[[], None]], fails: bool):
        self.inner, self.meanwhile, self.fails = inner, meanwhile, fails

    def send(self, raw: bytes, sender: str, recipients: list[str]) -> None:
        if self.meanwhile and SCRUTINEER in recipients and b"CSPR decision" in raw:
            self.meanwhile.pop()()
            if self.fails:
                raise SendError("451 try later")
        self.inner.send(raw, sender, recipients)


def reason_given_again_mid_send(bot: Bot, *, fails: bool) -> str:
    """NO_A at 10:00, NO_B given while its email is at the server; the reply to NO_B."""
    rapid_review_submitted(bot)
    working = bot.app.open_sender

    def again() -> None:
        bot.at("2027-01-15T10:30").mail(BM, reply(REF), NO_B)
        bot.run()

    pending = [again]
    bot.app.open_sender = lambda: AtTheServer(working(), pending, fails)
    bot.at("2027-01-15T10:00").mail(BM, reply(REF), NO_A)
    bot.run()
    assert pending == []
    answer = flat(body_of(bot.outbox("command_result")[-1]))
    bot.at("2027-01-15T12:00").run()
    bot.at("2027-01-15T14:00").run()
    return answer


def test_a_no_cspr_email_that_went_while_the_reason_was_given_again_is_corrected(
    bot: Bot,
) -> None:
    answer = reason_given_again_mid_send(bot, fails=False)
    first, second = bot.outbox("cspr_decision")
    assert (
        f"email #{first.id} ({NAME}) was being sent at that moment: it gives no CSPR, decided "
        'on Fri 15 Jan 2027, with the reason "the Rapid Review found the learning already '
        'taken", but the reason is now "the partners found the learning already in the action '
        'plan"; if it went, an email giving the reason as it now stands follows it'
    ) in answer, answer
    assert "Rapid Review found the learning" in flat(body_of(first))
    # The correction, once, to the same people, as when the first had gone before.
    assert (first.status, second.status) == ("sent", "sent")
    assert second.recipients == first.recipients
    text = flat(body_of(second))
    assert "This corrects our email of Friday 15 January 2027" in text, text
    assert "The partners found the learning already in the action plan" in text, text
    assert history(bot, "sent_notice_outdated") == []  # nothing left for her to do
    assert (
        f"Email #{first.id} ({NAME}) went while the reason was given again; email #{first.id} "
        f"({NAME}) already went with the reason first given: email #{second.id} gives them the "
        "reason as it now stands"
    ) in history(bot, "waiting_email_outdated")


def test_a_no_cspr_email_that_did_not_go_while_the_reason_was_given_again_goes_with_it(
    bot: Bot,
) -> None:
    answer = reason_given_again_mid_send(bot, fails=True)
    assert "if not, it is written again with it before it goes" in answer, answer
    [email] = bot.outbox("cspr_decision")  # the partners hear the decision once
    assert email.status == "sent"
    text = flat(body_of(email))
    assert "The partners found the learning already in the action plan" in text, text
    assert "This corrects" not in text, text


class CommandHolds:
    """The mail server: while it has the first CSPR decision email, a `CSPR: no` with another
    reason is being carried out, its transaction open (the case's decision emails locked, as
    the command locks them) until a moment after the server took the email."""

    def __init__(self, bot: Bot, inner: MailSender) -> None:
        self.bot, self.inner, self.done = bot, inner, False

    def send(self, raw: bytes, sender: str, recipients: list[str]) -> None:
        if not self.done and SCRUTINEER in recipients and b"CSPR decision" in raw:
            self.done = True
            command = self.bot.app.sessions()
            case = command.scalars(select(Case).where(Case.ref == REF)).one()
            lock_cspr_decisions(command, case)
            case.cspr_rationale = NO_B.split(" because ", 1)[1]
            command.flush()
            threading.Timer(1.0, _commit, (command,)).start()
        self.inner.send(raw, sender, recipients)


def _commit(command: Session) -> None:
    command.commit()
    command.close()


def test_a_no_cspr_email_marked_sent_waits_for_the_command_that_holds_it(bot: Bot) -> None:
    if bot.app.engine.dialect.name != "postgresql":
        pytest.skip("row locks: SQLite has one writer at a time")
    rapid_review_submitted(bot)
    working = bot.app.open_sender
    bot.app.open_sender = lambda: CommandHolds(bot, working())
    bot.at("2027-01-15T10:00").mail(BM, reply(REF), NO_A)
    bot.run()
    bot.at("2027-01-15T11:00").run()
    first, second = bot.outbox("cspr_decision")
    assert (first.status, second.status) == ("sent", "sent")
    text = flat(body_of(second))
    assert "This corrects our email of Friday 15 January 2027" in text, text
    assert "The partners found the learning already in the action plan" in text, text


def test_a_correction_that_cannot_be_written_leaves_the_first_recorded_sent_and_flagged(
    bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first email went; should the correction fail to be written (a template edited while
    running), the first is still recorded sent (never looked for or sent again), and the
    Business Manager is asked to tell its recipients, as before corrections were queued."""

    def broken(*args: object, **kwargs: object) -> str:
        raise RuntimeError("template cspr_decision: unexpected end of template")

    monkeypatch.setattr("bot.services.decision_checks.tell_cspr_decision", broken)
    reason_given_again_mid_send(bot, fails=False)
    [first] = bot.outbox("cspr_decision")
    assert first.status == "sent" and first.attempts <= 1
    [flag] = history(bot, "sent_notice_outdated")
    assert f"Email #{first.id} ({NAME}) went with the reason first given" in flag, flag
    assert "tell its recipients the decision as it now stands" in flag, flag

"""An email telling an outside body of a decision, waiting for the mail server while a later
command made something it says untrue: the CSPR decision to the partners saying the
independent reviewer is still to be appointed when `Reviewer:` was recorded since, and the
referrer told what the partners will do when the case was closed since.

Through the real outbox to a real SMTP server (aiosmtpd), stopped while the mail server is
down and started again; what the tests read is what it received."""

from __future__ import annotations

from pathlib import Path

from tests.fixtures.app import AppFactory
from tests.fixtures.smtp import SmtpTestServer
from tests.services.test_lifecycle import BM, SCRUTINEER, Bot
from tests.services.test_send_time_truth import (
    GMP,
    Got,
    digest_attention,
    received,
    say,
    smtp_bot,
)


def to_business_manager(server: SmtpTestServer, subject_has: str) -> list[Got]:
    return [g for g in received(server) if g.to == [BM] and subject_has in g.subject]


def history(bot: Bot, what: str) -> list[str]:
    return [e.detail for e in bot.case().events if e.what == what]


def test_a_cspr_yes_that_waited_goes_saying_the_reviewer_is_appointed(
    make_app: AppFactory, tmp_path: Path, smtp_server: SmtpTestServer
) -> None:
    bot = smtp_bot(make_app, tmp_path, smtp_server)
    say(bot, "2026-12-17T09:00", "Decision: rapid review")
    say(bot, "2026-12-18T10:00", "Notified: 18/12/2026")
    say(bot, "2027-01-14T16:00", "Report submitted: 14/01/2027")
    smtp_server.stop()
    say(bot, "2027-01-15T10:00", "CSPR: yes")
    say(bot, "2027-01-18T10:00", "Reviewer: Alex Invented")
    smtp_server.start()
    bot.at("2027-01-18T11:00").run()

    [decision] = [g for g in received(smtp_server) if SCRUTINEER in g.to and "CSPR" in g.subject]
    assert "once the independent reviewer is appointed" not in decision.text, decision.text
    assert "The independent reviewer has been appointed" in decision.text, decision.text
    assert "15 July 2027" in decision.text and "Alex Invented" not in decision.text
    [line] = history(bot, "email_reworded")
    assert (
        "it says the National Panel, Ofsted and the Department for Education will be told once "
        "the independent reviewer is appointed, but the reviewer was appointed since: it was "
        "written again saying the reviewer is appointed"
    ) in line, line
    bot.at("2027-01-18T11:05").run()
    [told] = to_business_manager(smtp_server, "Written again when it went")
    assert "the reviewer was appointed since" in told.text, told.text


def test_a_referrer_outcome_that_waited_is_withdrawn_and_flagged_once_the_case_closed(
    make_app: AppFactory, tmp_path: Path, smtp_server: SmtpTestServer
) -> None:
    bot = smtp_bot(make_app, tmp_path, smtp_server)
    smtp_server.stop()
    say(bot, "2026-12-16T11:00", "Decision: rapid review")
    say(bot, "2026-12-16T11:30", "Notified: 16/12/2026")
    say(bot, "2026-12-16T12:00", "Close: the family moved to another area, referred on")
    smtp_server.start()
    bot.at("2026-12-16T13:00").run()

    # The referrer is not told the partners will carry out a Rapid Review of a closed case.
    outcomes = [g for g in received(smtp_server) if GMP in g.to and "Outcome" in g.subject]
    assert outcomes == [], outcomes
    [email] = bot.outbox("referrer_outcome")
    assert (email.status, email.sent_at) == ("withdrawn", None)
    said = (
        f"Email #{email.id} (Outcome to the referrer) to {GMP} was not sent on Wed 16 Dec 2026: "
        "it says the safeguarding partners will carry out a Rapid Review, but the case was "
        "closed since; write to the referrer yourself with the outcome as it now stands."
    )
    assert history(bot, "notice_withdrawn") == [said]
    bot.at("2026-12-16T13:05").run()
    [told] = to_business_manager(smtp_server, "Withdrawn, not sent")
    assert "write to the referrer yourself" in told.text, told.text
    # Nothing is silent: it stays under "Needs your attention" in the next digest.
    attention = digest_attention(bot, smtp_server, "2026-12-17T08:00")
    assert "write to the referrer yourself" in attention, attention

"""The Screening Panel's outcome email to the Business Manager and the Independent Scrutineer,
waiting for the mail server while a later command did what its next steps ask: it goes with
the next steps as the case then stands, never asking for what is already done.

Through the real outbox to a real SMTP server (aiosmtpd), stopped while the mail server is
down and started again; what the tests read is what it received."""

from __future__ import annotations

from pathlib import Path

from tests.fixtures.app import AppFactory
from tests.fixtures.smtp import SmtpTestServer
from tests.services.test_lifecycle import SCRUTINEER, Bot
from tests.services.test_send_time_truth import Got, received, say, smtp_bot

SCRUTINEER_HINT = "Independent Scrutineer: reply with Agree"


def outcome_that_waited(
    make_app: AppFactory,
    tmp_path: Path,
    server: SmtpTestServer,
    before: str,
    down: list[str],
) -> tuple[Bot, Got]:
    """`before` said with the server up, then each of `down` (the first the decision) a
    minute apart with it down; the one outcome email the Scrutineer gets once it is back."""
    bot = smtp_bot(make_app, tmp_path, server)
    say(bot, "2026-12-16T10:00", before)
    server.stop()
    for minute, line in enumerate(down):
        say(bot, f"2026-12-16T11:{minute:02d}", line)
    server.start()
    bot.at("2026-12-16T12:00").run()
    [outcome] = [
        g for g in received(server) if SCRUTINEER in g.to and "Screening Panel" in g.subject
    ]
    return bot, outcome


def reworded(bot: Bot) -> str:
    [line] = [e.detail for e in bot.case().events if e.what == "email_reworded"]
    return line


def test_an_outcome_that_waited_does_not_ask_for_the_notification_made_since(
    make_app: AppFactory, tmp_path: Path, smtp_server: SmtpTestServer
) -> None:
    bot, outcome = outcome_that_waited(
        make_app,
        tmp_path,
        smtp_server,
        "Notifiable: yes",
        ["Decision: no further action", "Notified: 16/12/2026"],
    )
    assert "Notifiable to the National Panel: yes" in outcome.text, outcome.text
    assert "reply with Notified:" not in outcome.text, outcome.text
    assert "notification above" not in outcome.text, outcome.text
    assert "reply Close: <reason> when the case is done." in outcome.text, outcome.text
    assert (
        "it gives the Screening Panel's decision as No further action and the next steps the "
        "National Panel notification and closing the case, which no longer stand as written"
    ) in reworded(bot)


def test_an_outcome_that_waited_does_not_ask_to_close_a_case_closed_since(
    make_app: AppFactory, tmp_path: Path, smtp_server: SmtpTestServer
) -> None:
    bot, outcome = outcome_that_waited(
        make_app,
        tmp_path,
        smtp_server,
        "Notifiable: no because the incident does not meet the criteria",
        ["Decision: no further action", "Close: no further action"],
    )
    assert "reply Close:" not in outcome.text, outcome.text
    assert "None from this decision: the case has been closed since." in outcome.text
    assert SCRUTINEER_HINT in outcome.text  # the rest of the email as it was
    assert "closing the case, which no longer stand as written, now the case closed" in (
        reworded(bot)
    )


def test_an_outcome_that_waited_does_not_ask_for_the_requests_made_since(
    make_app: AppFactory, tmp_path: Path, smtp_server: SmtpTestServer
) -> None:
    bot, outcome = outcome_that_waited(
        make_app,
        tmp_path,
        smtp_server,
        "Notified: 16/12/2026",
        ["Decision: rapid review", "Agencies: gmp\nReturn by: 24/12/2026"],
    )
    assert "reply with Agencies:" not in outcome.text, outcome.text
    assert "the Appendix B requests are made" in outcome.text, outcome.text
    assert "the next steps the Appendix B requests, which no longer stand" in reworded(bot)
    # Only what she was asked to do next, and did: the case's history says it, no email does.
    assert bot.outbox("untrue_when_sent") == []


def test_an_outcome_whose_steps_still_stand_goes_as_written(
    make_app: AppFactory, tmp_path: Path, smtp_server: SmtpTestServer
) -> None:
    bot, outcome = outcome_that_waited(
        make_app,
        tmp_path,
        smtp_server,
        "Notifiable: yes",
        ["Decision: no further action"],
    )
    assert "reply with Notified:" in outcome.text, outcome.text
    assert [e for e in bot.case().events if e.what == "email_reworded"] == []


def test_an_outcome_that_waited_asks_nothing_of_a_rapid_review_submitted_since(
    make_app: AppFactory, tmp_path: Path, smtp_server: SmtpTestServer
) -> None:
    bot, outcome = outcome_that_waited(
        make_app,
        tmp_path,
        smtp_server,
        "Notified: 16/12/2026",
        [
            "Decision: rapid review",
            "Report submitted: 16/12/2026",
            "CSPR: no because the Rapid Review found the learning already taken",
        ],
    )
    assert "reply with Agencies:" not in outcome.text, outcome.text
    assert "None from this decision: the Rapid Review has been submitted since." in outcome.text
    assert "the Appendix B requests, which no longer stand as written, now the Rapid Review " in (
        reworded(bot)
    )

"""Mail that waited (the mail server down, days between approval and sending) is looked at
again on the day it actually goes: nothing untrue reaches an outside body.

Every email goes through the real outbox to a real SMTP server (aiosmtpd), stopped and
started as a relay going down and coming back; what the tests read is what it received.
"""

from __future__ import annotations

import email
import json
from dataclasses import dataclass
from datetime import date
from email import policy
from pathlib import Path

import pytest

from bot.adapters.db.models import AgencyRequest, OutboxMessage
from bot.cli import main
from tests.fixtures.app import AppFactory
from tests.fixtures.smtp import SmtpTestServer
from tests.services.test_lifecycle import BM, Bot, reply
from tests.test_cli import write_config

REF = "TSCP-2026-0001"
PANEL = "mailbox.nationalreviewpanel@education.gov.uk"
GMP = "casey.invented@gmp.police.uk"


@dataclass(frozen=True)
class Got:
    to: list[str]
    subject: str
    text: str  # the plain body, its whitespace made single spaces


def received(server: SmtpTestServer) -> list[Got]:
    out = []
    for m in server.messages:
        msg = email.message_from_bytes(m.raw, policy=policy.default)
        part = msg.get_body(preferencelist=("plain",))
        text = str(part.get_content()) if part is not None else ""
        out.append(Got(list(m.rcpt_tos), str(msg["Subject"]), " ".join(text.split())))
    return out


def to_business_manager(server: SmtpTestServer, subject_has: str) -> list[Got]:
    return [g for g in received(server) if g.to == [BM] and subject_has in g.subject]


def appendix_b_mail(server: SmtpTestServer) -> list[Got]:
    """The requests and their reminders, to the agencies (not the Business Manager's copies)."""
    return [g for g in received(server) if "Appendix B" in g.subject and BM not in g.to]


def smtp_bot(make_app: AppFactory, tmp_path: Path, server: SmtpTestServer) -> Bot:
    """Case TSCP-2026-0001, opened from a SIN on Wed 16 Dec 2026 at 09:00, sending by SMTP."""
    smtp = {"host": "127.0.0.1", "port": server.port, "security": "plain"}
    b = Bot(
        make_app,
        tmp_path,
        "2026-12-16T09:00",
        outgoing={"backend": "smtp", "retry_base_seconds": 60, "smtp": smtp},
    )
    b.mail(GMP, "Serious Incident Notification - GM SIN form", "Please find the GM SIN form.")
    b.run()
    return b


def say(bot: Bot, when: str, line: str) -> None:
    bot.at(when).mail(BM, reply(REF), line)
    bot.run()


def told(bot: Bot) -> str:
    [row] = bot.outbox("command_result")[-1:]
    msg = email.message_from_bytes(row.raw, policy=policy.default)
    part = msg.get_body(preferencelist=("plain",))
    assert part is not None
    return " ".join(str(part.get_content()).split())


def only(bot: Bot, event: str) -> OutboxMessage:
    [row] = [r for r in bot.outbox(event) if r.status != "superseded"]
    return row


def approved_while_down(
    bot: Bot, server: SmtpTestServer, event: str, approved: str, sent: str
) -> OutboxMessage:
    """The one draft of `event`, approved at `approved` while the mail server was down, and
    the bot run at `sent`, the server back: the draft as it was."""
    draft = only(bot, event)
    server.stop()
    say(bot, approved, f"Approve {draft.id}")
    server.start()
    bot.at(sent).run()
    return draft


def held_note(bot: Bot, server: SmtpTestServer, event: str, told_at: str) -> Got:
    """The one `event` email held, none gone to the National Panel, and the one line the
    Business Manager is emailed about it once the bot runs at `told_at`."""
    assert [g for g in received(server) if PANEL in g.to] == []
    assert only(bot, event).status == "held"
    bot.at(told_at).run()  # the line queued while the outbox was being sent
    [note] = to_business_manager(server, "Held, not sent")
    return note


def digest_attention(bot: Bot, server: SmtpTestServer, when: str) -> str:
    bot.at(when).run()
    [digest] = to_business_manager(server, "digest")[-1:]
    return digest.text.split("NEEDS YOUR ATTENTION")[1].split("AWAITING YOUR APPROVAL")[0]


@pytest.fixture
def review(make_app: AppFactory, tmp_path: Path, smtp_server: SmtpTestServer) -> Bot:
    b = smtp_bot(make_app, tmp_path, smtp_server)
    say(b, "2026-12-16T11:00", "Decision: rapid review\nNotified: 16/12/2026")
    assert b.due("rapid_review") == date(2027, 1, 11)
    return b


@pytest.fixture
def cspr(make_app: AppFactory, tmp_path: Path, smtp_server: SmtpTestServer) -> Bot:
    """The partners decided on Thu 7 Jan 2027 to hold a CSPR: its report is due Wed 7 Jul."""
    b = smtp_bot(make_app, tmp_path, smtp_server)
    say(b, "2026-12-16T11:00", "Decision: rapid review")
    say(b, "2026-12-18T10:00", "Notified: 18/12/2026")
    say(b, "2027-01-07T10:00", "Report submitted: 07/01/2027\nCSPR: yes")
    assert b.due("cspr_report") == date(2027, 7, 7)
    return b


def terminal(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, database_url: str, *args: str
) -> str:
    """What `tscp-bot ARGS` prints, on the bot's database."""
    folder = tmp_path / "terminal"
    folder.mkdir(exist_ok=True)
    config = write_config(folder, database_url)
    assert main(["--config", str(config), "--now", "2027-01-14T10:00", *args]) == 0
    return capsys.readouterr().out


def test_a_delay_notice_whose_expected_day_passed_while_the_server_was_down_is_held(
    review: Bot,
    smtp_server: SmtpTestServer,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    migrated_database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    say(review, "2027-01-05T10:00", "Delay: awaiting health records; expected 13/01/2027")
    draft = approved_while_down(
        review, smtp_server, "panel_delay_notice", "2027-01-05T11:00", "2027-01-14T09:30"
    )

    # The National Panel is never told, on the 14th, that the review is expected by the 13th.
    note = held_note(review, smtp_server, "panel_delay_notice", "2027-01-14T09:35")
    assert note.subject == (
        f"[{REF}] Held, not sent: Rapid Review delay notice to the National Panel #{draft.id}"
    )
    assert (
        f"Email #{draft.id} (Rapid Review delay notice to the National Panel) to {PANEL} was "
        "not sent on Thu 14 Jan 2027: the date it gives (Wed 13 Jan 2027) has passed; write "
        "Delay: <reason>; expected <date> again to draft it afresh."
    ) in note.text
    # Where a person looks: the outbox list, the case, the next digest.
    monkeypatch.delenv("TSCP_BOT_CONFIG", raising=False)
    listed = terminal(capsys, tmp_path, migrated_database_url, "outbox", "list", "--json")
    [held] = [r for r in json.loads(listed) if r["status"] == "held"]
    assert held["id"] == draft.id and held["last_error"].startswith(f"Email #{draft.id} (")
    shown = terminal(capsys, tmp_path, migrated_database_url, "case", REF)
    assert f"! Email #{draft.id} (Rapid Review delay notice" in " ".join(shown.split())
    attention = digest_attention(review, smtp_server, "2027-01-15T08:05")
    assert f"email held, not sent Email #{draft.id} (Rapid Review delay notice" in attention

    # Drafted afresh with a day still to come, it replaces the held one and goes as written.
    say(review, "2027-01-15T10:00", "Delay: awaiting health records; expected 22/01/2027")
    fresh = only(review, "panel_delay_notice")
    assert fresh.id != draft.id and fresh.status == "draft"
    say(review, "2027-01-15T11:00", f"Approve {fresh.id}")
    [sent] = [g for g in received(smtp_server) if PANEL in g.to]
    assert "We expect to send you the completed Rapid Review by Friday 22 January 2027" in (
        sent.text
    )
    statuses = {r.id: r.status for r in review.outbox("panel_delay_notice")}
    assert statuses == {draft.id: "superseded", fresh.id: "sent"}


def test_an_approved_delay_notice_is_withdrawn_when_the_review_was_submitted_before_it_went(
    review: Bot, smtp_server: SmtpTestServer
) -> None:
    say(review, "2027-01-05T10:00", "Delay: awaiting health records; expected 20/01/2027")
    draft = only(review, "panel_delay_notice")
    smtp_server.stop()
    say(review, "2027-01-05T11:00", f"Approve {draft.id}")
    say(review, "2027-01-06T10:00", "Meeting held: 06/01/2027\nReport submitted: 06/01/2027")
    smtp_server.start()
    review.at("2027-01-06T11:00").run()

    # The Panel, which has the review, is not told it will be late.
    assert [g for g in received(smtp_server) if PANEL in g.to] == []
    assert only(review, "panel_delay_notice").status == "withdrawn"
    review.at("2027-01-06T11:05").run()
    [note] = to_business_manager(smtp_server, "Withdrawn, not sent")
    assert (
        f"Email #{draft.id} (Rapid Review delay notice to the National Panel) to {PANEL} was "
        "not sent on Wed 6 Jan 2027: the Rapid Review is recorded as submitted on Wed 6 Jan "
        "2027."
    ) in note.text
    attention = digest_attention(review, smtp_server, "2027-01-07T08:05")
    assert f"notice withdrawn Email #{draft.id}" in attention


def test_a_notice_of_publication_sent_days_after_approval_is_held_then_written_for_its_day(
    cspr: Bot, smtp_server: SmtpTestServer
) -> None:
    say(cspr, "2027-06-01T10:00", "Publication: 14/06/2027")
    draft = approved_while_down(
        cspr, smtp_server, "publication_notice", "2027-06-01T11:00", "2027-06-10T09:00"
    )

    # Not "given 9 working days before publication", nor "sent to you by 3 June", on the 10th.
    note = held_note(cspr, smtp_server, "publication_notice", "2027-06-10T09:05")
    assert (
        "was not sent on Thu 10 Jun 2027: it says the notice is given 9 working days before "
        "publication; sent on Thu 10 Jun 2027, the notice is given 2 working days before "
        "publication, fewer than the 7 required; approve it again to have it written as of "
        "the day it goes"
    ) in note.text

    # Approved again, it is written as of that day and offered for approval; then it goes.
    say(cspr, "2027-06-10T10:00", f"Approve {draft.id}")
    assert f"email #{draft.id} not sent: it was written on Tue 1 Jun 2027" in told(cspr)
    assert only(cspr, "publication_notice").status == "draft"
    say(cspr, "2027-06-10T10:30", f"Approve {draft.id}")
    [sent] = [g for g in received(smtp_server) if PANEL in g.to]
    assert "This notice is given 2 working days before publication, fewer than the 7" in (sent.text)
    assert "9 working days" not in sent.text and "3 June 2027" not in sent.text


def test_a_reviewer_appointed_after_the_six_months_is_not_promised_a_past_date(
    cspr: Bot, smtp_server: SmtpTestServer
) -> None:
    say(cspr, "2027-08-02T10:00", "Reviewer: Alex Reviewer")
    say(cspr, "2027-08-02T11:00", f"Approve {only(cspr, 'reviewer_notice').id}")
    [sent] = [g for g in received(smtp_server) if PANEL in g.to]
    assert "We expect the final report" not in sent.text
    assert (
        "The final report was due to be published by Wednesday 7 July 2027, within 6 months "
        "of the decision to hold the review. It has not yet been published; we will tell you "
        "when it will be."
    ) in sent.text


def test_a_reviewer_notice_whose_promised_day_passed_before_it_went_is_held(
    cspr: Bot, smtp_server: SmtpTestServer
) -> None:
    say(cspr, "2027-07-06T10:00", "Reviewer: Alex Reviewer")
    draft = approved_while_down(
        cspr, smtp_server, "reviewer_notice", "2027-07-06T11:00", "2027-07-08T09:00"
    )

    note = held_note(cspr, smtp_server, "reviewer_notice", "2027-07-08T09:05")
    assert (
        "was not sent on Thu 8 Jul 2027: the date it gives (Wed 7 Jul 2027) has passed; write "
        "Reviewer: <name> again to draft a notice that says the report is overdue."
    ) in note.text
    # Approving it again does not send it; the same line again drafts the true notice.
    say(cspr, "2027-07-08T10:00", f"Approve {draft.id}")
    assert f"email #{draft.id} not sent: the date it gives (Wed 7 Jul 2027) has passed" in (
        told(cspr)
    )
    say(cspr, "2027-07-08T10:30", "Reviewer: Alex Reviewer")
    fresh = only(cspr, "reviewer_notice")
    assert fresh.id != draft.id
    say(cspr, "2027-07-08T11:00", f"Approve {fresh.id}")
    [sent] = [g for g in received(smtp_server) if PANEL in g.to]
    assert "It has not yet been published" in sent.text and "We expect" not in sent.text


def test_an_appendix_b_request_held_up_by_an_outage_goes_with_the_day_it_really_went(
    review: Bot, smtp_server: SmtpTestServer
) -> None:
    smtp_server.stop()
    say(
        review,
        "2026-12-16T12:00",
        "Agencies: gmp\nReview period: 1 June 2026 to 15 December 2026\nReturn by: 18/12/2026",
    )
    smtp_server.start()
    review.at("2026-12-22T09:30").run()

    to_gmp = appendix_b_mail(smtp_server)
    [request] = [g for g in to_gmp if "Reminder" not in g.subject]
    assert request.subject.endswith("return by Thu 24 Dec 2026")
    assert "This request was sent on Tuesday 22 December 2026." in request.text
    assert "Please return the completed form by Thursday 24 December 2026." in request.text
    assert "16 December" not in request.text and "18 December" not in request.text
    # A request never received is never chased as overdue.
    assert [g.subject for g in to_gmp if "Reminder" in g.subject or "overdue" in g.subject] == []
    assert review.due("appendix_b:gmp") == date(2026, 12, 24)
    with review.app.sessions() as s:
        [asked] = s.query(AgencyRequest).all()
        assert (asked.requested_on, asked.return_by) == (date(2026, 12, 22), date(2026, 12, 24))
    review.at("2026-12-22T09:35").run()
    [note] = to_business_manager(smtp_server, "Re-dated when it went")
    assert (
        "to Greater Manchester Police: it said it was sent on Wed 16 Dec 2026 with the return "
        "due Fri 18 Dec 2026, but it could not go before Tue 22 Dec 2026: it was re-dated to "
        "that day, with the return due Thu 24 Dec 2026 (2 working days from then, as first "
        "given); for another date, ask again"
    ) in note.text
    # The date is still the one given, and its explanation says how it was counted again.
    assert explained(review, "appendix_b:gmp") == (
        "Due Thu 24 Dec 2026: return date set when the request was made (Appendix B requested "
        "from Greater Manchester Police on Wed 16 Dec 2026; TSCP rapid review procedure, "
        "Appendix B), counted again when the request went on Tue 22 Dec 2026: 2 working days "
        "after that day, as many as it first gave."
    )


def explained(bot: Bot, name: str) -> str:
    """How the case's deadline `name` explains its date (in Status, the digest, reminders)."""
    [found] = [d.explanation for d in bot.case(REF).deadlines if d.name == name]
    return found


def test_a_re_dated_default_request_explains_its_return_from_the_day_it_went(
    review: Bot, smtp_server: SmtpTestServer
) -> None:
    smtp_server.stop()
    say(review, "2026-12-16T12:00", "Agencies: gmp\nReview period: 1 June 2026 to 15 December 2026")
    # 7 working days from Wed 16 Dec: Tue 29 Dec (Christmas and Boxing Day skipped).
    assert review.due("appendix_b:gmp") == date(2026, 12, 29)
    smtp_server.start()
    review.at("2026-12-22T09:30").run()

    [request] = [g for g in appendix_b_mail(smtp_server) if "Reminder" not in g.subject]
    assert "Please return the completed form by Tuesday 5 January 2027." in request.text
    assert explained(review, "appendix_b:gmp") == (
        "Due Tue 5 Jan 2027: 7 working days after Appendix B requested from Greater Manchester "
        "Police on Tue 22 Dec 2026, the day the request went, as many as it first gave from Wed "
        "16 Dec 2026, the day it was written for: the default return when no Return by: is "
        "given (TSCP rapid review procedure, Appendix B). Skipped: Fri 25 Dec 2026 Christmas "
        "Day, Mon 28 Dec 2026 Boxing Day (substitute day), Fri 1 Jan 2027 New Year's Day, and "
        "weekends."
    )


def test_a_reminder_never_goes_before_the_request_it_chases(
    review: Bot, smtp_server: SmtpTestServer
) -> None:
    smtp_server.stop()
    say(
        review,
        "2026-12-16T12:00",
        "Agencies: gmp\nReview period: 1 June 2026 to 15 December 2026\nReturn by: 18/12/2026",
    )
    review.at("2026-12-17T09:30").run()  # "due tomorrow" queued; both fail, the request later
    [reminder] = [
        r for r in review.outbox("deadline_reminder") if "appendix_b:gmp" in (r.idempotency_key)
    ]
    request = only(review, "appendix_b_request")
    assert request.next_attempt_at > reminder.next_attempt_at  # the request backs off longer
    smtp_server.start()
    review.at("2026-12-17T09:31:30").run()  # the reminder's retry is due, the request's not

    assert appendix_b_mail(smtp_server) == []
    review.at("2026-12-17T09:40").run()
    assert [g.subject for g in appendix_b_mail(smtp_server)] == [
        f"[{REF}] Rapid Review information request (Appendix B): return by Mon 21 Dec 2026"
    ]
    [reminder] = [r for r in review.outbox("deadline_reminder") if r.id == reminder.id]
    assert reminder.status == "withdrawn"  # written for the 18th, which is no longer the day

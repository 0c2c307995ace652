"""Nothing untrue about time reaches an outside body.

Every email goes through the real outbox to a real SMTP server (aiosmtpd), stopped and
started as a relay going down and coming back; what the tests read is what it received.
"""

from __future__ import annotations

import email
from dataclasses import dataclass
from datetime import date
from email import policy
from pathlib import Path

import pytest

from bot.adapters.db.models import OutboxMessage
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

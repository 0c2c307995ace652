"""Commands from inside the council's Exchange, and the digest's cover, through the command line
against real Dovecot and aiosmtpd, and again against the local Microsoft Graph: the corpus
messages are delivered to the inbox as they are, byte for byte."""

from __future__ import annotations

import email
import json
import tomllib
from email import policy
from email.message import EmailMessage
from typing import Any

import pytest
import tomli_w

from bot.cli import main
from tests.fixtures.app import ROOT
from tests.fixtures.backends import Backend, Mailbox, Outbox
from tests.fixtures.mail import sin

CORPUS = ROOT / "tests" / "corpus"
COVER = "tscp.deputy.manager@tameside.gov.uk"


def sent(smtp: Outbox, subject: str) -> list[tuple[list[str], EmailMessage]]:
    """(envelope recipients, message) for every email whose subject contains `subject`."""
    found = []
    for rec in smtp.messages:
        msg = email.message_from_bytes(rec.raw, policy=policy.default)
        assert isinstance(msg, EmailMessage)
        if subject in str(msg["Subject"]):
            found.append((rec.rcpt_tos, msg))
    return found


def text_of(msg: EmailMessage) -> str:
    part = msg.get_body(preferencelist=("plain",))
    assert part is not None
    return " ".join(str(part.get_content()).split())


@pytest.fixture
def bot(backend: Backend, capsys: pytest.CaptureFixture[str]) -> Any:
    """`tscp-bot` on each backend in turn, trusting Exchange's own mark on internal mail."""
    data = tomllib.loads(backend.config.read_text())
    data["commands"]["trust_exchange_internal"] = True
    data["commands"]["exchange_accepted_domains"] = ["tameside.gov.uk"]
    data["digest"]["cc"] = [COVER]
    backend.config.write_bytes(tomli_w.dumps(data).encode())

    def run(*args: str) -> tuple[int, str]:
        code = main(["--config", str(backend.config), *args])
        return code, capsys.readouterr().out

    assert run("init")[0] == 0
    return run


def test_an_internal_vote_counts_a_forged_copy_does_not_and_the_cover_gets_the_digest(
    bot: Any, mailbox: Mailbox, outbox: Outbox
) -> None:
    mailbox.append(sin(date="2026-12-16T08:30"))
    assert bot("--now", "2026-12-16T07:05", "run", "--once")[0] == 0
    mailbox.append((CORPUS / "command-vote-exchange-internal.eml").read_bytes())
    mailbox.append((CORPUS / "command-vote-forged-internal-duplicated.eml").read_bytes())
    assert bot("--now", "2026-12-16T10:45", "run", "--once")[0] == 0

    case = json.loads(bot("--now", "2026-12-16T10:50", "case", "TSCP-2026-0001", "--json")[1])
    assert [(v["role"], v["voter"], v["choice"]) for v in case["votes"]] == [
        ("local_authority", "dsp.children@tameside.gov.uk", "rapid_review")
    ]
    [(to, refused)] = sent(outbox, "Commands not carried out")
    assert to == ["tscp.business.manager@tameside.gov.uk"]
    assert "X-MS-Exchange-Organization-AuthAs appears 2 times" in text_of(refused)

    assert bot("--now", "2026-12-17T08:01", "run", "--once")[0] == 0
    digests = sent(outbox, "TSCP digest:")  # issue 13: the subject counts what is due
    assert len(digests) == 2  # Wednesday's and Thursday's
    for to, digest in digests:
        assert sorted(to) == sorted(["tscp.business.manager@tameside.gov.uk", COVER])
        assert digest["Cc"] == COVER

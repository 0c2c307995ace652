"""Commands from inside the council's Exchange, and the digest's cover, through the command line
against real Dovecot and aiosmtpd: the corpus messages are appended to the IMAP inbox as they
are, byte for byte."""

from __future__ import annotations

import email
import json
import tomllib
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
import tomli_w

from bot.cli import main
from tests.fixtures.app import ROOT
from tests.fixtures.dovecot import DovecotServer
from tests.fixtures.mail import sin
from tests.fixtures.real_servers import write_config
from tests.fixtures.smtp import SmtpTestServer

CORPUS = ROOT / "tests" / "corpus"
COVER = "tscp.deputy.manager@tameside.gov.uk"


def sent(smtp: SmtpTestServer, subject: str) -> list[tuple[list[str], EmailMessage]]:
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
def bot(
    tmp_path: Path,
    database_url: str,
    dovecot: DovecotServer,
    smtp_server: SmtpTestServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> Any:
    monkeypatch.setenv("TEST_IMAP_PASSWORD", dovecot.password)
    path = write_config(tmp_path, database_url, dovecot, smtp_server)
    data = tomllib.loads(path.read_text())
    data["commands"]["trust_exchange_internal"] = True
    data["commands"]["exchange_accepted_domains"] = ["tameside.gov.uk"]
    data["digest"]["cc"] = [COVER]
    path.write_bytes(tomli_w.dumps(data).encode())

    def run(*args: str) -> tuple[int, str]:
        code = main(["--config", str(path), *args])
        return code, capsys.readouterr().out

    assert run("init")[0] == 0
    return run


def test_an_internal_vote_counts_a_forged_copy_does_not_and_the_cover_gets_the_digest(
    bot: Any, dovecot: DovecotServer, smtp_server: SmtpTestServer
) -> None:
    dovecot.append(sin(date="2026-12-16T08:30"))
    assert bot("--now", "2026-12-16T07:05", "run", "--once")[0] == 0
    dovecot.append((CORPUS / "command-vote-exchange-internal.eml").read_bytes())
    dovecot.append((CORPUS / "command-vote-forged-internal-duplicated.eml").read_bytes())
    assert bot("--now", "2026-12-16T10:45", "run", "--once")[0] == 0

    case = json.loads(bot("--now", "2026-12-16T10:50", "case", "TSCP-2026-0001", "--json")[1])
    assert [(v["role"], v["voter"], v["choice"]) for v in case["votes"]] == [
        ("local_authority", "dsp.children@tameside.gov.uk", "rapid_review")
    ]
    [(to, refused)] = sent(smtp_server, "Commands not carried out")
    assert to == ["tscp.business.manager@tameside.gov.uk"]
    assert "X-MS-Exchange-Organization-AuthAs appears 2 times" in text_of(refused)

    assert bot("--now", "2026-12-17T08:01", "run", "--once")[0] == 0
    digests = sent(smtp_server, "daily digest")
    assert len(digests) == 2  # Wednesday's and Thursday's
    for to, digest in digests:
        assert sorted(to) == sorted(["tscp.business.manager@tameside.gov.uk", COVER])
        assert digest["Cc"] == COVER

"""`run --once` against a mail server that refuses the bot's login: the retry line in the log
says why (the server's answer, never the password) and the pass exits 1, mail server trouble,
so a trial run or a cron wrapper does not take it for a pass that sent its mail."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from bot.cli import main
from tests.fixtures.mail import drop_into_maildir, sin
from tests.fixtures.smtp import SmtpTestServer
from tests.test_cli import inbox, write_config

PASSWORD = "Correct-Horse-Invented-1"
WRONG = "Wrong-Invented-Pa55"


def _authenticator(
    server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and auth_data.password == PASSWORD.encode()
    return AuthResult(success=ok, handled=False)  # aiosmtpd answers a failure with 535


@pytest.fixture
def login_server() -> Iterator[SmtpTestServer]:
    # auth_required would warn without TLS; a client that offers a login is refused all the same.
    server = SmtpTestServer(authenticator=_authenticator, auth_require_tls=False)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def test_a_wrong_smtp_password_is_said_and_the_pass_exits_1(
    tmp_path: Path,
    migrated_database_url: str,
    login_server: SmtpTestServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.delenv("TSCP_BOT_CONFIG", raising=False)
    monkeypatch.setenv("TEST_SMTP_PASSWORD", WRONG)
    smtp = {
        "host": login_server.host,
        "port": login_server.port,
        "security": "plain",
        "username": "tscp@tameside.gov.uk",
        "password_env": "TEST_SMTP_PASSWORD",
    }
    outgoing = {"backend": "smtp", "retry_base_seconds": 60, "smtp": smtp}
    config = write_config(tmp_path, migrated_database_url, outgoing=outgoing)
    assert main(["--config", str(config), "init"]) == 0
    drop_into_maildir(inbox(config), sin())
    capsys.readouterr()

    with caplog.at_level(logging.WARNING):
        code = main(["--config", str(config), "--now", "2026-12-23T09:00", "run", "--once"])
    out, err = capsys.readouterr()

    server_said = f"SMTP {login_server.host}:{login_server.port}: login refused (535"
    assert code == 1, out
    [problem] = [line for line in out.splitlines() if line.startswith("mail server problem: ")]
    assert problem.startswith(f"mail server problem: {server_said}")
    assert problem.endswith("; the emails wait in the outbox")
    retries = [r.getMessage() for r in caplog.records if "not sent (attempt 1)" in r.getMessage()]
    assert retries and all(f"(attempt 1): {server_said}" in line for line in retries)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert WRONG not in out + err + logged
    assert login_server.messages == []

    code = main(["--config", str(config), "--now", "2026-12-23T09:01", "run", "--once", "--json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 1 and report["mail_server_errors"][0].startswith(server_said)

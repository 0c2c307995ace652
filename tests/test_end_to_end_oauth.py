"""The bot on a Microsoft 365-style mailbox: `auth = "oauth2"` for IMAP and SMTP, app-only tokens
from (a local) Entra ID, through the command line against real Dovecot and aiosmtpd."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from tests.fixtures.dovecot import DovecotServer
from tests.fixtures.entra import (
    CLIENT_ID,
    CLIENT_SECRET,
    EntraTestServer,
    XOAuth2SmtpServer,
    write_oauth_config,
)
from tests.fixtures.mail import sin

pytestmark = pytest.mark.imap


def _run(config: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["--config", str(config), *args])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_sin_read_and_acknowledged_over_xoauth2(
    tmp_path: Path,
    database_url: str,
    entra: EntraTestServer,
    dovecot_oauth: DovecotServer,
    smtp_oauth: XOAuth2SmtpServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("TEST_ENTRA_SECRET", CLIENT_SECRET)
    config = write_oauth_config(tmp_path, database_url, dovecot_oauth, smtp_oauth, entra)
    assert _run(config, capsys, "init")[0] == 0
    dovecot_oauth.append(sin())

    code, out = _run(config, capsys, "--now", "2026-12-23T09:05", "run", "--once")

    assert code == 0, out
    assert dovecot_oauth.list_uids("INBOX") == []
    assert len(dovecot_oauth.list_uids("Processed")) == 1
    acks = [m for m in smtp_oauth.messages if b"[TSCP-2026-0001]" in m.raw]
    assert any("casey.invented@gmp.police.uk" in m.rcpt_tos for m in acks)  # the acknowledgement
    # Every message went out over a session that logged in with XOAUTH2 as the mailbox.
    assert set(smtp_oauth.logins) == {dovecot_oauth.user}
    # One app, one cache: IMAP and SMTP share the token (same scope) within the pass.
    assert len(entra.state.token_requests) == 1


def test_a_wrong_client_secret_is_one_readable_line(
    tmp_path: Path,
    database_url: str,
    entra: EntraTestServer,
    dovecot_oauth: DovecotServer,
    smtp_oauth: XOAuth2SmtpServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    wrong = "Wr0ng~the-secret-ID-not-its-value"
    monkeypatch.setenv("TEST_ENTRA_SECRET", wrong)
    config = write_oauth_config(tmp_path, database_url, dovecot_oauth, smtp_oauth, entra)
    assert _run(config, capsys, "init")[0] == 0
    dovecot_oauth.append(sin())

    code, out = _run(config, capsys, "--now", "2026-12-23T09:05", "run", "--once")

    assert code != 0
    problems = [line for line in out.splitlines() if line.startswith("mailbox problem:")]
    assert len(problems) == 1
    assert f"Entra ID refused the client secret for app {CLIENT_ID}" in problems[0]
    assert "AADSTS7000215" in problems[0]
    assert "Traceback" not in out and wrong not in out
    assert dovecot_oauth.list_uids("INBOX") != []  # nothing read, nothing lost

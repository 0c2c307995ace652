"""An IMAP mailbox set up wrongly, as an IT administrator meets it: `doctor` and `run --once`
against the real Dovecot say what to change (port, security, the CA certificate), and a
refused port is said once, not once per layer of the bot."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import tomli_w

from bot.cli import main
from tests.fixtures.dovecot import DovecotServer
from tests.fixtures.real_servers import write_config
from tests.fixtures.smtp import SmtpTestServer

pytestmark = pytest.mark.imap

PORT_ADVICE = "the server did not answer in TLS on this port: check [mailbox.imap] port"
CA_ADVICE = "the server's certificate is not trusted by this machine: install the council's CA"
STARTTLS_ADVICE = 'the server does not offer STARTTLS: use security = "tls" on its TLS port'


def _config(
    tmp_path: Path, database_url: str, dovecot: DovecotServer, smtp: SmtpTestServer, **imap: object
) -> Path:
    path = write_config(tmp_path, database_url, dovecot, smtp)
    data = tomllib.loads(path.read_text())
    data["mailbox"]["imap"] |= imap
    path.write_bytes(tomli_w.dumps(data).encode())
    return path


def _cli(config: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["--config", str(config), *args])
    return code, capsys.readouterr().out


def _says(out: str, start: str) -> list[str]:
    return [line for line in out.splitlines() if line.startswith(start)]


@pytest.mark.parametrize(
    ("server", "security", "advice"),
    [
        ("dovecot", "tls", PORT_ADVICE),  # TLS spoken to a plain-text port
        ("dovecot_tls", "starttls", CA_ADVICE),  # its certificate is self-signed
        ("dovecot", "starttls", STARTTLS_ADVICE),  # a server with no TLS at all
    ],
)
def test_a_tls_mistake_is_said_with_what_to_change(
    server: str,
    security: str,
    advice: str,
    request: pytest.FixtureRequest,
    tmp_path: Path,
    migrated_database_url: str,
    smtp_server: SmtpTestServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    dovecot: DovecotServer = request.getfixturevalue(server)
    monkeypatch.setenv("TEST_IMAP_PASSWORD", dovecot.password)
    monkeypatch.delenv("TSCP_BOT_CONFIG", raising=False)
    config = _config(tmp_path, migrated_database_url, dovecot, smtp_server, security=security)
    assert _cli(config, capsys, "init")[0] == 0

    code, out = _cli(config, capsys, "doctor")
    [failed] = _says(out, "FAIL ")
    assert code == 1 and failed.startswith("FAIL mailbox: IMAP check on 127.0.0.1:")
    assert advice in failed

    code, out = _cli(config, capsys, "--now", "2026-12-23T09:00", "run", "--once")
    [problem] = _says(out, "mailbox problem: ")
    assert code == 1 and advice in problem


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def test_a_refused_port_is_one_line_without_verbose(
    tmp_path: Path,
    migrated_database_url: str,
    dovecot: DovecotServer,
    smtp_server: SmtpTestServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.delenv("TSCP_BOT_CONFIG", raising=False)
    port = _closed_port()
    config = _config(tmp_path, migrated_database_url, dovecot, smtp_server, port=port)
    env = {k: v for k, v in os.environ.items() if k not in ("TSCP_BOT_CONFIG", "JOURNAL_STREAM")}
    env["TEST_IMAP_PASSWORD"] = dovecot.password

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "bot.cli", "--config", str(config), *args]
        return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)

    assert cli("init").returncode == 0
    done = cli("--now", "2026-12-23T09:00", "run", "--once")

    said = [line for line in (done.stdout + done.stderr).splitlines() if f":{port}" in line]
    assert done.returncode == 1
    assert len(said) == 1 and said[0].startswith("mailbox problem: IMAP "), said
    assert "Connection refused" in said[0]

    done = cli("doctor")
    said = [line for line in (done.stdout + done.stderr).splitlines() if f":{port}" in line]
    assert done.returncode == 1
    assert len(said) == 1 and said[0].startswith("FAIL mailbox: IMAP check"), said

"""The commands that only read the record work in a shell without the mail passwords (an
administrator looking at cases, a monitoring check calling `status`); a command that connects
says in one line which variable it needs."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

import pytest
import tomli_w

from bot.cli import main
from tests.fixtures.dovecot import DovecotServer
from tests.fixtures.mail import email, sin


def _read_only(bot: Any, tmp_path: Path) -> dict[str, tuple[int, str]]:
    eml = tmp_path / "question.eml"
    eml.write_bytes(email("Meeting room for Thursday?", "Is the room free?\n"))
    return {
        "cases": bot("cases"),
        "case": bot("case", "TSCP-2026-0001"),
        "triage list": bot("triage", "list"),
        "classify": bot("classify", str(eml)),
        "calendar": bot("calendar", "add", "2026-12-23", "2"),
        "status": bot("status"),
    }


def test_read_only_commands_need_no_mail_password(
    bot: Any,
    dovecot: DovecotServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    dovecot.append(sin())
    assert bot("--now", "2026-12-23T09:05", "run", "--once")[0] == 0
    with_password = _read_only(bot, tmp_path)

    monkeypatch.delenv("TEST_IMAP_PASSWORD")
    without = _read_only(bot, tmp_path)
    assert without.keys() == with_password.keys()
    for command, (code, out) in without.items():
        # `status` says how long ago things were: compare its shape, not its seconds.
        expected = with_password[command]
        assert code == expected[0], command
        assert out.splitlines()[:3] == expected[1].splitlines()[:3], command
    assert "TSCP-2026-0001" in without["cases"][1] and "Tue 29 Dec 2026" in without["case"][1]
    assert "2026-12-29" in without["calendar"][1]

    config = tmp_path / "config.toml"
    code = main(["--config", str(config), "--now", "2026-12-23T09:10", "run", "--once"])
    err = capsys.readouterr().err
    assert code == 2
    assert err == (
        "tscp-bot: configuration: mailbox.imap.password_env: "
        "environment variable TEST_IMAP_PASSWORD is not set\n"
    )


def test_a_microsoft_client_secret_is_needed_only_to_connect(
    bot: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "config.toml"
    data = tomllib.loads(config.read_text())
    data["microsoft"] = {
        "tenant_id": "tameside.example",
        "client_id": "00000000-0000-0000-0000-000000000001",
        "client_secret_env": "TSCP_TEST_UNSET_SECRET",
    }
    data["outgoing"]["smtp"].update(username="tscp@tameside.gov.uk", auth="oauth2")
    config.write_bytes(tomli_w.dumps(data).encode())

    assert bot("cases")[0] == 0
    assert main(["--config", str(config), "run", "--once"]) == 2
    assert "environment variable TSCP_TEST_UNSET_SECRET is not set" in capsys.readouterr().err


def test_a_certificate_only_the_service_can_read_is_needed_only_to_connect(
    bot: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Under systemd the key is handed to the service alone (LoadCredential): an administrator's
    shell reads the record without it; `run` and `doctor` refuse in one line naming the file."""
    key = tmp_path / "credentials" / "entra-app.pem"  # not there, as in a shell
    config = tmp_path / "config.toml"
    data = tomllib.loads(config.read_text())
    data["microsoft"] = {
        "tenant_id": "tameside.example",
        "client_id": "00000000-0000-0000-0000-000000000001",
        "certificate_path": str(key),
        "certificate_thumbprint": "A1" * 20,
    }
    data["outgoing"]["smtp"].update(username="tscp@tameside.gov.uk", auth="oauth2")
    config.write_bytes(tomli_w.dumps(data).encode())

    for command in (["cases"], ["triage", "list"], ["status"]):
        code, out = bot(*command)
        assert code in (0, 1) and "certificate" not in out, command  # status: no bot has run
        assert capsys.readouterr().err == "", command
    for command in (["run", "--once"], ["doctor"]):
        assert main(["--config", str(config), *command]) == 2, command
        assert capsys.readouterr().err == (
            f"tscp-bot: configuration: microsoft.certificate_path: cannot read {key} "
            "(No such file or directory)\n"
        ), command


def test_triage_done_without_the_password_keeps_the_mark_and_leaves_the_move(
    bot: Any, dovecot: DovecotServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    dovecot.append(email("Meeting room for Thursday?", "Is the room free?\n"))
    assert bot("--now", "2026-12-23T09:05", "run", "--once")[0] == 0
    [waiting] = json.loads(bot("triage", "list", "--json")[1])
    monkeypatch.delenv("TEST_IMAP_PASSWORD")

    code, out = bot("triage", "done", str(waiting["id"]))

    # Done is done: the change is made and said, and the move waits for the daemon.
    assert code == 0
    assert out == (
        f"message #{waiting['id']} taken off the triage list; the mailbox could not be reached "
        "(mailbox.imap.password_env: environment variable TEST_IMAP_PASSWORD is not set); it "
        "moves on the next pass\n"
    )
    assert json.loads(bot("triage", "list", "--json")[1]) == []
    assert len(dovecot.list_uids()) == 1
    monkeypatch.setenv("TEST_IMAP_PASSWORD", dovecot.password)
    assert bot("--now", "2026-12-23T09:10", "run", "--once")[0] == 0
    assert dovecot.list_uids() == []


def test_an_empty_password_variable_is_said_as_empty_not_tried_on_the_server(
    bot: Any,
    dovecot: DovecotServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    dovecot.append(sin())
    monkeypatch.setenv("TEST_IMAP_PASSWORD", "")  # `TEST_IMAP_PASSWORD=` in a unit file
    config = str(tmp_path / "config.toml")
    said = (
        "tscp-bot: configuration: mailbox.imap.password_env: "
        "environment variable TEST_IMAP_PASSWORD is empty\n"
    )
    for command in (["run", "--once"], ["doctor"]):
        code = main(["--config", config, "--now", "2026-12-23T09:05", *command])
        out, err = capsys.readouterr()
        assert (code, out, err) == (2, "", said), command
    assert bot("--now", "2026-12-23T09:05", "cases", "--json")[0] == 0

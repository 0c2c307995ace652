"""A mail-server section filled in while the backend chosen is another (`backend = "maildir"`
left from a trial): its keys are checked as if it were used, and `doctor` and `run` say it is
not used, so a council does not take mail written to a local folder for mail sent."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
import tomli_w

from bot.config.reader import ConfigError
from tests.config.test_loader import example, parse
from tests.fixtures.mail import drop_into_maildir, sin
from tests.test_cli import Run, bot, cli, config, inbox, outbox_folder

__all__ = ["bot", "cli", "config"]  # the fixtures this module borrows

SMTP = {
    "host": "smtp.council.invented",
    "port": 587,
    "username": "tscp@tameside.gov.uk",
    "password_env": "TSCP_SMTP_PASSWORD",
}


def _with_smtp(data: dict[str, Any], **smtp: Any) -> dict[str, Any]:
    data["outgoing"] = {"backend": "maildir", "smtp": SMTP | smtp}
    return data


def test_a_misspelt_key_in_an_unused_section_stops_the_bot(tmp_path: Path) -> None:
    data = _with_smtp(example())
    data["outgoing"]["smtp"]["usrname"] = data["outgoing"]["smtp"].pop("username")
    with pytest.raises(ConfigError) as info:
        parse(data, tmp_path)
    assert str(info.value) == (
        "outgoing.smtp.username: missing; expected the account to log in as (password_env is "
        "given) (is 'usrname' a misspelling of 'username'?)"
    )


def test_an_unknown_key_in_an_unused_section_stops_the_bot(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        parse(_with_smtp(example(), timeout=30), tmp_path)
    assert str(info.value) == "outgoing.smtp.timeout: unknown key (check the spelling)"


def test_an_unused_section_needs_no_password_and_is_noted(tmp_path: Path) -> None:
    config = parse(_with_smtp(example()), tmp_path)  # TSCP_SMTP_PASSWORD is not set
    config.require_secrets()  # nothing will connect to it: nothing is refused
    assert config.outgoing.smtp is None and config.outgoing.unused_sections == ("smtp",)
    assert config.mailbox.unused_sections == ()


def test_doctor_and_run_say_the_server_section_is_not_used(
    bot: Run, config: Path, caplog: pytest.LogCaptureFixture
) -> None:
    data = _with_smtp(example())
    data["database"] = {"url": config.read_text().split('url = "', 1)[1].split('"', 1)[0]}
    data["mailbox"] = {"backend": "maildir", "maildir_path": "mail/inbox"}
    data["outgoing"]["maildir_path"] = "mail/outbox"
    config.write_bytes(tomli_w.dumps(data).encode())
    said = (
        "[outgoing.smtp] is filled in but outgoing.backend is maildir: mail is written to "
        f"{outbox_folder(config)}, nothing is sent"
    )

    _, out, _ = bot("doctor")
    assert f"warn config: {said}" in out.splitlines()

    drop_into_maildir(inbox(config), sin())
    with caplog.at_level(logging.WARNING):
        assert bot("run", "--once")[0] == 0
    assert said in [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]

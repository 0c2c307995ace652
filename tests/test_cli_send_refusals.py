"""`outbox list` as IT reads it after the relay refused an email for good: why, in the server's
own words (with no address in them), not the reply code alone. Against a real aiosmtpd relay."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from tests.fixtures.mail import drop_into_maildir, sin
from tests.fixtures.smtp_put_off import putting_off_relay
from tests.test_cli import inbox, write_config

REFERRER = "casey.invented@gmp.police.uk"  # who sends the SIN, and is sent its acknowledgement
UNKNOWN = f"550 5.1.1 <{REFERRER}>: Recipient address rejected: User unknown in virtual table"
SAID = "550 5.1.1 <address>: Recipient address rejected: User unknown in virtual table"


def test_outbox_list_says_why_an_email_was_refused_in_the_servers_words(
    tmp_path: Path,
    migrated_database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.delenv("TSCP_BOT_CONFIG", raising=False)
    with putting_off_relay(reply=UNKNOWN, address=REFERRER) as relay:
        smtp = {"host": relay.host, "port": relay.port, "security": "plain"}
        outgoing = {"backend": "smtp", "retry_base_seconds": 60, "smtp": smtp}
        config = str(write_config(tmp_path, migrated_database_url, outgoing=outgoing))
        assert main(["--config", config, "init"]) == 0
        drop_into_maildir(inbox(Path(config)), sin(sender=REFERRER))
        main(["--config", config, "--now", "2026-12-23T09:00", "run", "--once"])
        capsys.readouterr()

        assert main(["--config", config, "outbox", "list"]) == 0
        out = capsys.readouterr().out
        assert main(["--config", config, "outbox", "list", "--status", "failed", "--json"]) == 0
        (failed,) = json.loads(capsys.readouterr().out)

    refused = out.split("Refused for good (tscp-bot outbox retry N sends one again)\n", 1)[1]
    line = refused.splitlines()[0]
    assert line == (
        f"  #{failed['id']} SMTP {relay.host}:{relay.port}: recipient(s) refused: {REFERRER} "
        f"({SAID})"
    )
    assert failed["last_error"] == line.split(" ", 3)[3]

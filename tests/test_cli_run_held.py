"""`run --once` counts the emails it held (what they said was no longer true on the day they
could go), so the IT admin running it from cron sees them; held is a person's job, not a
fault, so the exit code stays 0."""

from __future__ import annotations

import json
from pathlib import Path

from tests.fixtures.mail import drop_into_maildir, sin
from tests.fixtures.smtp import SmtpTestServer
from tests.test_cli import Run, cli, inbox, write_config

__all__ = ["cli"]  # the fixture this module borrows


def test_run_once_counts_a_held_email_and_exits_0(
    cli: Run, tmp_path: Path, migrated_database_url: str, smtp_server: SmtpTestServer
) -> None:
    smtp = {"host": "127.0.0.1", "port": smtp_server.port, "security": "plain"}
    outgoing = {"backend": "smtp", "retry_base_seconds": 60, "smtp": smtp}
    config = write_config(tmp_path, migrated_database_url, outgoing=outgoing)
    assert cli("--config", str(config), "init")[0] == 0
    drop_into_maildir(inbox(config), sin())
    smtp_server.stop()
    cli("--config", str(config), "--now", "2026-12-16T09:00", "run", "--once")
    smtp_server.start()  # back days later: the panel's meeting has gone by

    code, out, _ = cli("--config", str(config), "--now", "2026-12-21T09:30", "run", "--once")
    assert code == 0
    assert ", send held 1, " in out
    code, out, _ = cli(
        "--config", str(config), "--now", "2026-12-21T09:31", "run", "--once", "--json"
    )
    assert (code, json.loads(out)["send_held"]) == (0, 0)  # held once, not again each pass

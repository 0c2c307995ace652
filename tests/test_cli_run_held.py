"""`run --once` counts the emails it held (what they said was no longer true on the day they
could go), so the IT admin running it from cron sees them; held is a person's job, not a
fault, so the exit code stays 0. The Business Manager's notice of it goes in the same run."""

from __future__ import annotations

import json
from pathlib import Path

from tests.fixtures.mail import drop_into_maildir, sin
from tests.fixtures.smtp import SmtpTestServer, sent_texts
from tests.test_cli import Run, cli, inbox, write_config

__all__ = ["cli"]  # the fixture this module borrows


def _held_on_the_next_run(
    cli: Run, tmp_path: Path, database_url: str, smtp_server: SmtpTestServer
) -> tuple[Path, int, str]:
    """A SIN's mail waits while the mail server is down; the run once it is back, days later
    (the panel's meeting gone by), holds the notice: the config, and that run's exit and out."""
    smtp = {"host": "127.0.0.1", "port": smtp_server.port, "security": "plain"}
    outgoing = {"backend": "smtp", "retry_base_seconds": 60, "smtp": smtp}
    config = write_config(tmp_path, database_url, outgoing=outgoing)
    assert cli("--config", str(config), "init")[0] == 0
    drop_into_maildir(inbox(config), sin())
    smtp_server.stop()
    cli("--config", str(config), "--now", "2026-12-16T09:00", "run", "--once")
    smtp_server.start()
    code, out, _ = cli("--config", str(config), "--now", "2026-12-21T09:30", "run", "--once")
    return config, code, out


def test_run_once_counts_a_held_email_and_exits_0(
    cli: Run, tmp_path: Path, migrated_database_url: str, smtp_server: SmtpTestServer
) -> None:
    config, code, out = _held_on_the_next_run(cli, tmp_path, migrated_database_url, smtp_server)
    assert code == 0
    assert ", send held 1, " in out
    code, out, _ = cli(
        "--config", str(config), "--now", "2026-12-21T09:31", "run", "--once", "--json"
    )
    assert (code, json.loads(out)["send_held"]) == (0, 0)  # held once, not again each pass


def test_the_notice_that_an_email_was_held_goes_in_the_run_that_held_it(
    cli: Run, tmp_path: Path, migrated_database_url: str, smtp_server: SmtpTestServer
) -> None:
    # Queued while the outbox drained: from cron, the next run may be an hour away.
    _held_on_the_next_run(cli, tmp_path, migrated_database_url, smtp_server)
    [(to, text)] = sent_texts(smtp_server, "Held, not sent")
    assert to == ["tscp.business.manager@tameside.gov.uk"]
    assert "was not sent on Mon 21 Dec 2026" in text, text

"""`run --once` while another session holds the database's lock past the bot's wait for it,
as a council IT administrator's cron job meets it: each pass says "database problem" (not a
mailbox problem) and exits 1; the SIN is never quarantined, and the first pass after the lock
is let go opens its case. Real SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

from tests.fixtures.database_faults import lock_held_elsewhere, short_lock_waits
from tests.fixtures.mail import drop_into_maildir, sin
from tests.test_cli import Run, bot, cli, config, inbox

__all__ = ["bot", "cli", "config"]  # fixtures


def test_run_once_says_database_trouble_and_quarantines_nothing(
    bot: Run, config: Path, migrated_database_url: str
) -> None:
    drop_into_maildir(inbox(config), sin())
    with short_lock_waits(migrated_database_url), lock_held_elsewhere(migrated_database_url):
        for _ in range(4):  # one more than max_attempts
            code, out, _ = bot("run", "--once")
            said = [line for line in out.splitlines() if line.startswith("database problem: ")]
            assert code == 1 and len(said) == 1, out
            assert said[0].startswith("database problem: database trouble (a lock held by ")
            assert "mailbox problem" not in out
    code, out, _ = bot("run", "--once", "--json")
    summary = json.loads(out)
    assert (code, summary["processed"], summary["database_trouble"]) == (0, 1, None), out
    assert [c["ref"] for c in json.loads(bot("cases", "--json")[1])] == ["TSCP-2026-0001"]
    assert bot("triage", "list")[1] == "(none)\n"  # nothing put before a person

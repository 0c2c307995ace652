"""`status` and the heartbeat: how long ago the bot was last heard from. A daemon that went
quiet without stopping (killed, or hung) is a problem (exit 1); one stopped on purpose is not."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.adapters.db.engine import make_engine, make_sessions
from bot.adapters.db.models import BotInstance
from bot.cli import main
from bot.core.dates import fmt_date
from tests.daemon_helpers import daemon_app, daemon_config, running, wait_until
from tests.fixtures.dovecot import DovecotServer
from tests.fixtures.smtp import SmtpTestServer


def _status(config: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["--config", str(config), "status"])
    return code, capsys.readouterr().out


def _instance_seen(
    database_url: str, *, started: datetime, seen: datetime, stopped: datetime | None = None
) -> None:
    """A daemon's heartbeat row as it would have left it: last seen `seen`, stopped or not."""
    engine = make_engine(database_url)
    with make_sessions(engine)() as session:
        session.add(
            BotInstance(
                id="bot-host:4242:abcdef",
                host="bot-host",
                pid=4242,
                started_at=started,
                last_seen_at=seen,
                stopped_at=stopped,
            )
        )
        session.commit()
    engine.dispose()


def test_status_says_when_the_running_daemon_was_last_heard_from(
    tmp_path: Path,
    migrated_database_url: str,
    dovecot: DovecotServer,
    smtp_server: SmtpTestServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    config = daemon_config(tmp_path, migrated_database_url, dovecot, smtp_server)
    monkeypatch.setenv("TEST_IMAP_PASSWORD", dovecot.password)
    app = daemon_app(config, dovecot.password)
    with running(app):
        wait_until(lambda: "last heartbeat" in _status(config, capsys)[1], 15, "a heartbeat")
        code, out = _status(config, capsys)
    ago = re.search(r"last heartbeat (\d+) s ago", out)
    # Seconds, not the minutes after which a quiet daemon is a problem (below); a busy machine
    # may hold the keeper's one-second beat back a few seconds.
    assert ago is not None and int(ago.group(1)) <= 30, out
    assert code == 0, out


@pytest.mark.parametrize("stopped", [False, True])
def test_a_daemon_gone_quiet_without_stopping_is_a_problem(
    bot: Any, tmp_path: Path, database_url: str, capsys: pytest.CaptureFixture[str], stopped: bool
) -> None:
    now = datetime.now(UTC)
    _instance_seen(
        database_url,
        started=now - timedelta(hours=2),
        seen=now - timedelta(minutes=10, seconds=30),
        stopped=now - timedelta(minutes=10) if stopped else None,
    )

    code, out = _status(tmp_path / "config.toml", capsys)

    assert re.search(r"last heartbeat 6\d\d s ago", out), out
    if stopped:  # stopped on purpose: the operator knows
        assert code == 0 and "PROBLEM" not in out, out
    else:
        assert code == 1
        assert "PROBLEM: no bot instance has been heard from for 10 minutes" in out


def test_a_daemon_killed_days_ago_is_still_a_problem(
    bot: Any, tmp_path: Path, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Killed (kill -9: no stop recorded) two days ago: long out of the last day's instances,
    but no bot has read the mailbox since, and status says when it was last heard from."""
    last_seen = datetime.now(UTC) - timedelta(days=2, minutes=5)
    _instance_seen(database_url, started=last_seen - timedelta(days=3), seen=last_seen)

    code, out = _status(tmp_path / "config.toml", capsys)

    assert code == 1, out
    heard = last_seen.astimezone(ZoneInfo("Europe/London"))
    assert (
        f"PROBLEM: no bot instance has been heard from for 2 days (last heartbeat "
        f"{fmt_date(heard.date())} {heard:%H:%M})"
    ) in out.splitlines()
    assert "status: NEEDS ATTENTION" in out


def test_status_after_a_pass_from_cron_says_when_each_job_last_ran(
    bot: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`run --once` alone (from cron): every job it ran shows when it last ran, not "never
    run", which would tell an administrator the bot does nothing."""
    assert bot("run", "--once")[0] == 0
    before = datetime.now(UTC)

    code, out = _status(tmp_path / "config.toml", capsys)

    assert code == 0 and "never run" not in out, out
    # The day as the other tables write it, "Wed 23 Dec 2026", not 2026-12-23.
    today = fmt_date(before.astimezone(ZoneInfo("Europe/London")).date())
    for job in ("mailbox", "outbox", "deadline-tick", "reminders", "digest"):
        line = next(x for x in out.splitlines() if x.split()[:1] == [job])
        assert re.match(rf"\s*{job}\s+ok\s+last ok {today} ", line), line
    # Every time for people in words, in the partnership's zone; --json keeps ISO.
    timed = [x for x in out.splitlines() if not x.startswith("database:")]
    assert not [x for x in timed if re.search(r"\d{4}-\d\d-\d\d", x)], out
    assert re.search(rf"^mailbox: last good check {today} \d\d:\d\d$", out, re.M), out

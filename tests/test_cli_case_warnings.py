"""`tscp-bot command` and `tscp-bot case` show the warnings the Business Manager needs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from tests.fixtures.mail import drop_into_maildir, sin
from tests.test_cli import write_config

REF = "TSCP-2026-0001"


def run(capsys: pytest.CaptureFixture[str], config: Path, *args: str) -> tuple[int, str]:
    code = main(["--config", str(config), "--now", "2026-12-23T09:00", *args])
    return code, capsys.readouterr().out


def test_closed_after_notification_is_shown_on_the_case(
    tmp_path: Path,
    migrated_database_url: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("TSCP_BOT_CONFIG", raising=False)
    config = write_config(tmp_path, migrated_database_url)
    assert run(capsys, config, "init")[0] == 0
    (tmp_path / "mail").mkdir(exist_ok=True)
    drop_into_maildir(tmp_path / "mail" / "inbox", sin())
    assert run(capsys, config, "run", "--once")[0] == 0
    code, out = run(
        capsys, config, "command", REF, "Decision: rapid review", "Notified: 23/12/2026"
    )
    assert code == 0 and "WARNING" not in out
    code, out = run(capsys, config, "command", REF, "Close: duplicate")
    expected = (
        "The National Panel was notified on Wed 23 Dec 2026 but the case is closed: a Rapid "
        "Review is still expected (due Mon 18 Jan 2027)."
    )
    assert code == 0 and f"WARNING: {expected}" in out

    code, out = run(capsys, config, "case", REF)
    assert code == 0
    head = out.split("\nDeadlines\n")[0]
    assert "Warnings (please check)\n  ! " + expected in head

    code, out = run(capsys, config, "case", REF, "--json")
    [warning] = json.loads(out)["warnings"]
    assert warning.startswith(expected)

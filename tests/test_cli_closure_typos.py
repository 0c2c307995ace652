"""A [partnership] local_closures day that changes no count (a Saturday, a day already a bank
holiday, a year the calendar does not count) is not refused, as it is harmless, but `doctor`
and `run` name it and say why, so a mistyped date is not taken for a closure the bot honours."""

from __future__ import annotations

import logging
import tomllib
from datetime import date
from pathlib import Path

import pytest
import tomli_w

from tests.fixtures.mail import drop_into_maildir, sin
from tests.test_cli import Run, bot, cli, config, inbox

__all__ = ["bot", "cli", "config"]  # the fixtures this module borrows

OFFICE = "Council office closure"
SAID = [
    "[partnership] local_closures: 2026-12-26 (Council office closure) is a Saturday, never a "
    "working day: it has no effect; check the date",
    "[partnership] local_closures: 2026-12-28 (Council office closure) is already a bank "
    "holiday (Boxing Day (substitute day)): it has no effect; check the date",
    "[partnership] local_closures: 2036-12-29 (Council office closure) is in 2036, outside "
    "the years working days are counted for now (2024 to 2029): it has no effect; check the "
    "year",
]


def _with_closures(config: Path, *days: date) -> None:
    data = tomllib.loads(config.read_text())
    data["partnership"]["local_closures"] = [{"date": d, "name": OFFICE} for d in days]
    config.write_bytes(tomli_w.dumps(data).encode())


def test_doctor_and_run_name_each_closure_that_has_no_effect(
    bot: Run, config: Path, caplog: pytest.LogCaptureFixture
) -> None:
    _with_closures(
        config, date(2026, 12, 26), date(2026, 12, 28), date(2026, 12, 29), date(2036, 12, 29)
    )
    _, out, _ = bot("doctor")
    warned = [line.removeprefix("warn config: ") for line in out.splitlines()]
    assert [line for line in warned if "local_closures" in line] == SAID  # not Tue 29 Dec

    drop_into_maildir(inbox(config), sin())
    with caplog.at_level(logging.WARNING):
        assert bot("run", "--once")[0] == 0  # said, never refused
    logged = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert [line for line in logged if "local_closures" in line] == SAID

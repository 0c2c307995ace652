"""The app reads its bank holidays, rules and forms at its start by default, so a mistake in
one stops the bot there; a read-only command builds it lazily and pays for none. The templates
are read when first used either way: making their renderer reads no template (`run` checks them
all at its start, startup_checks), and a pass that sends nothing need not load Jinja2."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.bootstrap import build_app
from bot.clock import FixedClock
from bot.core.rules import RuleError
from tests.fixtures.app import make_config

PARTS = ("calendar", "rules", "templates", "vocabulary")
CLOCK = FixedClock(datetime(2026, 12, 23, 9, tzinfo=UTC))


def test_by_default_every_part_but_the_templates_is_read_at_the_start(
    tmp_path: Path, database_url: str
) -> None:
    app = build_app(make_config(tmp_path, database_url), CLOCK)
    try:
        assert [part in vars(app) for part in PARTS] == [True, True, False, True]
        assert app.templates is app.templates  # read once, when first used
    finally:
        app.close()


def test_a_lazy_app_reads_a_part_when_first_used(tmp_path: Path, database_url: str) -> None:
    app = build_app(make_config(tmp_path, database_url), CLOCK, lazy=True)
    try:
        assert not any(part in vars(app) for part in PARTS)
        assert app.calendar.is_working_day(datetime(2026, 12, 23).date())
        assert app.calendar is app.calendar  # read once
        assert [part in vars(app) for part in PARTS] == [True, False, False, False]
    finally:
        app.close()


def test_a_broken_rule_still_stops_the_bot_at_its_start(tmp_path: Path, database_url: str) -> None:
    config = make_config(tmp_path, database_url)
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "01-broken.toml").write_text("this is not = = toml\n")
    with pytest.raises(RuleError, match=r"01-broken\.toml: not valid TOML"):
        build_app(replace(config, rules_dir=rules), CLOCK)

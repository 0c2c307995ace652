from __future__ import annotations

from pathlib import Path

import pytest

from bot.adapters.rules_loader import load_rules
from bot.config.paths import packaged
from bot.core.rules import Kind, RuleError

REPO_RULES = packaged("rules")

RULE = """
name = "{name}"
kind = "sin"
description = "test rule"

[[any]]
field = "subject"
op = "matches"
value = '{regex}'
"""


def _write(directory: Path, filename: str, name: str = "r", regex: str = "SIN") -> None:
    (directory / filename).write_text(RULE.format(name=name, regex=regex), encoding="utf-8")


def test_every_shipped_rule_file_is_valid() -> None:
    files = sorted(REPO_RULES.glob("*.toml"))
    rules = load_rules(REPO_RULES)
    assert len(rules) == len(files) > 0
    assert [r.order for r in rules] == sorted(r.order for r in rules)
    assert {r.kind for r in rules if r.action == "classify"} >= {
        Kind.SIN,
        Kind.APPENDIX_B,
        Kind.ESCALATION,
        Kind.COMPLAINT,
    }
    assert any(r.action == "veto" for r in rules)


def test_order_comes_from_the_numeric_prefix(tmp_path: Path) -> None:
    _write(tmp_path, "100-late.toml", "late")
    _write(tmp_path, "20-early.toml", "early")
    _write(tmp_path, "05-first.toml", "first")
    (tmp_path / "README.md").write_text("not a rule")
    rules = load_rules(tmp_path)
    assert [(r.order, r.name) for r in rules] == [(5, "first"), (20, "early"), (100, "late")]


def test_file_without_prefix_is_rejected(tmp_path: Path) -> None:
    _write(tmp_path, "sin.toml")
    with pytest.raises(RuleError, match=r"^sin\.toml: file name"):
        load_rules(tmp_path)


def test_duplicate_names_are_rejected(tmp_path: Path) -> None:
    _write(tmp_path, "10-a.toml", "same")
    _write(tmp_path, "20-b.toml", "same")
    with pytest.raises(RuleError, match=r"^20-b\.toml: name: 'same' is already used by 10-a\.toml"):
        load_rules(tmp_path)


def test_bad_toml_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "10-bad.toml").write_text("name = ", encoding="utf-8")
    with pytest.raises(RuleError, match=r"^10-bad\.toml: not valid TOML"):
        load_rules(tmp_path)


def test_bad_regex_names_the_file_and_key(tmp_path: Path) -> None:
    _write(tmp_path, "10-bad.toml", regex="(unclosed")
    with pytest.raises(RuleError, match=r"^10-bad\.toml: any\[0\]\.value: bad regex"):
        load_rules(tmp_path)


def test_order_key_in_the_file_is_rejected(tmp_path: Path) -> None:
    (tmp_path / "10-x.toml").write_text("order = 3\n" + RULE.format(name="x", regex="x"))
    with pytest.raises(RuleError, match=r"^10-x\.toml: order"):
        load_rules(tmp_path)


def test_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(RuleError, match="expected a directory"):
        load_rules(tmp_path / "nope")

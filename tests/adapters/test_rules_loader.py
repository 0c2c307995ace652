from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from bot.adapters.rules_loader import PHRASES_FILE, load_rules
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
    files = sorted(p for p in REPO_RULES.glob("*.toml") if p.name != PHRASES_FILE)
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


def test_every_shipped_phrase_is_named_by_a_rule() -> None:
    """A phrase no rule names is words the bot never looks for, however it reads."""
    shared = tomllib.loads((REPO_RULES / PHRASES_FILE).read_text(encoding="utf-8"))
    written = "\n".join(p.read_text(encoding="utf-8") for p in REPO_RULES.glob("[0-9]*.toml"))
    assert shared and all("{" + name + "}" in written for name in shared)


def _phrases(directory: Path, text: str) -> None:
    (directory / PHRASES_FILE).write_text(text, encoding="utf-8")


def test_a_rule_names_a_shared_phrase_in_braces(tmp_path: Path) -> None:
    _phrases(tmp_path, "greeting = 'hello|hi'\n")
    _write(tmp_path, "10-a.toml", regex="^{greeting} there")
    [rule] = load_rules(tmp_path)
    pattern = rule.any[0].pattern
    assert pattern is not None
    assert pattern.search("hi there") and pattern.search("hello there")
    assert not pattern.search("oh hi there")  # the phrase is one group: ^ holds for both


def test_a_regex_s_own_braces_are_not_phrases(tmp_path: Path) -> None:
    _write(tmp_path, "10-a.toml", regex="^a{2,} \\{b\\}$")
    [rule] = load_rules(tmp_path)
    assert rule.any[0].pattern is not None and rule.any[0].pattern.search("aaa {b}")


def test_a_phrase_not_defined_names_the_rule_and_the_phrases_there_are(tmp_path: Path) -> None:
    _phrases(tmp_path, "greeting = 'hello'\n")
    _write(tmp_path, "10-a.toml", regex="{greting}")
    message = r"^10-a\.toml: any\[0\]\.value: expected a phrase from phrases\.toml \(greeting\)"
    with pytest.raises(RuleError, match=message):
        load_rules(tmp_path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("greeting = '(unclosed'\n", r"^phrases\.toml: greeting: bad regex"),
        ("Greeting = 'hi'\n", r"^phrases\.toml: Greeting: expected a lower_case name"),
        ("greeting = ''\n", r"^phrases\.toml: greeting: expected a non-empty regex"),
        ("greeting = \n", r"^phrases\.toml: not valid TOML"),
    ],
)
def test_a_bad_phrases_file_is_named_with_its_key(tmp_path: Path, text: str, message: str) -> None:
    _phrases(tmp_path, text)
    _write(tmp_path, "10-a.toml")
    with pytest.raises(RuleError, match=message):
        load_rules(tmp_path)

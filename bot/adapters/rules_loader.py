"""Read the classification rules from a directory of TOML files, one rule per file.

Files are named NN-name.toml; NN is the rule's order, so a person can see the order of
evaluation from a directory listing. Beside them, phrases.toml (no number: it is no rule) may
name patterns several rules share (bot.core.rule_parsing).
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from pathlib import Path

from bot.core.rule_parsing import Phrases, parse_phrases, parse_rule
from bot.core.rules import Rule, RuleError

_FILE_NAME = re.compile(r"^(\d{2,})-[A-Za-z0-9][A-Za-z0-9_-]*\.toml$")
PHRASES_FILE = "phrases.toml"


def _toml(path: Path) -> dict[str, object]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise RuleError(f"{path.name}: not valid TOML: {exc}") from None


def load_rule_file(path: Path, phrases: Phrases | None = None) -> Rule:
    match = _FILE_NAME.match(path.name)
    if not match:
        raise RuleError(f"{path.name}: file name: expected NN-name.toml (NN = order digits)")
    data = _toml(path)
    if "order" in data:
        # The order lives in the file name only, so it cannot disagree with the listing.
        raise RuleError(f"{path.name}: order: expected no key (order comes from the NN prefix)")
    rule = parse_rule(data, path.name, phrases)
    return dataclasses.replace(rule, order=int(match.group(1)))


def _sort_key(path: Path) -> tuple[int, str]:
    # Numeric, so "100-x" sorts after "20-x"; badly named files sort first and fail at once.
    match = _FILE_NAME.match(path.name)
    return (int(match.group(1)) if match else -1, path.name)


def load_rules(directory: Path) -> list[Rule]:
    """Every rule in `directory`, in file-name order. Raises RuleError naming the bad file."""
    if not directory.is_dir():
        raise RuleError(f"{directory}: expected a directory of rule files")
    shared = directory / PHRASES_FILE
    phrases = parse_phrases(_toml(shared), PHRASES_FILE) if shared.is_file() else {}
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    files = [p for p in directory.glob("*.toml") if p.name != PHRASES_FILE]
    for path in sorted(files, key=_sort_key):
        rule = load_rule_file(path, phrases)
        if rule.name in seen:
            first = seen[rule.name]
            raise RuleError(f"{path.name}: name: {rule.name!r} is already used by {first}")
        seen[rule.name] = path.name
        rules.append(rule)
    return rules

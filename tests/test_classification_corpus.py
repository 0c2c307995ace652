"""Every message in tests/corpus must be classified as its label says, using the real rules."""

from __future__ import annotations

import tomllib
from collections import Counter
from pathlib import Path

import pytest

from bot.adapters.parsing import parse_message
from bot.adapters.rules_loader import load_rules
from bot.config import load_config
from bot.config.paths import packaged
from bot.core.rules import Classification, ClassifyContext, Kind, Rule, classify

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus"
RULES = packaged("rules")
# The agencies config.example.toml ships (council, police, health, schools, probation...) and
# an invented housing provider.
AGENCY_DOMAINS = load_config(ROOT / "config.example.toml", environ={}).agency_domains | {
    "hartsheadvale-homes.example"
}
OWN = frozenset({"tscp@tameside.gov.uk"})


def _labels() -> dict[str, dict[str, str]]:
    data = tomllib.loads((CORPUS / "labels.toml").read_text(encoding="utf-8"))
    return {name: dict(label) for name, label in data.items()}


def _classify(name: str, label: dict[str, str], rules: list[Rule]) -> Classification:
    msg = parse_message((CORPUS / name).read_bytes())
    ctx = ClassifyContext("TSCP", OWN, AGENCY_DOMAINS, label.get("thread_case_ref"))
    return classify(msg, rules, ctx)


def _table(results: list[tuple[str, str, Classification]]) -> str:
    total: Counter[str] = Counter()
    right: Counter[str] = Counter()
    for _, expected, got in results:
        total[expected] += 1
        right[expected] += got.kind == expected
    rows = [f"{k:<14}{right[k]:>4}/{total[k]:<4}" for k in sorted(total)]
    return "\n".join(["kind          right/total", *rows])


def test_corpus_has_enough_messages_of_every_kind() -> None:
    labels = _labels()
    files = {p.name for p in CORPUS.glob("*.eml")}
    assert len(files) >= 40
    assert files == set(labels), "every .eml needs a label and every label a file"
    assert {label["kind"] for label in labels.values()} == {k.value for k in Kind}


def test_every_corpus_message_is_classified_as_labelled() -> None:
    rules = load_rules(RULES)
    results = [(n, lab["kind"], _classify(n, lab, rules)) for n, lab in sorted(_labels().items())]
    wrong = [
        f"{name}: expected {expected}, got {got.kind} ({'; '.join(got.reasons)})"
        for name, expected, got in results
        if got.kind != expected
    ]
    if wrong:
        pytest.fail("\n".join([_table(results), *wrong]))


def test_every_corpus_case_ref_is_found() -> None:
    rules = load_rules(RULES)
    wrong = []
    for name, label in sorted(_labels().items()):
        got = _classify(name, label, rules).case_ref
        if got != label.get("case_ref"):
            wrong.append(f"{name}: expected case_ref {label.get('case_ref')}, got {got}")
    assert not wrong, "\n".join(wrong)

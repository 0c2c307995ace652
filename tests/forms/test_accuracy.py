"""Run the form engine over the corpus and compare every field with what a person would read.

Each case is checked whole (fields, children, chronology, flags, missing, doubtful), and the
well-formed cases are scored field by field: a per-field accuracy table is printed (run with
-s to see it) and anything below 100% on a well-formed form fails.

Over the whole corpus every field is also judged as a person checking it would: right,
flagged (wrong or unread, but below the doubt threshold or with a problem, so listed for
checking), missing, or confidently wrong. Confidently wrong is the misreading that does harm
("child died: yes" for a living child, read at 0.9), and there must be none.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Mapping

import pytest

from bot.adapters.vocabulary_loader import load_vocabulary
from bot.config.paths import packaged
from bot.core.forms import DOUBTFUL_BELOW, Extraction, Field, extract, extract_each
from bot.core.vocabulary import Vocabulary
from tests.forms.corpus import CASES, Case, Value

FORMS = packaged("forms")


@pytest.fixture(scope="module")
def vocabulary() -> Vocabulary:
    return load_vocabulary(FORMS)


def _compare_fields(
    prefix: str, expected: Mapping[str, Value], found: Mapping[str, Field]
) -> list[tuple[str, bool, str]]:
    results: list[tuple[str, bool, str]] = []
    for name, value in expected.items():
        got = found.get(name)
        ok = got is not None and got.value == value and type(got.value) is type(value)
        detail = "not found" if got is None else f"got {got.value!r} from {got.where}"
        results.append((f"{prefix}{name}", ok, f"expected {value!r}, {detail}"))
    for name, got in found.items():
        if name not in expected:
            results.append((f"{prefix}{name}", False, f"unexpected {got.value!r} ({got.where})"))
    return results


def score(case: Case, extraction: Extraction) -> list[tuple[str, bool, str]]:
    """(field, right?, detail) for every field the case expects or the engine found."""
    results = [("form", extraction.form == case.form, f"got form {extraction.form!r}")]
    results += _compare_fields("", case.fields, extraction.fields)
    for n in range(max(len(case.children), len(extraction.children))):
        expected = case.children[n] if n < len(case.children) else {}
        found = extraction.children[n] if n < len(extraction.children) else {}
        results += _compare_fields("child.", expected, found)
    got_rows = [(row.date, row.event) for row in extraction.chronology]
    for n in range(max(len(case.chronology), len(got_rows))):
        want = case.chronology[n] if n < len(case.chronology) else None
        got = got_rows[n] if n < len(got_rows) else None
        results.append(("chronology row", want == got, f"expected {want!r}, got {got!r}"))
    return results


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_case(case: Case, vocabulary: Vocabulary) -> None:
    extraction = extract(case.documents, vocabulary)
    wrong = [f"{name}: {detail}" for name, ok, detail in score(case, extraction) if not ok]
    assert wrong == []
    for flag in case.flags:
        assert flag in extraction.flags
    if not case.flags:
        assert not [f for f in extraction.flags if f.startswith("form names")]
    if case.missing is not None:
        assert extraction.missing == case.missing
    if case.doubtful is not None:
        assert extraction.doubtful == case.doubtful
    assert extraction.initials() == case.initials


def test_corpus_is_varied_enough() -> None:
    assert len(CASES) >= 22
    assert len({c.name for c in CASES}) == len(CASES)
    assert sum(c.well_formed for c in CASES) >= 15


def test_accuracy_on_well_formed_forms_is_total(vocabulary: Vocabulary) -> None:
    tally: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    errors: list[str] = []
    elapsed = 0.0
    for case in CASES:
        if not case.well_formed:
            continue
        started = time.perf_counter()
        extraction = extract(case.documents, vocabulary)
        elapsed += time.perf_counter() - started
        for name, ok, detail in score(case, extraction):
            tally[name][0] += ok
            tally[name][1] += 1
            if not ok:
                errors.append(f"{case.name}: {name}: {detail}")
    right = sum(r for r, _ in tally.values())
    total = sum(t for _, t in tally.values())
    print(f"\n{'field':<32}{'right':>7}{'of':>5}{'accuracy':>10}")
    for name in sorted(tally):
        r, t = tally[name]
        print(f"{name:<32}{r:>7}{t:>5}{r / t:>10.0%}")
    print(f"{'all fields':<32}{right:>7}{total:>5}{right / total:>10.0%}")
    forms = sum(c.well_formed for c in CASES)
    print(f"{forms} well-formed forms, {elapsed / forms * 1000:.1f} ms each on average")
    assert errors == []
    assert right == total
    assert elapsed / forms < 0.1


def _judge(expected: Mapping[str, Value], found: Mapping[str, Field]) -> list[tuple[str, str]]:
    """(field, verdict) for every field expected or found: right (and confident), flagged
    (doubtful: a person checks it), missing, or confidently wrong."""
    verdicts: list[tuple[str, str]] = []
    for name in {*expected, *found}:
        got = found.get(name)
        if got is None:
            verdicts.append((name, "missing"))
            continue
        want = expected.get(name, _UNEXPECTED)
        if got.problem is not None or got.confidence < DOUBTFUL_BELOW:
            verdicts.append((name, "flagged"))  # listed for a person, right or not
        elif got.value == want and type(got.value) is type(want):
            verdicts.append((name, "right"))
        else:
            verdicts.append((name, "confidently wrong"))
    return verdicts


_UNEXPECTED = object()


def judge(case: Case, extraction: Extraction) -> list[tuple[str, str]]:
    verdicts = _judge(case.fields, extraction.fields)
    for n in range(max(len(case.children), len(extraction.children))):
        expected = case.children[n] if n < len(case.children) else {}
        found = extraction.children[n] if n < len(extraction.children) else {}
        verdicts += [(f"child {n + 1}: {name}", v) for name, v in _judge(expected, found)]
    return verdicts


def test_nothing_in_the_corpus_is_confidently_wrong(vocabulary: Vocabulary) -> None:
    counts: dict[str, int] = defaultdict(int)
    harmful: list[str] = []
    for case in CASES:
        for name, verdict in judge(case, extract(case.documents, vocabulary)):
            counts[verdict] += 1
            if verdict == "confidently wrong":
                harmful.append(f"{case.name}: {name}")
    total = sum(counts.values())
    print(f"\nform corpus: {len(CASES)} forms, {total} fields")
    for verdict in ("right", "flagged", "missing", "confidently wrong"):
        print(f"  {verdict:<20}{counts[verdict]:>5}{counts[verdict] / total:>8.1%}")
    assert harmful == []
    assert counts["right"] > 0.9 * total


def test_a_confident_misreading_would_be_counted() -> None:
    """The judge itself: a wrong value read at 0.9 is harmful; the same value doubtful is not."""
    wrong = Field("child_died", True, "Yes X No", "SIN form.docx, table 1, row 7", 0.9)
    flagged = Field("child_died", None, "Yes X No", "SIN form.docx, table 1, row 7", 0.0, "why")
    assert _judge({"child_died": False}, {"child_died": wrong}) == [
        ("child_died", "confidently wrong")
    ]
    assert _judge({"child_died": False}, {"child_died": flagged}) == [("child_died", "flagged")]
    assert _judge({"child_died": None}, {"child_died": flagged}) == [("child_died", "flagged")]
    assert _judge({"child_died": False}, {}) == [("child_died", "missing")]


def test_each_answer_the_reading_process_gives_is_extracts_own(vocabulary: Vocabulary) -> None:
    """extract_each, run in the reading process, answers each form the bot may expect (and
    none) exactly as extract would: the corpus's forms and its blank templates alike."""
    for case in CASES:
        each = extract_each(case.documents, vocabulary)
        assert list(each) == [None, *vocabulary.forms]
        for expected, found in each.items():
            assert found == extract(case.documents, vocabulary, expected), case.name

"""Check that a change to the form engine changes no result: record every `extract` call the
tests make (their documents, vocabulary and expected form, and what `extract` returned) on the
code before the change, then run the same calls on the code after it and compare.
Not part of the test suite.

    # on the code before the change: the tests' calls, recorded (a pytest plugin)
    EXTRACT_RECORD=/tmp/extract-calls .venv/bin/python -m pytest -p bench.extract_identity \\
        -p no:cacheprovider -q tests/core/test_forms.py tests/forms \\
        tests/adapters/test_documents.py tests/services/test_forms_ingest.py \\
        tests/core/test_triage_new_case.py tests/test_classification_corpus.py
    # on the code after it
    .venv/bin/python bench/extract_identity.py /tmp/extract-calls

Besides the tests' own calls, the recording adds every .eml under tests/ (read as the bot
reads a message) and the benchmark's plain and SIN mail, each with no expected form and with
each form expected.

The documents those calls hold were read by the code before the change, so a change to the
.docx reader would not show in them: every .docx the tests and that mail have read is recorded
too (its bytes and what `read_docx` returned or refused it with) and read again after.
"""

from __future__ import annotations

import copyreg
import os
import pickle
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import bot.adapters.documents.docx as docx_reader  # noqa: E402
import bot.core.forms as forms  # noqa: E402
import bot.core.forms.engine as engine  # noqa: E402
from bot.adapters.documents.model import Extract, Limits, Unreadable  # noqa: E402


# The vocabulary's read-only mappings, pickled as the dicts under them.
def _proxy(mapping: dict[Any, Any]) -> MappingProxyType[Any, Any]:
    return MappingProxyType(mapping)


copyreg.pickle(MappingProxyType, lambda m: (_proxy, (dict(m),)))

_Call = tuple[Sequence[Any], Any, str | None, str]  # documents, vocabulary, expected, result

_Read = tuple[bytes, Limits, str]  # a .docx, the limits it was read within, the result

_calls: list[_Call] = []
_reads: list[_Read] = []
_extract: Callable[..., Any] = engine.extract
_read_docx: Callable[[bytes, Limits], Extract] = docx_reader.read_docx


def _recording(documents: Sequence[Any], vocabulary: Any, expected: str | None = None) -> Any:
    found = _extract(documents, vocabulary, expected)
    _calls.append((tuple(documents), vocabulary, expected, repr(found)))
    return found


def _docx_result(data: bytes, limits: Limits) -> str:
    try:
        return repr(_read_docx(data, limits))
    except Unreadable as exc:
        return f"Unreadable({exc})"


def _recording_docx(data: bytes, limits: Limits) -> Extract:
    try:
        found = _read_docx(data, limits)
    except Unreadable as exc:
        _reads.append((data, limits, f"Unreadable({exc})"))
        raise
    _reads.append((data, limits, repr(found)))
    return found


def _messages() -> list[bytes]:
    from bench.ingest_imap import _generate

    raws = [p.read_bytes() for p in sorted((ROOT / "tests").rglob("*.eml"))]
    return raws + _generate("sins", 40, 0) + _generate("plain", 20, 0)


def _record_messages() -> None:
    from bot.adapters.documents import read_message
    from bot.adapters.parsing import parse_message
    from bot.adapters.vocabulary_loader import load_vocabulary
    from bot.config.paths import packaged

    vocabulary = load_vocabulary(packaged("forms"))
    for raw in _messages():
        documents = read_message(parse_message(raw), parse=parse_message)
        for expected in (None, *vocabulary.forms):
            _recording(documents, vocabulary, expected)


# Replaced as the plugin is loaded, before the tests' conftest imports the services.
if os.environ.get("EXTRACT_RECORD"):
    engine.extract = forms.extract = _recording
    docx_reader.read_docx = _recording_docx


def pytest_unconfigure(config: Any) -> None:
    path = os.environ.get("EXTRACT_RECORD")
    if path and not hasattr(config, "workerinput"):
        _record_messages()
    if path:
        with open(f"{path}.{os.getpid()}", "wb") as out:
            pickle.dump((_calls, _reads), out)


def main(prefix: str) -> int:
    files = sorted(Path(prefix).parent.glob(Path(prefix).name + ".*"))
    recorded = [pickle.loads(f.read_bytes()) for f in files]
    calls = [c for file_calls, _ in recorded for c in file_calls]
    reads = [r for _, file_reads in recorded for r in file_reads]
    differ = 0
    for data, limits, before in reads:
        if _docx_result(data, limits) != before:
            differ += 1
            print(f"differs: a .docx of {len(data)} bytes")
    for documents, vocabulary, expected, before in calls:
        after = repr(engine.extract(documents, vocabulary, expected))
        if after != before:
            differ += 1
            print(f"differs: {[d.source for d in documents]} expected={expected}")
    print(
        f"{len(calls)} extract calls and {len(reads)} .docx reads from {len(files)} files, "
        f"{differ} differ"
    )
    return 1 if differ or not calls or not reads else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))

"""Benchmark: how long reading a typical form takes. Not part of the test suite.

    .venv/bin/python bench/documents.py            # 200 reads of each document
    .venv/bin/python bench/documents.py --count 1000

Builds a one-page SIN-style .docx, a one-page PDF with a 30-line text layer, an RTF form, a
winmail.dat carrying the .docx, and a zip bomb, then prints the median and 95th-percentile
time for read_attachment on each. A typical one-page form should take well under 100 ms.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.adapters.documents import read_attachment  # noqa: E402
from bot.adapters.vocabulary_loader import load_vocabulary  # noqa: E402
from bot.config.paths import packaged  # noqa: E402
from bot.core.doctext import DocumentText, Line, Table  # noqa: E402
from bot.core.forms import extract  # noqa: E402
from tests.fixtures import documents as build  # noqa: E402
from tests.fixtures.forms_docx import sin_docx  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200)
    args = parser.parse_args()
    form = build.sin_form_docx()
    samples = {
        "SIN form.docx (1 page)": form,
        "SIN form.pdf (30 lines)": build.text_pdf([f"Field {n}: value {n}" for n in range(30)]),
        "SIN form.rtf": build.form_rtf(),
        "winmail.dat (with the .docx)": build.winmail_dat("See attached.", [("SIN.docx", form)]),
        "bomb.docx (200 MB inflated)": build.zip_bomb_docx(200),
    }
    print(f"{'document':36} {'bytes':>8} {'median ms':>10} {'p95 ms':>8}")
    for name, data in samples.items():
        filename = "winmail.dat" if name.startswith("winmail") else name.split(" (")[0]
        read_attachment(filename, "", data)  # warm imports and caches
        times = []
        for _ in range(args.count):
            started = time.perf_counter()
            read_attachment(filename, "", data)
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        p95 = times[int(len(times) * 0.95) - 1]
        print(f"{name:36} {len(data):8} {statistics.median(times):10.2f} {p95:8.2f}")
    _extraction(args.count)
    _large_form(max(1, args.count // 10))


def _extraction(count: int) -> None:
    """Read plus field extraction for a filled-in SIN form: the time per form that matters."""
    vocabulary = load_vocabulary(packaged("forms"))
    data = sin_docx()
    times = []
    for _ in range(count):
        started = time.perf_counter()
        extract([read_attachment("SIN form.docx", "", data)], vocabulary)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    p95 = times[int(len(times) * 0.95) - 1]
    print(
        f"{'read + extract, filled SIN .docx':36} {len(data):8} "
        f"{statistics.median(times):10.2f} {p95:8.2f}"
    )


def _large_form(count: int) -> None:
    """Extraction alone for a long form: 300 paragraphs, a 300-row and a 200-row table.

    This was a timed unit test (under 0.5 s); timings belong here, where load is known.
    """
    vocabulary = load_vocabulary(packaged("forms"))
    rows = [("Child's name", "Ann Example"), ("Date of incident", "12/11/2026")]
    rows += [(f"Note {n}", f"Free text about visit number {n} to the home") for n in range(300)]
    chronology = [("Date", "Contact type", "Practitioner", "Event", "Outcome")]
    chronology += [(f"{n % 28 + 1}/01/2026", "Visit", "HV", f"visit {n}", "ok") for n in range(200)]
    lines = tuple(Line(f"big.docx, line {n}", f"Paragraph {n} of narrative.") for n in range(300))
    tables = (
        Table("big.docx, table 1", tuple(rows)),
        Table("big.docx, table 2", tuple(chronology)),
    )
    doc = DocumentText("big.docx", lines, tables, ())
    times = []
    for _ in range(count):
        started = time.perf_counter()
        extract([doc], vocabulary)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    p95 = times[max(0, int(len(times) * 0.95) - 1)]
    print(
        f"{'extract, large form (800 lines)':36} {'':8} {statistics.median(times):10.2f} {p95:8.2f}"
    )


if __name__ == "__main__":
    main()

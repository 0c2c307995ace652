"""`extract` (what the bot would read from a form) and `chronology` (the merged export)."""

from __future__ import annotations

import csv
import mimetypes
import sys
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.cli.context import Context, NotFound, UsageError, existing_file, file_to_write
from bot.cli.output import print_json, print_table

if TYPE_CHECKING:
    from bot.core.forms import Extraction, Field


def register(sub: Any) -> None:
    p = sub.add_parser("extract", help="show what would be read from a form; changes nothing")
    p.add_argument("file", help="an .eml, or an attachment (.docx, .doc, .pdf, .rtf, winmail.dat)")
    p.add_argument("--json", action="store_true", help="print what was read as JSON")
    p.set_defaults(handler=extract_file)
    p = sub.add_parser("chronology", help="the case chronology merged from all Appendix B returns")
    p.add_argument("ref")
    p.add_argument("--csv", metavar="FILE", help="write CSV to FILE ('-' for the terminal)")
    p.add_argument("--docx", metavar="FILE", help="write a Word document for the meeting pack")
    p.add_argument("--json", action="store_true", help="print the rows as JSON")
    p.set_defaults(handler=chronology)


def extract_file(ctx: Context) -> int:
    from bot.adapters.documents import read_attachment
    from bot.adapters.parsing import ParseError
    from bot.core.forms import extract

    path = existing_file(ctx.args.file)
    app = ctx.app(database=False)
    data = path.read_bytes()
    if path.suffix.lower() == ".eml":
        try:
            documents = app.read_documents(app.parse(data))
        except ParseError as exc:
            raise UsageError(f"{path}: cannot be read as an email ({exc})") from exc
    else:
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        documents = [read_attachment(path.name, kind, data)]
    result = extract(documents, app.vocabulary)
    data_out = extraction_json(result)
    if ctx.args.json:
        print_json(data_out, sys.stdout)
    else:
        _print_extraction(result)
    return 0


def _field(f: Field) -> dict[str, object]:
    return {k: v for k, v in asdict(f).items() if k != "name"}


def extraction_json(result: Extraction) -> dict[str, object]:
    return {
        "form": result.form,
        "initials": result.initials(),
        "fields": {name: _field(f) for name, f in result.fields.items()},
        "children": [{name: _field(f) for name, f in c.items()} for c in result.children],
        "chronology": [asdict(r) for r in result.chronology],
        "missing": list(result.missing),
        "doubtful": list(result.doubtful),
        "flags": list(result.flags),
    }


def _print_extraction(result: Extraction) -> None:
    print(f"form: {result.form or 'none recognised'}")
    for name, f in result.fields.items():
        print(f"  {name}: {f.value!s}  [{f.where}; confidence {f.confidence:.2f}]")
    for n, child in enumerate(result.children, start=1):
        for name, f in child.items():
            print(f"  child {n} {name}: {f.value!s}  [{f.where}]")
    if result.chronology:
        print(f"  chronology: {len(result.chronology)} rows")
    for label, items in (
        ("missing", result.missing),
        ("doubtful", result.doubtful),
        ("flags", result.flags),
    ):
        for item in items:
            print(f"{label}: {item}")


def chronology(ctx: Context) -> int:
    from sqlalchemy import select

    from bot.adapters.db.models import ChronologyEntry
    from bot.services.cases import find_case

    file_to_write(ctx.args.csv, "--csv")  # refused before the case is read, in one line
    file_to_write(ctx.args.docx, "--docx")
    app = ctx.app()
    with app.sessions() as session:
        case = find_case(session, ctx.args.ref)
        if case is None:
            raise NotFound(f"no case {ctx.args.ref.upper()}")
        entries = session.scalars(select(ChronologyEntry).where(ChronologyEntry.case_id == case.id))
        rows = sorted(entries, key=lambda e: (e.on or date.max, e.agency_key, e.id))
        table = [
            [
                e.on.strftime("%d/%m/%Y") if e.on else e.raw_date,
                e.agency_key,
                e.contact,
                e.practitioner,
                e.event,
                e.outcome,
            ]
            for e in rows
        ]
        ref, initials = case.ref, case.initials
    if not (ctx.args.csv or ctx.args.docx):
        _show_chronology(ref, table, json_out=ctx.args.json)
        return 0
    if ctx.args.csv:
        _write_csv(ctx.args.csv, table)
    if ctx.args.docx:
        from bot.adapters.chronology_doc import write_chronology_docx

        write_chronology_docx(
            Path(ctx.args.docx),
            title=f"{ref} merged chronology",
            subtitle=f"Child: {initials or 'initials not known'}",
            rows=table,
            made_on=ctx.today(),
        )
        print(f"wrote {len(table)} rows to {ctx.args.docx}")
    return 0


def _show_chronology(ref: str, table: list[list[str]], *, json_out: bool) -> None:
    """At the terminal when no file is asked for: the same columns as the CSV and the pack."""
    from bot.adapters.chronology_doc import COLUMNS

    if json_out:
        keys = [c.lower() for c in COLUMNS]
        print_json([dict(zip(keys, row, strict=True)) for row in table], sys.stdout)
        return
    print(f"{ref} merged chronology ({len(table)} rows)")
    print_table(COLUMNS, table, sys.stdout)


def _write_csv(target: str, table: list[list[str]]) -> None:
    from bot.adapters.chronology_doc import COLUMNS

    if target == "-":
        writer = csv.writer(sys.stdout)
        writer.writerow(COLUMNS)
        writer.writerows(table)
        return
    with open(target, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        writer.writerows(table)
    print(f"wrote {len(table)} rows to {target}")

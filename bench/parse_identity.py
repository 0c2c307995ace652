"""Check that a change to parsing changes nothing parsed: for every .eml under tests/, the
benchmark's mail (bench.harness.backlog(1000, 0.3)), the fixtures' generated mail, and damaged
variants of each (tests/fixtures/damaged_mail.py: cut short, a boundary line lost, line breaks
mixed, wrapped in multiparts, junk in the base64), write one line per message: what
`parse_message` gave (the MailMessage, attachments' bytes and defects included, or the
ParseError) and the email package's tree under mail-parser (every part's headers, payload text,
preamble, epilogue and defects), each as a SHA-256 of its repr. Not part of the test suite.

    .venv/bin/python bench/parse_identity.py /tmp/before.txt /tmp/mail.pickle  # code before
    .venv/bin/python bench/parse_identity.py /tmp/after.txt /tmp/mail.pickle   # code after
    diff /tmp/before.txt /tmp/after.txt && echo same

The mail is generated once and kept in the second file (the benchmark's damaged attachments
are random bytes), so both runs read the same bytes.

`--documents` adds what read_message reads of each message; `--child` parses and reads in
the reading process (bot.adapters.reader_process) instead, to compare with the bot's own:

    .venv/bin/python bench/parse_identity.py --documents /tmp/own.txt /tmp/mail.pickle
    .venv/bin/python bench/parse_identity.py --documents --child /tmp/child.txt /tmp/mail.pickle
"""

from __future__ import annotations

import hashlib
import pickle
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.harness import backlog  # noqa: E402
from bot.adapters.mail_parser_lean import parse_bytes  # noqa: E402
from bot.adapters.parsing import ParseError, parse_message  # noqa: E402
from tests.fixtures.damaged_mail import damaged, tree  # noqa: E402
from tests.fixtures.documents import simple_docx, text_pdf  # noqa: E402
from tests.fixtures.forms_docx import sin_docx  # noqa: E402
from tests.fixtures.mail import calendar_reply, email, html_in_base64, sin  # noqa: E402


def _mail() -> list[tuple[str, bytes]]:
    mail = [(str(p.relative_to(ROOT)), p.read_bytes()) for p in sorted(ROOT.glob("tests/**/*.eml"))]
    mail += [(f"backlog {i}", raw) for i, raw in enumerate(backlog(1000, 0.3))]
    mail += [
        ("sin", sin(attachment=("SIN form.docx", sin_docx()))),
        ("minutes", email("M", "A.\n", attachment=("m.docx", simple_docx("a", "b")))),
        ("notes", email("N", "A.\n", attachment=("n.pdf", text_pdf(["x"] * 30)))),
        ("calendar", calendar_reply("named.nurse@nhs.net", "DECLINED", note="Away")),
        ("html body in base64", html_in_base64()),
    ]
    # Damaged: every .eml and fixture, and one message in ten of the backlog.
    whole = [(n, r) for i, (n, r) in enumerate(mail) if not n.startswith("backlog") or i % 10 == 0]
    for seed, (name, raw) in enumerate(whole):
        mail += [(f"{name} {how} {n}", v) for n, (how, v) in enumerate(damaged(raw, seed, 8))]
    return mail


def _digest(value: object) -> str:
    return hashlib.sha256(repr(value).encode("utf-8", "surrogateescape")).hexdigest()[:24]


def _line(name: str, raw: bytes, reader: Any = None, documents: bool = False) -> str:
    parse, read = (reader.parse, reader.read) if reader else (parse_message, _read)
    read_as = ""
    try:
        message: object = parse(raw)
        if documents:
            read_as = "\t" + _digest(read(message))
    except ParseError as exc:
        message = f"ParseError: {exc}"
    try:
        parts: object = tree(parse_bytes(raw).message)
    except Exception as exc:  # what mail-parser raises on hostile input, compared as such
        parts = f"{type(exc).__name__}: {exc}"
    return f"{name}\t{_digest(message)}\t{_digest(parts)}{read_as}"


def _read(message: Any) -> object:
    from bot.adapters.documents import read_message

    return read_message(message, parse=parse_message)


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    out, kept = Path(args[0]), Path(args[1])
    if not kept.exists():
        kept.write_bytes(pickle.dumps(_mail()))
    mail: list[tuple[str, bytes]] = pickle.loads(kept.read_bytes())
    reader = None
    if "--child" in sys.argv:
        from bot.adapters.reader_launch import ReadSettings
        from bot.adapters.reader_process import ReaderProcess

        reader = ReaderProcess(ReadSettings(10_000_000, 50_000_000, 200, 60, 1024))
    documents = "--documents" in sys.argv
    out.write_text("".join(_line(name, raw, reader, documents) + "\n" for name, raw in mail))
    if reader is not None:
        reader.close()
    print(f"{len(mail)} messages written to {out}")


if __name__ == "__main__":
    main()

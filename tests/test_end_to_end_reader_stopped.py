"""`run --once` on real Dovecot, aiosmtpd and the database when an attachment's reader never
finishes, or its reading process dies: the SIN still opens its case, the document is shown
unread with what happened and what to do, and the neighbours are processed.

The slow document is a real PDF whose one page holds 200,000 text operators (14 KB
compressed): pypdf's extract_text takes tens of seconds over it, in-process as in the child.
Each pass runs in a thread the test waits for only so long: without the child's limit the
pass would still be reading when the test gives up.
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time
import tomllib
import zlib
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
import tomli_w

from bot.adapters import reader_child
from bot.cli import main
from tests.adapters import hostile_child
from tests.fixtures.dovecot import DovecotServer
from tests.fixtures.forms_docx import DOCX, sin_docx
from tests.fixtures.mail import email, sin
from tests.fixtures.real_servers import write_config
from tests.fixtures.smtp import SmtpTestServer, sent_texts

NOW = "2026-12-23T09:05"
GIVE_UP_SECONDS = 30.0  # far more than the pass needs with the limit, far less than without


def slow_pdf(operators: int = 200_000) -> bytes:
    """A valid one-page PDF whose content stream is `operators` lines of text."""
    content = b"BT /F1 12 Tf 72 720 Td " + b"(Invented words) Tj 0 -1 Td " * operators + b"ET"
    stream = zlib.compress(content, 9)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


@pytest.fixture
def bot_reading_for(
    tmp_path: Path,
    migrated_database_url: str,
    dovecot: DovecotServer,
    smtp_server: SmtpTestServer,
    monkeypatch: pytest.MonkeyPatch,
) -> Any:
    """`bot(seconds)`: a `tscp-bot` whose reading stops after `seconds` (read in its own
    process with `in_child=False`); each command run in a thread, given up (None) after
    GIVE_UP_SECONDS."""
    monkeypatch.setenv("TEST_IMAP_PASSWORD", dovecot.password)
    path = write_config(tmp_path, migrated_database_url, dovecot, smtp_server)

    def make(seconds: int, in_child: bool = True) -> Any:
        data = tomllib.loads(path.read_text())
        data.setdefault("ingest", {}).update(read_seconds=seconds, read_in_child=in_child)
        path.write_bytes(tomli_w.dumps(data).encode())

        def run(*args: str) -> int | None:
            done: list[int] = []
            thread = threading.Thread(
                target=lambda: done.append(main(["--config", str(path), *args])), daemon=True
            )
            thread.start()
            thread.join(GIVE_UP_SECONDS)
            return done[0] if done else None

        assert run("init") == 0
        return run

    return make


def _sin(n: int, attachment: tuple[str, bytes] | None = None) -> bytes:
    return sin(
        f"<sin-{n}@gmp.police.uk>", sender=f"officer{n}@gmp.police.uk", attachment=attachment
    )


def _sin_with(n: int, *attachments: tuple[str, bytes]) -> bytes:
    msg = message_from_bytes(_sin(n), policy=policy.default)
    assert isinstance(msg, EmailMessage)
    for name, data in attachments:
        msg.add_attachment(data, maintype="application", subtype="octet-stream", filename=name)
    return msg.as_bytes()


# Read in no time: kept when the PDFs after it are stopped or not begun.
NOTES = ("Officer notes.txt", b"Notes: the school raised a concern on 20/12/2026.\n")


def _acks(smtp: SmtpTestServer) -> list[str]:
    return sorted(
        m.raw.split(b"\nTo: ", 1)[1].split(b"\n", 1)[0].decode().strip()
        for m in smtp.messages
        if b"Serious incident notification received" in m.raw
    )


def test_a_document_that_takes_too_long_is_shown_unread_and_the_sin_opens_its_case(
    bot_reading_for: Any,
    dovecot: DovecotServer,
    smtp_server: SmtpTestServer,
    capsys: pytest.CaptureFixture[str],
) -> None:
    bot = bot_reading_for(3)
    for raw in (_sin(1), _sin(2, ("GM SIN form.pdf", slow_pdf())), _sin(3)):
        dovecot.append(raw)
    assert bot("--now", NOW, "run", "--once") == 0
    assert _acks(smtp_server) == [f"officer{n}@gmp.police.uk" for n in (1, 2, 3)]
    capsys.readouterr()
    assert bot("--now", NOW, "cases") == 0
    assert capsys.readouterr().out.count("TSCP-2026-000") == 3  # a case for each SIN
    assert bot("--now", NOW, "triage", "list") == 0
    shown = " ".join(capsys.readouterr().out.split())
    assert (
        "GM SIN form.pdf: its reading was stopped when this email's attachments had taken "
        "3 seconds, so it was not read: open it by hand" in shown
    ), shown


def _readers() -> list[int]:
    """The reading processes this test's process started: children of its forkserver."""
    found = []
    for child in _children(os.getpid()):
        if b"forkserver" in _cmdline(child):
            found.extend(_children(child))
    return found


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:  # gone meanwhile
        return b""


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:  # gone meanwhile
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _children(pid: int) -> list[int]:
    try:
        return [
            int(n)
            for task in Path(f"/proc/{pid}/task").iterdir()
            for n in (task / "children").read_text().split()
        ]
    except OSError:  # gone meanwhile
        return []


def _kill_the_reader_once_busy() -> threading.Thread:
    """A thread that kills the first reading process started from now on once it has taken a
    second of CPU time (well into a slow PDF: parsing these emails takes milliseconds)."""
    before = set(_readers())

    def kill_the_reader() -> None:
        for _ in range(600):
            time.sleep(0.1)
            busy = [pid for pid in set(_readers()) - before if _cpu_seconds(pid) >= 1.0]
            if busy:
                for pid in busy:
                    os.kill(pid, signal.SIGKILL)
                return

    killer = threading.Thread(target=kill_the_reader, daemon=True)
    killer.start()
    return killer


def test_a_reader_killed_while_reading_leaves_the_sin_processed_without_its_document(
    bot_reading_for: Any,
    dovecot: DovecotServer,
    smtp_server: SmtpTestServer,
    capsys: pytest.CaptureFixture[str],
) -> None:
    bot = bot_reading_for(600)
    dovecot.append(_sin(1, ("GM SIN form.pdf", slow_pdf())))
    dovecot.append(_sin(2))
    killer = _kill_the_reader_once_busy()
    assert bot("--now", NOW, "run", "--once") == 0
    killer.join()
    assert _acks(smtp_server) == ["officer1@gmp.police.uk", "officer2@gmp.police.uk"]
    capsys.readouterr()
    assert bot("--now", NOW, "triage", "list") == 0
    shown = " ".join(capsys.readouterr().out.split())
    assert "GM SIN form.pdf: its reader stopped" in shown, shown


def test_an_email_of_many_slow_attachments_costs_its_reading_time_once_and_keeps_what_was_read(
    bot_reading_for: Any,
    dovecot: DovecotServer,
    smtp_server: SmtpTestServer,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Its attachments share read_seconds: the notes read before the slow PDFs is kept,
    the PDF being read is stopped, and the ones after are not begun, each saying why."""
    bot = bot_reading_for(3)
    pdfs = [(f"Referral {n}.pdf", slow_pdf()) for n in (1, 2, 3)]
    for raw in (_sin(1), _sin_with(2, NOTES, *pdfs), _sin(3)):
        dovecot.append(raw)
    assert bot("--now", NOW, "run", "--once") == 0
    assert _acks(smtp_server) == [f"officer{n}@gmp.police.uk" for n in (1, 2, 3)]
    capsys.readouterr()
    assert bot("--now", NOW, "triage", "list") == 0
    shown = " ".join(capsys.readouterr().out.split())
    assert "Referral 1.pdf: its reading was stopped when this email's attachments had taken" in (
        shown
    ), shown
    for later in ("Referral 2.pdf", "Referral 3.pdf"):
        assert (
            f"{later}: the time for reading this email's attachments (3 seconds) was used by its "
            "other attachments, so it was not read: open it by hand" in shown
        ), shown
    assert "Officer notes.txt:" not in shown, shown  # read, so nothing to say about it
    ((_, digest),) = sent_texts(smtp_server, "digest")
    assert (
        "Referral 3.pdf: the time for reading this email's attachments (3 seconds) was used by "
        "its other attachments" in digest
    ), digest


def test_in_the_bots_own_process_no_attachment_is_begun_once_the_emails_time_is_spent(
    bot_reading_for: Any,
    dovecot: DovecotServer,
    smtp_server: SmtpTestServer,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """read_in_child = false: a read already running cannot be stopped, but once read_seconds
    are spent the email's other attachments are not begun (each PDF takes seconds here)."""
    bot = bot_reading_for(1, in_child=False)
    pdfs = [(f"Referral {n}.pdf", slow_pdf(40_000)) for n in range(1, 6)]
    dovecot.append(_sin_with(1, NOTES, *pdfs))
    dovecot.append(_sin(2))
    assert bot("--now", NOW, "run", "--once") == 0
    assert _acks(smtp_server) == ["officer1@gmp.police.uk", "officer2@gmp.police.uk"]
    capsys.readouterr()
    assert bot("--now", NOW, "triage", "list") == 0
    shown = " ".join(capsys.readouterr().out.split())
    assert (
        "Referral 5.pdf: the time for reading this email's attachments (1 second) was used by "
        "its other attachments, so it was not read: open it by hand" in shown
    ), shown
    assert "Referral 1.pdf:" not in shown, shown  # begun in time, so read to its end
    assert "Officer notes.txt:" not in shown, shown


def _hostile(name: str) -> tuple[str, bytes]:
    """A PDF that kills the reading process reading it (tests/adapters/hostile_child.py)."""
    return name, hostile_child.hostile_pdf()


def _see_attached(*attachments: tuple[str, bytes]) -> bytes:
    """As tests/corpus/sin-doc1-please-see-attached.eml: no rule decides, the form does."""
    raw = email(
        "please see attached",
        "Hi,\n\nPlease see attached.\n\nThanks\nRobin\n",
        sender="robin.example@gmp.police.uk",
        message_id="<see-attached@gmp.police.uk>",
    )
    msg = message_from_bytes(raw, policy=policy.default)
    assert isinstance(msg, EmailMessage)
    for name, data in attachments:
        kind = DOCX if name.endswith(".docx") else "application/octet-stream"
        maintype, subtype = kind.split("/")
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return msg.as_bytes()


def _triage(bot: Any, capsys: pytest.CaptureFixture[str]) -> str:
    capsys.readouterr()
    assert bot("--now", NOW, "triage", "list") == 0
    return " ".join(capsys.readouterr().out.split())


def test_a_sin_form_sent_after_an_attachment_that_kills_the_reader_opens_its_case(
    bot_reading_for: Any,
    dovecot: DovecotServer,
    smtp_server: SmtpTestServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The reading process dies on the first attachment: the form after it, never begun, is
    read by the fresh reading process, and the case opened from it; the first is unread."""
    monkeypatch.setattr(reader_child, "serve", hostile_child.serve)
    bot = bot_reading_for(60)
    # Named as nothing the rules know: only the form read in it makes this email a SIN.
    dovecot.append(_see_attached(_hostile("Scan 1.pdf"), ("Doc1.docx", sin_docx())))
    dovecot.append(_sin(2))
    assert bot("--now", NOW, "run", "--once") == 0
    assert _acks(smtp_server) == ["officer2@gmp.police.uk", "robin.example@gmp.police.uk"]
    capsys.readouterr()
    assert bot("--now", NOW, "case", "TSCP-2026-0001", "--json") == 0
    case = json.loads(capsys.readouterr().out)
    assert [(m["kind"], m["rule"]) for m in case["messages"]] == [
        ("sin", "form-reader: completed SIN form")
    ]
    shown = _triage(bot, capsys)
    assert "Scan 1.pdf: its reader stopped, so it was not read: open it by hand" in shown, shown
    assert "Doc1.docx:" not in shown, shown


def test_a_second_attachment_that_kills_the_reader_ends_the_emails_reading_there(
    bot_reading_for: Any,
    dovecot: DovecotServer,
    smtp_server: SmtpTestServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The fresh reading process dies on the next attachment too: the email is read no
    further (no third process for it), and the mail after it is processed."""
    monkeypatch.setattr(reader_child, "serve", hostile_child.serve)
    bot = bot_reading_for(60)
    killers = [_hostile(f"Scan {n}.pdf") for n in (1, 2)]
    dovecot.append(_sin_with(1, *killers, NOTES))
    dovecot.append(_sin(2))
    assert bot("--now", NOW, "run", "--once") == 0
    assert _acks(smtp_server) == ["officer1@gmp.police.uk", "officer2@gmp.police.uk"]
    shown = _triage(bot, capsys)
    for name, _ in killers:
        assert f"{name}: its reader stopped, so it was not read: open it by hand" in shown, shown
    assert (
        "Officer notes.txt: its reader stopped while reading another of this email's "
        "attachments, so it was not read: open it by hand" in shown
    ), shown


def test_after_a_reader_is_killed_the_rest_is_read_in_what_is_left_of_the_emails_time(
    bot_reading_for: Any,
    dovecot: DovecotServer,
    smtp_server: SmtpTestServer,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Killed a second into the first slow PDF, the reading process is replaced, and the
    fresh one reads the rest until the email's read_seconds, counted from the first, are
    spent: the second PDF is stopped then, and the notes after it are not begun."""
    bot = bot_reading_for(12)
    pdfs = [(f"Referral {n}.pdf", slow_pdf()) for n in (1, 2)]
    dovecot.append(_sin_with(1, *pdfs, NOTES))
    dovecot.append(_sin(2))
    killer = _kill_the_reader_once_busy()
    started = time.monotonic()
    assert bot("--now", NOW, "run", "--once") == 0
    took = time.monotonic() - started
    killer.join()
    assert _acks(smtp_server) == ["officer1@gmp.police.uk", "officer2@gmp.police.uk"]
    shown = _triage(bot, capsys)
    assert "Referral 1.pdf: its reader stopped, so it was not read" in shown, shown
    assert (
        "Referral 2.pdf: its reading was stopped when this email's attachments had taken "
        "12 seconds, so it was not read: open it by hand" in shown
    ), shown
    assert (
        "Officer notes.txt: the time for reading this email's attachments (12 seconds) was "
        "used by its other attachments, so it was not read: open it by hand" in shown
    ), shown
    assert took < 2 * 12, took  # the email's time, not that again for the fresh process

"""The reading process's child (bot.adapters.reader_child) seen from outside, in a process of
its own as under the bot: what it writes to the bot's stderr. Its stderr is the forkserver's,
inherited by whatever process started that, so each test starts the child from a fresh
interpreter whose stderr the test keeps."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.fixtures.app import ROOT
from tests.fixtures.mail import email

# The bot's side, cut short: the child started as the bot starts it, one email sent, and then
# the bot gone (its end of the pipe closed) or waiting for the answer. The email comes on
# stdin; the script prints the child's exit code, or what the child read.
BOT = """
import sys
from bot.adapters.reader_launch import ReadSettings, launch

raw = sys.stdin.buffer.read()
process, conn = launch(ReadSettings(10_000_000, 50_000_000, 200, seconds=60, memory_mb=1024), None)
conn.send((1, raw, None, True))
if sys.argv[1] == "gone":
    conn.close()
    process.join(30)
    print(process.exitcode)
else:
    docs, stage = [], ""
    while stage != "read":
        _, stage, _, value = conn.recv()
        docs += value[1] or [] if stage == "piece" else []
    print([(d.source, d.problems) for d in docs])
    conn.close()
    process.join(30)
"""


def _run_bot(tmp_path: Path, raw: bytes, how: str) -> tuple[str, str]:
    """What the script printed, and everything written to its stderr (the child's too)."""
    stderr = tmp_path / "stderr"
    with stderr.open("w") as sink:
        done = subprocess.run(
            [sys.executable, "-c", BOT, how],
            input=raw,
            stdout=subprocess.PIPE,
            stderr=sink,
            cwd=ROOT,
            timeout=60,
            check=True,
        )
    return done.stdout.decode().strip(), stderr.read_text()


def test_a_child_whose_bot_is_gone_mid_email_ends_quietly(tmp_path: Path) -> None:
    """The bot killed (a power cut, SIGKILL) while its child reads: the child's answer has
    nowhere to go. It ends without a traceback in the bot's log, which IT would take for a
    crash of the bot."""
    notes = ("notes.txt", b"Notes of the strategy meeting.\n" * 200)
    raw = email("Serious incident notification", "Please see the notes.\n", attachment=notes)
    printed, logged = _run_bot(tmp_path, raw, "gone")
    assert printed == "0"
    assert "Traceback" not in logged and "Error" not in logged, logged


def test_a_damaged_pdfs_first_bytes_are_not_logged_by_the_child(tmp_path: Path) -> None:
    """pypdf warns about a file that is not a PDF by quoting its first bytes, here a postcode;
    the child quietens the library as the bot does (bot.logs.QUIET), and the file is reported
    as damaged in what it read, where the bot puts it before a person."""
    damaged = ("map.pdf", b"SK16 9ZZ, not a PDF at all")
    raw = email("Serious incident notification", "Please see the map.\n", attachment=damaged)
    printed, logged = _run_bot(tmp_path, raw, "answer")
    assert "map.pdf: damaged (not a valid PDF)" in printed  # said where a person sees it
    assert "SK16" not in logged, logged

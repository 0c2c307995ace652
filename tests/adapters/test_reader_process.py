"""The reading process (bot.adapters.reader_process) against the bot's own parse and read: the
same results from a real child, and a child that cannot parse an email has that email refused
as unparseable (quarantined at once by the pass), its neighbours still read by a fresh child."""

from __future__ import annotations

import os
import threading
import time
from email.message import EmailMessage

import pytest

from bot.adapters import reader_child
from bot.adapters.documents import read_message
from bot.adapters.parsing import ParseError, parse_message
from bot.adapters.reader_fallback import RETRY_FIRST, FallbackReader
from bot.adapters.reader_launch import ReadSettings
from bot.adapters.reader_process import PARSED_HERE_FROM, ReaderProcess
from tests.adapters import hostile_child
from tests.fixtures.app import ROOT

SAMPLES = sorted((ROOT / "samples").glob("*.eml"))


def _settings(memory_mb: int = 1024) -> ReadSettings:
    return ReadSettings(10_000_000, 50_000_000, 200, seconds=60, memory_mb=memory_mb)


def test_the_child_parses_and_reads_as_the_bot_does_ahead_or_not() -> None:
    reader = ReaderProcess(_settings())
    try:
        raws = [path.read_bytes() for path in SAMPLES]
        for raw in raws[2:]:
            reader.ahead(raw)
        for raw in raws:
            msg = reader.parse(raw)
            assert msg == parse_message(raw)
            assert reader.read(msg) == read_message(msg, parse=parse_message)
    finally:
        reader.close()


def test_an_email_whose_parse_stops_the_child_is_refused_and_the_next_is_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(reader_child, "serve", hostile_child.serve)
    reader = ReaderProcess(_settings())
    try:
        first, second = (path.read_bytes() for path in SAMPLES[:2])
        hostile = first.replace(b"\n", b"\n" + hostile_child.MARKER + b"\n", 1)
        with pytest.raises(ParseError, match="could not be parsed: its reader stopped"):
            reader.parse(hostile)
        assert reader.parse(second) == parse_message(second)
    finally:
        reader.close()


def test_a_reading_process_that_cannot_parse_anything_is_read_around_not_blamed_on_email(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A child that cannot even hold the parser dies on every email: the reading process is
    broken, so the email is parsed and read in this process, and the fault said once."""
    reader = FallbackReader(ReaderProcess(_settings(memory_mb=16)), parse_message, read_message)
    try:
        raws = [path.read_bytes() for path in SAMPLES[:2]]
        for raw in raws:
            msg = reader.parse(raw)
            assert msg == parse_message(raw)
            assert reader.read(msg) == read_message(msg)
        assert reader.broken is not None
        assert "stopped before answering a known email" in reader.broken
        errors = [r for r in caplog.records if r.levelname == "ERROR"]
        assert [r.getMessage().split(":")[0] for r in errors] == [
            "the reading process does not work"
        ]
    finally:
        reader.close()


def test_a_broken_reading_process_is_tried_again_less_and_less_often_and_used_once_mended(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Found broken, the reading process is started again once its wait is over, the wait
    doubled each time it still fails; once a child answers, mail goes back to it."""
    caplog.set_level("INFO", logger="bot.adapters.reader_fallback")
    at = [0.0]
    child = ReaderProcess(_settings(memory_mb=16))  # too small to hold the parser
    reader = FallbackReader(child, parse_message, read_message, clock=lambda: at[0])
    raw = SAMPLES[0].read_bytes()
    try:
        assert reader.parse(raw) == parse_message(raw)  # read here
        assert reader.broken is not None and child.pid is None
        reader.try_again()
        assert child.pid is None and "still does not work" not in caplog.text  # not yet due
        at[0] = RETRY_FIRST
        reader.try_again()  # due: tried, still broken
        assert reader.broken is not None and child.pid is None
        assert f"tried again in {2 * RETRY_FIRST // 60} minutes" in caplog.text
        child.settings = _settings()  # the fault mended
        at[0] = 3 * RETRY_FIRST - 1
        reader.try_again()
        assert reader.broken is not None and child.pid is None  # the doubled wait not over
        at[0] = 3 * RETRY_FIRST
        reader.try_again()
        assert reader.broken is None and child.pid is not None
        assert "the reading process works again" in caplog.text
        assert reader.parse(raw) == parse_message(raw)
        first = child.pid
        msg = reader.parse(SAMPLES[1].read_bytes())
        assert reader.read(msg) == read_message(msg, parse=parse_message)
        assert child.pid == first  # read by that same child, not here
    finally:
        reader.close()


def test_threads_parsing_at_once_each_get_their_own_email() -> None:
    """The daemon's jobs run in threads of their own (the mailbox pass, the outbox, the digest),
    and more than one may parse an email at the same moment: each gets its own, parsed whole."""
    reader = ReaderProcess(_settings())
    raws = [path.read_bytes() for path in SAMPLES]
    expected = [parse_message(raw) for raw in raws]
    wrong: list[str] = []

    def parse_all(turn: int) -> None:
        for _ in range(5):
            for index in range(turn % len(raws), len(raws)):
                try:
                    if reader.parse(raws[index]) != expected[index]:
                        wrong.append(f"{SAMPLES[index].name}: another email's parse")
                except Exception as exc:
                    wrong.append(f"{SAMPLES[index].name}: {type(exc).__name__}")

    try:
        threads = [threading.Thread(target=parse_all, args=(turn,)) for turn in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        assert not any(thread.is_alive() for thread in threads)
        assert wrong == []
    finally:
        reader.close()


def test_a_large_email_is_parsed_here_and_its_documents_read_by_the_child() -> None:
    """Sent across, a 25 MB email's bytes would be held twice more at once, past the memory
    target: the bot parses one this large itself (as the child would), the child reads it."""
    big = EmailMessage()
    big["From"], big["To"], big["Subject"] = "a@example.org", "tscp@example.org", "Recording"
    big.set_content("Notes attached; the recording follows.\n")
    big.add_attachment(b"Case notes: nothing personal.\n", "text", "plain", filename="notes.txt")
    blob = os.urandom(PARSED_HERE_FROM)
    big.add_attachment(blob, "application", "octet-stream", filename="recording.bin")
    raw = big.as_bytes()
    reader = ReaderProcess(_settings())
    try:
        msg = reader.parse(raw)
        assert reader.pid is None  # no child was needed for the parse
        assert msg == parse_message(raw)
        assert reader.read(msg) == read_message(msg, parse=parse_message)
        assert reader.pid is not None
    finally:
        reader.close()


def test_a_child_that_dies_mid_email_leaves_what_it_read_and_says_why_of_the_rest(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The child dies opening the second of two forwarded emails (opened before the rest):
    the first keeps what was read in it, the second says its reader stopped, and the text file
    not begun and the email's own text are read by a fresh child (once: see
    test_a_second_child_that_dies_on_the_same_email_is_not_followed_by_a_third)."""
    monkeypatch.setattr(reader_child, "serve", hostile_child.serve)
    first, second = (path.read_bytes() for path in SAMPLES[:2])
    hostile = second.replace(b"\n", b"\n" + hostile_child.MARKER + b"\n", 1)
    reader = ReaderProcess(_settings())
    try:
        msg = reader.parse(_two_forwarded_and_a_note(("first.eml", first), ("second.eml", hostile)))
        got = reader.read(msg)
    finally:
        reader.close()
    whole = read_message(msg, parse=parse_message)
    assert [doc.source for doc in got] == [
        *(doc.source for doc in whole[:2]),
        "second.eml",
        "note.txt",
    ]
    assert not got[0].unread  # the email's own text, read again alone
    assert got[1] == whole[1]  # the first forwarded email, read before the child died
    assert got[2].problems[0].startswith("second.eml: its reader stopped, so it was not read")
    assert got[3] == whole[-1]  # not begun by the child that died: read by the fresh one
    assert not got[3].unread and got[3].lines


def test_a_second_child_that_dies_on_the_same_email_is_not_followed_by_a_third(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two forwarded emails that each stop a child: the first stops one, the fresh child read
    of the rest is stopped by the second, and there it ends, the note not read by a third."""
    monkeypatch.setattr(reader_child, "serve", hostile_child.serve)
    sample = SAMPLES[0].read_bytes()
    hostile = sample.replace(b"\n", b"\n" + hostile_child.MARKER + b"\n", 1)
    reader = ReaderProcess(_settings())
    try:
        msg = reader.parse(_two_forwarded_and_a_note(("one.eml", hostile), ("two.eml", hostile)))
        got = reader.read(msg)
        assert reader.pid is None  # the second child died, and no third was started
        assert reader.read(reader.parse(sample)) == read_message(  # the next email is read
            parse_message(sample), parse=parse_message
        )
    finally:
        reader.close()
    assert [doc.source for doc in got] == ["email body", "one.eml", "two.eml", "note.txt"]
    assert not got[0].unread
    for doc in got[1:3]:
        assert doc.problems[0].startswith(f"{doc.source}: its reader stopped, so it was not")
    assert got[3].problems == (
        "note.txt: its reader stopped while reading another of this email's attachments, "
        "so it was not read: open it by hand",
    )


def test_an_email_text_that_stops_the_fresh_child_leaves_the_rest_unread_not_to_a_third(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The child dies on a forwarded email, opened before the email's own text; the text,
    read alone by the fresh child, stops that one too: the note is not read by a third."""
    monkeypatch.setattr(reader_child, "serve", hostile_child.serve)
    sample = SAMPLES[0].read_bytes()
    outer = EmailMessage()
    outer["From"], outer["To"], outer["Subject"] = "a@example.org", "tscp@example.org", "Fwd"
    # In base64, so that the marker is met in the text read, not in the email parsed.
    outer.set_content(f"{hostile_child.MARKER.decode()}\n", cte="base64")
    hostile = sample.replace(b"\n", b"\n" + hostile_child.MARKER + b"\n", 1)
    outer.add_attachment(hostile, "application", "octet-stream", filename="one.eml")
    outer.add_attachment(b"A note.\n", "text", "plain", filename="note.txt")
    reader = ReaderProcess(_settings())
    try:
        got = reader.read(reader.parse(outer.as_bytes()))
        assert reader.pid is None  # the fresh child died, and no third was started
    finally:
        reader.close()
    assert [doc.source for doc in got] == ["email body", "one.eml", "note.txt"]
    assert got[0].problems[0].startswith("email body: its reader stopped, so it was not read")
    assert got[1].problems[0].startswith("one.eml: its reader stopped, so it was not read")
    assert got[2].problems[0].startswith("note.txt: its reader stopped while reading another")


def _big_email(subject: str) -> bytes:
    """An email of about 3 MB: many times what the pipe to the child holds, and still small
    enough to be parsed by the child (PARSED_HERE_FROM)."""
    big = EmailMessage()
    big["From"], big["To"], big["Subject"] = "a@example.org", "tscp@example.org", subject
    big.set_content("The scan is attached.\n")
    big.add_attachment(os.urandom(2_200_000), "application", "octet-stream", filename="scan.bin")
    raw = big.as_bytes()
    assert 2_000_000 < len(raw) < PARSED_HERE_FROM
    return raw


def _writers() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "tscp-bot reader writer" and t.is_alive()]


def test_a_child_that_dies_while_an_email_is_being_handed_to_it_loses_no_email(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The child stops taking jobs as it takes the first email and dies half a second later,
    with a large email half written to it: the bot's thread does not wait on the pipe, the
    email the child died on is refused as unparseable, and the emails sent after it are
    sent again to a new child and parsed and read as in-process."""
    monkeypatch.setattr(reader_child, "serve", hostile_child.serve)
    first, third = (path.read_bytes() for path in SAMPLES[:2])
    hostile = first.replace(b"\n", b"\n" + hostile_child.STOP_TAKING + b" 0.5\n", 1)
    big = _big_email("Scan")
    reader = ReaderProcess(_settings())
    try:
        for raw in (hostile, big, third):
            reader.ahead(raw)  # the large one would wait for the child, dead or not
        with pytest.raises(ParseError, match="could not be parsed: its reader stopped"):
            reader.parse(hostile)
        for raw in (big, third):
            msg = reader.parse(raw)
            assert msg == parse_message(raw)
            assert reader.read(msg) == read_message(msg, parse=parse_message)
    finally:
        reader.close()
    assert _writers() == []


def test_closing_does_not_wait_for_a_child_that_takes_no_more_jobs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A child that has stopped taking jobs, with a large email half written to it: closing
    stops it after its second's grace, and leaves no thread behind to write the rest."""
    monkeypatch.setattr(reader_child, "serve", hostile_child.serve)
    first = SAMPLES[0].read_bytes()
    stuck = first.replace(b"\n", b"\n" + hostile_child.STOP_TAKING + b" 60\n", 1)
    reader = ReaderProcess(_settings())
    started = time.monotonic()
    try:
        reader.ahead(stuck)
        reader.ahead(_big_email("Scan"))
    finally:
        reader.close()
    assert time.monotonic() - started < 20
    assert _writers() == []


def _two_forwarded_and_a_note(*emails: tuple[str, bytes]) -> bytes:
    """An email passing on `emails` (name, bytes) as attachments, then a text file."""
    outer = EmailMessage()
    outer["From"], outer["To"], outer["Subject"] = "a@example.org", "tscp@example.org", "Fwd"
    outer.set_content("Two emails passed on, and a note.\n")
    for name, data in emails:
        outer.add_attachment(data, "application", "octet-stream", filename=name)
    outer.add_attachment(b"A note.\n", "text", "plain", filename="note.txt")
    return outer.as_bytes()

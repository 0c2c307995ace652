"""MaildirSource over a real Maildir in a temporary directory."""

from __future__ import annotations

import logging
import mailbox
import os
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.adapters.mail_source import Cursor, LeftInInbox, MailboxError, Moved
from bot.adapters.maildir_source import MaildirSource

RAW = (
    b"From: a@example.org\r\nSubject: Case 1\r\n\r\nCRLF body \xc3\xa9\r\n",
    b"From: b@example.org\nSubject: Case 2\n\nLF body\n",
)


def deliver(root: Path, raw: bytes, name: str, sub: str = "new") -> None:
    """Deliver the way an MTA does: write into tmp/, then rename into new/ (or cur/)."""
    tmp = root / "tmp" / name
    tmp.write_bytes(raw)
    tmp.rename(root / sub / name)


@pytest.fixture
def maildir(tmp_path: Path) -> Path:
    root = tmp_path / "Maildir"
    mailbox.Maildir(root, create=True)
    return root


def test_fetch_returns_new_and_cur_mail_byte_exact(maildir: Path) -> None:
    deliver(maildir, RAW[0], "1700000001.a.host")
    deliver(maildir, RAW[1], "1700000002.b.host:2,S", sub="cur")

    batch = MaildirSource(maildir).fetch(None)

    assert [(m.key, m.raw) for m in batch.messages] == [
        ("1700000001.a.host", RAW[0]),
        ("1700000002.b.host", RAW[1]),
    ]
    # Nothing to keep: every message still in the inbox is pending.
    assert (batch.cursor, batch.more) == (Cursor(), False)


def test_fetch_leaves_mail_unread_in_place(maildir: Path) -> None:
    deliver(maildir, RAW[0], "1700000001.a.host")
    MaildirSource(maildir).fetch(None)
    assert [p.name for p in (maildir / "new").iterdir()] == ["1700000001.a.host"]


def test_missing_maildir_is_created_and_said(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        source = MaildirSource(tmp_path / "fresh")
    assert source.fetch(None).messages == []
    assert (tmp_path / "fresh" / "new").is_dir()
    # A mistyped path would be watched, empty, for ever: making it is never silent.
    assert caplog.messages == [
        f"Maildir {tmp_path / 'fresh'} did not exist: created it empty; if mail is delivered "
        "somewhere else, check [mailbox] maildir_path"
    ]
    assert source.probe().inbox_created
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        again = MaildirSource(tmp_path / "fresh")
    assert caplog.messages == [] and not again.probe().inbox_created


def test_mark_processed_moves_into_processed_subfolder(maildir: Path) -> None:
    deliver(maildir, RAW[0], "1700000001.a.host")
    deliver(maildir, RAW[1], "1700000002.b.host:2,S", sub="cur")
    source = MaildirSource(maildir)

    source.mark_processed("1700000001.a.host")
    source.mark_processed("1700000002.b.host")

    assert source.fetch(None).messages == []
    stored = sorted(p.read_bytes() for p in (maildir / ".Processed" / "cur").iterdir())
    assert stored == sorted(RAW)
    assert mailbox.Maildir(maildir, create=False).list_folders() == ["Processed"]
    assert (maildir / ".Processed" / "cur" / "1700000002.b.host:2,S").exists()


def test_mark_processed_many_moves_each_and_says_which_were_gone(maildir: Path) -> None:
    deliver(maildir, RAW[0], "1700000001.a.host")
    deliver(maildir, RAW[1], "1700000002.b.host:2,S", sub="cur")
    source = MaildirSource(maildir)

    moves = source.mark_processed_many(["1700000001.a.host", "1700000002.b.host", "nope"], 30)

    assert moves.error is None and source.fetch(None).messages == []
    assert moves.done == {
        "1700000001.a.host": Moved.MOVED, "1700000002.b.host": Moved.MOVED, "nope": Moved.GONE,
    }  # fmt: skip


def test_unknown_key_is_an_error(maildir: Path) -> None:
    source = MaildirSource(maildir)
    with pytest.raises(MailboxError, match="no message"):
        source.mark_processed("nope")


def test_marking_twice_is_harmless(maildir: Path) -> None:
    deliver(maildir, RAW[0], "1700000001.a.host")
    source = MaildirSource(maildir)
    source.mark_processed("1700000001.a.host")
    source.mark_processed("1700000001.a.host")  # a retry after the move went through
    assert len(list((maildir / ".Processed" / "cur").iterdir())) == 1


def test_wait_returns_early_on_new_mail(maildir: Path) -> None:
    source = MaildirSource(maildir)
    timer = threading.Timer(0.3, deliver, args=(maildir, RAW[0], "1700000003.c.host"))
    timer.start()
    started = time.monotonic()
    source.wait(10)
    elapsed = time.monotonic() - started
    timer.join()

    assert elapsed < 2
    assert [m.raw for m in source.fetch(None).messages] == [RAW[0]]


def test_wait_times_out_when_nothing_arrives(maildir: Path) -> None:
    deliver(maildir, RAW[0], "1700000001.a.host")
    started = time.monotonic()
    MaildirSource(maildir).wait(0.5)
    assert 0.5 <= time.monotonic() - started < 1.5


# -- arrival time -------------------------------------------------------------------------------


def test_fetch_gives_the_file_modification_time_as_aware_utc(maildir: Path) -> None:
    deliver(maildir, RAW[0], "1700000001.a.host")
    friday_4pm = datetime(2026, 11, 27, 16, 0, tzinfo=UTC)
    os.utime(maildir / "new" / "1700000001.a.host", (friday_4pm.timestamp(),) * 2)

    [message] = MaildirSource(maildir).fetch(None).messages

    assert message.arrived_at == friday_4pm and message.arrived_at.utcoffset() == timedelta(0)


def test_mail_older_than_the_cut_off_is_counted_and_left_where_it_is(maildir: Path) -> None:
    for name, arrived in [
        ("1.old.host", datetime(2026, 3, 3, 10, 0, tzinfo=UTC)),
        ("2.old.host", datetime(2026, 11, 30, 23, 59, tzinfo=UTC)),
        ("3.new.host", datetime(2026, 12, 1, 0, 0, tzinfo=UTC)),
    ]:
        deliver(maildir, RAW[0], name)
        os.utime(maildir / "new" / name, (arrived.timestamp(),) * 2)
    source = MaildirSource(maildir)

    batch = source.fetch(
        None, arrived_since=datetime(2026, 12, 1, tzinfo=ZoneInfo("Europe/London"))
    )

    assert [m.key for m in batch.messages] == ["3.new.host"]
    assert batch.left == LeftInInbox(count=2, oldest=datetime(2026, 3, 3, 10, 0, tzinfo=UTC))
    assert sorted(p.name for p in (maildir / "new").iterdir()) == [
        "1.old.host",
        "2.old.host",
        "3.new.host",
    ]

"""ImapSource against a real Dovecot (see tests/fixtures/dovecot.py)."""

from __future__ import annotations

import logging
import re
import ssl
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.adapters.imap_source import ImapSource
from bot.adapters.mail_source import Cursor, LeftInInbox, MailboxError, MessageGone, Moved
from tests.fixtures.dovecot import DovecotServer, running_server

pytestmark = pytest.mark.imap
LONDON = ZoneInfo("Europe/London")


def mail(n: int) -> bytes:
    # CRLF and 8-bit text: what a server hands back must be these exact bytes.
    return (
        f"From: sender{n}@example.org\r\nTo: team@example.org\r\nSubject: Case {n}\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: 8bit\r\n\r\n"
        f"Message {n} — naïve café\r\n"
    ).encode()


def source_for(server: DovecotServer, folder: str = "INBOX", use_idle: bool = True) -> ImapSource:
    return ImapSource(
        server.host, server.port, server.user, server.password,
        security="plain", folder=folder, use_idle=use_idle, timeout=5.0,
    )  # fmt: skip


@pytest.fixture
def source(dovecot: DovecotServer) -> Iterator[ImapSource]:
    src = source_for(dovecot)
    yield src
    src.close()


def test_fetch_returns_appended_mail_byte_exact_and_unread(
    dovecot: DovecotServer, source: ImapSource
) -> None:
    dovecot.append(mail(1))
    dovecot.append(mail(2))

    batch = source.fetch(None)

    assert [m.raw for m in batch.messages] == [mail(1), mail(2)]
    assert batch.cursor is not None
    uids = dovecot.list_uids()
    assert [m.key for m in batch.messages] == [f"{batch.cursor.uidvalidity}:{u}" for u in uids]
    assert batch.cursor.last_uid == max(uids)
    assert all(b"\\Seen" not in flags for flags in dovecot.flags().values())


def test_fetch_creates_processed_folder(dovecot: DovecotServer, source: ImapSource) -> None:
    source.fetch(None)
    with dovecot.client() as admin:
        assert admin.folder_exists("Processed")


def test_fetch_with_cursor_returns_only_newer_mail(
    dovecot: DovecotServer, source: ImapSource
) -> None:
    dovecot.append(mail(1))
    first = source.fetch(None)
    dovecot.append(mail(2))

    second = source.fetch(first.cursor)
    third = source.fetch(second.cursor)

    assert [m.raw for m in second.messages] == [mail(2)]
    # Nothing new: the "N:*" quirk must not hand back the last message again.
    assert third.messages == []
    assert third.cursor == second.cursor


def test_empty_inbox_keeps_cursor(source: ImapSource) -> None:
    batch = source.fetch(None)
    assert batch.messages == []
    assert batch.cursor is not None and batch.cursor.last_uid == 0


def test_changed_uidvalidity_returns_everything(dovecot: DovecotServer, source: ImapSource) -> None:
    dovecot.append(mail(1))
    cursor = source.fetch(None).cursor
    assert cursor is not None

    batch = source.fetch(Cursor(cursor.uidvalidity + 1, cursor.last_uid))

    assert [m.raw for m in batch.messages] == [mail(1)]


def test_recreated_folder_gets_new_uidvalidity(dovecot: DovecotServer) -> None:
    dovecot.append(mail(1), folder="Shared")
    src = source_for(dovecot, folder="Shared")
    try:
        old = src.fetch(None).cursor
        src.close()
        with dovecot.client() as admin:
            admin.delete_folder("Shared")
        dovecot.append(mail(2), folder="Shared")

        batch = src.fetch(old)
    finally:
        src.close()

    assert old is not None and batch.cursor is not None
    assert batch.cursor.uidvalidity != old.uidvalidity
    assert [m.raw for m in batch.messages] == [mail(2)]


def test_mark_processed_moves_to_processed_folder(
    dovecot: DovecotServer, source: ImapSource
) -> None:
    dovecot.append(mail(1))
    dovecot.append(mail(2))
    first, second = source.fetch(None).messages

    source.mark_processed(first.key)
    with pytest.raises(MessageGone):  # a retry: the caller then finds it in Processed
        source.mark_processed(first.key)

    assert dovecot.fetch_all("INBOX") == [mail(2)]
    assert dovecot.fetch_all("Processed") == [mail(1)]
    assert [m.key for m in source.fetch(None).messages] == [second.key]


def test_mark_processed_without_move_capability() -> None:
    # A server advertising no MOVE makes the source fall back to COPY + UID EXPUNGE.
    with running_server(imap_capability="IMAP4rev1 IDLE UIDPLUS") as server:
        server.append(mail(1))
        server.append(mail(2))
        src = source_for(server)
        try:
            assert "MOVE" not in src.capabilities
            first = src.fetch(None).messages[0]
            src.mark_processed(first.key)
        finally:
            src.close()
        assert server.fetch_all("INBOX") == [mail(2)]
        assert server.fetch_all("Processed") == [mail(1)]


def test_set_aside_without_move_capability_keys_the_one_message_by_its_new_uid() -> None:
    # COPY answers with the new UID (COPYUID) as MOVE does: two messages under one
    # Message-ID each have a key of their own, and releasing one leaves the other.
    with running_server(imap_capability="IMAP4rev1 IDLE UIDPLUS") as server:
        for n in (1, 2):
            server.append(b"Message-ID: <same@example.org>\r\n" + mail(n))
        src = ImapSource(
            server.host, server.port, server.user, server.password,
            security="plain", timeout=5.0, attention_folder="Needs attention",
        )  # fmt: skip
        try:
            first, second = src.fetch(None).messages
            first_aside, second_aside = src.set_aside(first.key), src.set_aside(second.key)
            assert first_aside != second_aside
            src.mark_processed(first_aside or "")
        finally:
            src.close()
        assert server.fetch_all("Needs attention") == [second.raw]
        assert server.fetch_all("Processed") == [first.raw]


def test_mark_processed_with_stale_uidvalidity_fails(
    dovecot: DovecotServer, source: ImapSource
) -> None:
    dovecot.append(mail(1))
    key = source.fetch(None).messages[0].key
    uidvalidity, uid = key.split(":")

    with pytest.raises(MailboxError, match="UIDVALIDITY"):
        source.mark_processed(f"{int(uidvalidity) + 1}:{uid}")
    assert dovecot.fetch_all("INBOX") == [mail(1)]


def test_server_restart_fails_one_call_then_reconnects(
    dovecot: DovecotServer, source: ImapSource
) -> None:
    dovecot.append(mail(1))
    cursor = source.fetch(None).cursor
    dovecot.restart()
    dovecot.append(mail(2))

    with pytest.raises(MailboxError, match=f"127.0.0.1:{dovecot.port}"):
        source.fetch(cursor)  # the old connection died with the server
    assert [m.raw for m in source.fetch(cursor).messages] == [mail(2)]


def test_server_down_keeps_failing_until_it_is_back(
    dovecot: DovecotServer, source: ImapSource
) -> None:
    dovecot.append(mail(1))
    cursor = source.fetch(None).cursor

    dovecot.stop()
    with pytest.raises(MailboxError, match=f"127.0.0.1:{dovecot.port}"):
        source.fetch(cursor)
    with pytest.raises(MailboxError):
        source.fetch(cursor)  # still down: connection refused, reported the same way
    dovecot.start()
    dovecot.append(mail(2))

    assert [m.raw for m in source.fetch(cursor).messages] == [mail(2)]


def test_wrong_password_is_a_readable_error(dovecot: DovecotServer) -> None:
    wrong = "not-the-Pa55word"
    src = ImapSource(dovecot.host, dovecot.port, dovecot.user, wrong, security="plain")

    with pytest.raises(MailboxError) as caught:
        src.fetch(None)

    message = str(caught.value)
    assert "Authentication failed" in message
    assert "\n" not in message
    assert wrong not in message and dovecot.password not in message


def test_plain_is_never_the_default(dovecot: DovecotServer) -> None:
    # Default security is implicit TLS, which a plain-text port cannot speak.
    src = ImapSource(dovecot.host, dovecot.port, dovecot.user, dovecot.password, timeout=5)
    with pytest.raises(MailboxError):
        src.fetch(None)


def starttls_source(server: DovecotServer, context: ssl.SSLContext) -> ImapSource:
    return ImapSource(
        server.host, server.port, server.user, server.password,
        security="starttls", ssl_context=context, timeout=5,
    )  # fmt: skip


def test_starttls_with_trusted_self_signed_cert(dovecot_tls: DovecotServer) -> None:
    dovecot_tls.append(mail(1))
    context = ssl.create_default_context(cafile=str(dovecot_tls.cert_path))
    src = starttls_source(dovecot_tls, context)
    try:
        assert [m.raw for m in src.fetch(None).messages] == [mail(1)]
    finally:
        src.close()
    # Dovecot logs how each login was protected: "TLS" rather than plain-text "secured".
    log = dovecot_tls.log_path.read_text()
    assert re.search(f"Login: user=<{dovecot_tls.user}>, [^\n]*, TLS,", log)


def test_starttls_rejects_untrusted_cert(dovecot_tls: DovecotServer) -> None:
    src = starttls_source(dovecot_tls, ssl.create_default_context())

    with pytest.raises(MailboxError, match="certificate verify failed"):
        src.fetch(None)
    src.close()


def test_starttls_refused_by_plain_server(dovecot: DovecotServer) -> None:
    src = starttls_source(dovecot, ssl.create_default_context())
    with pytest.raises(MailboxError, match="STARTTLS"):
        src.fetch(None)


def test_idle_wait_returns_when_mail_arrives(dovecot: DovecotServer, source: ImapSource) -> None:
    source.fetch(None)
    timer = threading.Timer(0.5, dovecot.append, args=(mail(1),))
    timer.start()
    try:
        started = time.monotonic()
        source.wait(10)
        elapsed = time.monotonic() - started
    finally:
        timer.join()

    assert elapsed < 5
    assert [m.raw for m in source.fetch(None).messages] == [mail(1)]


def test_idle_wait_returns_at_once_for_mail_that_came_before_it(
    dovecot: DovecotServer, source: ImapSource
) -> None:
    source.fetch(None)
    dovecot.append(mail(1))

    started = time.monotonic()
    source.wait(10)

    assert time.monotonic() - started < 2


def test_idle_wait_times_out_when_nothing_happens(source: ImapSource) -> None:
    source.fetch(None)
    started = time.monotonic()
    source.wait(1.0)
    assert 0.9 <= time.monotonic() - started < 3
    source.fetch(None)  # the connection is still usable after IDLE


def test_wait_without_idle_sleeps(dovecot: DovecotServer) -> None:
    src = source_for(dovecot, use_idle=False)
    started = time.monotonic()
    src.wait(0.3)
    assert time.monotonic() - started >= 0.3


def test_wait_on_a_dead_server_raises(dovecot: DovecotServer, source: ImapSource) -> None:
    source.fetch(None)
    dovecot.stop()
    with pytest.raises(MailboxError):
        source.wait(1)


def test_bad_key_is_rejected(source: ImapSource) -> None:
    with pytest.raises(MailboxError, match="not an IMAP message key"):
        source.mark_processed("cur/1234.abc")


# -- arrival time -------------------------------------------------------------------------------

FRIDAY_4PM = datetime(2026, 11, 27, 16, 0, tzinfo=UTC)  # London is on GMT in November


def test_fetch_gives_each_message_its_internaldate_as_aware_utc(
    dovecot: DovecotServer, source: ImapSource
) -> None:
    dovecot.append(mail(1), arrived=FRIDAY_4PM)
    # Another zone on the wire is the same instant once read.
    dovecot.append(
        mail(2), arrived=datetime(2026, 11, 27, 17, 30, tzinfo=timezone(timedelta(hours=1)))
    )

    first, second = source.fetch(None).messages

    assert first.arrived_at == FRIDAY_4PM and first.arrived_at.utcoffset() == timedelta(0)
    assert second.arrived_at == datetime(2026, 11, 27, 16, 30, tzinfo=UTC)


def test_mail_older_than_the_cut_off_is_counted_not_fetched_and_stays_unread(
    dovecot: DovecotServer, source: ImapSource
) -> None:
    dovecot.append(mail(1), arrived=datetime(2026, 3, 3, 10, 0, tzinfo=UTC))
    # One minute before midnight in London on the day before the cut-off: still old.
    dovecot.append(mail(2), arrived=datetime(2026, 11, 30, 23, 59, tzinfo=UTC))
    dovecot.append(mail(3), arrived=datetime(2026, 12, 1, 0, 0, tzinfo=UTC))
    cut_off = datetime(2026, 12, 1, tzinfo=LONDON)

    batch = source.fetch(None, arrived_since=cut_off)
    again = source.fetch(batch.cursor, arrived_since=cut_off)

    assert [m.raw for m in batch.messages] == [mail(3)]
    assert batch.left == LeftInInbox(count=2, oldest=datetime(2026, 3, 3, 10, 0, tzinfo=UTC))
    assert len(dovecot.list_uids()) == 3
    assert all(b"\\Seen" not in flags for flags in dovecot.flags().values())
    # Past the cursor: the old mail is not looked at again on the next pass.
    assert again.messages == [] and again.left == LeftInInbox()


def test_mark_processed_many_moves_a_set_and_says_what_was_already_gone(
    dovecot: DovecotServer, source: ImapSource
) -> None:
    for n in range(1, 5):
        dovecot.append(mail(n))
    keys = [m.key for m in source.fetch(None).messages]
    source.mark_processed(keys[0])  # moved earlier, e.g. a pass whose reply was lost
    uidvalidity, uid = keys[3].split(":")
    stale = f"{int(uidvalidity) + 1}:{uid}"

    moves = source.mark_processed_many([*keys[:3], stale], budget_seconds=30)

    assert moves.error is None
    assert moves.done == {
        keys[0]: Moved.GONE, keys[1]: Moved.MOVED, keys[2]: Moved.MOVED, stale: Moved.GONE,
    }  # fmt: skip
    assert dovecot.fetch_all("INBOX") == [mail(4)]
    assert dovecot.fetch_all("Processed") == [mail(1), mail(2), mail(3)]


def test_mark_processed_many_without_move_capability() -> None:
    with running_server(imap_capability="IMAP4rev1 IDLE UIDPLUS") as server:
        for n in range(1, 4):
            server.append(mail(n))
        src = source_for(server)
        try:
            keys = [m.key for m in src.fetch(None).messages]
            moves = src.mark_processed_many(keys[:2], budget_seconds=30)
        finally:
            src.close()
        assert set(moves.done.values()) == {Moved.MOVED} and len(moves.done) == 2
        assert server.fetch_all("INBOX") == [mail(3)]
        assert server.fetch_all("Processed") == [mail(1), mail(2)]


def test_mark_processed_many_on_a_dead_server_stops_without_raising(
    dovecot: DovecotServer, source: ImapSource
) -> None:
    dovecot.append(mail(1))
    keys = [m.key for m in source.fetch(None).messages]
    dovecot.stop()

    moves = source.mark_processed_many(keys, budget_seconds=30)

    assert moves.done == {} and moves.error and f"127.0.0.1:{dovecot.port}" in moves.error


def test_a_refused_login_names_the_account_and_is_logged_once(
    dovecot: DovecotServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    src = ImapSource(dovecot.host, dovecot.port, dovecot.user, "wrong-Pa55", security="plain")
    for _ in range(3):  # a daemon polling with the wrong password
        with pytest.raises(MailboxError) as caught:
            src.fetch(None)

    assert str(caught.value).startswith(f"IMAP login refused for {dovecot.user}@127.0.0.1:")
    refused = [r for r in caplog.records if "login refused" in r.getMessage()]
    assert len([r for r in refused if r.levelno == logging.INFO]) == 1  # the rest DEBUG
    assert all(r.exc_info is None for r in caplog.records)

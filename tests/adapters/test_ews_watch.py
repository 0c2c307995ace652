"""EwsSource.wait on Exchange's streaming notifications (bot.adapters.ews_watch), against the
local EWS endpoint's Subscribe and GetStreamingEvents (tests/fixtures/ews_streaming.py): mail
is announced as it arrives, a stream Exchange ends is opened again, a subscription Exchange
forgot is made again, and a server that will not stream leaves the poll as it was."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator

import pytest

from bot.adapters.ews_connection import EwsConnection, EwsLogin
from bot.adapters.ews_source import EwsSource
from tests.fixtures.ews import MAILBOX, PASSWORD, USERNAME
from tests.fixtures.ews_streaming import EwsStreamingServer
from tests.fixtures.mail import email

NOTE = email("Note", "Hello.", message_id="<note-1@gmp.police.uk>")


@pytest.fixture
def server(ews: EwsStreamingServer) -> EwsStreamingServer:
    return ews


@pytest.fixture
def source(server: EwsStreamingServer) -> Iterator[EwsSource]:
    login = EwsLogin(server.endpoint, MAILBOX, USERNAME, PASSWORD, "basic")
    src = EwsSource(EwsConnection(login))
    yield src
    src.close()


def _settled(source: EwsSource) -> None:
    """The first wait subscribes, and says yes at once (mail may have come before it)."""
    assert source.wait(10) is True
    assert source.wait(0.3) is False  # nothing since


def _wait_after(source: EwsSource, deliver: threading.Timer) -> tuple[bool, float]:
    started = time.monotonic()
    deliver.start()
    try:
        return source.wait(20), time.monotonic() - started
    finally:
        deliver.join()


def test_wait_returns_as_soon_as_exchange_announces_new_mail(
    server: EwsStreamingServer, source: EwsSource
) -> None:
    _settled(source)
    arrived, took = _wait_after(source, threading.Timer(0.5, server.deliver, [NOTE]))
    assert arrived is True
    assert took < 5  # not the 20 s the wait would have slept
    assert [m.raw for m in source.fetch(None).messages] == [NOTE]


def test_a_stream_exchange_ends_is_opened_again_and_still_announces(
    server: EwsStreamingServer, source: EwsSource
) -> None:
    server.stream_seconds = 0.5  # Exchange ends each connection early
    _settled(source)
    time.sleep(1.5)  # the first stream has ended; another is open
    arrived, _ = _wait_after(source, threading.Timer(0.2, server.deliver, [NOTE]))
    assert arrived is True
    assert server.streams_opened >= 2
    assert server.state.operations.count("Subscribe") == 1  # the subscription lived on


def test_a_subscription_exchange_forgot_is_made_again(
    server: EwsStreamingServer, source: EwsSource
) -> None:
    _settled(source)
    server.forget_subscriptions()  # a restart: the open stream ends, its id is refused
    assert source.wait(15) is True  # subscribed again: one look, in case mail came meanwhile
    arrived, _ = _wait_after(source, threading.Timer(0.2, server.deliver, [NOTE]))
    assert arrived is True
    assert server.state.operations.count("Subscribe") == 2


def test_a_server_that_will_not_stream_leaves_the_poll_and_says_so_once(
    server: EwsStreamingServer, source: EwsSource, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="bot")
    server.refuse_subscriptions = True
    started = time.monotonic()
    assert source.wait(1.5) is False  # slept as before: the poll is the bot's only news
    assert time.monotonic() - started >= 1.4
    server.deliver(NOTE)
    assert [m.raw for m in source.fetch(None).messages] == [NOTE]  # the poll reads it
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1
    assert "no streaming notifications (ErrorInvalidSubscriptionRequest" in warnings[0].message
    assert "the Inbox is polled meanwhile" in warnings[0].message


def _watching() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("ews-inbox-")]


def test_closing_the_source_ends_the_subscription_and_the_watch(
    server: EwsStreamingServer, source: EwsSource
) -> None:
    _settled(source)
    assert len(server.subscriptions) == 1
    started = time.monotonic()
    source.close()
    assert time.monotonic() - started < 1  # a daemon stopping is not held up by the stream
    deadline = time.monotonic() + 10
    while _watching() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _watching() == []  # not left streaming for the rest of the minute
    assert server.subscriptions == {}  # unsubscribed: Exchange ended the stream

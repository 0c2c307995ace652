"""PostgreSQL's LISTEN/NOTIFY listener on a real server: what it hears, and that it says so
once it starts listening, so mail committed while it was still connecting is not left for the
outbox's next tick."""

from __future__ import annotations

import queue
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from bot.adapters.db import notify
from bot.adapters.db.engine import make_engine

CHANNEL = "tscp_test_channel"


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    if not database_url.startswith("postgresql"):
        pytest.skip("LISTEN/NOTIFY is PostgreSQL's")
    made = make_engine(database_url)
    yield made
    made.dispose()


def _heard(engine: Engine) -> tuple[notify.Listener, queue.Queue[str]]:
    payloads: queue.Queue[str] = queue.Queue()
    listener = notify.Listener(engine, CHANNEL, payloads.put)
    return listener, payloads


def test_the_listener_wakes_its_caller_as_soon_as_it_listens(engine: Engine) -> None:
    # A NOTIFY committed before the listener's LISTEN is never delivered: only this first
    # wake makes the waiting side look at what was committed in the meantime.
    with engine.begin() as connection:
        notify.notify(connection, CHANNEL, "before")
    listener, payloads = _heard(engine)
    listener.start()
    try:
        assert payloads.get(timeout=10) == ""
    finally:
        listener.stop()
    assert payloads.empty()  # the early NOTIFY itself was not heard


def test_a_committed_notify_is_heard_and_a_rolled_back_one_is_not(engine: Engine) -> None:
    listener, payloads = _heard(engine)
    listener.start()
    try:
        assert payloads.get(timeout=10) == ""  # listening now
        with engine.connect() as connection:
            notify.notify(connection, CHANNEL, "rolled back")
            connection.rollback()
        with engine.begin() as connection:
            notify.notify(connection, CHANNEL, "committed")
        assert payloads.get(timeout=10) == "committed"
    finally:
        listener.stop()
    assert payloads.empty()

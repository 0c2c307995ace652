"""The signal between instances, on a real PostgreSQL server (LISTEN/NOTIFY) and on a SQLite
file (a bell file beside it): what a listener hears, that it says so once it starts listening
(so mail committed while it was still connecting is not left for the outbox's next tick), and
that a rolled-back transaction is never heard."""

from __future__ import annotations

import logging
import queue
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from bot.adapters.db import notify
from bot.adapters.db.engine import make_engine

CHANNEL = "tscp_test_channel"


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    made = make_engine(database_url)
    yield made
    made.dispose()


def _heard(engine: Engine) -> tuple[notify.Listening, queue.Queue[str]]:
    payloads: queue.Queue[str] = queue.Queue()
    listener = notify.listener(engine, CHANNEL, payloads.put)
    assert listener is not None
    return listener, payloads


def _commit(engine: Engine, payload: str) -> None:
    """A transaction that announces `payload`, as the outbox bell's does."""
    with engine.begin() as connection:
        notify.notify(connection, CHANNEL, payload)
    notify.notify_committed(engine, CHANNEL, payload)


def test_the_listener_wakes_its_caller_as_soon_as_it_listens(engine: Engine) -> None:
    # A notification committed before the listener listens is never delivered: only this
    # first wake makes the waiting side look at what was committed in the meantime.
    _commit(engine, "before")
    listener, payloads = _heard(engine)
    listener.start()
    try:
        assert payloads.get(timeout=10) == ""
    finally:
        listener.stop()
    assert payloads.empty()  # the early notification itself was not heard


def test_a_committed_notify_is_heard_and_a_rolled_back_one_is_not(engine: Engine) -> None:
    listener, payloads = _heard(engine)
    listener.start()
    try:
        assert payloads.get(timeout=10) == ""  # listening now
        with engine.connect() as connection:
            notify.notify(connection, CHANNEL, "rolled back")
            connection.rollback()
        _commit(engine, "committed")
        assert payloads.get(timeout=10) == "committed"
        _commit(engine, "again")  # each commit is heard, not only the first
        assert payloads.get(timeout=10) == "again"
    finally:
        listener.stop()
    assert payloads.empty()


def test_a_database_in_memory_has_no_signal() -> None:
    memory = make_engine("sqlite://")
    try:
        assert not notify.supported(memory)
        assert notify.listener(memory, CHANNEL, print) is None
        notify.notify_committed(memory, CHANNEL, "nothing to ring")  # and no error
    finally:
        memory.dispose()


def test_the_sqlite_bell_is_private_beside_the_database(engine: Engine) -> None:
    bell = notify.bell_file(engine, CHANNEL)
    if bell is None:
        pytest.skip("PostgreSQL's signal is its own NOTIFY, not a file")
    _commit(engine, "first")
    assert bell.parent == Path(str(engine.url.database)).parent
    assert bell.read_text() == "first"
    assert stat.S_IMODE(bell.stat().st_mode) == 0o600
    assert [p.name for p in bell.parent.iterdir() if p.name.startswith(bell.name)] == [bell.name]


def test_a_bell_that_cannot_be_rung_is_logged_and_raises_nothing(
    engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    bell = notify.bell_file(engine, CHANNEL)
    if bell is None:
        pytest.skip("PostgreSQL's signal is its own NOTIFY, not a file")
    bell.mkdir()  # nothing can be put in its place
    with caplog.at_level(logging.WARNING, logger="bot.adapters.db.notify"):
        _commit(engine, "unheard")
    assert f"could not ring {bell.name}" in caplog.text
    assert [p.name for p in bell.parent.iterdir() if p.name.startswith(bell.name)] == [bell.name]

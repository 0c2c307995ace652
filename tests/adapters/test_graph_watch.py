"""GraphSource.wait between passes (bot.adapters.graph_watch) against the local Graph
(tests/fixtures/graph.py): it wakes as soon as the Inbox's delta lists a new message, never for
the bot's own moves, and a look that fails leaves the poll as it was. The looks here come
every 0.2 s instead of 5, so the tests take seconds."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from bot.adapters import graph_watch
from bot.adapters.graph_source import GraphSource
from tests.fixtures.entra import EntraTestServer
from tests.fixtures.graph import MAILBOX, GraphTestServer, local_graph_client
from tests.fixtures.mail import email

NOTE = email("Note", "Hello.", message_id="<note-1@gmp.police.uk>")
LATER = email("Later", "Hello again.", message_id="<note-2@gmp.police.uk>")
LOOK = r"/messages/delta$"


@pytest.fixture
def source(graph: GraphTestServer, entra: EntraTestServer) -> Iterator[GraphSource]:
    src = GraphSource(local_graph_client(graph, entra), MAILBOX)
    yield src
    src.close()


@pytest.fixture(autouse=True)
def quick_looks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(graph_watch, "CHECK_SECONDS", 0.2)


def _read_all(source: GraphSource) -> None:
    """One pass: the round read to its end and its messages moved, as ingest does."""
    batch = source.fetch(None)
    for mail in batch.messages:
        source.mark_processed(mail.key)


def test_wait_wakes_as_soon_as_the_delta_lists_new_mail(
    graph: GraphTestServer, source: GraphSource
) -> None:
    graph.deliver(NOTE)
    _read_all(source)
    timer = threading.Timer(0.5, graph.deliver, [LATER])
    started = time.monotonic()
    timer.start()
    try:
        assert source.wait(20) is True
    finally:
        timer.join()
    assert time.monotonic() - started < 5  # not the 20 s it would have slept


def test_the_bots_own_moves_do_not_wake_it(graph: GraphTestServer, source: GraphSource) -> None:
    graph.deliver(NOTE)
    source.fetch(None)  # the round read to its end...
    looks = graph.state.calls("GET", LOOK)
    source.mark_processed(_key(graph))
    assert source.wait(1.0) is False  # ...and then moved to Processed: a removal, not news
    assert graph.state.calls("GET", LOOK) > looks  # it did look


def test_new_mail_behind_many_of_the_bots_own_moves_still_wakes_it(
    graph: GraphTestServer, source: GraphSource
) -> None:
    """A pass that moved more messages than one page holds: the look steps over the removals
    (three pages here) and still sees the message that came after them."""
    for i in range(25):
        graph.deliver(email(f"Note {i}", "Body.", message_id=f"<many-{i}@gmp.police.uk>"))
    _read_all(source)
    assert source.wait(0.5) is False  # only removals so far
    graph.deliver(LATER)
    assert source.wait(5) is True


def test_a_look_that_fails_leaves_the_poll_as_it_was(
    graph: GraphTestServer, source: GraphSource
) -> None:
    _read_all(source)
    graph.state.mailbox_down = True
    started = time.monotonic()
    assert source.wait(1.0) is False  # no exception: the pass after the wait says what failed
    assert time.monotonic() - started >= 0.9


def test_before_a_round_is_read_to_its_end_it_only_sleeps(
    graph: GraphTestServer, source: GraphSource
) -> None:
    assert source.wait(0.5) is False
    assert graph.state.calls("GET", LOOK) == 0


def _key(graph: GraphTestServer) -> str:
    [item] = graph.in_folder("Inbox")
    return f"{item.id} {item.internet_message_id}"

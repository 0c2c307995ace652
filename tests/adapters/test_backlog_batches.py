"""A backlog larger than one batch, on every backend that lists its inbox in one round (Graph's
delta query, EWS's SyncFolderItems, a Maildir): read in several bounded batches, each message
stored exactly once, none lost, none read twice; a pass cut short carries on, and a restarted
process lists again without skipping anything. The servers are the local fakes speaking the
real protocols (tests/fixtures/graph.py, ews.py); the Maildir is real files."""

from __future__ import annotations

import mailbox
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypedDict, Unpack

import pytest
from sqlalchemy import select

from bot.adapters.db.models import MailboxState, StoredMessage
from bot.adapters.ews_connection import EwsConnection, EwsLogin
from bot.adapters.ews_source import EwsSource
from bot.adapters.graph_client import GraphClient
from bot.adapters.graph_source import GraphSource
from bot.adapters.mail_source import Batch, Cursor, MailboxError
from bot.adapters.maildir_source import MaildirSource
from bot.adapters.oauth_tokens import ClientSecret, EntraApp, OAuthLogin
from bot.app import App
from bot.services.ingest import ingest_pass
from tests.fixtures.app import AppFactory
from tests.fixtures.entra import CLIENT_ID, CLIENT_SECRET, TENANT, EntraTestServer
from tests.fixtures.ews import MAILBOX as EWS_MAILBOX
from tests.fixtures.ews import PASSWORD, USERNAME, EwsTestServer
from tests.fixtures.graph import GRAPH_SCOPE, MAILBOX, GraphTestServer
from tests.fixtures.mail import drop_into_maildir, email

BACKLOG = 11


class Bounds(TypedDict, total=False):
    """How much one fetch may hold (the sources' batch_messages and batch_bytes)."""

    batch_messages: int
    batch_bytes: int


def _notes(n: int, padding: int = 0) -> list[bytes]:
    return [
        email(f"Note {i}", f"Body {i}.\n" + "x" * padding, message_id=f"<note-{i}@gmp.police.uk>")
        for i in range(n)
    ]


class Recorded:
    """The source the pass reads, noting how many messages and bytes each fetch returned."""

    def __init__(self, source: Any) -> None:
        self.source = source
        self.batches: list[tuple[int, int]] = []

    def fetch(self, since: Cursor | None, arrived_since: datetime | None = None) -> Batch:
        batch: Batch = self.source.fetch(since, arrived_since)
        self.batches.append((len(batch.messages), sum(len(m.raw) for m in batch.messages)))
        return batch

    def __getattr__(self, name: str) -> Any:
        return getattr(self.source, name)


def _graph(graph: GraphTestServer, entra: EntraTestServer, **bounds: Unpack[Bounds]) -> GraphSource:
    tokens = EntraApp(
        TENANT,
        CLIENT_ID,
        ClientSecret(CLIENT_SECRET),
        authority=entra.authority,
        validate_authority=False,
    )
    client = GraphClient(graph.base_url, OAuthLogin(tokens, (GRAPH_SCOPE,)), sleep=lambda s: None)
    return GraphSource(client, MAILBOX, **bounds)


def _ews(ews: EwsTestServer, **bounds: Unpack[Bounds]) -> EwsSource:
    login = EwsLogin(ews.endpoint, EWS_MAILBOX, USERNAME, PASSWORD, "basic")
    return EwsSource(EwsConnection(login), page_size=5, **bounds)


@dataclass
class Backend:
    name: str
    deliver: Callable[[bytes], object]  # what it returns is not used
    source: Callable[..., Any]  # a new source (a new process's) with these bounds
    reads: Callable[[], int] = lambda: 0  # requests for messages' bytes so far


@pytest.fixture(params=["graph", "ews", "maildir"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    if request.param == "graph":
        graph: GraphTestServer = request.getfixturevalue("graph")
        entra: EntraTestServer = request.getfixturevalue("entra")
        graph.state.page_size = 4
        return Backend(
            "graph",
            graph.deliver,
            lambda **bounds: _graph(graph, entra, **bounds),
            lambda: graph.state.calls("GET", r"/\$value$"),
        )
    if request.param == "ews":
        ews: EwsTestServer = request.getfixturevalue("ews")
        return Backend(
            "ews",
            lambda raw: ews.deliver(raw, received=datetime(2026, 12, 23, 8, tzinfo=UTC)),
            lambda **bounds: _ews(ews, **bounds),
            lambda: ews.state.operations.count("GetItem"),
        )
    inbox = tmp_path / "inbox"
    mailbox.Maildir(inbox, create=True)
    return Backend(
        "maildir",
        lambda raw: drop_into_maildir(inbox, raw),
        lambda **bounds: MaildirSource(inbox, **bounds),
    )


def _stored(app: App) -> list[bytes]:
    with app.sessions() as session:
        return [r.raw for r in session.scalars(select(StoredMessage).order_by(StoredMessage.id))]


def _deliver_backlog(backend: Backend, padding: int = 0, n: int = BACKLOG) -> list[bytes]:
    raws = _notes(n, padding)
    for raw in raws:
        backend.deliver(raw)
    return raws


# Requests for the bytes of an 11-message backlog read 4 at a time: Graph one per message,
# EWS one GetItem per batch (the sync gives each message's size), a Maildir none.
READS = {"graph": BACKLOG, "ews": 3, "maildir": 0}


def test_a_backlog_is_read_in_bounded_batches_each_message_once(
    backend: Backend, make_app: AppFactory
) -> None:
    raws = _deliver_backlog(backend)
    app, _ = make_app()
    source = Recorded(backend.source(batch_messages=4))

    report = ingest_pass(app, source)

    assert [count for count, _ in source.batches] == [4, 4, 3]
    assert (report.fetched, report.stored, report.duplicates, report.errors) == (11, 11, 0, [])
    assert sorted(_stored(app)) == sorted(raws)  # every byte of every message, once
    assert backend.reads() == READS[backend.name]  # none read twice
    source.close()


def test_a_batch_holds_about_batch_bytes_of_mail_and_at_least_one_message(
    backend: Backend, make_app: AppFactory
) -> None:
    raws = _deliver_backlog(backend, padding=3000, n=6)  # about 3.3 kB each
    app, _ = make_app()
    source = Recorded(backend.source(batch_bytes=7000))
    lone = Recorded(backend.source(batch_bytes=10))

    ingest_pass(app, source)
    ingest_pass(app, lone)  # everything already stored: a full sweep, one message a batch

    assert len(source.batches) >= 2 and sum(count for count, _ in source.batches) == 6
    # Sizes the listing gives keep a batch within the bound; sizes known only once read
    # (Graph) stop it as soon as it is past the bound.
    assert all(size <= 7000 + 3500 for _, size in source.batches)
    assert sorted(_stored(app)) == sorted(raws)
    assert [count for count, _ in lone.batches] == [1] * 6
    source.close()
    lone.close()


class GoesAway(Recorded):
    """The mailbox stops answering after `answers` fetches: the pass stops part-way."""

    def __init__(self, source: Any, answers: int) -> None:
        super().__init__(source)
        self.answers = answers

    def fetch(self, since: Cursor | None, arrived_since: datetime | None = None) -> Batch:
        if len(self.batches) == self.answers:
            raise MailboxError("the mailbox went away")
        return super().fetch(since, arrived_since)


@pytest.mark.parametrize("restarted", [False, True])
def test_a_pass_cut_short_carries_on_and_a_restart_lists_again_skipping_nothing(
    backend: Backend, make_app: AppFactory, restarted: bool
) -> None:
    raws = _deliver_backlog(backend)
    app, _ = make_app()
    source = backend.source(batch_messages=4)
    cut = ingest_pass(app, GoesAway(source, answers=2), full_sweep=False)
    assert (cut.stored, cut.mailbox_error) == (8, "the mailbox went away")
    if restarted:
        source.close()
        source = backend.source(batch_messages=4)  # holds no listing: lists the round again
    reads = backend.reads()

    again = Recorded(source)
    report = ingest_pass(app, again, full_sweep=False)

    assert (report.stored, report.duplicates, report.errors) == (3, 0, [])
    assert sorted(_stored(app)) == sorted(raws)  # none lost, none stored twice
    if restarted:  # the eight stored are read again, and known by their bytes
        assert [count for count, _ in again.batches] == [4, 4, 3]
    else:  # the same listing, from where the stored cursor says
        assert [count for count, _ in again.batches] == [3]
        assert backend.name != "graph" or backend.reads() - reads == 3
    with app.sessions() as session:
        state = session.get(MailboxState, app.mailbox_name)
        assert state is not None and " @" not in (state.sync_state or "")  # the round is done
    again.close()

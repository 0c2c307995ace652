"""A message Graph keeps refusing with an error that blames the server is set aside for a person
once it has failed on enough passes over long enough; it never blocks the rest of the mail for
ever, and a blip or a whole-server outage never sets anything aside.

Exchange Online can answer `GET /users/{u}/messages/{id}/$value` with
`500 {"error": {"code": "generalException"}}` for one message on every attempt while the
others read fine. Such an error may also pass, so each pass that meets it fails and is tried
again until `[ingest] stuck_message_passes` (5) passes over `stuck_message_minutes` (30) have
failed at that message; then it is kept as an unreadable placeholder on the triage list and
the rest of the Inbox is read (bot.services.stuck_messages).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TypedDict, Unpack

import pytest
from sqlalchemy import func, select

from bot.adapters.db.models import Case
from bot.adapters.graph_source import GraphSource
from bot.services.digest_messages import quarantine
from tests.fixtures.app import AppFactory
from tests.fixtures.entra import EntraTestServer
from tests.fixtures.graph import MAILBOX, GraphTestServer, local_graph_client
from tests.fixtures.mail import email, sin
from tests.fixtures.stuck import (
    blocked_then_set_aside,
    counted,
    mailbox_state,
    passes,
    statuses,
    stored_rows,
)

GENERAL = (500, "generalException")


class Bounds(TypedDict, total=False):
    """How much one fetch may hold (the sources' batch_messages and batch_bytes)."""

    batch_messages: int
    batch_bytes: int


def _source(graph: GraphTestServer, entra: EntraTestServer, **kw: Unpack[Bounds]) -> GraphSource:
    return GraphSource(local_graph_client(graph, entra), MAILBOX, **kw)


@pytest.fixture
def source(graph: GraphTestServer, entra: EntraTestServer) -> Iterator[GraphSource]:
    src = _source(graph, entra)
    yield src
    src.close()


def _broken() -> bytes:
    return email(
        "Chronology for the panel", "(attached)", sender="dc.invented@nhs.net",
        message_id="<broken-1@nhs.net>",
    )  # fmt: skip


def _three(graph: GraphTestServer, error: tuple[int, str] = GENERAL) -> str:
    """Two SINs with a message between them whose $value answers `error`; its id."""
    graph.deliver(sin())
    bad = graph.deliver(_broken())
    graph.deliver(sin("<sin-2@gmp.police.uk>", sender="lee.invented@gmp.police.uk"))
    graph.state.mime_errors[bad] = error
    return bad


@pytest.mark.parametrize(
    "minutes",
    [[0, 15, 30, 45], [0, 2, 4, 6, 8, 10]],
    ids=["four passes over 45 minutes", "six passes within 10 minutes"],
)
def test_below_the_threshold_the_pass_fails_at_the_message_and_nothing_moves_on(
    graph: GraphTestServer, source: GraphSource, make_app: AppFactory, minutes: list[int]
) -> None:
    app, clock = make_app()
    _three(graph)

    reports = passes(app, source, clock, minutes)

    assert all(r.mailbox_error and "generalException" in r.mailbox_error for r in reports)
    assert (
        stored_rows(app) == [] and mailbox_state(app).sync_state is None
    )  # the delta link is not kept
    assert counted(app) == [len(minutes)]
    assert {m.internet_message_id for m in graph.in_folder("Inbox")} == {
        "<sin-1@gmp.police.uk>", "<broken-1@nhs.net>", "<sin-2@gmp.police.uk>",
    }  # fmt: skip


def test_after_five_passes_over_half_an_hour_it_waits_on_the_triage_list_and_the_rest_is_read(
    graph: GraphTestServer, source: GraphSource, make_app: AppFactory
) -> None:
    app, clock = make_app()
    bad = _three(graph)

    reports = passes(app, source, clock, [0, 8, 16, 24, 32])

    assert all(r.mailbox_error for r in reports[:4])
    last = reports[4]
    assert last.mailbox_error is None and last.errors == []
    assert last.quarantined == 1 and last.processed == 2 and last.released == 2
    rows = stored_rows(app)
    (kept,) = [r for r in rows if r.status == "quarantined"]
    assert kept.needs_triage and kept.size == 0 and kept.source_key.startswith(bad)
    assert (kept.message_id, kept.subject, kept.from_addr) == (
        "broken-1@nhs.net", "Chronology for the panel", "dc.invented@nhs.net",
    )  # fmt: skip
    assert "generalException" in (kept.last_error or "")
    assert "refused on 5 passes over 32 minutes" in (kept.last_error or "")
    assert "still there, untouched" in (kept.triage_reason or "")
    with app.sessions() as session:
        assert [m["id"] for m in quarantine(session)] == [kept.id]  # the digest shows it
        assert session.scalar(select(func.count()).select_from(Case)) == 2  # both SINs acted on
    # The SINs are released; the broken one stays in the Inbox for a person to open.
    assert [m.id for m in graph.in_folder("Inbox")] == [bad]
    assert {m.internet_message_id for m in graph.in_folder("Processed")} == {
        "<sin-1@gmp.police.uk>", "<sin-2@gmp.police.uk>",
    }  # fmt: skip
    state = mailbox_state(app)
    assert state.last_error is None and state.sync_state  # the cursor moved past it

    # New mail after it is read on the next pass; the broken one is not asked for again.
    asked = graph.state.calls("GET", "/messages/[^/]+/\\$value$")
    graph.deliver(sin("<sin-3@gmp.police.uk>", sender="kim.invented@gmp.police.uk"))
    (after,) = passes(app, source, clock, [40])
    assert after.errors == [] and after.processed == 1
    assert graph.state.calls("GET", "/messages/[^/]+/\\$value$") == asked + 1


def test_a_good_read_before_the_threshold_starts_the_count_again(
    graph: GraphTestServer, source: GraphSource, make_app: AppFactory
) -> None:
    app, clock = make_app()
    bad = _three(graph)
    passes(app, source, clock, [0, 10, 20, 30])
    assert counted(app) == [4]

    del graph.state.mime_errors[bad]  # it reads fine once (it waits for a person: not a SIN)
    (good,) = passes(app, source, clock, [40])
    assert good.errors == [] and counted(app) == []
    assert bad in {m.id for m in graph.in_folder("Inbox")}

    graph.state.mime_errors[bad] = GENERAL  # and is refused again, listed again by a resync
    graph.expire_delta_tokens()
    graph.deliver(sin("<sin-3@gmp.police.uk>", sender="kim.invented@gmp.police.uk"))
    (again,) = passes(app, source, clock, [50])
    assert again.mailbox_error is not None and counted(app) == [1]  # not set aside at once
    assert [r.size > 0 for r in stored_rows(app) if r.message_id == "broken-1@nhs.net"] == [True]


@pytest.mark.parametrize(
    "error",
    [(403, "ErrorAccessDenied"), (429, "TooManyRequests"), (401, "InvalidAuthenticationToken")],
)
def test_the_app_s_access_or_throttling_never_sets_a_message_aside(
    graph: GraphTestServer, source: GraphSource, make_app: AppFactory, error: tuple[int, str]
) -> None:
    app, clock = make_app()
    _three(graph, error)

    reports = passes(app, source, clock, list(range(0, 180, 15)))

    assert all(r.mailbox_error for r in reports)
    assert stored_rows(app) == [] and counted(app) == [] and mailbox_state(app).sync_state is None


def test_a_whole_server_outage_never_sets_anything_aside_however_long(
    graph: GraphTestServer, source: GraphSource, make_app: AppFactory
) -> None:
    app, clock = make_app()
    _three(graph)
    graph.deliver(sin("<sin-3@gmp.police.uk>", sender="kim.invented@gmp.police.uk"))
    graph.deliver(sin("<sin-4@gmp.police.uk>", sender="sam.invented@gmp.police.uk"))
    for message in graph.in_folder("Inbox"):  # every read fails alike
        graph.state.mime_errors[message.id] = GENERAL

    reports = passes(app, source, clock, list(range(0, 180, 15)))
    # Each pass gives up after three failing reads and a failing witness (the newest
    # message), not a whole batch of them.
    assert graph.state.calls("GET", "/messages/[^/]+/\\$value$") == 4 * len(reports)
    graph.state.mailbox_down = True  # then the listing fails too
    reports += passes(app, source, clock, list(range(180, 300, 15)))

    assert all(r.mailbox_error for r in reports)
    assert stored_rows(app) == [] and counted(app) == [] and mailbox_state(app).sync_state is None
    graph.state.mailbox_down = False
    graph.state.mime_errors.clear()
    (mended,) = passes(app, source, clock, [300])
    assert mended.errors == [] and mended.processed == 5 and mended.quarantined == 0


def test_two_stuck_messages_side_by_side_are_both_set_aside_and_the_rest_is_read(
    graph: GraphTestServer, source: GraphSource, make_app: AppFactory
) -> None:
    app, clock = make_app()
    first = graph.deliver(_broken())
    second = graph.deliver(email("Minutes", "(attached)", message_id="<broken-2@nhs.net>"))
    graph.deliver(sin())
    graph.state.mime_errors.update({first: GENERAL, second: (502, "")})

    reports = passes(app, source, clock, [0, 10, 20, 30, 40])

    assert blocked_then_set_aside(reports)
    assert statuses(app) == {
        "broken-1@nhs.net": "quarantined", "broken-2@nhs.net": "quarantined",
        "sin-1@gmp.police.uk": "processed",
    }  # fmt: skip


def test_three_stuck_messages_side_by_side_are_not_an_outage_when_the_newest_reads_whole(
    graph: GraphTestServer, source: GraphSource, make_app: AppFactory
) -> None:
    """Three refusals with nothing read whole looked like an outage, for ever: the mail behind
    them was never read. The round's newest message, read whole, shows the server gives mail."""
    app, clock = make_app()
    stuck = [
        graph.deliver(email("Minutes", "(attached)", message_id=f"<broken-{i}@nhs.net>"))
        for i in range(3)
    ]
    graph.deliver(sin())
    graph.deliver(sin("<sin-2@gmp.police.uk>", sender="lee.invented@gmp.police.uk"))
    graph.state.mime_errors.update({key: GENERAL for key in stuck})

    reports = passes(app, source, clock, [0, 10, 20, 30, 40])

    assert blocked_then_set_aside(reports)
    assert counted(app) == [5, 5, 5]
    assert statuses(app) == {
        "broken-0@nhs.net": "quarantined", "broken-1@nhs.net": "quarantined",
        "broken-2@nhs.net": "quarantined", "sin-1@gmp.police.uk": "processed",
        "sin-2@gmp.police.uk": "processed",
    }  # fmt: skip
    assert sorted(m.id for m in graph.in_folder("Inbox")) == sorted(stuck)


def _last_in_the_inbox(graph: GraphTestServer) -> str:
    """Two SINs, then the stuck message: alone in the round's last batch, nothing after it."""
    graph.deliver(sin())
    graph.deliver(sin("<sin-2@gmp.police.uk>", sender="lee.invented@gmp.police.uk"))
    bad = graph.deliver(_broken())
    graph.state.mime_errors[bad] = GENERAL
    return bad


@pytest.mark.parametrize(
    ("batch", "deliver"),
    [(1, _three), (2, _last_in_the_inbox)],
    ids=["by the message after it", "last in the Inbox, by a message already processed"],
)
def test_a_stuck_message_alone_in_its_batch_is_told_from_an_outage(
    graph: GraphTestServer,
    entra: EntraTestServer,
    make_app: AppFactory,
    batch: int,
    deliver: Callable[[GraphTestServer], str],
) -> None:
    """Alone in its batch (as an EWS item bigger than the byte bound is), a refusal is counted
    only once the server gives other mail: the round's next message or, with none after it
    (it held every pass until new mail came), a message of Processed, read whole."""
    app, clock = make_app()
    source = _source(graph, entra, batch_messages=batch)
    bad = deliver(graph)
    try:
        reports = passes(app, source, clock, [0, 10, 20, 30, 40])
    finally:
        source.close()

    assert blocked_then_set_aside(reports)
    assert statuses(app) == {
        "sin-1@gmp.police.uk": "processed", "sin-2@gmp.police.uk": "processed",
        "broken-1@nhs.net": "quarantined",
    }  # fmt: skip
    assert [m.id for m in graph.in_folder("Inbox")] == [bad]


def test_a_stuck_message_with_nothing_processed_yet_waits_for_other_mail(
    graph: GraphTestServer, source: GraphSource, make_app: AppFactory
) -> None:
    """The first message of a new mailbox, refused: nothing anywhere shows the server gives
    mail, so it is not counted (it may be an outage) until other mail arrives."""
    app, clock = make_app()
    bad = graph.deliver(_broken())
    graph.state.mime_errors[bad] = GENERAL

    first = passes(app, source, clock, [0, 10, 20, 30, 40])
    assert all(r.mailbox_error for r in first) and counted(app) == []
    graph.deliver(sin())
    reports = passes(app, source, clock, [50, 60, 70, 80, 90])

    assert blocked_then_set_aside(reports)
    assert statuses(app) == {"broken-1@nhs.net": "quarantined", "sin-1@gmp.police.uk": "processed"}


def test_an_outage_of_every_folder_never_sets_the_last_message_aside(
    graph: GraphTestServer, source: GraphSource, make_app: AppFactory
) -> None:
    app, clock = make_app()
    graph.deliver(sin())
    (first,) = passes(app, source, clock, [0])
    assert first.processed == 1 and len(graph.in_folder("Processed")) == 1
    graph.deliver(_broken())
    for folder in ("Inbox", "Processed"):  # every read fails alike, the witness's too
        graph.state.mime_errors.update({m.id: GENERAL for m in graph.in_folder(folder)})

    reports = passes(app, source, clock, list(range(15, 180, 15)))

    assert all(r.mailbox_error for r in reports) and counted(app) == []
    graph.state.mime_errors.clear()
    (mended,) = passes(app, source, clock, [180])
    assert mended.errors == [] and mended.processed == 1 and mended.quarantined == 0

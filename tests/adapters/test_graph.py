"""The graph backend against a local Graph (tests/fixtures/graph.py) that checks tokens from the
local Entra ID: delta paging and links, 410 resync, throttling, token refresh, moves whose ids
change, and sendMail with the bot's own MIME."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.adapters.db.models import Case, MailboxState, StoredMessage
from bot.adapters.graph_client import GraphClient
from bot.adapters.graph_sender import GraphSender
from bot.adapters.graph_source import GraphSource
from bot.adapters.mail_source import Cursor, MailboxError, MessageGone, Moved
from bot.adapters.oauth_tokens import EXCHANGE_SCOPE, ClientSecret, EntraApp, OAuthLogin
from bot.adapters.outgoing import SendError
from bot.adapters.sent_folder import SentFolder
from bot.bootstrap import make_sent_lookup
from bot.config import ConfigError, load_config
from bot.services.ingest import ingest_pass
from tests.fixtures.app import AppFactory, make_config
from tests.fixtures.entra import CLIENT_ID, CLIENT_SECRET, TENANT, EntraTestServer
from tests.fixtures.graph import GRAPH_SCOPE, MAILBOX, GraphTestServer, write_graph_config
from tests.fixtures.mail import email, sin
from tests.fixtures.set_aside import ATTENTION, FOUND, stopped_then_restarted, triage_done


class Waits:
    """Stands in for time.sleep: records what Graph asked us to wait, without waiting."""

    def __init__(self) -> None:
        self.seconds: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.seconds.append(seconds)


@pytest.fixture
def waits() -> Waits:
    return Waits()


@pytest.fixture
def app_tokens(entra: EntraTestServer) -> EntraApp:
    return EntraApp(
        TENANT,
        CLIENT_ID,
        ClientSecret(CLIENT_SECRET),
        authority=entra.authority,
        validate_authority=False,
    )


def _client(
    graph: GraphTestServer, tokens: EntraApp, waits: Waits, scope: str = GRAPH_SCOPE
) -> GraphClient:
    return GraphClient(graph.base_url, OAuthLogin(tokens, (scope,)), sleep=waits)


@pytest.fixture
def source(graph: GraphTestServer, app_tokens: EntraApp, waits: Waits) -> Iterator[GraphSource]:
    src = GraphSource(
        _client(graph, app_tokens, waits), MAILBOX, attention_folder="Needs attention"
    )
    yield src
    src.close()


def _notes(n: int) -> list[bytes]:
    return [
        email(f"Note {i}", f"Body {i}.", message_id=f"<note-{i}@gmp.police.uk>") for i in range(n)
    ]


def test_delta_pages_to_the_end_and_reads_each_message_raw(
    graph: GraphTestServer, source: GraphSource
) -> None:
    graph.state.page_size = 10
    raws = _notes(25)
    for raw in raws:
        graph.deliver(raw)

    batch = source.fetch(None)

    assert sorted(m.raw for m in batch.messages) == sorted(raws)  # every byte, nothing missed
    assert graph.state.calls("GET", r"/messages/delta$") == 3  # 10 + 10 + 5, via nextLink
    assert batch.cursor is not None and "$deltatoken=" in batch.cursor.sync_state
    # The Graph id is the key, the Internet Message-ID beside it; arrival is receivedDateTime.
    first = graph.in_folder("Inbox")[0]
    mail = next(m for m in batch.messages if m.raw == first.raw)
    assert mail.key == f"{first.id} {first.internet_message_id}"
    assert mail.arrived_at == first.received.replace(microsecond=0)


def test_mail_before_the_cut_off_is_counted_not_read(
    graph: GraphTestServer, source: GraphSource
) -> None:
    graph.deliver(_notes(1)[0], received=datetime(2026, 11, 2, 9, tzinfo=UTC))
    graph.deliver(sin(), received=datetime(2026, 12, 23, 8, tzinfo=UTC))

    batch = source.fetch(None, datetime(2026, 12, 1, tzinfo=UTC))

    assert [m.raw for m in batch.messages] == [sin()]
    assert batch.left.count == 1
    assert graph.state.calls("GET", r"/\$value$") == 1


def test_the_delta_link_is_kept_in_the_database_and_reused(
    graph: GraphTestServer, source: GraphSource, make_app: AppFactory
) -> None:
    app, _ = make_app()
    graph.deliver(sin())

    first = ingest_pass(app, source, full_sweep=False)
    graph.deliver(sin("<sin-2@gmp.police.uk>"))
    second = ingest_pass(app, source, full_sweep=False)

    assert (first.fetched, second.fetched) == (1, 1)  # the second pass asked only what changed
    with app.sessions() as session:
        state = session.get(MailboxState, app.mailbox_name)
        assert state is not None and state.sync_state and "$deltatoken=" in state.sync_state
    delta_requests = [p for m, p in graph.state.requests if p.endswith("/messages/delta")]
    assert len(delta_requests) == 2
    assert graph.state.calls("GET", r"/\$value$") == 2  # each message read once


# Another officer: the same SIN sent again by the same one would be flagged as a repeat.
OTHER_OFFICER = "lee.invented@gmp.police.uk"


def test_an_expired_delta_link_reads_everything_again_losing_and_doubling_nothing(
    graph: GraphTestServer, app_tokens: EntraApp, waits: Waits, make_app: AppFactory
) -> None:
    app, _ = make_app()
    # No needs-attention folder: mail for a person stays in the Inbox, read again on a resync.
    source = GraphSource(_client(graph, app_tokens, waits), MAILBOX)
    for raw in (sin(), *_notes(2)):
        graph.deliver(raw)
    # The first pass stores all three but cannot move the SIN (the mailbox went away).
    real_move = source.mark_processed
    source.mark_processed = _unreachable  # type: ignore[method-assign]
    first = ingest_pass(app, source, full_sweep=False)
    source.mark_processed = real_move  # type: ignore[method-assign]
    graph.deliver(sin("<sin-2@gmp.police.uk>", sender=OTHER_OFFICER))
    graph.expire_delta_tokens()

    report = ingest_pass(app, source, full_sweep=False)

    assert first.waiting_for_a_person == 2 and first.released == 0
    assert report.errors == []
    assert report.fetched == 4  # the whole Inbox again: three seen before, one new
    assert (report.stored, report.duplicates) == (1, 0)
    with app.sessions() as session:
        rows = session.scalars(select(StoredMessage)).all()
        assert len(rows) == 4 and len({r.sha256 for r in rows}) == 4
        assert all(r.duplicate_deliveries == 0 for r in rows)
        assert session.scalar(select(func.count()).select_from(Case)) == 2  # one per SIN
    assert sorted(m.raw for m in graph.in_folder("Processed")) == sorted(
        [sin(), sin("<sin-2@gmp.police.uk>", sender=OTHER_OFFICER)]
    )
    assert len(graph.in_folder("Inbox")) == 2  # the two kept for the Business Manager
    source.close()


def _unreachable(key: str) -> None:
    raise MailboxError("Graph moving a message failed: connection failed")


def test_a_move_lost_in_a_crash_is_found_in_processed_next_time(
    graph: GraphTestServer, source: GraphSource, make_app: AppFactory
) -> None:
    app, _ = make_app()
    graph.deliver(sin())
    real_move = source.mark_processed

    def move_then_crash(key: str) -> None:
        real_move(key)  # Graph moved it (and gave it a new id)...
        raise MailboxError("connection reset")  # ...but the bot never heard back

    source.mark_processed = move_then_crash  # type: ignore[method-assign]
    first = ingest_pass(app, source, full_sweep=False)
    source.mark_processed = real_move  # type: ignore[method-assign]
    second = ingest_pass(app, source, full_sweep=False)

    assert first.released == 0 and second.released == 1 and second.errors == []
    assert [m.raw for m in graph.in_folder("Processed")] == [sin()]  # once, not twice
    with app.sessions() as session:
        rows = session.scalars(select(StoredMessage)).all()
        assert len(rows) == 1 and rows[0].released_at is not None


def test_moving_twice_is_harmless_and_a_vanished_message_is_gone(
    graph: GraphTestServer, source: GraphSource
) -> None:
    graph.deliver(sin())
    (mail,) = source.fetch(None).messages

    source.mark_processed(mail.key)
    source.mark_processed(mail.key)  # the old id now 404s; found in Processed by Message-ID

    (moved,) = graph.in_folder("Processed")
    assert moved.raw == sin() and moved.id != mail.key.split()[0]  # Graph gave it a new id
    assert [f.display_name for f in graph.state.folders.values()].count("Processed") == 1
    gone = f"{mail.key.split()[0]} <never-seen@example.org>"
    with pytest.raises(MessageGone):
        source.mark_processed(gone)


def test_a_batch_of_moves_reports_each_and_stops_at_the_first_failure(
    graph: GraphTestServer, source: GraphSource
) -> None:
    for raw in (sin(), *_notes(2)):
        graph.deliver(raw)
    keys = [m.key for m in source.fetch(None).messages]
    source.mark_processed(keys[0])  # moved earlier; its answer was lost

    moves = source.mark_processed_many(keys, budget_seconds=60)

    assert moves.error is None and set(moves.done.values()) == {Moved.MOVED}
    assert len(moves.done) == 3 and len(graph.in_folder("Processed")) == 3
    graph.deliver(sin("<sin-2@gmp.police.uk>"))
    (late,) = [m.key for m in source.fetch(None).messages]
    graph.state.mailbox_down = True
    down = source.mark_processed_many([late], budget_seconds=60)
    assert down.done == {} and down.error and "serviceNotAvailable" in down.error
    gone = source.mark_processed_many(["AAMkADgone <gone@example.org>"], budget_seconds=60)
    assert gone.done == {} and gone.error  # the outage still holds: nothing claimed
    graph.state.mailbox_down = False
    assert source.mark_processed_many(
        ["AAMkADgone <gone@example.org>"], budget_seconds=60
    ).done == {"AAMkADgone <gone@example.org>": Moved.GONE}


def test_sent_items_is_where_a_maybe_sent_email_is_looked_for(
    graph: GraphTestServer, app_tokens: EntraApp, waits: Waits, tmp_path: Path, database_url: str
) -> None:
    # As the outbox opens it: from the configuration, whose sent_folder is "Sent Items" (the
    # English name of the well-known folder, which Graph calls "sentitems" in any language).
    path = write_graph_config(tmp_path, database_url, graph)
    lookup = make_sent_lookup(load_config(path, {"TEST_ENTRA_SECRET": CLIENT_SECRET}))
    assert lookup is not None
    sender = GraphSender(_client(graph, app_tokens, waits), MAILBOX)
    assert not lookup.was_sent("tscp-ack-1@tameside.gov.uk")

    sender.send(_ack(), MAILBOX, ["casey.invented@gmp.police.uk"])

    assert lookup.was_sent("tscp-ack-1@tameside.gov.uk")
    graph.state.mailbox_down = True
    with pytest.raises(SendError, match="could not look in 'sentitems'"):
        lookup.was_sent("tscp-ack-1@tameside.gov.uk")
    lookup.close()


def test_set_aside_moves_to_needs_attention_and_release_moves_on_to_processed(
    graph: GraphTestServer, source: GraphSource
) -> None:
    graph.deliver(sin())
    (mail,) = source.fetch(None).messages

    aside = source.set_aside(mail.key)

    assert aside is not None and aside != mail.key
    assert [m.raw for m in graph.in_folder("Needs attention")] == [sin()]
    assert source.set_aside(mail.key) == aside  # again after a crash: found there, same key
    source.mark_processed(aside)
    assert graph.in_folder("Needs attention") == []
    assert [m.raw for m in graph.in_folder("Processed")] == [sin()]


def test_throttling_waits_as_long_as_graph_asks(
    graph: GraphTestServer, source: GraphSource, waits: Waits
) -> None:
    graph.deliver(sin())
    graph.state.throttle = [3, 1]

    batch = source.fetch(None)

    assert [m.raw for m in batch.messages] == [sin()]
    assert waits.seconds == [3.0, 1.0]


def test_throttling_longer_than_the_bound_is_a_clear_mailbox_error(
    graph: GraphTestServer, source: GraphSource, waits: Waits
) -> None:
    graph.state.throttle = [600]

    with pytest.raises(MailboxError) as raised:
        source.fetch(None)

    assert waits.seconds == []
    assert str(raised.value).startswith("Graph refused the Inbox delta query: TooManyRequests")


def test_a_refused_cached_token_is_replaced_once(
    graph: GraphTestServer, source: GraphSource, entra: EntraTestServer
) -> None:
    graph.deliver(sin())
    source.fetch(None)
    entra.revoke_all()  # consent withdrawn and given again, or the token otherwise refused

    batch = source.fetch(None)

    assert [m.raw for m in batch.messages] == [sin()]
    assert graph.state.bearer_refusals == 1
    assert len(entra.state.token_requests) == 2


def test_tokens_graph_keeps_refusing_are_one_clear_line(
    graph: GraphTestServer, source: GraphSource, entra: EntraTestServer
) -> None:
    source.fetch(None)
    entra.state.refuse_tokens = True

    with pytest.raises(MailboxError) as raised:
        source.fetch(None)

    message = str(raised.value)
    assert "Graph refused the Inbox delta query: InvalidAuthenticationToken" in message
    assert "\n" not in message and CLIENT_SECRET not in message
    assert graph.state.bearer_refusals == 2  # the cached token, then one fresh one; no more


def test_a_token_for_exchange_is_not_a_token_for_graph(
    graph: GraphTestServer, app_tokens: EntraApp, waits: Waits
) -> None:
    source = GraphSource(_client(graph, app_tokens, waits, scope=EXCHANGE_SCOPE), MAILBOX)
    with pytest.raises(MailboxError, match="InvalidAuthenticationToken"):
        source.fetch(None)


def test_a_mailbox_outside_the_apps_scope_names_the_permission(
    graph: GraphTestServer, source: GraphSource, entra: EntraTestServer
) -> None:
    entra.state.mailbox = "someone.else@tameside.gov.uk"  # RBAC scope is another mailbox

    with pytest.raises(MailboxError) as raised:
        source.fetch(None)

    assert "ErrorAccessDenied" in str(raised.value)
    assert "Mail.ReadWrite application permission" in str(raised.value)


def _ack() -> bytes:
    return email(
        "Re: Serious Incident Notification [TSCP-2026-0001]",
        "We have your notification.",
        sender=MAILBOX,
        to="casey.invented@gmp.police.uk",
        message_id="<tscp-ack-1@tameside.gov.uk>",
        headers={"In-Reply-To": "<sin-1@gmp.police.uk>", "References": "<sin-1@gmp.police.uk>"},
    )


def test_send_mail_sends_the_bots_own_mime(
    graph: GraphTestServer, app_tokens: EntraApp, waits: Waits
) -> None:
    sender = GraphSender(_client(graph, app_tokens, waits), MAILBOX)

    sender.send(_ack(), MAILBOX, ["casey.invented@gmp.police.uk", "bm.invented@tameside.gov.uk"])

    (sent,) = graph.state.sent
    assert sent.mime.endswith(_ack())  # untouched: Message-ID, In-Reply-To, body
    assert sent.recipients == ["casey.invented@gmp.police.uk", "bm.invented@tameside.gov.uk"]
    assert sent.mime.startswith(b"Bcc: bm.invented@tameside.gov.uk")


def test_send_mail_without_the_permission_is_retried_and_names_it(
    graph: GraphTestServer, app_tokens: EntraApp, waits: Waits
) -> None:
    # Withdrawn for every email alike: once an administrator restores it, the queue goes out.
    graph.state.permissions.discard("Mail.Send")
    sender = GraphSender(_client(graph, app_tokens, waits), MAILBOX)

    with pytest.raises(SendError) as raised:
        sender.send(_ack(), MAILBOX, ["casey.invented@gmp.police.uk"])

    assert not raised.value.permanent and not raised.value.maybe_sent
    assert "Mail.Send application permission" in str(raised.value)
    assert graph.state.sent == []


def test_send_mail_throttled_is_retried_then_temporary(
    graph: GraphTestServer, app_tokens: EntraApp, waits: Waits
) -> None:
    graph.state.throttle = [1, 1, 1, 1]
    sender = GraphSender(_client(graph, app_tokens, waits), MAILBOX)

    with pytest.raises(SendError) as raised:
        sender.send(_ack(), MAILBOX, ["casey.invented@gmp.police.uk"])

    assert not raised.value.permanent and waits.seconds == [1.0, 1.0, 1.0]


def test_config_graph_backend_needs_the_microsoft_app(tmp_path: Path, database_url: str) -> None:
    mailbox = {"backend": "graph", "graph": {"user": MAILBOX}}
    with pytest.raises(ConfigError, match=r'mailbox.backend: "graph" needs a \[microsoft\]'):
        make_config(tmp_path, database_url, mailbox=mailbox)


def test_config_graph_base_url_must_be_https(tmp_path: Path, database_url: str) -> None:
    mailbox = {"backend": "graph", "graph": {"user": MAILBOX, "base_url": "http://graph.example"}}
    with pytest.raises(ConfigError, match=r"mailbox.graph.base_url: expected an https:// URL"):
        make_config(tmp_path, database_url, mailbox=mailbox)


def test_cursor_keeps_imap_and_graph_state_apart() -> None:
    assert Cursor.stored(None, None, None) is None
    assert Cursor.stored(7, 42, None) == Cursor(7, 42)
    assert Cursor.stored(None, None, "x y").sync_state == "x y"  # type: ignore[union-attr]
    assert Cursor.stored(0, 0, None) is None  # a round that keeps nothing (a Maildir) ended


def test_triage_done_finds_mail_set_aside_by_a_bot_stopped_before_its_commit(
    graph: GraphTestServer, app_tokens: EntraApp, waits: Waits, make_app: AppFactory
) -> None:
    def open_source() -> GraphSource:
        return GraphSource(_client(graph, app_tokens, waits), MAILBOX, attention_folder=ATTENTION)

    app, _ = make_app()
    app.open_source = open_source
    graph.deliver(email("Lunch on Friday?", "Anyone free?", sender="a.invented@example.org"))
    row_id = stopped_then_restarted(app, open_source(), open_source())

    assert triage_done(app, row_id) == FOUND

    assert graph.in_folder(ATTENTION) == [] and len(graph.in_folder("Processed")) == 1


def test_a_sent_folder_that_is_not_there_is_mail_server_trouble_not_not_sent(
    source: GraphSource,
) -> None:
    # A folder configured by name that the mailbox does not have: that the email is not in
    # it says nothing about whether it went, so the outbox must not send it again.
    lookup = SentFolder(source, "Sent Archive")

    with pytest.raises(SendError) as raised:
        lookup.was_sent("tscp-ack-1@tameside.gov.uk")

    assert raised.value.server and not raised.value.maybe_sent
    assert "the Sent folder Sent Archive not found; the server has: " in str(raised.value)
    assert "Inbox" in str(raised.value)

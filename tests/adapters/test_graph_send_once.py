"""Graph calls that change something are never repeated inside the client on an answer that
does not say they were not done.

Microsoft Graph errors (learn.microsoft.com/graph/errors): 504 Gateway Timeout, the gateway
"didn't receive a timely response from the upstream server": Exchange may well have sent the
mail or moved the message. sendMail has no idempotency key, so a 504 is raised at once as maybe
done and the outbox looks in Sent Items before it sends again; 429 and 503 (not processed) are
still waited for, and a GET, which changes nothing, is still repeated after a 504.
"""

from __future__ import annotations

import email
from email import policy
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.adapters.db.engine import make_engine
from bot.adapters.db.models import OutboxMessage
from bot.adapters.graph_client import GraphClient
from bot.adapters.graph_sender import GraphSender
from bot.adapters.graph_source import GraphSource
from bot.adapters.mail_source import MailboxError
from bot.adapters.oauth_tokens import ClientSecret, EntraApp, OAuthLogin
from bot.adapters.outgoing import SendError
from bot.cli import main
from tests.fixtures.entra import CLIENT_ID, CLIENT_SECRET, TENANT, EntraTestServer
from tests.fixtures.graph import GRAPH_SCOPE, MAILBOX, GraphTestServer, write_graph_config
from tests.fixtures.mail import email as an_email
from tests.fixtures.mail import sin


@pytest.fixture
def waits() -> list[float]:
    return []


@pytest.fixture
def client(graph: GraphTestServer, entra: EntraTestServer, waits: list[float]) -> GraphClient:
    tokens = EntraApp(
        TENANT, CLIENT_ID, ClientSecret(CLIENT_SECRET), authority=entra.authority,
        validate_authority=False,
    )  # fmt: skip
    return GraphClient(graph.base_url, OAuthLogin(tokens, (GRAPH_SCOPE,)), sleep=waits.append)


def _ack() -> bytes:
    return an_email(
        "Re: SIN",
        "Received.",
        sender=MAILBOX,
        to="casey.invented@gmp.police.uk",
        message_id="<tscp-ack-1@tameside.gov.uk>",
    )


def _sent_ids(graph: GraphTestServer) -> list[str]:
    return [
        str(email.message_from_bytes(s.mime, policy=policy.default)["Message-ID"])
        for s in graph.state.sent
    ]


def test_a_send_answered_504_after_exchange_sent_it_reaches_the_partner_once(
    tmp_path: Path,
    migrated_database_url: str,
    entra: EntraTestServer,
    graph: GraphTestServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("TEST_ENTRA_SECRET", CLIENT_SECRET)
    monkeypatch.setattr("time.sleep", lambda seconds: None)  # Graph's waits, not the test's
    config = write_graph_config(tmp_path, migrated_database_url, graph)
    assert main(["--config", str(config), "init"]) == 0
    graph.deliver(sin())
    # The first sendMail is carried out (delivered, filed in Sent Items) but answered 504.
    graph.state.late_answers = ["/sendMail$"]

    for now in ("2026-12-23T09:05", "2026-12-23T09:30", "2026-12-23T10:30"):
        main(["--config", str(config), "--now", now, "run", "--once"])
    capsys.readouterr()

    ids = _sent_ids(graph)
    # What the police officer sees: the acknowledgement (or invitation) arrives once.
    assert ids and sorted(set(ids)) == sorted(ids), f"sent twice through Graph: {ids}"
    engine = make_engine(migrated_database_url, create=False)
    with engine.connect() as connection:
        statuses = set(connection.scalars(select(OutboxMessage.status)))
    engine.dispose()
    assert statuses == {"sent"}  # found in Sent Items, recorded as sent: not left to retry


def test_send_mail_answered_504_is_maybe_sent_and_posted_once(
    graph: GraphTestServer, client: GraphClient, waits: list[float]
) -> None:
    graph.state.late_answers = ["/sendMail$"]
    sender = GraphSender(client, MAILBOX)

    with pytest.raises(SendError) as raised:
        sender.send(_ack(), MAILBOX, ["casey.invented@gmp.police.uk"])

    assert raised.value.maybe_sent and not raised.value.permanent
    assert graph.state.calls("POST", r"/sendMail$") == 1 and waits == []
    assert _sent_ids(graph) == ["<tscp-ack-1@tameside.gov.uk>"]  # it went, once


def test_a_move_answered_504_is_not_repeated_and_is_found_moved_next_time(
    graph: GraphTestServer, client: GraphClient, waits: list[float]
) -> None:
    graph.deliver(sin())
    source = GraphSource(client, MAILBOX)
    (mail,) = source.fetch(None).messages
    graph.state.late_answers = ["/move$"]

    with pytest.raises(MailboxError, match="GatewayTimeout"):
        source.mark_processed(mail.key)

    assert graph.state.calls("POST", r"/move$") == 1 and waits == []
    source.mark_processed(mail.key)  # the next pass: gone from the Inbox, found in Processed
    assert [m.raw for m in graph.in_folder("Processed")] == [sin()]


def test_a_read_answered_504_is_waited_for_and_asked_again(
    graph: GraphTestServer, client: GraphClient, waits: list[float]
) -> None:
    graph.deliver(sin())
    graph.state.late_answers = ["/delta$"]

    batch = GraphSource(client, MAILBOX).fetch(None)

    assert [m.raw for m in batch.messages] == [sin()]
    assert waits == [2.0]  # no Retry-After: the client's own first wait


def test_a_send_whose_connection_drops_before_the_answer_is_maybe_sent_and_posted_once(
    graph: GraphTestServer, client: GraphClient, waits: list[float]
) -> None:
    # Carried out, then the connection closes with no answer: as a 504, never sent again
    # without a look in Sent Items.
    graph.state.cut_answers = ["/sendMail$"]
    with pytest.raises(SendError) as raised:
        GraphSender(client, MAILBOX).send(_ack(), MAILBOX, ["casey.invented@gmp.police.uk"])
    assert raised.value.maybe_sent and not raised.value.permanent
    assert graph.state.calls("POST", r"/sendMail$") == 1
    assert _sent_ids(graph) == ["<tscp-ack-1@tameside.gov.uk>"]


def test_a_send_to_a_server_that_cannot_be_reached_is_not_maybe_sent(
    graph: GraphTestServer, entra: EntraTestServer
) -> None:
    tokens = EntraApp(
        TENANT, CLIENT_ID, ClientSecret(CLIENT_SECRET), authority=entra.authority,
        validate_authority=False,
    )  # fmt: skip
    closed = GraphClient("http://127.0.0.1:9/v1.0", OAuthLogin(tokens, (GRAPH_SCOPE,)))
    with pytest.raises(SendError) as raised:  # port 9: nothing listens, nothing was sent
        GraphSender(closed, MAILBOX).send(_ack(), MAILBOX, ["casey.invented@gmp.police.uk"])
    assert not raised.value.maybe_sent

"""Which sendMail failures stop every email alike (SendError.server: `run --once` says so and
exits 1) and which are one email's, or pass by themselves, against the local Graph and Entra ID.

Every email alike: no token (Entra ID refuses the app's credential, or cannot be reached),
Graph not reached (refused, TLS), and Graph's answers about the app or the sending mailbox
(learn.microsoft.com/graph/errors): 401 InvalidAuthenticationToken, 403 ErrorAccessDenied, 404
MailboxNotEnabledForRESTAPI. Not: throttling (429) and an unavailable service (503), which
Graph asks to be tried again after a wait, and a gateway timeout (504), which may have sent it.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable

import pytest

from bot.adapters.graph_client import GraphClient
from bot.adapters.graph_sender import GraphSender
from bot.adapters.oauth_tokens import ClientSecret, EntraApp, OAuthLogin
from bot.adapters.outgoing import SendError
from tests.fixtures.entra import CLIENT_ID, CLIENT_SECRET, TENANT, EntraTestServer
from tests.fixtures.graph import GRAPH_SCOPE, MAILBOX, GraphTestServer
from tests.fixtures.mail import acknowledgement

OFFICER = "casey.invented@gmp.police.uk"


def _tokens(entra: EntraTestServer) -> EntraApp:
    return EntraApp(
        TENANT, CLIENT_ID, ClientSecret(CLIENT_SECRET), authority=entra.authority,
        validate_authority=False,
    )  # fmt: skip


def _sender(base_url: str, tokens: EntraApp) -> GraphSender:
    client = GraphClient(base_url, OAuthLogin(tokens, (GRAPH_SCOPE,)), sleep=lambda s: None)
    return GraphSender(client, MAILBOX)


def _ack() -> bytes:
    return acknowledgement(MAILBOX, OFFICER)


def _not_sent(sender: GraphSender) -> SendError:
    with pytest.raises(SendError) as raised:
        sender.send(_ack(), MAILBOX, [OFFICER])
    return raised.value


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _withdrawn(graph: GraphTestServer, entra: EntraTestServer) -> None:
    graph.state.permissions.discard("Mail.Send")


def _outside_scope(graph: GraphTestServer, entra: EntraTestServer) -> None:
    entra.state.mailbox = "someone.else@tameside.gov.uk"  # RBAC scope is another mailbox


def _refused_tokens(graph: GraphTestServer, entra: EntraTestServer) -> None:
    entra.state.refuse_tokens = True  # consent revoked: Graph takes no token, even a fresh one


def _not_on_exchange_online(graph: GraphTestServer, entra: EntraTestServer) -> None:
    graph.state.rest_disabled = True


def _secret_expired(graph: GraphTestServer, entra: EntraTestServer) -> None:
    entra.state.secret_expired = True


@pytest.mark.parametrize(
    ("fault", "said"),
    [
        (_withdrawn, "Graph refused sendMail: ErrorAccessDenied"),
        (_outside_scope, "Graph refused sendMail: ErrorAccessDenied"),
        (_refused_tokens, "Graph refused sendMail: InvalidAuthenticationToken"),
        (_not_on_exchange_online, "Graph refused sendMail: MailboxNotEnabledForRESTAPI"),
        (_secret_expired, "Graph sendMail: no OAuth token: Entra ID refused the client secret"),
    ],
)
def test_the_app_or_the_mailbox_refused_stops_every_email(
    graph: GraphTestServer,
    entra: EntraTestServer,
    fault: Callable[[GraphTestServer, EntraTestServer], None],
    said: str,
) -> None:
    fault(graph, entra)

    error = _not_sent(_sender(graph.base_url, _tokens(entra)))

    assert (error.server, error.permanent, error.maybe_sent) == (True, False, False)
    assert str(error).startswith(said)
    assert OFFICER not in str(error) and CLIENT_SECRET not in str(error)
    assert graph.state.sent == []


def test_a_mailbox_graph_does_not_serve_names_the_setting(
    graph: GraphTestServer, entra: EntraTestServer
) -> None:
    graph.state.rest_disabled = True  # a 404 no longer fails each email for good

    error = _not_sent(_sender(graph.base_url, _tokens(entra)))

    assert "check [outgoing.graph] user is an Exchange Online mailbox" in str(error)


def test_entra_id_not_reached_stops_every_email(graph: GraphTestServer) -> None:
    nowhere = EntraApp(
        TENANT, CLIENT_ID, ClientSecret(CLIENT_SECRET),
        authority=f"https://127.0.0.1:{_closed_port()}", validate_authority=False,
    )  # fmt: skip

    error = _not_sent(_sender(graph.base_url, nowhere))

    assert error.server and not error.maybe_sent
    assert "no OAuth token: cannot reach https://127.0.0.1:" in str(error)


def test_a_slow_token_fetch_ends_within_the_sends_time(
    graph: GraphTestServer, entra: EntraTestServer
) -> None:
    entra.state.token_delay = 4.0  # Entra ID answering slowly; the send has 1 second in all
    client = GraphClient(graph.base_url, OAuthLogin(_tokens(entra), (GRAPH_SCOPE,)))
    started = time.monotonic()
    with pytest.raises(SendError) as raised:
        GraphSender(client, MAILBOX, send_seconds=1.0).send(_ack(), MAILBOX, [OFFICER])
    assert time.monotonic() - started < 2.5
    assert "no OAuth token" in str(raised.value) and "timed out" in str(raised.value)
    assert not raised.value.maybe_sent


def test_graph_not_reached_stops_every_email(entra: EntraTestServer) -> None:
    nowhere = f"http://127.0.0.1:{_closed_port()}/v1.0"

    error = _not_sent(_sender(nowhere, _tokens(entra)))

    assert (error.server, error.maybe_sent) == (True, False)
    assert str(error) == f"Graph sendMail failed: connection refused ({nowhere})"


def test_a_graph_certificate_not_trusted_stops_every_email(
    entra: EntraTestServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A proxy that inspects TLS with a CA the bot does not trust: here the local Entra ID's
    # own self-signed certificate stands for it, once the token is had.
    tokens = _tokens(entra)
    tokens.token([GRAPH_SCOPE])
    monkeypatch.delenv("REQUESTS_CA_BUNDLE")

    error = _not_sent(_sender(f"{entra.authority}/v1.0", tokens))

    assert (error.server, error.maybe_sent) == (True, False)
    assert "Graph sendMail failed: TLS certificate not trusted" in str(error)


def test_throttling_is_not_trouble_with_the_server(
    graph: GraphTestServer, entra: EntraTestServer
) -> None:
    graph.state.throttle = [1, 1, 1, 1]  # 429 past the client's own retries

    error = _not_sent(_sender(graph.base_url, _tokens(entra)))

    assert (error.server, error.permanent) == (False, False)


def test_graph_unavailable_is_not_trouble_with_the_server(
    graph: GraphTestServer, entra: EntraTestServer
) -> None:
    graph.state.send_down = True  # 503 serviceNotAvailable, Retry-After longer than the bot waits

    error = _not_sent(_sender(graph.base_url, _tokens(entra)))

    assert (error.server, error.permanent) == (False, False)


def test_a_send_maybe_done_is_not_trouble_with_the_server(
    graph: GraphTestServer, entra: EntraTestServer
) -> None:
    graph.state.late_answers = ["/sendMail$"]  # sent, then answered 504

    error = _not_sent(_sender(graph.base_url, _tokens(entra)))

    assert (error.server, error.maybe_sent) == (False, True)

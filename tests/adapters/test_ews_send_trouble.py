"""Which EWS send failures stop every email alike (SendError.server: `run --once` says so and
exits 1) and which are one email's, or pass by themselves, against the local EWS endpoint.

Every email alike, and nothing sent: the login refused (401), no OAuth token, Exchange refusing
the sending mailbox ("CreateItem operation (email message)" ResponseCodes ErrorAccessDenied,
ErrorNonExistentMailbox, ErrorImpersonateUserDenied, ErrorImpersonationDenied), the login not
allowed to send as the mailbox (ErrorSendAsDenied: every email comes from it), and the server
not reached (connection refused, TLS not trusted). Not: ErrorServerBusy (Exchange's throttling,
or a bare 503), one email's recipients refused, or its size.
"""

from __future__ import annotations

import socket
import time

import pytest

from bot.adapters.ews_connection import EwsConnection, EwsLogin
from bot.adapters.ews_sender import EwsSender
from bot.adapters.ews_source import EwsSource
from bot.adapters.mail_source import MailboxError
from bot.adapters.oauth_tokens import ClientSecret, EntraApp, OAuthLogin
from bot.adapters.outgoing import SendError
from tests.fixtures.entra import CLIENT_ID, CLIENT_SECRET, SCOPE, TENANT, EntraTestServer
from tests.fixtures.ews import MAILBOX, PASSWORD, USERNAME, EwsTestServer
from tests.fixtures.mail import acknowledgement

OFFICER = "casey.invented@gmp.police.uk"


def _sender(endpoint: str, password: str = PASSWORD) -> EwsSender:
    return EwsSender(EwsConnection(EwsLogin(endpoint, MAILBOX, USERNAME, password, "basic")))


def _ack() -> bytes:
    return acknowledgement(MAILBOX, OFFICER)


def _not_sent(sender: EwsSender) -> SendError:
    with pytest.raises(SendError) as raised:
        sender.send(_ack(), MAILBOX, [OFFICER])
    sender.close()
    return raised.value


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_refused_login_stops_every_email(ews: EwsTestServer) -> None:
    error = _not_sent(_sender(ews.endpoint, password="Wrong-Invented-Pa55"))

    assert (error.server, error.permanent, error.maybe_sent) == (True, False, False)
    assert str(error) == f"EWS {ews.endpoint}: login refused for {USERNAME} (BASIC)"
    assert "Wrong-Invented-Pa55" not in str(error)


@pytest.mark.parametrize(
    "code",
    [
        "ErrorAccessDenied",
        "ErrorNonExistentMailbox",
        "ErrorImpersonateUserDenied",
        "ErrorImpersonationDenied",
    ],
)
def test_exchange_refusing_the_sending_mailbox_stops_every_email(
    ews: EwsTestServer, code: str
) -> None:
    ews.state.send_refusal = code

    error = _not_sent(_sender(ews.endpoint))

    # Exchange answered that it did not send: no look in Sent Items before the next try.
    assert (error.server, error.permanent, error.maybe_sent) == (True, False, False)
    assert str(error).startswith(f"EWS {ews.endpoint}: Exchange refused sending: {code}")
    assert ews.state.sent == []


def test_the_login_not_allowed_to_send_as_the_mailbox_stops_every_email(
    ews: EwsTestServer,
) -> None:
    ews.state.send_refusal = "ErrorSendAsDenied"

    error = _not_sent(_sender(ews.endpoint))

    # Every email comes from the mailbox, so every one would be refused alike: it waits for
    # the Send As right, rather than failing for good one email at a time.
    assert (error.server, error.permanent, error.maybe_sent) == (True, False, False)
    assert str(error).startswith(f"EWS {ews.endpoint}: Exchange refused sending: ErrorSendAsDenied")
    assert str(error).endswith(f"; give {USERNAME} Send As on the mailbox")
    assert ews.state.sent == []


def test_exchange_not_reached_stops_every_email(ews: EwsTestServer) -> None:
    nowhere = f"http://127.0.0.1:{_closed_port()}/EWS/Exchange.asmx"

    error = _not_sent(_sender(nowhere))

    # No connection: nothing can have been sent, so no look in Sent Items either.
    assert (error.server, error.maybe_sent) == (True, False)
    assert str(error) == f"EWS {nowhere}: cannot reach the server while sending: connection refused"


def test_reading_exchange_not_reached_says_why_in_a_few_words(ews: EwsTestServer) -> None:
    nowhere = f"http://127.0.0.1:{_closed_port()}/EWS/Exchange.asmx"
    source = EwsSource(EwsConnection(EwsLogin(nowhere, MAILBOX, USERNAME, PASSWORD, "basic")))

    with pytest.raises(MailboxError) as raised:
        source.fetch(None)

    # exchangelib's own words nest three exceptions and the whole connection pool's repr.
    assert str(raised.value) == (
        f"EWS {nowhere}: cannot reach the server while reading the Inbox: connection refused"
    )
    source.close()


def test_a_server_certificate_not_trusted_stops_every_email(
    ews_tls_session: EwsTestServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)  # the council's CA not given
    ews_tls_session.reset()
    ews_tls_session.auth, ews_tls_session.password = "basic", PASSWORD

    error = _not_sent(_sender(ews_tls_session.endpoint))

    assert (error.server, error.maybe_sent) == (True, False)
    assert "cannot reach the server while sending: TLS certificate not trusted" in str(error)
    assert ews_tls_session.state.operations == []


def _oauth_sender(ews: EwsTestServer, entra: EntraTestServer) -> EwsSender:
    app = EntraApp(
        TENANT, CLIENT_ID, ClientSecret(CLIENT_SECRET), authority=entra.authority,
        validate_authority=False,
    )  # fmt: skip
    login = EwsLogin(ews.endpoint, MAILBOX, "", "", "oauth2")
    return EwsSender(EwsConnection(login, OAuthLogin(app, (SCOPE,))))


def test_no_token_stops_every_email(ews_oauth: EwsTestServer, entra: EntraTestServer) -> None:
    entra.state.secret_expired = True

    error = _not_sent(_oauth_sender(ews_oauth, entra))

    assert (error.server, error.maybe_sent) == (True, False)
    assert "no OAuth token: Entra ID refused the client secret" in str(error)
    assert "AADSTS7000222" in str(error) and CLIENT_SECRET not in str(error)


def test_a_token_exchange_refuses_stops_every_email(
    ews_oauth: EwsTestServer, entra: EntraTestServer
) -> None:
    entra.state.mailbox = "someone.else@tameside.gov.uk"  # the app may not open this mailbox

    error = _not_sent(_oauth_sender(ews_oauth, entra))

    assert (error.server, error.maybe_sent) == (True, False)
    assert "Exchange refused the OAuth token for" in str(error)


@pytest.mark.parametrize("code", ["ErrorInvalidRecipients", "ErrorMessageSizeExceeded"])
def test_one_emails_refusal_is_not_trouble_with_the_server(ews: EwsTestServer, code: str) -> None:
    ews.state.send_refusal = code

    error = _not_sent(_sender(ews.endpoint))

    assert (error.server, error.permanent) == (False, True)


def test_exchange_busy_is_not_trouble_with_the_server(ews: EwsTestServer) -> None:
    ews.state.send_refusal = "ErrorServerBusy"

    error = _not_sent(_sender(ews.endpoint))

    assert (error.server, error.maybe_sent) == (False, True)


def test_exchange_unavailable_is_not_trouble_with_the_server(ews: EwsTestServer) -> None:
    ews.state.send_down = True  # 503 with no SOAP body, which exchangelib calls ErrorServerBusy

    error = _not_sent(_sender(ews.endpoint))

    assert (error.server, error.maybe_sent) == (False, True)


def test_a_send_ends_within_its_time_when_exchange_answers_late(ews: EwsTestServer) -> None:
    # exchangelib gives each request 120 s; the outbox's claim on the email must outlast the
    # whole send, so a send stops at send_seconds (SEND_SECONDS, a quarter of the claim).
    ews.state.send_answer_delay = 3.0
    connection = EwsConnection(EwsLogin(ews.endpoint, MAILBOX, USERNAME, PASSWORD, "basic"))
    sender = EwsSender(connection, send_seconds=1.5)

    started = time.monotonic()
    error = _not_sent(sender)

    assert time.monotonic() - started < 2.5
    # The CreateItem had gone: Sent Items is looked in before it is sent again.
    assert (error.maybe_sent, error.server, error.permanent) == (True, False, False)
    assert len(ews.state.sent) == 1

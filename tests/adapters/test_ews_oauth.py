"""The ews backend with auth = "oauth2": bearer tokens from the [microsoft] app (MSAL, the local
Entra ID of tests/fixtures/entra.py) on an EWS endpoint over TLS that takes only tokens Entra
issued for Exchange and for this mailbox (tests/fixtures/ews.py, `ews_oauth`)."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pytest

from bot.adapters.ews_connection import EwsConnection, EwsLogin
from bot.adapters.ews_sender import EwsSender
from bot.adapters.ews_source import EwsSource
from bot.adapters.mail_source import MailboxError
from bot.adapters.oauth_tokens import ClientSecret, EntraApp, OAuthLogin
from bot.adapters.outgoing import SendError
from bot.config import ConfigError
from tests.fixtures.app import make_config
from tests.fixtures.entra import CLIENT_ID, CLIENT_SECRET, SCOPE, TENANT, EntraTestServer
from tests.fixtures.ews import MAILBOX, EwsTestServer
from tests.fixtures.mail import email, sin


def _connection(ews: EwsTestServer, entra: EntraTestServer, secret: str = CLIENT_SECRET,
                scopes: tuple[str, ...] = (SCOPE,)) -> EwsConnection:  # fmt: skip
    app = EntraApp(
        TENANT, CLIENT_ID, ClientSecret(secret), authority=entra.authority,
        validate_authority=False,
    )  # fmt: skip
    login = EwsLogin(ews.endpoint, MAILBOX, "", "", "oauth2")
    return EwsConnection(login, OAuthLogin(app, scopes))


def _ack() -> bytes:
    return email(
        "Re: Serious Incident Notification [TSCP-2026-0001]",
        "We have your notification.",
        sender=MAILBOX,
        to="casey.invented@gmp.police.uk",
        message_id="<tscp-ack-1@tameside.gov.uk>",
    )


def test_reads_moves_and_sends_with_one_token_and_never_logs_it(
    ews_oauth: EwsTestServer, entra: EntraTestServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="bot")
    connection = _connection(ews_oauth, entra)
    source = EwsSource(connection)
    ews_oauth.deliver(sin())

    [mail] = source.fetch(None).messages
    source.mark_processed(mail.key)
    EwsSender(connection).send(_ack(), MAILBOX, ["casey.invented@gmp.police.uk"])

    assert mail.raw == sin()
    assert [m.raw for m in ews_oauth.in_folder("Processed")] == [sin()]
    assert len(ews_oauth.state.sent) == 1
    assert len(entra.state.token_requests) == 1  # MSAL's cache served every later request
    assert ews_oauth.state.bearer_refusals == 0
    [token] = entra.state.tokens
    assert token not in caplog.text and CLIENT_SECRET not in caplog.text
    source.close()


def test_a_token_exchange_stops_taking_is_refreshed_once(
    ews_oauth: EwsTestServer, entra: EntraTestServer
) -> None:
    source = EwsSource(_connection(ews_oauth, entra))
    source.fetch(None)
    entra.revoke_all()  # e.g. the app's permissions changed: Exchange refuses the cached token
    ews_oauth.deliver(sin())

    batch = source.fetch(None)

    assert [m.raw for m in batch.messages] == [sin()]  # the same pass, no failure
    assert ews_oauth.state.bearer_refusals == 1  # one 401, then a fresh token was taken
    assert len(entra.state.token_requests) == 2
    source.close()


def test_a_token_near_its_expiry_is_replaced_before_exchange_refuses_it(
    ews_oauth: EwsTestServer, entra: EntraTestServer
) -> None:
    # Entra issues tokens with 302 s to live: under MSAL's five-minute margin two seconds on.
    entra.state.lifetime = 302
    source = EwsSource(_connection(ews_oauth, entra))
    source.fetch(None)
    time.sleep(2.5)
    ews_oauth.deliver(sin())

    assert [m.raw for m in source.fetch(None).messages] == [sin()]
    assert len(entra.state.token_requests) == 2
    assert ews_oauth.state.bearer_refusals == 0  # replaced before it was ever refused
    source.close()


def test_a_fresh_token_refused_is_one_line_naming_the_permission(
    ews_oauth: EwsTestServer, entra: EntraTestServer
) -> None:
    entra.state.mailbox = "someone.else@tameside.gov.uk"  # the app may not open this mailbox
    source = EwsSource(_connection(ews_oauth, entra))

    with pytest.raises(MailboxError) as raised:
        source.fetch(None)

    assert str(raised.value) == (
        f"EWS {ews_oauth.endpoint}: Exchange refused the OAuth token for {MAILBOX} (OAUTH2); "
        "check the app has full_access_as_app (Office 365 Exchange Online) with admin consent "
        "and may open this mailbox"
    )
    assert len(entra.state.token_requests) == 1  # fresh from Entra already: no second try
    source.close()


def test_no_token_from_entra_is_marked_for_the_health_check(
    ews_oauth: EwsTestServer, entra: EntraTestServer
) -> None:
    wrong = "Wr0ng~the-secret-ID-not-its-value"
    source = EwsSource(_connection(ews_oauth, entra, secret=wrong))
    ews_oauth.deliver(sin())

    with pytest.raises(MailboxError) as raised:
        source.fetch(None)
    with pytest.raises(SendError) as not_sent:
        EwsSender(_connection(ews_oauth, entra, secret=wrong)).send(
            _ack(), MAILBOX, ["casey.invented@gmp.police.uk"]
        )

    for message in (str(raised.value), str(not_sent.value)):
        assert f"EWS {ews_oauth.endpoint}: no OAuth token: Entra ID refused the client secret" in (
            message
        )
        assert "AADSTS7000215" in message and wrong not in message
    assert ews_oauth.state.operations == []  # nothing reached Exchange without a token
    source.close()


def test_config_takes_kerberos_and_oauth2_without_passwords_and_checks_the_scopes(
    tmp_path: Path, database_url: str
) -> None:
    where = {"endpoint": "https://mail.council.gov.uk/EWS/Exchange.asmx", "mailbox": MAILBOX}
    microsoft = {"tenant_id": TENANT, "client_id": CLIENT_ID, "client_secret_env": "S"}
    hybrid = where | {"auth": "oauth2", "scopes": ["https://mail.council.gov.uk/.default"]}

    config = make_config(
        tmp_path, database_url, environ={"S": CLIENT_SECRET}, microsoft=microsoft,
        mailbox={"backend": "ews", "ews": hybrid},
        outgoing={"backend": "ews", "ews": where | {"auth": "kerberos"}},
    )  # fmt: skip

    assert config.mailbox.ews is not None and config.outgoing.ews is not None
    assert config.mailbox.ews.scopes == ("https://mail.council.gov.uk/.default",)
    assert (config.outgoing.ews.auth, config.outgoing.ews.password) == ("kerberos", "")
    default = make_config(
        tmp_path, database_url, environ={"S": CLIENT_SECRET}, microsoft=microsoft,
        mailbox={"backend": "ews", "ews": where | {"auth": "oauth2"}},
    )  # fmt: skip
    assert default.mailbox.ews is not None
    assert default.mailbox.ews.scopes == ("https://outlook.office365.com/.default",)
    with pytest.raises(ConfigError, match=r"mailbox.ews.scopes: expected a list of https://"):
        make_config(
            tmp_path, database_url, environ={"S": CLIENT_SECRET}, microsoft=microsoft,
            mailbox={"backend": "ews", "ews": hybrid | {"scopes": ["EWS.AccessAsApp"]}},
        )  # fmt: skip

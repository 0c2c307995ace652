"""OAuth 2 (XOAUTH2) logins with app-only tokens from Entra ID: MSAL against a local authority,
Dovecot checking tokens with its oauth2 passdb, and aiosmtpd with an XOAUTH2 authenticator."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest

from bot.adapters.imap_source import ImapSource
from bot.adapters.mail_source import MailboxError
from bot.adapters.oauth_tokens import (
    ClientCertificate,
    ClientSecret,
    EntraApp,
    OAuthLogin,
    TokenError,
)
from bot.adapters.outgoing import SendError
from bot.adapters.smtp_sender import SmtpSender
from tests.fixtures.dovecot import DovecotServer
from tests.fixtures.entra import (
    CLIENT_ID,
    CLIENT_SECRET,
    TENANT,
    EntraTestServer,
    XOAuth2SmtpServer,
    thumbprint,
)
from tests.fixtures.mail import email, sin

pytestmark = pytest.mark.imap
_MAIL = email("Received: your SIN", "We have your notification.", sender="tscp@tameside.gov.uk")


def _app(entra: EntraTestServer, secret: str = CLIENT_SECRET) -> EntraApp:
    return EntraApp(
        TENANT, CLIENT_ID, ClientSecret(secret), authority=entra.authority, validate_authority=False
    )


def _source(dovecot: DovecotServer, app: EntraApp) -> ImapSource:
    return ImapSource(
        dovecot.host, dovecot.port, dovecot.user, "", security="plain", oauth=OAuthLogin(app)
    )


def _fetch_once(dovecot: DovecotServer, app: EntraApp) -> int:
    source = _source(dovecot, app)
    try:
        return len(source.fetch(None).messages)
    finally:
        source.close()


def test_imap_logs_in_with_an_app_only_token_and_reads_the_mailbox(
    entra: EntraTestServer, dovecot_oauth: DovecotServer
) -> None:
    dovecot_oauth.append(sin())
    assert _fetch_once(dovecot_oauth, _app(entra)) == 1
    (request,) = entra.state.token_requests
    assert request["grant_type"] == "client_credentials"
    assert request["scope"] == "https://outlook.office365.com/.default"
    assert entra.state.introspections >= 1  # Dovecot checked the token, not a password


def test_imap_without_a_token_dovecot_says_no(
    entra: EntraTestServer, dovecot_oauth: DovecotServer
) -> None:
    """The oauth2 Dovecot really checks: a made-up token does not open the mailbox."""
    with pytest.raises(Exception, match="AUTHENTICATE"), dovecot_oauth.client() as client:
        client.oauth2_login(dovecot_oauth.user, "not-a-token-entra-issued")


def test_a_token_is_reused_and_renewed_before_it_expires(
    entra: EntraTestServer, dovecot_oauth: DovecotServer
) -> None:
    # MSAL treats a token with under 5 minutes left as expired: one issued for 304 s is reused
    # for about 4 s, then replaced although the server would still take it.
    entra.state.lifetime = 304
    app = _app(entra)
    assert _fetch_once(dovecot_oauth, app) == 0
    assert _fetch_once(dovecot_oauth, app) == 0
    assert len(entra.state.token_requests) == 1
    time.sleep(4.2)
    dovecot_oauth.append(sin())
    assert _fetch_once(dovecot_oauth, app) == 1
    assert len(entra.state.token_requests) == 2


def test_a_cached_token_the_server_refuses_is_replaced_once(
    entra: EntraTestServer, dovecot_oauth: DovecotServer
) -> None:
    app = _app(entra)
    assert _fetch_once(dovecot_oauth, app) == 0
    entra.revoke_all()  # e.g. consent withdrawn and given again: old tokens stop working
    dovecot_oauth.append(sin())
    assert _fetch_once(dovecot_oauth, app) == 1
    assert len(entra.state.token_requests) == 2


def test_dovecot_refusing_the_token_is_a_clear_mailbox_error(
    entra: EntraTestServer, dovecot_oauth: DovecotServer
) -> None:
    app = _app(entra)
    assert _fetch_once(dovecot_oauth, app) == 0
    entra.state.refuse_tokens = True  # e.g. the mailbox permission was removed
    with pytest.raises(MailboxError) as info:
        _fetch_once(dovecot_oauth, app)
    message = str(info.value)
    assert "\n" not in message
    assert f"refused the OAuth token for {dovecot_oauth.user}" in message
    assert "IMAP.AccessAsApp" in message and "FullAccess" in message
    # The cached token was refused, so exactly one fresh one was tried, not a loop.
    assert len(entra.state.token_requests) == 2


def test_a_wrong_client_secret_is_one_line_naming_the_app_without_the_secret(
    entra: EntraTestServer, dovecot_oauth: DovecotServer
) -> None:
    wrong = "Wr0ng~secret.pasted-from-the-secret-id"
    with pytest.raises(MailboxError) as info:
        _fetch_once(dovecot_oauth, _app(entra, wrong))
    message = str(info.value)
    assert "\n" not in message
    assert f"Entra ID refused the client secret for app {CLIENT_ID}" in message
    assert "AADSTS7000215" in message and "not its Secret ID" in message
    assert wrong not in message and CLIENT_SECRET not in message


def test_an_unknown_tenant_is_named(entra: EntraTestServer) -> None:
    app = EntraApp(
        "no-such-tenant.example",
        CLIENT_ID,
        ClientSecret(CLIENT_SECRET),
        authority=entra.authority,
        validate_authority=False,
    )
    with pytest.raises(TokenError, match=r"no-such-tenant\.example.*AADSTS90002"):
        app.token(["https://outlook.office365.com/.default"])


def test_a_certificate_credential_signs_in(tmp_path: Path, entra: EntraTestServer) -> None:
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=tscp-bot", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    entra.state.certificate_pem = cert.read_bytes()  # uploaded to the app registration
    app = EntraApp(
        TENANT,
        CLIENT_ID,
        ClientCertificate(key.read_text(), thumbprint(cert.read_bytes())),
        authority=entra.authority,
        validate_authority=False,
    )
    assert app.token(["https://outlook.office365.com/.default"]).value
    (request,) = entra.state.token_requests
    assert "client_assertion" in request and "client_secret" not in request


def _sender(smtp: XOAuth2SmtpServer, user: str, app: EntraApp) -> SmtpSender:
    return SmtpSender(smtp.host, smtp.port, security="plain", username=user, oauth=OAuthLogin(app))


def test_smtp_sends_with_auth_xoauth2(
    entra: EntraTestServer, smtp_oauth: XOAuth2SmtpServer
) -> None:
    entra.state.mailbox = "tscp@tameside.invented.example"
    sender = _sender(smtp_oauth, "tscp@tameside.invented.example", _app(entra))
    sender.send(_MAIL, "tscp@tameside.invented.example", ["casey@gmp.invented.example"])
    assert len(smtp_oauth.wait_for(1)) == 1
    assert smtp_oauth.logins == ["tscp@tameside.invented.example"]


def test_smtp_replaces_a_refused_cached_token_once(
    entra: EntraTestServer, smtp_oauth: XOAuth2SmtpServer
) -> None:
    entra.state.mailbox = "tscp@tameside.invented.example"
    sender = _sender(smtp_oauth, "tscp@tameside.invented.example", _app(entra))
    sender.send(_MAIL, "tscp@tameside.invented.example", ["casey@gmp.invented.example"])
    entra.revoke_all()
    sender.send(_MAIL, "tscp@tameside.invented.example", ["casey@gmp.invented.example"])
    assert len(smtp_oauth.wait_for(2)) == 2
    assert len(entra.state.token_requests) == 2


def test_smtp_token_refused_is_a_clear_send_error(
    entra: EntraTestServer, smtp_oauth: XOAuth2SmtpServer
) -> None:
    entra.state.mailbox = "someone.else@tameside.invented.example"  # no SendAs on our mailbox
    sender = _sender(smtp_oauth, "tscp@tameside.invented.example", _app(entra))
    with pytest.raises(SendError) as info:
        sender.send(_MAIL, "tscp@tameside.invented.example", ["casey@gmp.invented.example"])
    message = str(info.value)
    assert "refused the OAuth token for tscp@tameside.invented.example" in message
    assert "535" in message and "SMTP.SendAsApp" in message
    assert smtp_oauth.messages == []
    assert len(entra.state.token_requests) == 1  # a fresh token refused: no pointless retry


def test_a_slow_token_fetch_ends_within_the_sends_time(
    entra: EntraTestServer, smtp_oauth: XOAuth2SmtpServer
) -> None:
    entra.state.mailbox = "tscp@tameside.invented.example"
    entra.state.token_delay = 4.0  # Entra ID answering slowly; the send has 1 second in all
    login = OAuthLogin(_app(entra))
    sender = SmtpSender(
        smtp_oauth.host, smtp_oauth.port, security="plain",
        username="tscp@tameside.invented.example", oauth=login, send_seconds=1.0,
    )  # fmt: skip
    started = time.monotonic()
    with pytest.raises(SendError) as info:
        sender.send(_MAIL, "tscp@tameside.invented.example", ["casey@gmp.invented.example"])
    assert time.monotonic() - started < 2.5
    assert "no OAuth token" in str(info.value) and "timed out" in str(info.value)
    assert smtp_oauth.messages == []
    entra.state.token_delay = 0.0
    assert login.token().value  # outside a send, a token request has its own timeout again

"""How the ews backend signs in to Exchange, as exchangelib's Configuration.

- "ntlm" / "basic": the service account's password (IIS's Windows or basic authentication).
- "kerberos": SPNEGO (`Authorization: Negotiate`) through GSSAPI, exchangelib's GSSAPI auth type
  with requests-gssapi. No password in the bot: the service account's ticket comes from the
  Kerberos credential cache, which MIT Kerberos fills by itself from a client keytab
  (KRB5_CLIENT_KTNAME), the unattended way for a daemon.
- "oauth2": a bearer token from the [microsoft] app (MSAL, client credentials), for Exchange
  Online while it still has EWS, or Exchange Server with hybrid modern authentication.
  exchangelib's documented hook is an OAuth2AuthorizationCodeCredentials holding only an access
  token, with `refresh()` overridden to get the next one (exchangelib.credentials). The token
  says when it lapses five minutes early (as MSAL counts one with under five minutes left as
  expired), so exchangelib asks for a new one before Exchange would refuse it; a 401 all the
  same (revoked, permissions changed) gets one fresh token from Entra ID and one more try.
  App-only tokens reach a mailbox by impersonation ("Authenticate an EWS application by using
  OAuth": ImpersonatedUserId and X-AnchorMailbox), which exchangelib sends for IMPERSONATION.

No token, ticket or password is ever logged or put in an error message here.
"""

from __future__ import annotations

import logging
import time
from typing import Any, Literal

from bot.adapters.mail_source import MailboxError
from bot.adapters.oauth_tokens import OAuthLogin, Token, TokenError

log = logging.getLogger(__name__)

EwsAuth = Literal["ntlm", "basic", "kerberos", "oauth2"]
# Refresh this long before a token lapses: MSAL's own margin, so MSAL then issues a new one.
_EARLY_SECONDS = 300
_MIN_LIFETIME = 2  # never a token exchangelib counts as expired on arrival (a tight loop)


# Sessions exchangelib may open to the endpoint at once (its default is one): the Inbox watch's
# stream holds one for minutes (bot.adapters.ews_watch), a stream still ending after a reconnect
# another, and reading and sending share the rest.
MAX_CONNECTIONS = 3


class NoToken(Exception):
    """Entra ID gave no access token; the message is its reason in one line."""


def configuration(endpoint: str, auth: EwsAuth, username: str, password: str,
                  oauth: OAuthLogin | None) -> Any:  # fmt: skip
    """An exchangelib Configuration that signs in the configured way."""
    from exchangelib import BASIC, GSSAPI, NTLM, OAUTH2, Configuration, Credentials

    if auth == "oauth2":
        if oauth is None:  # the loader refuses this; a hand-made login is kept honest here
            raise MailboxError('EWS auth = "oauth2" needs the [microsoft] section')
        credentials = entra_credentials(oauth)
        return Configuration(
            service_endpoint=endpoint,
            credentials=credentials,
            auth_type=OAUTH2,
            retry_policy=_refresh_on_401(credentials),
            max_connections=MAX_CONNECTIONS,
        )
    if auth == "kerberos":
        require_gssapi()
        # No credentials: requests-gssapi takes the ticket from the credential cache.
        return Configuration(
            service_endpoint=endpoint, auth_type=GSSAPI, max_connections=MAX_CONNECTIONS
        )
    return Configuration(
        service_endpoint=endpoint,
        credentials=Credentials(username, password),
        auth_type=NTLM if auth == "ntlm" else BASIC,
        max_connections=MAX_CONNECTIONS,
    )


def forget_other_protocol(config: Any) -> None:
    """exchangelib keeps one Protocol (sessions, server version) per endpoint and credentials
    for the whole process, whatever the auth type: drop a kept one made for another auth type
    (or one that failed), so this connection logs in the way it was configured to."""
    from exchangelib.credentials import BaseOAuth2Credentials
    from exchangelib.protocol import Protocol

    try:
        kept, _ = Protocol[config]
    except KeyError:
        return
    if isinstance(kept, Exception) or kept.auth_type != config.auth_type:
        del Protocol[config]
    elif isinstance(config.credentials, BaseOAuth2Credentials) and (
        kept.credentials is not config.credentials
    ):
        # A Protocol kept from an earlier OAuth connection holds that connection's token source
        # and retry policy; this connection brings its own (the earlier one closes its own).
        del Protocol[config]


def require_gssapi() -> None:
    """exchangelib offers GSSAPI only when requests-gssapi imports; say so in words."""
    from exchangelib.transport import AUTH_TYPE_MAP, GSSAPI

    if GSSAPI not in AUTH_TYPE_MAP:
        raise MailboxError(
            'EWS auth = "kerberos" needs the Python packages gssapi and requests-gssapi '
            "(and the MIT Kerberos library, Debian's libkrb5-3); install them in the bot's "
            "environment"
        )


def entra_credentials(oauth: OAuthLogin) -> Any:
    """exchangelib credentials whose access token comes from `oauth` (MSAL's cache)."""
    from exchangelib.credentials import OAuth2AuthorizationCodeCredentials

    class EntraToken(OAuth2AuthorizationCodeCredentials):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__(client_id=oauth.app.client_id)
            # A token straight from Entra ID that Exchange has not yet taken: refused, it is a
            # permission problem, which another token would not mend.
            self.untried = False

        @property
        def access_token(self) -> Any:
            # Asked for lazily: exchangelib reads it whenever it makes an HTTP session.
            if self._access_token is None:
                self._take(_token(oauth.token))
            return self._access_token

        @access_token.setter
        def access_token(self, value: Any) -> None:
            self._access_token = value

        def refresh(self, session: Any = None) -> None:
            """exchangelib's hook when the token lapses: MSAL's cache or a new one."""
            self._take(_token(oauth.token))

        def taken(self) -> None:
            self.untried = False

        def refresh_after_refusal(self) -> bool:
            """After a 401: a fresh token, unless the one refused was fresh and untried."""
            with self.lock:
                if self.untried:
                    return False
                self._take(_token(oauth.fresh_token))
                return True

        def _take(self, token: Token) -> None:
            lifetime = max(token.expires_in - _EARLY_SECONDS, _MIN_LIFETIME)
            self.untried = not token.from_cache
            self._access_token = {
                "access_token": token.value,
                "token_type": "Bearer",
                "expires_at": time.time() + lifetime,
            }
            log.debug("EWS access token %s", "from the cache" if token.from_cache else "new")

        def sig(self) -> int:
            # exchangelib compares this to see whether another thread already refreshed.
            token = self._access_token
            return hash(token["access_token"] if token else None)

        # One Protocol per endpoint and app in exchangelib's cache, whichever token it holds.
        def __eq__(self, other: object) -> bool:
            return isinstance(other, EntraToken) and other.key == self.key

        def __hash__(self) -> int:
            return hash(self.key)

        @property
        def key(self) -> tuple[str, ...]:
            return ("oauth2", oauth.app.client_id, *oauth.scopes)

    return EntraToken()


def _refresh_on_401(credentials: Any) -> Any:
    """exchangelib's FailFast, except that a 401 on a token Exchange took before (or one from
    MSAL's cache) is answered with a fresh one and the request sent again (exchangelib sends
    it again at once on TokenExpiredError); a fresh token refused fails as FailFast fails it
    (UnauthorizedError)."""
    from exchangelib.protocol import FailFast
    from oauthlib.oauth2 import TokenExpiredError

    class RefreshOn401(FailFast):  # type: ignore[misc]
        def raise_response_errors(self, response: Any) -> None:
            if response.status_code != 401:
                credentials.taken()
            elif credentials.refresh_after_refusal():
                log.info("EWS refused the access token; trying once with a fresh one")
                raise TokenExpiredError()
            super().raise_response_errors(response)

    return RefreshOn401()


def refusal(auth: EwsAuth, username: str, mailbox: str) -> str:
    """What a 401 means for each way of signing in, in words an administrator can act on."""
    if auth == "oauth2":
        return (
            f"Exchange refused the OAuth token for {mailbox} (OAUTH2); check the app has "
            "full_access_as_app (Office 365 Exchange Online) with admin consent and may open "
            "this mailbox"
        )
    if auth == "kerberos":
        return (
            f"login refused for {username or 'the Kerberos ticket'} (KERBEROS); check the "
            "service account's keytab or ticket, and the HTTP/ service principal of the "
            "Exchange host"
        )
    return f"login refused for {username} ({auth.upper()})"


def _token(get: Any) -> Token:
    try:
        token: Token = get()
    except TokenError as exc:
        raise NoToken(str(exc)) from None
    return token

"""App-only OAuth 2 access tokens from Microsoft Entra ID (MSAL, client credentials).

One `EntraApp` per running bot holds MSAL's in-memory token cache, shared by the IMAP and SMTP
adapters. MSAL answers from that cache and treats a token with under five minutes left as
expired, so a connection never starts with a token about to lapse. `OAuthLogin` is what a mail
adapter holds: the app plus the scopes of its protocol, and a way to start afresh when the
server refuses a cached token (revoked, or its permissions changed).

Errors become `TokenError`: one line naming the problem, never the secret.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import requests


log = logging.getLogger(__name__)

DEFAULT_AUTHORITY = "https://login.microsoftonline.com"
# Microsoft: client-credentials tokens for IMAP, POP and SMTP all use this scope
# ("Authenticate an IMAP, POP or SMTP connection using OAuth").
EXCHANGE_SCOPE = "https://outlook.office365.com/.default"

# What an administrator should do about the AADSTS codes an unattended app most often meets
# (Microsoft Entra authentication and authorization error codes).
_HINTS = {
    "AADSTS7000215": "the client secret is wrong; use the secret's Value, not its Secret ID",
    "AADSTS7000222": "the client secret has expired; add a new one to the app registration",
    "AADSTS700016": "no app with this client id in the tenant; check client_id and tenant_id",
    "AADSTS90002": "the tenant was not found; check tenant_id",
    "AADSTS700027": "the certificate was not accepted; check the thumbprint and that the "
    "certificate is uploaded to the app registration",
    "AADSTS70011": "the scope is not valid; check the scopes in [microsoft]",
    "AADSTS1002012": "the scope is not valid; check the scopes in [microsoft]",
}


_AADSTS = re.compile(r"AADSTS\d+:[^\r\n\"]*")


class TokenError(Exception):
    """No access token could be had; the message says why in one line."""


@dataclass(frozen=True)
class ClientSecret:
    value: str = field(repr=False)


@dataclass(frozen=True)
class ClientCertificate:
    """A certificate uploaded to the app registration: its private key and SHA-1 thumbprint."""

    private_key_pem: str = field(repr=False)
    thumbprint: str


Credential = ClientSecret | ClientCertificate


@dataclass(frozen=True)
class Token:
    value: str = field(repr=False)
    from_cache: bool
    expires_in: int = 0  # seconds it has left, as Entra ID (or MSAL's cache) says; 0: unknown


class EntraApp:
    """A confidential client application, created on first use (MSAL reads the authority's
    OpenID configuration when it is created, so nothing is fetched before a connection)."""

    def __init__(
        self,
        tenant_id: str,
        client_id: str,
        credential: Credential,
        *,
        authority: str = DEFAULT_AUTHORITY,
        validate_authority: bool = True,
        timeout: float = 30.0,
    ) -> None:
        self.tenant_id = tenant_id
        self.client_id = client_id
        self._credential = credential
        self._authority = f"{authority.rstrip('/')}/{tenant_id}"
        self._validate_authority = validate_authority
        self._timeout = timeout
        self._app: Any = None  # msal.ConfidentialClientApplication; msal is untyped
        self._lock = threading.Lock()

    def token(self, scopes: Sequence[str]) -> Token:
        import requests

        try:
            result = self._msal().acquire_token_for_client(list(scopes))
        except requests.RequestException as exc:
            raise TokenError(f"cannot reach {self._authority}: {_request_problem(exc)}") from None
        if "access_token" not in result:
            raise TokenError(self._refusal(result))
        from_cache = result.get("token_source") == "cache"
        log.debug("access token for app %s (%s)", self.client_id, "cached" if from_cache else "new")
        return Token(result["access_token"], from_cache, _seconds(result.get("expires_in")))

    def forget(self) -> None:
        """Drop cached tokens, so the next `token()` asks Entra ID for a new one."""
        with self._lock:
            if self._app is not None:
                self._app.remove_tokens_for_client()

    def _msal(self) -> Any:
        with self._lock:
            if self._app is None:
                self._app = self._create()
            return self._app

    def _create(self) -> Any:
        # msal and requests cost about 0.1 s to import: only a mailbox that signs in with
        # Entra ID pays it, when it first asks for a token.
        import msal
        import requests

        from bot.adapters.http_deadline import timed_session

        credential: Any
        if isinstance(self._credential, ClientSecret):
            credential = self._credential.value
        else:
            credential = {
                "private_key": self._credential.private_key_pem,
                "thumbprint": self._credential.thumbprint,
            }
        try:
            return msal.ConfidentialClientApplication(
                self.client_id,
                client_credential=credential,
                authority=self._authority,
                # Off only for an authority MSAL does not know (a test server, a private cloud).
                validate_authority=self._validate_authority,
                instance_discovery=None if self._validate_authority else False,
                # Each request with its own timeout, and within a send's time when a send
                # asks for the token (bot.adapters.http_deadline).
                http_client=timed_session(self._timeout),
            )
        except requests.RequestException as exc:
            raise TokenError(f"cannot reach {self._authority}: {_request_problem(exc)}") from None
        except ValueError as exc:
            # An unknown tenant or an authority that is not Entra ID: MSAL keeps the server's
            # reply (with its AADSTS code) on the exception it wraps.
            reason = _aadsts(exc) or "no OpenID configuration there"
            raise TokenError(
                f"Entra ID authority {self._authority} does not answer for tenant "
                f"{self.tenant_id} (check tenant_id and authority): {self._scrub(reason)}"
            ) from None

    def _refusal(self, result: dict[str, Any]) -> str:
        description = _first_line(result.get("error_description") or "")
        code = description.split(":", 1)[0].strip()
        what = "the token request"
        if result.get("error") == "invalid_client":
            secret = isinstance(self._credential, ClientSecret)
            what = "the client secret" if secret else "the certificate"
        hint = f" ({_HINTS[code]})" if code in _HINTS else ""
        detail = description or str(result.get("error") or "no reason given")
        return self._scrub(
            f"Entra ID refused {what} for app {self.client_id} in tenant {self.tenant_id}: "
            f"{detail}{hint}"
        )

    def _scrub(self, text: str) -> str:
        if isinstance(self._credential, ClientSecret) and self._credential.value:
            text = text.replace(self._credential.value, "***")
        return text


class OAuthLogin:
    """The token a mail adapter logs in with: one app, the scopes of one protocol."""

    def __init__(self, app: EntraApp, scopes: Sequence[str] = (EXCHANGE_SCOPE,)) -> None:
        self.app = app
        self.scopes = tuple(scopes)

    def token(self) -> Token:
        return self.app.token(self.scopes)

    def fresh_token(self) -> Token:
        """A token straight from Entra ID, after the server refused a cached one."""
        self.app.forget()
        return self.app.token(self.scopes)


def xoauth2(user: str, token: str) -> str:
    """The SASL XOAUTH2 initial response, before base64 (Microsoft's and Google's format)."""
    return f"user={user}\x01auth=Bearer {token}\x01\x01"


def _seconds(value: object) -> int:
    """expires_in as whole seconds; 0 when missing or not a number."""
    try:
        return max(int(str(value)), 0)
    except ValueError:
        return 0


def _first_line(value: object) -> str:
    lines = str(value).strip().splitlines()
    return " ".join(lines[0].split()) if lines else ""


def _aadsts(exc: BaseException) -> str:
    """The first "AADSTSnnnn: text" in an exception or the ones it wraps."""
    seen: BaseException | None = exc
    while seen is not None:
        found = _AADSTS.search(str(seen).replace("\\r\\n", "\n"))
        if found:
            return found.group(0).strip()
        seen = seen.__cause__ or seen.__context__
    return ""


def _request_problem(exc: requests.RequestException) -> str:
    import requests

    if isinstance(exc, requests.exceptions.SSLError):
        return "TLS certificate not trusted (set REQUESTS_CA_BUNDLE for a proxy's own CA)"
    if isinstance(exc, requests.exceptions.Timeout):
        return "timed out"
    if isinstance(exc, requests.exceptions.ConnectionError):
        return "connection failed"
    return type(exc).__name__

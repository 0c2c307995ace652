"""The [microsoft] section: an Entra ID app registration for OAuth 2 to Exchange Online."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlparse

from bot.config.mail import secret
from bot.config.model import Config, MicrosoftSettings
from bot.config.paths import resolve
from bot.config.reader import ConfigError, Reader
from bot.config.secret_env import SecretsEnviron

DEFAULT_AUTHORITY = "https://login.microsoftonline.com"
# Microsoft: client-credentials tokens for IMAP, POP and SMTP all ask for this scope
# ("Authenticate an IMAP, POP or SMTP connection using OAuth"). National clouds differ.
EXCHANGE_SCOPE = "https://outlook.office365.com/.default"
# Client credentials need the one tenant; these multi-tenant aliases do not name one.
_NOT_A_TENANT = frozenset({"common", "organizations", "consumers"})


def microsoft_section(r: Reader, base: Path, environ: Mapping[str, str]) -> MicrosoftSettings:
    tenant = r.text("tenant_id").strip()
    if not tenant or "/" in tenant or tenant.lower() in _NOT_A_TENANT:
        raise r.fail("tenant_id", "your tenant's Directory (tenant) ID or domain", tenant)
    client_id = r.text("client_id").strip()
    if not client_id:
        raise r.fail("client_id", "the app registration's Application (client) ID", client_id)
    authority = r.text("authority", DEFAULT_AUTHORITY).strip().rstrip("/")
    parsed = urlparse(authority)
    if parsed.scheme != "https" or not parsed.hostname:
        raise r.fail("authority", "an https:// URL like " + DEFAULT_AUTHORITY, authority)
    client_secret, key_pem, thumbprint = _credential(r, base, environ)
    settings = MicrosoftSettings(
        tenant_id=tenant,
        client_id=client_id,
        authority=authority,
        validate_authority=r.flag("validate_authority", True),
        imap_scopes=_scopes(r, "imap_scopes"),
        smtp_scopes=_scopes(r, "smtp_scopes"),
        client_secret=client_secret,
        certificate_key_pem=key_pem,
        certificate_thumbprint=thumbprint,
        client_secret_env=(
            r.text("client_secret_env").strip() if client_secret is not None else None
        ),
    )
    r.finish()
    return settings


def check_oauth_needs(config: Config) -> None:
    """auth = "oauth2" anywhere, or a Graph backend, needs the [microsoft] section."""
    if config.microsoft is not None:
        return
    for where, backend in (("mailbox", config.mailbox.backend),
                           ("outgoing", config.outgoing.backend)):  # fmt: skip
        if backend == "graph":
            raise ConfigError(
                f'{where}.backend: "graph" needs a [microsoft] section with tenant_id, '
                "client_id and client_secret_env (or certificate_path and certificate_thumbprint)"
            )
    imap, smtp = config.mailbox.imap, config.outgoing.smtp
    ews_in, ews_out = config.mailbox.ews, config.outgoing.ews
    for where, settings in (("mailbox.imap", imap), ("outgoing.smtp", smtp),
                            ("mailbox.ews", ews_in), ("outgoing.ews", ews_out)):  # fmt: skip
        if settings is not None and settings.auth == "oauth2":
            raise ConfigError(
                f'{where}.auth: "oauth2" needs a [microsoft] section with tenant_id, client_id '
                "and client_secret_env (or certificate_path and certificate_thumbprint)"
            )


def _credential(
    r: Reader, base: Path, environ: Mapping[str, str]
) -> tuple[str | None, str | None, str | None]:
    """(client secret, certificate private key PEM, thumbprint): a secret or a certificate."""
    if r.has("client_secret_env") == r.has("certificate_path"):
        raise ConfigError(
            f"{r.where('client_secret_env')}: give either client_secret_env or "
            "certificate_path with certificate_thumbprint (exactly one of them)"
        )
    if r.has("client_secret_env"):
        return secret(r, "client_secret_env", environ, "client secret"), None, None
    path = resolve(r.text("certificate_path"), base)
    thumbprint = re.sub(r"[\s:]", "", r.text("certificate_thumbprint")).upper()
    if not re.fullmatch(r"[0-9A-F]{40}", thumbprint):
        raise r.fail(
            "certificate_thumbprint",
            "the certificate's SHA-1 thumbprint (40 hex digits, as the app registration shows it)",
            thumbprint,
        )
    return None, _private_key(r.where("certificate_path"), path, environ), thumbprint


def _private_key(where: str, path: Path, environ: Mapping[str, str]) -> str | None:
    """The key's PEM text; None, noted as a secret not at hand, when the file cannot be read
    (under systemd only the service is handed it): refused when a token is needed."""
    try:
        pem = path.read_text(encoding="ascii")
    except OSError as exc:
        problem = f"cannot read {path} ({exc.strerror or exc})"
        if not isinstance(environ, SecretsEnviron):
            raise ConfigError(f"{where}: {problem}") from None
        environ.unreadable[where] = problem
        return None
    except UnicodeDecodeError:
        raise ConfigError(f"{where}: cannot read {path} (not a PEM text file)") from None
    if "PRIVATE KEY-----" not in pem:
        raise ConfigError(
            f"{where}: {path} holds no PEM private key; it must hold the "
            "private key of the certificate uploaded to the app registration"
        )
    return pem


def _scopes(r: Reader, key: str) -> tuple[str, ...]:
    scopes = tuple(s.strip() for s in r.texts(key, [EXCHANGE_SCOPE]))
    if not scopes or not all(s.startswith("https://") for s in scopes):
        raise r.fail(key, "a list of https:// scopes like " + EXCHANGE_SCOPE, list(scopes))
    return scopes

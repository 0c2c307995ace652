"""`tscp-bot doctor`'s sign-in checks: a Microsoft 365 token for each use the configuration
makes of one (with the permission it needs), a Kerberos ticket for each Exchange host, and the
permissions a token carries."""

from __future__ import annotations

import base64
import json
from urllib.parse import urlparse

from bot.adapters.kerberos import KerberosError
from bot.adapters.kerberos import check as kerberos_check
from bot.adapters.oauth_tokens import EntraApp, TokenError
from bot.config import Config
from bot.core.token_trouble import token_advice
from bot.services.doctor_check import Check


def token_checks(config: Config, tokens: EntraApp | None) -> list[Check]:
    ms = config.microsoft
    if ms is None or tokens is None:
        return [Check("ok", "Microsoft 365 sign-in", "not used (no [microsoft] section)")]
    wanted: dict[tuple[str, ...], list[tuple[str, str]]] = {}
    imap, smtp = config.mailbox.imap, config.outgoing.smtp
    if config.mailbox.backend == "imap" and imap is not None and imap.auth == "oauth2":
        wanted.setdefault(ms.imap_scopes, []).append(("IMAP", "IMAP.AccessAsApp"))
    if config.outgoing.backend == "smtp" and smtp is not None and smtp.auth == "oauth2":
        wanted.setdefault(ms.smtp_scopes, []).append(("SMTP", "SMTP.SendAsApp"))
    if config.mailbox.backend == "graph" and config.mailbox.graph is not None:
        wanted.setdefault(config.mailbox.graph.scopes, []).append(("Graph", "Mail.ReadWrite"))
    if config.outgoing.backend == "graph" and config.outgoing.graph is not None:
        wanted.setdefault(config.outgoing.graph.scopes, []).append(("Graph", "Mail.Send"))
    for ews in (config.mailbox.ews, config.outgoing.ews):
        if ews is not None and ews.auth == "oauth2":
            wanted.setdefault(ews.scopes, []).append(("EWS", "full_access_as_app"))
    checks = []
    for scopes, uses in wanted.items():
        use = uses_line(uses)
        try:
            tokens.token(scopes)
        except TokenError as exc:
            advice = token_advice(str(exc), ms.client_secret_env, ms.client_secret is not None)
            checks.append(
                Check(
                    "FAIL",
                    "Microsoft 365 sign-in",
                    f"the bot cannot get a Microsoft 365 token for {use}: {exc}; {advice}",
                )
            )
            continue
        checks.append(
            Check("ok", "Microsoft 365 sign-in", f"token for {use} from app {ms.client_id}")
        )
    return checks or [Check("ok", "Microsoft 365 sign-in", "[microsoft] set but not used")]


def kerberos_checks(config: Config) -> list[Check]:
    """A ticket for the service account and one for each Exchange host's HTTP/ principal."""
    hosts = {
        urlparse(ews.endpoint).hostname or ""
        for ews in (config.mailbox.ews, config.outgoing.ews)
        if ews is not None and ews.auth == "kerberos"
    }
    checks = []
    for host in sorted(hosts):
        try:
            facts = kerberos_check(host)
        except KerberosError as exc:
            checks.append(Check("FAIL", "Kerberos", str(exc)))
            continue
        detail = f"{facts.principal} (from {facts.source}) has a ticket for {facts.service}"
        checks.append(Check("ok", "Kerberos", detail))
    return checks


def uses_line(uses: list[tuple[str, str]]) -> str:
    """("IMAP", "IMAP.AccessAsApp"), ("SMTP", ...) -> "IMAP and SMTP (needs IMAP.AccessAsApp,
    SMTP.SendAsApp)"."""
    names = list(dict.fromkeys(name for name, _ in uses))
    needs = dict.fromkeys(p for _, p in uses)  # reading and sending may need the same one
    return f"{' and '.join(names)} (needs {', '.join(needs)})"


def token_roles(token: str) -> list[str] | None:
    """The application permissions in a JWT access token's `roles` claim; None when the token
    is not a JWT one can read (Microsoft says to treat Graph tokens as opaque: this is only
    a hint, and an absent claim is never taken as a refusal)."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        payload = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except ValueError:
        return None
    roles = payload.get("roles") if isinstance(payload, dict) else None
    return [str(r) for r in roles] if isinstance(roles, list) else None

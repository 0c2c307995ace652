"""Config sections for reaching mail servers: the mailbox watched and the outgoing route."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Literal, cast
from urllib.parse import urlparse

from bot.config.model import (
    EwsSettings,
    GraphSettings,
    ImapSettings,
    MailAuth,
    MailboxSettings,
    OutgoingSettings,
    Security,
    SmtpSettings,
)
from bot.config.paths import resolve
from bot.config.reader import ConfigError, Reader
from bot.config.secret_env import SecretsEnviron, is_empty, not_set

SECURITY: tuple[str, ...] = ("tls", "starttls", "plain")
GRAPH_URL = "https://graph.microsoft.com/v1.0"
# Microsoft: app-only Graph tokens ask for the resource's .default scope; national clouds differ.
GRAPH_SCOPE = "https://graph.microsoft.com/.default"
_LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})
AUTH: tuple[str, ...] = ("password", "oauth2")
_Parse = Callable[[Reader, Mapping[str, str]], object]
# The longest an interval may be: mail (a SIN among it) would wait that long unseen or unsent.
HOUR = 3600
HOUR_AT_MOST = "an hour at most: mail would wait that long"
# One network read waiting longer than this is a server that is not answering: while it waits
# no mail is read, and the hung mailbox would be noticed (stalled) only that much later.
LONGEST_READ = 300
LONGEST_READ_WHY = "five minutes at most: no mail is read while one read waits"


def secret(r: Reader, key: str, environ: Mapping[str, str], what: str = "password") -> str:
    """The secret in the variable `key` names; "" (noted in `environ`) when it is not set."""
    name = r.text(key)
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        # Most likely the password itself was pasted in: never repeat it in the message.
        raise ConfigError(
            f"{r.where(key)}: expected the name of an environment variable holding the "
            f"{what} (letters, digits and _), not the {what} itself"
        )
    if name not in environ:
        if not isinstance(environ, SecretsEnviron):
            raise ConfigError(f"{r.where(key)}: {not_set(r.where(key), name)}")
        environ.missing[r.where(key)] = name  # refused when a connection is made
        return ""
    if environ[name] == "":
        # `TSCP_X_PW=` in a unit file or a shell: a password left out, not an empty one; sent,
        # it reads as "login refused" and sends whoever looks to check the account.
        if not isinstance(environ, SecretsEnviron):
            raise ConfigError(f"{r.where(key)}: {is_empty(r.where(key), name)}")
        environ.unreadable[r.where(key)] = is_empty(r.where(key), name)
    return environ[name]


def _auth(r: Reader) -> MailAuth:
    auth = cast(MailAuth, r.choice("auth", AUTH, "password"))
    if auth == "oauth2" and r.has("password_env"):
        raise ConfigError(
            f'{r.where("password_env")}: not used with auth = "oauth2" (the token comes from '
            "[microsoft]); remove it"
        )
    return auth


def _imap(r: Reader, environ: Mapping[str, str]) -> ImapSettings:
    security = cast(Security, r.choice("security", SECURITY, "tls"))
    auth = _auth(r)
    imap = ImapSettings(
        host=r.text("host"),
        port=r.number("port", 993 if security == "tls" else 143, minimum=1, maximum=65535),
        username=r.text("username"),
        password=secret(r, "password_env", environ) if auth == "password" else "",
        security=security,
        folder=r.text("folder", "INBOX"),
        processed_folder=r.text("processed_folder", "Processed"),
        use_idle=r.flag("use_idle", True),
        auth=auth,
        timeout_seconds=r.number(
            "timeout_seconds", 30, minimum=1, maximum=LONGEST_READ, why=LONGEST_READ_WHY
        ),
    )
    r.finish()
    return imap


def graph_section(r: Reader, *, mailbox: bool) -> GraphSettings:
    """[mailbox.graph] or [outgoing.graph]: the mailbox, the Graph endpoint and its scopes."""
    user = r.text("user").strip()
    if not re.fullmatch(r"[^@\s/]+@[^@\s/]+\.[^@\s/]+|[0-9a-fA-F-]{36}", user):
        raise r.fail("user", "the mailbox's user principal name, e.g. TSCP@council.gov.uk", user)
    base_url = r.text("base_url", GRAPH_URL).strip().rstrip("/")
    parsed = urlparse(base_url)
    plain_ok = parsed.scheme == "http" and parsed.hostname in _LOOPBACK  # a local test server
    if not parsed.hostname or not (parsed.scheme == "https" or plain_ok):
        raise r.fail("base_url", "an https:// URL like " + GRAPH_URL, base_url)
    scopes = tuple(s.strip() for s in r.texts("scopes", [GRAPH_SCOPE]))
    if not scopes or not all(s.startswith("https://") for s in scopes):
        raise r.fail("scopes", "a list of https:// scopes like " + GRAPH_SCOPE, list(scopes))
    settings = GraphSettings(user=user, base_url=base_url, scopes=scopes)
    if mailbox:
        settings = replace(
            settings,
            inbox_folder=_folder(r, "inbox_folder", "inbox"),
            processed_folder=_folder(r, "processed_folder", "Processed"),
            calendar=r.flag("calendar", False),
        )
    r.finish()
    return settings


def _folder(r: Reader, key: str, default: str) -> str:
    name = r.text(key, default).strip()
    if not name or "/" in name:
        raise r.fail(key, "a folder name at the top of the mailbox (no /)", name)
    return name


EWS_AUTH: tuple[str, ...] = ("ntlm", "basic", "kerberos", "oauth2")
# Exchange Online's EWS resource; with hybrid modern authentication an on-premises Exchange
# answers to its own external URL's .default scope instead.
EWS_SCOPE = "https://outlook.office365.com/.default"


def ews_section(r: Reader, environ: Mapping[str, str], *, mailbox: bool) -> EwsSettings:
    """[mailbox.ews] or [outgoing.ews]: Exchange Server (or Exchange Online) over EWS."""
    endpoint = r.text("endpoint").strip()
    parsed = urlparse(endpoint)
    plain_ok = parsed.scheme == "http" and parsed.hostname in _LOOPBACK  # a local test server
    if not parsed.hostname or not (parsed.scheme == "https" or plain_ok):
        example = "https://mail.council.internal/EWS/Exchange.asmx"
        raise r.fail("endpoint", "the EWS URL, like " + example, endpoint)
    address = r.text("mailbox").strip()
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", address):
        raise r.fail("mailbox", "the shared mailbox's primary SMTP address", address)
    auth = r.choice("auth", EWS_AUTH, "ntlm")
    password, scopes = "", cast(tuple[str, ...], ())
    if auth in ("ntlm", "basic"):
        password = secret(r, "password_env", environ)
    elif r.has("password_env"):
        raise ConfigError(
            f'{r.where("password_env")}: not used with auth = "{auth}" (no password: '
            + ("the token comes from [microsoft]" if auth == "oauth2" else "the Kerberos ticket")
            + "); remove it"
        )
    if auth == "oauth2":
        scopes = tuple(s.strip() for s in r.texts("scopes", [EWS_SCOPE]))
        if not scopes or not all(s.startswith("https://") for s in scopes):
            raise r.fail("scopes", "a list of https:// scopes like " + EWS_SCOPE, list(scopes))
    settings = EwsSettings(
        endpoint=endpoint,
        mailbox=address,
        # kerberos: the service account's principal, named in messages (the ticket decides)
        username=(r.text("username") if password else r.text("username", "")).strip(),
        password=password,
        auth=cast(Literal["ntlm", "basic", "kerberos", "oauth2"], auth),
        scopes=scopes,
    )
    if mailbox:
        settings = replace(
            settings,
            processed_folder=_folder(r, "processed_folder", "Processed"),
            calendar=r.flag("calendar", False),
        )
    r.finish()
    return settings


def _unused(
    r: Reader, backend: str, environ: Mapping[str, str], parsers: Mapping[str, _Parse]
) -> tuple[str, ...]:
    """The server sections filled in that `backend` does not use, each read as if it were used
    (a misspelt key stops the bot, as anywhere else), its secrets neither needed nor kept."""
    unused = tuple(name for name in parsers if name != backend and r.has(name))
    for name in unused:
        parsers[name](r.table(name), SecretsEnviron(environ))
    return unused


def mailbox_section(r: Reader, base: Path, environ: Mapping[str, str]) -> MailboxSettings:
    backend = r.choice("backend", ("maildir", "imap", "graph", "ews"), "maildir")
    imap = r.table("imap", optional=True)
    graph = r.table("graph", optional=True)
    ews = r.table("ews", optional=True)
    unused = _unused(
        r,
        backend,
        environ,
        {
            "imap": _imap,
            "graph": lambda t, _env: graph_section(t, mailbox=True),
            "ews": lambda t, env: ews_section(t, env, mailbox=True),
        },
    )
    settings = MailboxSettings(
        backend=cast(Literal["maildir", "imap", "graph", "ews"], backend),
        maildir_path=resolve(r.text("maildir_path", "var/mail/inbox"), base),
        poll_seconds=r.number("poll_seconds", 60, minimum=1, maximum=HOUR, why=HOUR_AT_MOST),
        imap=_imap(imap, environ) if backend == "imap" else None,
        needs_attention_folder=r.text("needs_attention_folder", "").strip(),
        junk_folder=r.text("junk_folder", "").strip(),
        graph=graph_section(graph, mailbox=True) if backend == "graph" else None,
        ews=ews_section(ews, environ, mailbox=True) if backend == "ews" else None,
        pass_deadline_seconds=r.number("pass_deadline_seconds", 120, minimum=1),
        unused_sections=unused,
    )
    r.finish()
    return settings


def _smtp(r: Reader, environ: Mapping[str, str]) -> SmtpSettings:
    security = cast(Security, r.choice("security", SECURITY, "starttls"))
    auth = _auth(r)
    username = r.text("username", "") or None
    if auth == "oauth2" and not username:
        raise r.fail("username", 'the mailbox to send as (needed with auth = "oauth2")')
    if auth == "password" and not username and r.has("password_env"):
        raise r.fail("username", "the account to log in as (password_env is given)")
    smtp = SmtpSettings(
        host=r.text("host"),
        port=r.number("port", 465 if security == "tls" else 587, minimum=1, maximum=65535),
        security=security,
        username=username,
        password=secret(r, "password_env", environ) if username and auth == "password" else None,
        auth=auth,
    )
    r.finish()
    return smtp


def outgoing_section(r: Reader, base: Path, environ: Mapping[str, str]) -> OutgoingSettings:
    backend = r.choice("backend", ("maildir", "smtp", "graph", "ews"), "maildir")
    smtp = r.table("smtp", optional=True)
    graph = r.table("graph", optional=True)
    ews = r.table("ews", optional=True)
    unused = _unused(
        r,
        backend,
        environ,
        {
            "smtp": _smtp,
            "graph": lambda t, _env: graph_section(t, mailbox=False),
            "ews": lambda t, env: ews_section(t, env, mailbox=False),
        },
    )
    first_wait, longest_wait = _retry_waits(r)
    settings = OutgoingSettings(
        backend=cast(Literal["maildir", "smtp", "graph", "ews"], backend),
        maildir_path=resolve(r.text("maildir_path", "var/mail/outbox"), base),
        smtp=_smtp(smtp, environ) if backend == "smtp" else None,
        max_attempts=r.number("max_attempts", 10, minimum=1),
        retry_base_seconds=first_wait,
        retry_max_seconds=longest_wait,
        graph=graph_section(graph, mailbox=False) if backend == "graph" else None,
        alert_after_minutes=r.number("alert_after_minutes", 60, minimum=0),
        sent_folder=r.text("sent_folder", "Sent Items").strip(),
        ews=ews_section(ews, environ, mailbox=False) if backend == "ews" else None,
        unused_sections=unused,
    )
    r.finish()
    return settings


def _retry_waits(r: Reader) -> tuple[int, int]:
    """The first wait before a failed send is retried, and the longest it doubles up to."""
    first = r.number("retry_base_seconds", 60, minimum=1)
    longest = r.number("retry_max_seconds", 3600, minimum=1)
    if first > longest:
        raise r.fail(
            "retry_base_seconds",
            f"a whole number no more than retry_max_seconds ({longest}): the first wait before "
            "a failed send is retried cannot be longer than the longest",
            first,
        )
    return first, longest

"""Config sections for reaching mail servers: the mailbox watched and the outgoing route."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import cast

from bot.config.model import (
    ImapSettings,
    MailAuth,
    MailboxSettings,
    OutgoingSettings,
    Security,
    SmtpSettings,
)
from bot.config.paths import resolve
from bot.config.reader import ConfigError, Reader

SECURITY: tuple[str, ...] = ("tls", "starttls", "plain")
AUTH: tuple[str, ...] = ("password", "oauth2")


def secret(r: Reader, key: str, environ: Mapping[str, str], what: str = "password") -> str:
    name = r.text(key)
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        # Most likely the password itself was pasted in: never repeat it in the message.
        raise ConfigError(
            f"{r.where(key)}: expected the name of an environment variable holding the "
            f"{what} (letters, digits and _), not the {what} itself"
        )
    if name not in environ:
        raise ConfigError(f"{r.where(key)}: environment variable {name} is not set")
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
        port=r.number("port", 993 if security == "tls" else 143, minimum=1),
        username=r.text("username"),
        password=secret(r, "password_env", environ) if auth == "password" else "",
        security=security,
        folder=r.text("folder", "INBOX"),
        processed_folder=r.text("processed_folder", "Processed"),
        use_idle=r.flag("use_idle", True),
        auth=auth,
        timeout_seconds=r.number("timeout_seconds", 30, minimum=1),
    )
    r.finish()
    return imap


def mailbox_section(r: Reader, base: Path, environ: Mapping[str, str]) -> MailboxSettings:
    backend = r.choice("backend", ("maildir", "imap"), "maildir")
    imap = r.table("imap", optional=True)
    settings = MailboxSettings(
        backend="imap" if backend == "imap" else "maildir",
        maildir_path=resolve(r.text("maildir_path", "var/mail/inbox"), base),
        poll_seconds=r.number("poll_seconds", 60, minimum=1),
        imap=_imap(imap, environ) if backend == "imap" else None,
        needs_attention_folder=r.text("needs_attention_folder", "").strip(),
        pass_deadline_seconds=r.number("pass_deadline_seconds", 120, minimum=1),
    )
    r.finish()
    return settings


def _smtp(r: Reader, environ: Mapping[str, str]) -> SmtpSettings:
    security = cast(Security, r.choice("security", SECURITY, "starttls"))
    auth = _auth(r)
    username = r.text("username", "") or None
    if auth == "oauth2" and not username:
        raise r.fail("username", 'the mailbox to send as (needed with auth = "oauth2")')
    smtp = SmtpSettings(
        host=r.text("host"),
        port=r.number("port", 465 if security == "tls" else 587, minimum=1),
        security=security,
        username=username,
        password=secret(r, "password_env", environ) if username and auth == "password" else None,
        auth=auth,
    )
    r.finish()
    return smtp


def outgoing_section(r: Reader, base: Path, environ: Mapping[str, str]) -> OutgoingSettings:
    backend = r.choice("backend", ("maildir", "smtp"), "maildir")
    smtp = r.table("smtp", optional=True)
    settings = OutgoingSettings(
        backend="smtp" if backend == "smtp" else "maildir",
        maildir_path=resolve(r.text("maildir_path", "var/mail/outbox"), base),
        smtp=_smtp(smtp, environ) if backend == "smtp" else None,
        max_attempts=r.number("max_attempts", 10, minimum=1),
        retry_base_seconds=r.number("retry_base_seconds", 60, minimum=1),
        retry_max_seconds=r.number("retry_max_seconds", 3600, minimum=1),
        alert_after_minutes=r.number("alert_after_minutes", 60, minimum=0),
        sent_folder=r.text("sent_folder", "Sent Items").strip(),
    )
    r.finish()
    return settings

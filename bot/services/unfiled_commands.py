"""Commands in mail tied to no one case: a reply to the daily digest names every case the
digest lists, so it is filed on none (bot.core.rules) and its commands are carried out on
none. What the plan needs to know of such mail, and the answer to the one who gave them."""

from __future__ import annotations

import shlex
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.adapters.db.models import Case, OutboxMessage, StoredMessage
from bot.app import App
from bot.core.authn import check_sender
from bot.core.case_refs import find_case_refs, thread_ids
from bot.core.commands import ParsedCommands, StatusRequest
from bot.core.echo import echo
from bot.core.message import MailMessage
from bot.core.typography import plain_text
from bot.services.commands import command_givers
from bot.services.echoes import inside
from bot.services.mailout import queue_email
from bot.services.review.common import personal_record
from bot.services.roles import roles_of
from bot.services.sender_auth import auth_policy
from bot.services.signature_lines import told_key

EVENT = "command_no_case"
ON_NEW_RECORD = "commands_on_new_record"


def several_cases(session: Session | None, app: App, msg: MailMessage) -> bool:
    """The body names more than one case, or the message answers a daily digest we sent (one
    whose quote was cut still answers a list of cases, not one)."""
    if len(find_case_refs(plain_text(msg.text), app.config.partnership.reference_prefix)) > 1:
        return True
    ids = thread_ids(msg)
    if session is None or not ids:
        return False
    digest = session.scalar(
        select(OutboxMessage.id)
        .where(OutboxMessage.message_id.in_(ids), OutboxMessage.event == "daily_digest")
        .limit(1)
    )
    return digest is not None


def commands_allowed(app: App, msg: MailMessage) -> bool:
    """The sender is one who gives commands, and the mail passed the authentication check
    commands need: a forger is never told what became of "her" commands."""
    return check_sender(msg, command_givers(app), auth_policy(app)).allowed


def tell_commands_unfiled(
    session: Session,
    app: App,
    row: StoredMessage,
    msg: MailMessage,
    parsed: ParsedCommands,
    why: str,
    now: datetime,
) -> None:
    """Answer once per email: nothing was done, the lines not carried out, and how to name
    the case. Only her own lines are quoted back, never the digest she quoted; of those below
    her signature, only their labels."""
    lines = given_lines(parsed)
    if not (lines or parsed.below_signature):
        return
    placeholder = f"{app.config.partnership.reference_prefix}-YYYY-NNNN"
    shown, terminal = _as_told(app, msg, parsed, lines, placeholder, ([], []))
    queue_email(
        session,
        app,
        key=told_key(f"command-no-case:{row.sha256}", msg.from_addr, parsed),
        for_message=row,
        event=EVENT,
        to=[msg.from_addr],
        now=now,
        in_reply_to=f"<{row.message_id}>",
        context={
            "lines": shown,
            "below_signature": list(parsed.below_signature),
            "reason": why,
            "sent_at": row.received_at,
            "placeholder": placeholder,
            "terminal": terminal,
        },
    )


def tell_commands_on_new_record(
    session: Session,
    app: App,
    row: StoredMessage,
    msg: MailMessage,
    parsed: ParsedCommands,
    case: Case,
    now: datetime,
) -> None:
    """Answer once per email, on the thread of the record it opened: the lines were not
    carried out, and a reply with them at the top gives them on that record."""
    lines = given_lines(parsed)
    if not (lines or parsed.below_signature):
        return
    record = personal_record(session, case)
    shown, terminal = _as_told(app, msg, parsed, lines, case.ref, record)
    queue_email(
        session,
        app,
        key=told_key(f"commands-on-new-record:{row.sha256}", msg.from_addr, parsed),
        for_message=row,
        event=ON_NEW_RECORD,
        to=[msg.from_addr],
        now=now,
        case=case,
        in_reply_to=f"<{row.message_id}>",
        context={
            "case": {"ref": case.ref},
            "lines": shown,
            "below_signature": list(parsed.below_signature),
            "sent_at": row.received_at,
            "terminal": terminal,
        },
    )


def _as_told(
    app: App,
    msg: MailMessage,
    parsed: ParsedCommands,
    lines: list[str],
    ref: str,
    record: tuple[list[tuple[str, str]], list[str]],
) -> tuple[list[str], str]:
    """The lines as the answer quotes them, and the terminal command giving them: whole, with
    the command, to the Business Manager; to anyone else as bot.core.echo allows, and no
    terminal command, which only she can run."""
    if inside(roles_of(app, msg.from_addr)):
        return lines, terminal_command(ref, terminal_lines(parsed))
    fields, flags = record
    unread = {e.line for e in parsed.errors}
    told = [echo(line, "", read=line not in unread, fields=fields, flags=flags) for line in lines]
    return [t.line for t in told], ""


def given_lines(parsed: ParsedCommands) -> list[str]:
    """Her own lines read as commands, then those that start like one but could not be read."""
    return [c.line for c in parsed.commands] + [e.line for e in parsed.errors]


def terminal_lines(parsed: ParsedCommands) -> list[str]:
    """Her lines as the terminal takes them: there the case is named before the lines, so a
    `Status` that names its case on the line ("Status TSCP-2026-0091", a subject) is `Status`
    alone; with the reference kept, the command would be refused for naming another case."""
    own = ["Status" if isinstance(c, StatusRequest) and c.ref else c.line for c in parsed.commands]
    return own + [e.line for e in parsed.errors]


def terminal_command(ref: str, lines: list[str]) -> str:
    """The same lines given at the terminal, one argument each, as she would type them."""
    parts = [p.strip() for line in lines for p in line.splitlines() if p.strip()]
    return " ".join(["tscp-bot command", ref, *(_argument(p) for p in parts)])


def _argument(part: str) -> str:
    # Double quotes read best; a line the shell would change inside them is quoted so it can't.
    return shlex.quote(part) if set(part) & set('"$`\\!') else f'"{part}"'

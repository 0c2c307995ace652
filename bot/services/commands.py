"""Commands by email: who may give which command, checked before anything is carried out.

A command runs only when the sender is the configured person for that role and the message
passes the authentication check (bot.core.authn). Anything else is kept on the case, not
carried out, and the Business Manager is told.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from bot.adapters.db.models import Case, StoredMessage
from bot.app import App
from bot.config.model import STATUTORY_ROLES
from bot.core.authn import AuthMode, AuthPolicy, check_sender
from bot.core.commands import Command, ParsedCommands, parse_commands
from bot.core.message import MailMessage
from bot.core.wording import plural
from bot.services.case_warnings import sentences
from bot.services.cases import add_event
from bot.services.mailout import queue_email
from bot.services.review import HANDLERS, Actor, CommandRefused

log = logging.getLogger(__name__)


@dataclass
class Outcome:
    results: list[dict[str, str]] = field(default_factory=list)
    errors: list[dict[str, str]] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # new on the case because of a command


def roles_of(app: App, address: str) -> set[str]:
    address = address.lower()
    people = app.config.people
    roles = set()
    if address == people.business_manager.email:
        roles.add("business_manager")
    if address == people.independent_scrutineer.email:
        roles.add("independent_scrutineer")
    for role in STATUTORY_ROLES:
        dsp = app.config.statutory_agency(role).dsp
        if dsp is not None and dsp.email == address:
            roles.add(role)
    return roles


def command_givers(app: App) -> frozenset[str]:
    people = app.config.people
    dsps = [app.config.statutory_agency(r).dsp for r in STATUTORY_ROLES]
    return frozenset(
        [people.business_manager.email, people.independent_scrutineer.email]
        + [d.email for d in dsps if d is not None]
    )


def _policy(app: App) -> AuthPolicy:
    s = app.config.commands
    return AuthPolicy(
        frozenset(s.trusted_authserv_ids),
        AuthMode(s.auth_mode),
        trust_topmost_unlabelled=s.trust_topmost_unlabelled,
    )


def commands_in(app: App, msg: MailMessage, now: datetime) -> ParsedCommands:
    today = now.astimezone(app.config.partnership.time_zone).date()
    return parse_commands(msg.text, today=today)


def handle_email_commands(
    session: Session,
    app: App,
    case: Case,
    row: StoredMessage,
    msg: MailMessage,
    parsed: ParsedCommands,
    now: datetime,
) -> None:
    roles = roles_of(app, msg.from_addr)
    check = check_sender(msg, command_givers(app), _policy(app))
    outcome = Outcome(errors=[{"line": e.line, "message": e.message} for e in parsed.errors])
    for command in parsed.commands:
        role = _role_for(command, roles)
        if role is None or not check.allowed:
            outcome.refused.append(command.line)
            continue
        actor = Actor(msg.from_addr, role, "email", row.id)
        run_command(session, app, case, command, actor, now, outcome)
    if not check.authenticated and check.allowed and parsed.commands:
        add_event(
            session,
            case,
            now,
            "authentication_advisory",
            "; ".join(check.reasons),
            actor=msg.from_addr,
            why="commands carried out in advisory mode",
        )
    if outcome.refused:
        _refuse(session, app, case, row, msg, outcome, check.reasons, roles, now)
    if outcome.results or outcome.errors:
        queue_email(
            session,
            app,
            key=f"command-result:{row.sha256}",
            event="command_result",
            to=[msg.from_addr],
            now=now,
            case=case,
            in_reply_to=f"<{row.message_id}>",
            context={
                "case": {"ref": case.ref, "initials": case.initials},
                "results": outcome.results,
                "errors": outcome.errors,
                "warnings": outcome.warnings,
            },
        )


def _role_for(command: Command, roles: set[str]) -> str | None:
    needed, _ = HANDLERS[type(command)]
    if needed == "partner":
        partner = [r for r in STATUTORY_ROLES if r in roles]
        return partner[0] if partner else None
    return needed if needed in roles else None


def run_command(
    session: Session,
    app: App,
    case: Case,
    command: Command,
    actor: Actor,
    now: datetime,
    outcome: Outcome,
) -> None:
    _, handler = HANDLERS[type(command)]
    before = set(sentences(session, case))
    try:
        with session.begin_nested():
            result = handler(session, app, case, command, actor, now)
    except CommandRefused as exc:
        outcome.errors.append({"line": command.line, "message": str(exc)})
        add_event(
            session, case, now, "command_refused", f"{command.line}: {exc}", actor=actor.email
        )
        return
    outcome.results.append({"line": command.line, "outcome": result})
    # Said at the moment it happens, not only in tomorrow's digest.
    outcome.warnings += [
        w for w in sentences(session, case) if w not in before and w not in outcome.warnings
    ]
    add_event(
        session,
        case,
        now,
        "command",
        f"{command.line} -> {result}",
        actor=actor.email,
        why=f"{actor.via} command from the {actor.role.replace('_', ' ')}",
    )


def _refuse(
    session: Session,
    app: App,
    case: Case,
    row: StoredMessage,
    msg: MailMessage,
    outcome: Outcome,
    auth_reasons: tuple[str, ...],
    roles: set[str],
    now: datetime,
) -> None:
    reasons = list(auth_reasons)
    if not roles:
        reasons.insert(
            0,
            f"{msg.from_addr} is not a configured Business Manager, Scrutineer "
            "or statutory partner representative",
        )
    elif not reasons:
        reasons.append("the sender's role may not give this command")
    add_event(
        session,
        case,
        now,
        "commands_not_carried_out",
        f"{plural(len(outcome.refused), 'command')} from {msg.from_addr} not carried out",
        actor=msg.from_addr,
        why="; ".join(reasons),
    )
    row.needs_triage = True
    row.triage_reason = "commands not carried out: " + "; ".join(reasons)
    log.warning("message #%d: commands refused (%d)", row.id, len(outcome.refused))
    queue_email(
        session,
        app,
        key=f"command-rejected:{row.sha256}",
        event="command_rejected",
        to=[app.config.people.business_manager.email],
        now=now,
        case=case,
        context={
            "case_ref": case.ref,
            "sender": msg.from_addr,
            "commands": outcome.refused,
            "reasons": reasons,
        },
    )

"""Commands by email: who may give which command, checked before anything is carried out.

A command runs only when the sender is the configured person for a role that the lifecycle
table (bot.core.lifecycle) lets give it, the message passes the authentication check
(bot.core.authn), and the table accepts the command at the case's stage. Anything else is kept
on the case, not carried out, and the reason per line goes to the Business Manager and, once,
to the sender: a configured, authenticated sender gets the reason with their confirmation;
anyone else gets one short note that names nothing about the case.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from bot.adapters.db.models import Case, StoredMessage
from bot.app import App
from bot.core import lifecycle
from bot.core.authn import SenderCheck, check_sender
from bot.core.autoreply import can_acknowledge
from bot.core.commands import (
    Command,
    ParsedCommands,
    Reopen,
    StatusRequest,
    parse_commands,
    with_subject_status,
)
from bot.core.message import MailMessage
from bot.core.wording import plural
from bot.core.working_days import CalendarRangeError
from bot.services.case_status import send_case_status
from bot.services.case_warnings import agency_names, sentences
from bot.services.cases import add_event
from bot.services.echoes import inside, labels_only, told_back
from bot.services.mailout import queue_email
from bot.services.near_commands import below_signature_told, near_beside_commands_told
from bot.services.review import HANDLERS, Actor, CommandRefused
from bot.services.review.common import said_on
from bot.services.review.reopening import stage_to_reopen_at
from bot.services.roles import role_holders, roles_of
from bot.services.sender_auth import auth_policy
from bot.services.signature_lines import told_key

log = logging.getLogger(__name__)


@dataclass
class Outcome:
    results: list[dict[str, str]] = field(default_factory=list)
    errors: list[dict[str, str]] = field(default_factory=list)
    refused: list[dict[str, str]] = field(default_factory=list)  # line, reason
    warnings: list[str] = field(default_factory=list)  # new on the case because of a command
    carried: list[Command] = field(default_factory=list)


def command_givers(app: App) -> frozenset[str]:
    return frozenset(a for p in role_holders(app).values() for a in p.command_addresses)


def none_theirs(app: App, address: str, parsed: ParsedCommands | None) -> bool:
    """Whether every line read as a command is one `address` may not give (a partner's
    "Disagree with the panel's decision: ..." is the Scrutineer's command in form only)."""
    if parsed is None or not parsed.commands or parsed.errors:
        return False
    roles = roles_of(app, address)
    return all(lifecycle.acting_role(type(c), roles) is None for c in parsed.commands)


def commands_in(app: App, msg: MailMessage, arrived: datetime) -> ParsedCommands:
    """The commands in an email, "today" and "yesterday" read as of the day it arrived."""
    today = arrived.astimezone(app.config.partnership.time_zone).date()
    # "Status TSCP-2026-0001" may be the whole subject of a new email with nothing in its body.
    # An email attached to this one is not read: its commands were given, if at all, when it
    # was sent.
    return with_subject_status(parse_commands(msg.written(), today=today), msg.subject)


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
    check = check_sender(msg, command_givers(app), auth_policy(app))
    outcome = Outcome()
    for error in parsed.errors:
        refuse_line(session, case, error.line, error.message, msg.from_addr, now, outcome)
    for command in parsed.commands:
        role = lifecycle.acting_role(type(command), roles)
        if role is None or not check.allowed:
            reason = _not_authorised(msg.from_addr, roles, check, type(command))
            outcome.refused.append({"line": command.line, "reason": reason})
            if roles and check.allowed:
                outcome.errors.append({"line": command.line, "message": _told_bm(reason)})
            continue
        actor = Actor(msg.from_addr, role, "email", row.received_at, row.id)
        run_command(session, app, case, command, actor, now, outcome)
    if parsed.below_signature and roles and check.allowed:
        outcome.errors += below_signature_told(session, case, row, msg, parsed, now)
    if parsed.commands and roles and check.allowed:
        arrived = row.received_at
        outcome.errors += near_beside_commands_told(session, app, case, row, msg, arrived, now)
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
        _refuse(session, app, case, row, msg, outcome, now)
    if any(isinstance(c, StatusRequest) for c in outcome.carried):
        # After every other line, so the view shows what they changed; how much of the
        # chronology it shows depends on the role the sender asked in.
        asked_as = lifecycle.acting_role(StatusRequest, roles) or ""
        send_case_status(session, app, case, row, msg.from_addr, now, asked_as)
    if not (roles and check.allowed):
        # Someone not (provably) a configured person: one short note, nothing about the case.
        tell_untrusted_sender(session, app, case, row, msg, parsed, now)
    elif _worth_confirming(outcome):
        results, errors, warnings = outcome.results, outcome.errors, outcome.warnings
        if not inside(roles):
            unread = {e.line for e in parsed.errors}
            results, errors, warnings = told_back(session, case, outcome, unread)
        queue_email(
            session,
            app,
            key=told_key(f"command-result:{row.sha256}", msg.from_addr, parsed),
            for_message=row,
            event="command_result",
            to=[msg.from_addr],
            now=now,
            case=case,
            in_reply_to=f"<{row.message_id}>",
            context={
                "case": {"ref": case.ref, "initials": case.initials},
                "results": results,
                "errors": errors,
                "warnings": warnings,
            },
        )


def _worth_confirming(outcome: Outcome) -> bool:
    """A `Status` alone is answered by the case view itself, not by a confirmation too."""
    others = [c for c in outcome.carried if not isinstance(c, StatusRequest)]
    return bool(others or outcome.errors)


UNTRUSTED_REASON = "not from a configured address for that role"


def tell_untrusted_sender(
    session: Session,
    app: App,
    case: Case,
    row: StoredMessage,
    msg: MailMessage,
    parsed: ParsedCommands,
    now: datetime,
) -> None:
    """Tell an unknown or unauthenticated sender their command lines were not carried out.

    The reason is the same whichever check failed, and the email names no case, child or
    person: a forger learns only what they could guess. If the From address was forged, its
    real owner learns someone wrote in their name. Automatic mail is never answered.
    """
    ok, _ = can_acknowledge(msg, frozenset({app.config.partnership.mailbox}))
    lines = labels_only([c.line for c in parsed.commands] + [e.line for e in parsed.errors])
    if not ok or not lines:
        return
    queue_email(
        session,
        app,
        key=f"command-refused-sender:{row.sha256}",
        for_message=row,
        event="command_refused_to_sender",
        to=[msg.from_addr],
        now=now,
        case=case,
        in_reply_to=f"<{row.message_id}>",
        context={"lines": lines, "reason": UNTRUSTED_REASON, "sent_at": row.received_at},
    )


def _not_authorised(address: str, roles: set[str], check: SenderCheck, command: type) -> str:
    """Why this sender may not give this command: the first of who, authentication, role."""
    if not roles:
        return (
            f"{address} is not a configured Business Manager, Independent Scrutineer "
            "or statutory partner representative"
        )
    if not check.allowed:
        return f"authentication failed: {check.authentication}"
    return lifecycle.role_refusal(command, roles)


def _told_bm(reason: str) -> str:
    return f"not carried out: {reason}. The Business Manager has been told."


def run_command(
    session: Session,
    app: App,
    case: Case,
    command: Command,
    actor: Actor,
    now: datetime,
    outcome: Outcome,
) -> None:
    agencies = agency_names(app.config)
    before = set(sentences(session, case, agencies))
    try:
        _check_stage(app, case, command, actor)
        with session.begin_nested():
            result = HANDLERS[type(command)](session, app, case, command, actor, now)
            # The one place a case's stage changes, as the lifecycle table says.
            stage = lifecycle.stage_of(case.stage)
            back = stage_to_reopen_at(case).stage if isinstance(command, Reopen) else None
            after = lifecycle.next_stage(stage, command, case.decision, back)
            case.stage = after.value
    except (CommandRefused, CalendarRangeError) as exc:
        # A date the calendar cannot count refuses this line only, like any other refusal.
        why = exc.for_people() if isinstance(exc, CalendarRangeError) else str(exc)
        refuse_line(session, case, command.line, why, actor.email, now, outcome)
        return
    outcome.results.append({"line": command.line, "outcome": result})
    outcome.carried.append(command)
    # Said at the moment it happens, not only in tomorrow's digest.
    outcome.warnings += [
        w
        for w in sentences(session, case, agencies)
        if w not in before and w not in outcome.warnings
    ]
    add_event(
        session,
        case,
        now,
        "command",
        f"{command.line} -> {result}",
        actor=actor.email,
        why=_given_by(app, actor),
    )


def _given_by(app: App, actor: Actor) -> str:
    """Who gave the command, for the chronology: the role, and whether a deputy gave it."""
    role = actor.role.replace("_", " ")
    holder = role_holders(app).get(actor.role)
    if holder is not None and actor.email.lower() in holder.deputies:
        return f"{actor.via} command from a deputy for the {role}"
    return f"{actor.via} command from the {role}"


def _check_stage(app: App, case: Case, command: Command, actor: Actor) -> None:
    """Refuse a command the table does not accept now, or one that would move a start later."""
    # A clock set aside as not required (`CSPR: no`) is not running: a new decision starts it.
    started = {d.name: d.start for d in case.deadlines if d.state != "not_required"}
    unmet = {d.name: d.due for d in case.deadlines if d.met_at is None}
    given_on = said_on(app, actor)
    refusal = lifecycle.verdict(lifecycle.stage_of(case.stage), command, started, given_on, unmet)
    if refusal is not None:
        raise CommandRefused(refusal)


def refuse_line(
    session: Session,
    case: Case,
    line: str,
    why: str,
    actor: str,
    now: datetime,
    outcome: Outcome,
) -> None:
    """One line not carried out: told to the sender, kept on the case, shown in the digest."""
    outcome.errors.append({"line": line, "message": why})
    add_event(
        session,
        case,
        now,
        "command_refused",
        f"{' / '.join(line.splitlines())}: {why}",
        actor=actor,
    )


def _refuse(
    session: Session,
    app: App,
    case: Case,
    row: StoredMessage,
    msg: MailMessage,
    outcome: Outcome,
    now: datetime,
) -> None:
    reasons = list(dict.fromkeys(r["reason"] for r in outcome.refused))
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
        for_message=row,
        event="command_rejected",
        to=[app.config.people.business_manager.email],
        now=now,
        case=case,
        context={
            "case_ref": case.ref,
            "sender": msg.from_addr,
            "refused": outcome.refused,
        },
    )

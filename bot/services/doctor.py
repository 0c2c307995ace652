"""`tscp-bot doctor`: a configuration tried against the real services, one line per check.

Each check stands alone: one failing never stops the others, and a check that needs what
failed says it was skipped and why. Every line says what to do in words an IT administrator
can act on, and none carries a password, secret or token (the adapters' messages never do).
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from bot.adapters.db.engine import (
    NoDatabase,
    SeveralRevisions,
    current_revision,
    head_revision,
    known_revision,
    make_engine,
)
from bot.adapters.email_builder import build_email, make_message_id
from bot.adapters.mail_source import MailboxError, MailboxFacts, Probed
from bot.adapters.oauth_tokens import EntraApp, TokenError
from bot.adapters.outgoing import MailSender, ProbedSender, SendError
from bot.adapters.rules_loader import load_rules
from bot.adapters.vocabulary_loader import load_vocabulary
from bot.bootstrap import calendar_for, entra_app, make_sender, make_source
from bot.clock import Clock
from bot.config import Config
from bot.config.paths import packaged
from bot.core.rules import RuleError
from bot.core.vocabulary import VocabularyError
from bot.services.doctor_auth import kerberos_checks, token_checks, token_roles
from bot.services.doctor_calendar import calendar_checks
from bot.services.doctor_check import UNREACHED, Check
from bot.services.doctor_clock import clock_checks
from bot.services.doctor_deadlines import deadline_checks
from bot.services.doctor_junk import junk_check
from bot.services.doctor_sent import sent_folder_checks
from bot.services.startup_checks import closure_warnings, startup_lines, template_problems


def run_checks(
    config: Config, clock: Clock, config_path: Path, send_test: str | None = None
) -> list[Check]:
    checks = [Check("ok", "config", f"{config_path} loaded")]
    checks += startup_lines(config, clock.now().astimezone(config.partnership.time_zone).date())
    closures = closure_warnings(config, calendar_for(config, clock.now()))
    checks += [Check("warn", "config", line) for line in closures]
    engine: Engine | None = None
    absent = ""
    try:
        # A mistyped SQLite path is reported, never made into a new empty database.
        engine = make_engine(config.database_url, create=False)
    except NoDatabase as exc:
        absent = str(exc)
    try:
        if engine is not None:
            database, unread = _database(config, engine)
        else:
            database, unread = Check("FAIL", "database", absent), UNREACHED
        checks.append(database)
        checks += _content(config)
        tokens = entra_app(config)
        checks += _mailbox(config, tokens)
        checks += _sending(config, tokens, clock, send_test)
        checks += sent_folder_checks(config, tokens, checks)
        checks += token_checks(config, tokens)
        calendar = calendar_checks(config, tokens, clock.now(), token_roles)
        checks += [Check(*line) for line in calendar]
        checks += kerberos_checks(config)
        checks += _reading(config)
        # The clock needs only an answer; the deadlines need the records as this version reads.
        checks += clock_checks(config, clock, None if unread == UNREACHED else engine)
        checks += deadline_checks(config, clock.now(), None if unread else engine, unread)
    finally:
        if engine is not None:
            engine.dispose()
    return checks


def _reading(config: Config) -> list[Check]:
    """Does a reading process start and answer? If not, the daemon reads in its own process."""
    if not config.ingest.read_in_child:
        return []
    from bot.adapters.reader_fallback import reader_works
    from bot.bootstrap import read_settings

    why = reader_works(read_settings(config))
    if why is None:
        return [Check("ok", "reading", "a reading process starts and parses a known email")]
    return [
        Check(
            "FAIL",
            "reading",
            f"the reading process does not work: {why}; the bot would parse and read mail in "
            "its own process, without [ingest] read_seconds and read_memory_mb: check the "
            "install (tscp-bot's Python packages) and any sandbox around the service",
        )
    ]


# -- database -------------------------------------------------------------------------------------


def _database(config: Config, engine: Engine) -> tuple[Check, str]:
    """The database line, and why the records cannot be read as this version reads them
    ("" when they can; UNREACHED when the database does not answer at all)."""
    where = engine.url.render_as_string(hide_password=True)
    try:
        current, head = current_revision(engine), head_revision()
    except SQLAlchemyError as exc:
        first = (str(getattr(exc, "orig", None) or exc).strip().splitlines() or [""])[0]
        said = (
            f"cannot connect to {where}: {first}; check [database] url and that the database "
            "server is running and lets this machine in"
        )
        return Check("FAIL", "database", said), UNREACHED
    except SeveralRevisions as exc:
        return Check("FAIL", "database", f"{where}: {exc}"), "the database is at no one schema"
    if current is None:
        said = f"{where} is not set up yet: run `tscp-bot init`"
        return Check(
            "FAIL", "database", said
        ), "the database is not set up yet: run `tscp-bot init`"
    if not known_revision(current):
        said = (
            f"{where} was upgraded by a newer tscp-bot (schema {current}; this one knows up to "
            f"{head}): install that version or newer"
        )
        return Check("FAIL", "database", said), f"the database schema {current} is newer"
    if current != head:
        said = (
            f"{where} schema is at {current}, this version needs {head}: run `tscp-bot init` "
            "(it upgrades in place)"
        )
        older = f"the database schema {current} is older than {head}: run `tscp-bot init`"
        return Check("FAIL", "database", said), older
    return Check("ok", "database", f"{where} reachable, schema current ({head})"), ""


# -- templates, rules, form vocabulary ------------------------------------------------------------


def _content(config: Config) -> list[Check]:
    checks = []
    broken = template_problems(config)
    if broken:
        checks += [Check("FAIL", "templates", f"{b} (run refuses to start)") for b in broken]
    else:
        checks.append(Check("ok", "templates", f"{config.templates_dir} all load"))
    try:
        rules = load_rules(config.rules_dir)
        checks.append(Check("ok", "rules", f"{len(rules)} rules from {config.rules_dir}"))
    except RuleError as exc:
        checks.append(Check("FAIL", "rules", f"{config.rules_dir}: {exc}; fix that file"))
    try:
        forms = load_vocabulary(config.forms_dir, installed=packaged("forms"))
        checks.append(Check("ok", "forms", f"{len(forms.forms)} forms from {config.forms_dir}"))
    except VocabularyError as exc:
        checks.append(Check("FAIL", "forms", f"{config.forms_dir}: {exc}; fix that file"))
    return checks


# -- mailbox --------------------------------------------------------------------------------------


def _mailbox(config: Config, tokens: EntraApp | None) -> list[Check]:
    try:
        source = make_source(config, tokens)
    except MailboxError as exc:
        return [Check("FAIL", "mailbox", str(exc))]
    try:
        if not isinstance(source, Probed):
            return [Check("warn", "mailbox", "skipped: this mailbox kind cannot be checked")]
        try:
            facts = source.probe()
        except MailboxError as exc:
            return [Check("FAIL", "mailbox", _mailbox_advice(str(exc)))]
        return [*_mailbox_lines(config, facts), junk_check(source, config.mailbox)]
    finally:
        source.close()


def _mailbox_advice(message: str) -> str:
    if "login refused" in message:
        return f"{message}; check the username and the password in its environment variable"
    return message


def _mailbox_lines(config: Config, facts: MailboxFacts) -> list[Check]:
    mb = config.mailbox
    if mb.backend == "imap" and mb.imap is not None:
        who = f"{mb.imap.username} on {mb.imap.host}:{mb.imap.port} ({mb.imap.auth})"
        inbox, processed = mb.imap.folder, mb.imap.processed_folder
    elif mb.backend == "graph" and mb.graph is not None:
        who = f"{mb.graph.user} through Microsoft Graph"
        inbox, processed = mb.graph.inbox_folder, mb.graph.processed_folder
    elif mb.backend == "ews" and mb.ews is not None:
        who = f"{mb.ews.mailbox} through Exchange Web Services at {mb.ews.endpoint}"
        inbox, processed = "Inbox", mb.ews.processed_folder
    else:
        who, inbox, processed = f"Maildir {mb.maildir_path} (writable)", "inbox", "Processed"
    checks = [
        Check("ok", "mailbox login", f"{who}; {len(facts.folders)} folders"),
        Check("ok", "mailbox inbox", f"{inbox} can be read: {facts.inbox_count} messages"),
    ]
    if facts.inbox_created:
        checks[1] = Check(
            "warn",
            "mailbox inbox",
            f"Maildir {mb.maildir_path} did not exist: created it empty; if mail is delivered "
            "somewhere else, check [mailbox] maildir_path",
        )
    folders = [("Processed folder", processed)]
    if mb.needs_attention_folder:
        folders.append(("needs-attention folder", mb.needs_attention_folder))
    for label, name in folders:
        made = name in facts.created
        detail = f"{name!r} created (it did not exist)" if made else f"{name!r} exists"
        checks.append(Check("ok", f"mailbox {label}", detail))
    return checks


# -- sending --------------------------------------------------------------------------------------


def _sending(
    config: Config, tokens: EntraApp | None, clock: Clock, send_test: str | None
) -> list[Check]:
    sender = make_sender(config, tokens)
    try:
        checks = [_try_sender(config, sender, tokens)]
        if send_test:
            if checks[0].status == "FAIL":
                checks.append(Check("warn", "test email", "skipped: sending does not work"))
            else:
                checks.append(_send_test(config, sender, clock, send_test))
    finally:
        close = getattr(sender, "close", None)  # a Graph sender holds an HTTP session
        if callable(close):
            close()
    return checks


def _try_sender(config: Config, sender: MailSender, tokens: EntraApp | None) -> Check:
    graph = config.outgoing.graph
    if config.outgoing.backend in ("smtp", "ews") and isinstance(sender, ProbedSender):
        where = f"[outgoing.{config.outgoing.backend}]"
        try:
            return Check("ok", "sending", f"logged in to {sender.probe()}; nothing sent")
        except SendError as exc:
            return Check("FAIL", "sending", f"{exc}; check {where} and the server")
    if config.outgoing.backend == "graph" and tokens is not None and graph is not None:
        return _graph_sending(tokens, graph.scopes, graph.user)
    if config.outgoing.backend == "maildir":
        path = config.outgoing.maildir_path
        return Check("warn", "sending", f"mail is written to the Maildir {path}, not sent")
    return Check("warn", "sending", "skipped: this kind of sender cannot be checked")


def _graph_sending(tokens: EntraApp, scopes: tuple[str, ...], user: str) -> Check:
    try:
        token = tokens.token(scopes)
    except TokenError as exc:
        return Check("FAIL", "sending", f"no Microsoft 365 token for Graph: {exc}")
    roles = token_roles(token.value)
    if roles is None:
        return Check(
            "warn",
            "sending",
            f"Graph token for {user} obtained; whether the app holds Mail.Send shows only "
            "when sending: try --send-test ADDRESS",
        )
    if "Mail.Send" not in roles:
        return Check(
            "FAIL",
            "sending",
            "the app's Graph token lacks the Mail.Send application permission: add it in "
            "Entra ID and grant admin consent",
        )
    return Check("ok", "sending", "Graph token holds Mail.Send")


def _send_test(config: Config, sender: MailSender, clock: Clock, address: str) -> Check:
    partnership = config.partnership
    now = clock.now()
    raw = build_email(
        sender=partnership.mailbox,
        sender_name=partnership.name,
        to=[address],
        subject=f"{partnership.name} bot: test email from tscp-bot doctor",
        text=(
            f"This is a test email sent by `tscp-bot doctor` at {now:%Y-%m-%d %H:%M} UTC to "
            "check that the bot can send mail. Nothing needs doing.\n"
        ),
        html=None,
        message_id=make_message_id(
            f"doctor:{now.isoformat()}:{os.getpid()}", partnership.mailbox.split("@", 1)[1]
        ),
        date=now,
    )
    try:
        sender.send(raw, partnership.mailbox, [address])
    except SendError as exc:
        return Check("FAIL", "test email", f"not sent to {address}: {exc}")
    if config.outgoing.backend == "maildir":  # nothing left the machine: never "sent"
        where = config.outgoing.maildir_path
        return Check("warn", "test email", f"written to the Maildir {where}; not sent to {address}")
    return Check("ok", "test email", f"sent to {address}; check it arrived")

"""Human mail on a case reaches a person: kept on the case for the digest, and alerted.

The decision is bot.core.attention.notice_for; this module gathers its facts and applies it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.adapters.db.models import StoredMessage
from bot.adapters.documents.text import body_tables
from bot.app import App
from bot.core import lifecycle
from bot.core.attention import (
    ReplyFacts,
    beyond_covering,
    first_lines,
    human_text,
    is_live,
    notice_for,
)
from bot.core.autoreply import is_own_mail, labelled_by_headers
from bot.core.commands import ParsedCommands
from bot.core.commands.quoting import quotes_unmarked, text_to_show
from bot.core.forms import Extraction
from bot.core.message import MailMessage, document_names
from bot.core.pasted_form import words_outside
from bot.core.subject_words import added_words
from bot.services.answered import answered_subjects, answered_texts
from bot.services.cases import add_event
from bot.services.intake import sender_agency_key
from bot.services.mailout import queue_email
from bot.services.store import FETCH_TIME

NEW_ON_CASE = "new_on_case"
# Added to the sender an automatic reply kept on a case is shown as: only an out-of-office is
# kept so (returned mail is the bounce reader's, bot.services.delivery); bot.services.away
# finds them by it.
AUTOMATIC_REPLY = " (automatic reply)"


def agency_name(app: App, address: str) -> str:
    """The configured agency's name (not its key), or the sender's domain when unknown."""
    key = sender_agency_key(app, address)
    agency = app.config.agency(key) if key else None
    return agency.name if agency else address.partition("@")[2]


def sender_label(msg: MailMessage) -> str:
    return f"{msg.from_name} <{msg.from_addr}>" if msg.from_name else msg.from_addr


def _written(
    session: Session, app: App, msg: MailMessage, lines: list[str], body: str
) -> tuple[str, tuple[str, ...]]:
    """What the sender wrote in `body` (the message's text, or what of it lies outside a form
    pasted in) besides command lines, and the documents they attached."""
    # Read further than commands are: text below a quoted email is shown, never obeyed.
    answered = answered_texts(session, app, msg) if quotes_unmarked(msg.text) else None
    shown = text_to_show(body, answered, app.config.ingest.gateway_banners)
    return human_text(shown, lines), document_names(msg)


def _outside_form(app: App, msg: MailMessage, form: Extraction | None) -> str:
    """The message's text less the lines of a form pasted into it (bot.core.pasted_form),
    as a list or as a table in its HTML."""
    if form is None:
        return msg.text
    vocabulary = app.vocabulary.forms.get(form.form or "")
    titles = vocabulary.title_patterns if vocabulary is not None else ()
    return words_outside(msg.text, form, titles, body_tables(msg.html) if msg.html else {})


def _added_to_subject(
    session: Session, app: App, row: StoredMessage, msg: MailMessage, lines: list[str]
) -> str:
    """What the sender of a case reply typed into its subject (bot.core.subject_words), unless
    the subject was itself read as a command ("Status TSCP-2026-0001")."""
    if row.kind != "case_reply" or row.case is None or " ".join(msg.subject.split()) in lines:
        return ""
    prefix = app.config.partnership.reference_prefix
    if not added_words(msg.subject, (), prefix):  # "RE: [TSCP-2026-0001]": nothing to ask
        return ""
    return added_words(msg.subject, answered_subjects(session, msg, row, row.case.id), prefix)


def note_human_mail(
    session: Session,
    app: App,
    row: StoredMessage,
    msg: MailMessage,
    parsed: ParsedCommands | None,
    now: datetime,
    *,
    noted: str | None = None,
    beside_form: bool = False,
    form: Extraction | None = None,
    turned_down: bool = False,
) -> None:
    """Keep what a person wrote on a case for the digest and alert now, on a closed case too.
    `noted`: the note typed with a calendar answer, read instead of the body; the answer
    itself is recorded as a command is, so thanks alone is not news. `beside_form`: the email
    brought a return or a SIN form: its documents are the form's, and its covering line is
    not news; `form`, as read, when it may have been pasted into the body, whose lines are
    the form's, not news, and are left out. `turned_down`: the calendar answer declines or
    asks to move the meeting, so its note is alerted now."""
    case = row.case
    lines = [c.line for c in parsed.commands] + [e.line for e in parsed.errors] if parsed else []
    body = _outside_form(app, msg, form)
    text, documents = (noted, ()) if noted is not None else _written(session, app, msg, lines, body)
    subject = _added_to_subject(session, app, row, msg, lines) if noted is None else ""
    if beside_form:
        text, documents = beyond_covering(text), ()
    mailbox = app.config.partnership.mailbox.lower()
    facts = ReplyFacts(
        kind=row.kind or "",
        on_case=case is not None,
        from_business_manager=msg.from_addr == app.config.people.business_manager.email,
        own_mail=is_own_mail(msg, frozenset({mailbox})),
        text=text,
        subject=subject,
        documents=documents,
        had_commands=bool(lines) or noted is not None,
        alert_enabled=app.config.digest.alert_on_case_reply,
        labelled_by_headers=labelled_by_headers(msg),
        beside_form=beside_form,
        sender_name=msg.from_name,
        turned_down=turned_down,
    )
    notice = notice_for(facts)
    if case is None or not notice.surface:
        return
    first = first_lines(
        "\n".join(x for x in (f"Subject: {subject}" if subject else "", text) if x), documents
    )
    who = sender_label(msg) + (AUTOMATIC_REPLY if row.kind == "auto_reply" else "")
    # When it reached the mailbox, for the digest; unknown when the server gave no time.
    arrived = row.received_at if row.received_source != FETCH_TIME else None
    add_event(
        session, case, now, NEW_ON_CASE, first, actor=msg.from_addr, why=who, arrived_at=arrived
    )
    if not notice.alert:
        return
    queue_email(
        session,
        app,
        key=f"case-reply-alert:{row.sha256}",
        for_message=row,
        event="case_reply_alert",
        to=[app.config.people.business_manager.email],
        now=now,
        case=case,
        context={
            "case": {"ref": case.ref, "initials": case.initials},
            "stage": lifecycle.stage_of(case.stage).value.replace("_", " "),
            "closed": not is_live(case.stage, case.status),
            "sender": sender_label(msg),
            "agency": agency_name(app, msg.from_addr),
            "received_at": row.received_at,
            "first_lines": first,
            "message_id": row.id,
        },
    )

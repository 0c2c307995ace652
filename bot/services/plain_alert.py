"""The bot's alert in plain built-in words, for when its own email cannot be written.

The alert and its "working again" email are written from templates a partnership may override
(templates_dir). A local copy broken after start-up (edited while the daemon runs), or anything
else raising while the email is built, stopped every check of the watchdog with one log line:
nobody was emailed, and the bot's own trouble went silent. Instead the alert goes out in the
words below, with no template, straight through the mail server, and says why it is plain.
It names no person: the trouble's sentence, its start and the instance, as the alert does.
Once sent it is written to the outbox as sent, under the alert's own key, as an alert sent
straight through the mail server is: a restart during the same trouble finds it and does not
send it again.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from bot.adapters.db.models import OutboxMessage
from bot.adapters.email_builder import build_email, make_message_id
from bot.adapters.outgoing import SendError
from bot.app import App
from bot.core.health import Problem

# What the watchdog's own health says while an alert went out in plain words (`status`, the
# digest's system health), so the broken template is put right, not only read about.
WATCHDOG = "watchdog"


def unwritten(error: str) -> str:
    """The watchdog's recorded trouble: its alert email could not be written."""
    return f"an alert email could not be written ({error}); it was sent in plain words instead"


def alert_text(app: App, problem: Problem, instance: str, error: str) -> tuple[str, str]:
    """(subject, text) of the alert for `problem`, in plain words."""
    prefix = app.config.partnership.reference_prefix
    return f"{prefix} bot needs attention: {problem.sentence}", _text(
        app,
        f"The {app.config.partnership.name} bot needs attention:\n{problem.sentence}.",
        problem,
        instance,
        error,
    )


def ended_text(
    app: App, problem: Problem, sentence: str, at: datetime, instance: str, error: str
) -> tuple[str, str]:
    """(subject, text) of the email saying `problem` is over (seen so `at`), in plain words."""
    prefix = app.config.partnership.reference_prefix
    said = f"{sentence} (seen so {_when(app, at)}). It began: {problem.sentence}."
    return f"{prefix} bot working again: {sentence}", _text(app, said, problem, instance, error)


def _text(app: App, said: str, problem: Problem, instance: str, error: str) -> str:
    return (
        "Dear Business Manager and IT contact,\n\n"
        f"{said}\n\n"
        f"  Since:     {_when(app, problem.since)}\n"
        f"  Instance:  {instance}\n\n"
        "This email is in the bot's plain built-in words: its own email could not be written\n"
        f"({error}).\n\n"
        "WHAT TO DO\n\n"
        "- IT contact: fix the system_alert and system_recovered templates in the\n"
        '  templates_dir (or copy them again from the installed ones), run "tscp-bot doctor",\n'
        '  and run "tscp-bot status" on the server for details.\n'
        "- Business Manager: until this is put right, check the mailbox by hand for\n"
        "  anything urgent.\n\n"
        "You get this email once for this problem, not every time the bot retries.\n"
    )


def _when(app: App, at: datetime) -> str:
    renderer = app.templates  # its date words only: no template is read
    return f"{renderer.longdate(at)}, {renderer.time(at)}"


def send_plain(
    app: App, to: Sequence[str], key: str, subject: str, text: str, now: datetime
) -> bool:
    """Send straight through the mail server; False when it would not take it (tried again)."""
    partnership = app.config.partnership
    try:
        app.open_sender().send(
            _email(app, to, key, subject, text, now), partnership.mailbox, list(to)
        )
    except (SendError, OSError):
        return False
    return True


def record_plain(
    app: App, event: str, to: Sequence[str], key: str, subject: str, text: str, sent: datetime
) -> bool:
    """Write the email sent in plain words `sent` to the outbox as sent, under `key` (unless an
    email has it already); False when the database is away (tried again)."""
    try:
        with app.sessions() as session:
            if session.scalar(select(OutboxMessage.id).where(OutboxMessage.idempotency_key == key)):
                return True
            session.add(
                OutboxMessage(
                    idempotency_key=key,
                    message_id=_message_id(app, key).strip("<>"),
                    event=event,
                    sender=app.config.partnership.mailbox,
                    recipients=list(to),
                    subject=subject,
                    raw=_email(app, to, key, subject, text, sent),
                    created_at=sent,
                    status="sent",
                    attempts=1,
                    next_attempt_at=sent,
                    sent_at=sent,
                )
            )
            session.commit()
    except SQLAlchemyError:
        return False
    return True


def _email(app: App, to: Sequence[str], key: str, subject: str, text: str, now: datetime) -> bytes:
    partnership = app.config.partnership
    return build_email(
        sender=partnership.mailbox,
        sender_name=partnership.name,
        to=to,
        subject=subject,
        text=text,
        html=None,
        message_id=_message_id(app, key),
        date=now,
    )


def _message_id(app: App, key: str) -> str:
    return make_message_id(f"{key}:plain", app.config.partnership.mailbox.split("@", 1)[1])

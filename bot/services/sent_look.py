"""Looking in the Sent folder before sending again an email whose last attempt was cut short
(the process died mid-send, or the server's answer never came): did the server take it?

Where the server files what it sent only after a delay (Graph's sendMail: SentLookup.
files_within), "not there yet" is not "not sent": the email waits and is looked for again, and
past that time a person is asked rather than a second copy risked (bot.core.unconfirmed_send):
the email is marked failed, and the Business Manager's notice queued, in the caller's
transaction.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.adapters.db.models import OutboxMessage
from bot.adapters.outgoing import SendError
from bot.app import App
from bot.core.unconfirmed_send import (
    NOTICE_EVENT,
    Looked,
    Unconfirmed,
    after_looking,
    ask_notice,
    ask_words,
    look_again_words,
)
from bot.services.undelivered import own_addresses, queue_notice_about, roles_by_address

log = logging.getLogger(__name__)


def look_in_sent(app: App, session: Session, row: OutboxMessage) -> tuple[Looked, str]:
    """What was found, and the folder searched by the name a person finds it under (for the
    words she reads). Raises SendError when the folder cannot be searched now. `row` is in
    `session`, which the caller commits."""
    lookup = app.open_sent_lookup()
    if lookup is None:
        log.warning("outbox #%d: an earlier attempt was cut short; sending again", row.id)
        return Looked.NOT_SENT, ""
    try:
        found = lookup.was_sent(row.message_id)
        files_within, folder = lookup.files_within, lookup.folder_name
    finally:
        lookup.close()
    started = row.attempt_started_at
    assert started is not None  # only an attempt cut short is looked for
    looked = after_looking(found, started, app.clock.now(), files_within)
    log.warning("outbox #%d: an earlier attempt was cut short; %s", row.id, _said[looked])
    if looked is Looked.ASK:
        _ask_a_person(app, session, row, files_within, folder)
    return looked, folder


def look_again_error(app: App, row: OutboxMessage, folder: str) -> SendError:
    """The retry that looks in the Sent folder again, the attempt left open."""
    return SendError(look_again_words(_started(app, row), folder))


def _ask_a_person(
    app: App, session: Session, row: OutboxMessage, files_within: timedelta, folder: str
) -> None:
    """Failed, so the digest lists it under the emails failing to send, with what to do; a
    person's `outbox retry` sends it. The Business Manager is told now, not at the digest."""
    row.status = "failed"
    row.last_error = ask_words(row.id, _started(app, row), files_within, folder)[:500]
    _tell_the_business_manager(app, session, row, folder)


def _tell_the_business_manager(app: App, session: Session, row: OutboxMessage, folder: str) -> None:
    started = row.attempt_started_at
    assert started is not None
    email = Unconfirmed(row.id, row.event, tuple(row.recipients), started)
    notice = ask_notice(email, own_addresses(app.config), roles_by_address(app.config))
    if notice is None:
        return
    queue_notice_about(
        session,
        app,
        row,
        key=notice.key,
        event=NOTICE_EVENT,
        now=app.clock.now(),
        facts={
            "recipients": list(notice.recipients),
            "started": started,
            "statutory": notice.statutory,
            "sent_folder": folder,
        },
    )


def _started(app: App, row: OutboxMessage) -> datetime:
    """When the attempt began, in the partnership's time zone (GMT or BST)."""
    started = row.attempt_started_at
    assert started is not None
    return started.astimezone(app.config.partnership.time_zone)


_said = {
    Looked.FOUND: "it is in the Sent folder, so it is not sent again",
    Looked.NOT_SENT: "not sent; sending now",
    Looked.LOOK_AGAIN: "not in the Sent folder yet; looking again later, not sending it again",
    Looked.ASK: "still not in the Sent folder; a person is asked, it is not sent again",
}

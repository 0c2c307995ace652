"""Looking in the Sent folder before sending again an email whose last attempt was cut short
(the process died mid-send, or the server's answer never came): did the server take it?

Where the server files what it sent only after a delay (Graph's sendMail: SentLookup.
files_within), "not there yet" is not "not sent": the email waits and is looked for again, and
past that time a person is asked rather than a second copy risked (bot.core.unconfirmed_send).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.adapters.db.models import OutboxMessage
from bot.adapters.outgoing import SendError
from bot.app import App
from bot.core.unconfirmed_send import Looked, after_looking, ask_words, look_again_words

log = logging.getLogger(__name__)


def look_in_sent(app: App, row: OutboxMessage) -> Looked:
    """Raises SendError when the folder cannot be searched now."""
    lookup = app.open_sent_lookup()
    if lookup is None:
        log.warning("outbox #%d: an earlier attempt was cut short; sending again", row.id)
        return Looked.NOT_SENT
    try:
        found = lookup.was_sent(row.message_id)
        files_within = lookup.files_within
    finally:
        lookup.close()
    started = row.attempt_started_at
    assert started is not None  # only an attempt cut short is looked for
    looked = after_looking(found, started, app.clock.now(), files_within)
    log.warning("outbox #%d: an earlier attempt was cut short; %s", row.id, _said[looked])
    if looked is Looked.ASK:
        _ask_a_person(app, row, files_within)
    return looked


def look_again_error(app: App, row: OutboxMessage) -> SendError:
    """The retry that looks in the Sent folder again, the attempt left open."""
    return SendError(look_again_words(_started(app, row)))


def _ask_a_person(app: App, row: OutboxMessage, files_within: timedelta) -> None:
    """Failed, so the digest lists it under the emails failing to send, with what to do; a
    person's `outbox retry` sends it."""
    row.status = "failed"
    row.last_error = ask_words(row.id, _started(app, row), files_within)[:500]


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

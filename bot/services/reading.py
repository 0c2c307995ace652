"""The reading process's state, kept on the mailbox's state row for `status` and the digest.

Whatever instance reads the mailbox records, at its mail pass's start and end, what it knows:
that its reading process does not work (why, and since when: kept while the trouble lasts,
whichever instance or run meets it), or that it works (the record cleared). A process that has
not started one yet knows nothing, and changes nothing; but when the record says broken, it
starts one at once to find out (bot.adapters.reader_fallback.FallbackReader.try_again), so a
mended install clears the record without waiting for an email. One instance reads the mailbox
at a time (its job's lease), so the record is that instance's.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select, update

from bot.adapters.db.models import MailboxState

if TYPE_CHECKING:
    from bot.app import App

log = logging.getLogger(__name__)


Recorded = tuple[str | None, datetime | None] | None  # (why broken, since when), or unknown


def check_reading(app: App) -> Recorded:
    """At a mail pass's start: try a broken reading process again when its wait is over (or
    start one, when the record says broken and this process has not), then record the state.
    Returns the record as it now stands, for `record_reading` at the pass's end: one instance
    reads the mailbox at a time, so nothing else changes it in between."""
    stored = _stored(app)
    if app.reading is not None:
        app.reading.try_again(untried_too=stored is not None and stored[0] is not None)
    return _record(app, stored)


def record_reading(app: App, stored: Recorded) -> None:
    """At a mail pass's end: record what the pass found of the reading process."""
    if app.reading is None or app.reading.known:  # else nothing to record: no read either
        # No record at the start: the mailbox's row is made by the first pass, so look again.
        _record(app, stored if stored is not None else _stored(app))


def _stored(app: App) -> Recorded:
    """The record (why broken, since when); None when there is no row or no database."""
    try:
        with app.sessions() as session:
            row = session.execute(
                select(MailboxState.reading_broken, MailboxState.reading_broken_since).where(
                    MailboxState.name == app.mailbox_name
                )
            ).first()
    except Exception:  # the database's own trouble is said by the pass that meets it
        log.debug("reading process state not read", exc_info=True)
        return None
    return None if row is None else (row[0], row[1])


def _record(app: App, stored: Recorded) -> Recorded:
    """Write what this process knows, when it differs from `stored`; the record after."""
    reading = app.reading
    if stored is None or (reading is not None and not reading.known):
        return stored
    broken = reading.broken if reading is not None else None
    since = None if broken is None else (stored[1] if stored[0] else None) or app.clock.now()
    if (broken, since) == stored:
        return stored
    try:
        with app.sessions() as session:
            session.execute(
                update(MailboxState)
                .where(MailboxState.name == app.mailbox_name)
                .values(reading_broken=broken, reading_broken_since=since)
            )
            session.commit()
    except Exception:
        log.debug("reading process state not recorded", exc_info=True)
        return stored
    if broken is None:
        log.info("the reading process works: the record of it not working is cleared")
    return (broken, since)

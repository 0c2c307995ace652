"""Release: moving handled mail out of the inbox, after the database commit that recorded it.

Only mail the bot fully handled moves to Processed. Mail that needs a person (triage, refused
commands, quarantine) stays in the inbox, or the configured needs-attention folder, where the
Business Manager works, until `triage done N`; a move that could not happen then is made on
the next pass. released_at is committed after the move: a crash between the two leaves a
pending release, which the next pass finds already moved (never moved twice).

A message not under its recorded key is looked for by what the record holds of it (its
Message-ID, size and bytes) in the needs-attention folder and Processed before it is called
released: a bot stopped between setting mail aside and the commit recording its new place
leaves a key naming the inbox while the message waits in the needs-attention folder.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.adapters.db.models import StoredMessage
from bot.adapters.mail_source import (
    Fingerprint,
    Found,
    MailboxError,
    MailSource,
    MessageGone,
    Moved,
)
from bot.app import App
from bot.config.reader import ConfigError
from bot.core.attention import Release, release_for

log = logging.getLogger(__name__)
DONE = ("processed", "quarantined")


@dataclass
class Released:
    """What one release step did."""

    released: int = 0
    waiting_for_a_person: int = 0  # seen in the inbox, kept there for the Business Manager


def release_batch(
    app: App, source: MailSource, keys: dict[str, int], errors: list[str], *, pending: bool
) -> Released:
    """Move what a batch handled (keys: the stored row of each) and, with pending, what earlier
    passes left to move, out of the inbox; called after the batch's commits, and commits
    released_at after the move."""
    report = Released()
    with app.sessions() as session:
        actions = _actions(session, set(keys.values()))
        rows = _rows(session, {i for i, action in actions.items() if action is Release.MOVE})
        to_move: dict[str, StoredMessage] = {}
        reachable = True
        for key, row_id in keys.items():
            action = actions[row_id]
            if action is Release.KEEP:
                report.waiting_for_a_person += 1
                # After one failure the rest wait for the next pass, not a timeout each.
                reachable = reachable and set_aside(source, key, session, row_id, errors)
            elif action is Release.MOVE:
                to_move[key] = rows[row_id]
        if pending:
            for row in pending_releases(session, exclude=set(keys.values())):
                to_move.setdefault(row.source_key, row)
        if to_move and reachable:
            report.released += move_all_to_processed(app, source, to_move, errors)
        elif to_move:
            log.info("%d message(s) wait to move until the mailbox answers", len(to_move))
        session.commit()
    return report


def _actions(session: Session, row_ids: set[int]) -> dict[int, Release]:
    """What release does with each row, read as the two columns it depends on: most of a
    backlog waits for a person, and its rows need not be loaded as objects to be left alone."""
    found = session.execute(
        select(StoredMessage.id, StoredMessage.status, StoredMessage.needs_triage).where(
            StoredMessage.id.in_(row_ids)
        )
    )
    return {row_id: release_for(status, needs_triage) for row_id, status, needs_triage in found}


def _rows(session: Session, row_ids: set[int]) -> dict[int, StoredMessage]:
    if not row_ids:
        return {}
    found = session.scalars(select(StoredMessage).where(StoredMessage.id.in_(row_ids)))
    return {row.id: row for row in found}


def pending_releases(session: Session, exclude: set[int] | None = None) -> list[StoredMessage]:
    """Handled mail whose move has not happened yet: a `triage done` while the mailbox was
    unreachable, or a move that failed on an earlier pass."""
    rows = session.scalars(
        select(StoredMessage)
        .where(
            StoredMessage.status.in_(DONE),
            StoredMessage.needs_triage.is_(False),
            StoredMessage.released_at.is_(None),
            StoredMessage.source_key != "",
        )
        .order_by(StoredMessage.id)
    )
    return [r for r in rows if r.id not in (exclude or set())]


def set_aside(
    source: MailSource, key: str, session: Session, row_id: int, errors: list[str]
) -> bool:
    """Move mail that needs a person to the configured needs-attention folder, once.

    Its new key replaces the inbox one, so `triage done` finds it there; with no folder
    configured it stays in the inbox and is seen, not counted, on each full sweep.
    False when the mailbox could not be reached.
    """
    try:
        moved_to = source.set_aside(key)
    except MessageGone:
        return True
    except MailboxError as exc:
        errors.append(str(exc))  # still in the inbox: the next pass tries again
        return False
    if moved_to is not None:
        row = session.get(StoredMessage, row_id)
        if row is not None:  # loaded only now: most mail needing a person moves nowhere
            row.source_key = moved_to
    return True


def move_all_to_processed(
    app: App, source: MailSource, rows: dict[str, StoredMessage], errors: list[str]
) -> int:
    """Move handled messages out of the inbox in one go, bounded by the pass deadline; the
    caller commits released_at. Whatever did not move stays a pending release."""
    moves = source.mark_processed_many(list(rows), app.config.mailbox.pass_deadline_seconds)
    now = app.clock.now()
    gone = [key for key, outcome in moves.done.items() if outcome is Moved.GONE]
    looked = _look_for_each(source, [rows[key] for key in gone], errors)
    released = [k for k in moves.done if moves.done[k] is Moved.MOVED] + gone[:looked]
    for key in released:
        rows[key].released_at = now
    if moves.error:
        errors.append(moves.error)
    if len(released) < len(rows):
        log.warning("%d message(s) left to move on the next pass", len(rows) - len(released))
    return len(released)


def _look_for_each(source: MailSource, rows: list[StoredMessage], errors: list[str]) -> int:
    """Look for each message not under its key, in order, until the mailbox fails: how many
    were looked for (the rest are looked for on the next pass)."""
    for looked, row in enumerate(rows):
        try:
            _look_for(source, row)
        except MailboxError as exc:
            errors.append(str(exc))
            return looked
    return len(rows)


def _look_for(source: MailSource, row: StoredMessage) -> Found:
    """Find a message that is not under its key, moving it on to Processed if it waits in the
    needs-attention folder. Raises MailboxError."""
    found = source.find_and_release(Fingerprint(row.message_id, row.size, row.sha256))
    if found is Found.NOWHERE:
        # Moved or deleted by hand, or its key went stale: nothing left to move. A full
        # sweep that finds it in the inbox under a new key moves it then.
        log.info("message #%d is not in the mailbox's folders under its key", row.id)
    return found


MOVED = "moved to Processed"
# What release_now says of a message that was not under its key.
_FOUND = {
    Found.SET_ASIDE: "found in the needs-attention folder and moved to Processed",
    Found.PROCESSED: "already in Processed",
    Found.NOWHERE: (
        "not found where its record said, in the needs-attention folder or in Processed "
        "(moved or deleted by hand?): nothing was moved"
    ),
    Found.RENUMBERED: "found in the inbox under a new number (the mailbox numbered its mail "
    "afresh) and moved to Processed",
}


def move_to_processed(
    app: App, source: MailSource, key: str, row: StoredMessage, errors: list[str]
) -> str | None:
    """Move one handled message out of the inbox; the caller commits released_at. Says what
    was done; None when the mailbox could not be reached (the next pass tries again)."""
    try:
        try:
            source.mark_processed(key)
            done = MOVED
        except MessageGone:
            done = _FOUND[_look_for(source, row)]
    except MailboxError as exc:
        errors.append(str(exc))  # recorded in the database already
        return None
    row.released_at = app.clock.now()
    return done


def release_now(app: App, row_id: int) -> str:
    """Move one message a person has dealt with on to Processed, now if the mailbox answers.

    Called after the triage mark is committed, so an unreachable mailbox loses nothing:
    the message is a pending release and the next pass moves it. Returns what happened.
    """
    with app.sessions() as session:
        row = session.get(StoredMessage, row_id)
        if row is None or release_for(row.status, row.needs_triage) is not Release.MOVE:
            return "left where it is"
        if row.released_at is not None or not row.source_key:
            return "already out of the inbox"
        errors: list[str] = []
        done = None
        try:
            source = app.open_source()
        except (MailboxError, ConfigError) as exc:
            # No mailbox password in this shell: the mark is kept and the daemon moves it.
            errors.append(str(exc))
        else:
            try:
                done = move_to_processed(app, source, row.source_key, row, errors)
            finally:
                source.close()
        session.commit()
    if done is None:
        return f"the mailbox could not be reached ({errors[0]}); it moves on the next pass"
    return done

"""Waking the sender the moment mail is queued, instead of at the outbox's next tick.

The bell listens to this instance's sessions: a flush that adds an email ready to send (or
makes one ready: an approved draft, a retry asked for now), or an INSERT of ready outbox rows
as values (the periodic jobs' emails, bot.services.batch), marks the transaction, and when
that transaction's commit has returned the bell rings. Ringing only after the commit matters:
the sender reads the outbox in its own session, so a row it could not yet see would be missed
until the tick. A transaction rolled back rings nothing, and neither does a savepoint released
(a batch of mail is processed a savepoint per message): only the whole transaction's commit
makes the rows readable, so it rings once, for all of them.

The bell also rings across instances, which share nothing but the database
(bot.adapters.db.notify): on PostgreSQL the transaction that queues mail sends a NOTIFY
(delivered only if it commits); on SQLite the commit, once it has returned, replaces a bell
file beside the database. Every listening bell hears it; a command at the terminal attaches a
bell that only announces. The outbox's tick stays as the safety net: for retries that come
due, for a listener that is reconnecting, and for a bell that could not be written.
"""

from __future__ import annotations

import threading
import uuid

from sqlalchemy import Engine, event, inspect
from sqlalchemy.orm import (
    ORMExecuteState,
    Session,
    SessionTransaction,
    UOWTransaction,
    sessionmaker,
)

from bot.adapters.db import notify
from bot.adapters.db.models import OutboxMessage

_OUTBOX = OutboxMessage.__table__
_QUEUED = "tscp_outbox_queued"  # key in Session.info: this transaction queued mail
_NOTIFIED = "tscp_outbox_notified"  # and has sent its NOTIFY where no savepoint can undo it
CHANNEL = "tscp_outbox"


class OutboxBell:
    def __init__(self) -> None:
        self._rung = threading.Event()
        self._sessions: sessionmaker[Session] | None = None
        self._engine: Engine | None = None
        self._listener: notify.Listening | None = None
        self._token = uuid.uuid4().hex  # names this bell's own notifications

    def attach(self, sessions: sessionmaker[Session], *, listen: bool = True) -> None:
        """Listen to every session `sessions` makes from now on. listen=False: only announce
        this process's queued mail to the other instances (a command at the terminal, which
        sends nothing itself), without waiting for theirs."""
        self._sessions = sessions
        engine = sessions.kw.get("bind")
        self._engine = engine if isinstance(engine, Engine) else None
        if listen and self._engine is not None:
            self._listener = notify.listener(self._engine, CHANNEL, self._heard)
            if self._listener is not None:
                self._listener.start()
        event.listen(sessions, "after_flush", self._flushed)
        event.listen(sessions, "do_orm_execute", self._executed)
        event.listen(sessions, "before_commit", self._committing)
        event.listen(sessions, "after_commit", self._committed)
        event.listen(sessions, "after_transaction_end", self._ended)

    def detach(self) -> None:
        if self._sessions is None:
            return
        event.remove(self._sessions, "after_flush", self._flushed)
        event.remove(self._sessions, "do_orm_execute", self._executed)
        event.remove(self._sessions, "before_commit", self._committing)
        event.remove(self._sessions, "after_commit", self._committed)
        event.remove(self._sessions, "after_transaction_end", self._ended)
        self._sessions = self._engine = None
        if self._listener is not None:
            self._listener.stop()
            self._listener = None

    def ring(self) -> None:
        self._rung.set()

    def _heard(self, payload: str) -> None:
        # This instance's own commits have rung already, in-process: one ring per commit.
        if payload != self._token:
            self.ring()

    def wait(self, timeout: float) -> bool:
        """Wait until rung or `timeout` seconds; True when rung. The ring is consumed."""
        rung = self._rung.wait(timeout)
        self._rung.clear()
        return rung

    def _flushed(self, session: Session, _context: UOWTransaction) -> None:
        # after_flush still shows what the flush wrote as new and dirty.
        if session.info.get(_QUEUED):
            return  # one ring, and one NOTIFY, per transaction
        if any(_ready(o, new=True) for o in session.new) or any(
            _ready(o, new=False) for o in session.dirty
        ):
            self._queued(session)

    def _executed(self, state: ORMExecuteState) -> None:
        # Outbox rows inserted as values, past the unit of work (bot.services.batch), by the
        # ORM's INSERT or the table's own (a new case's emails, bot.services.held_rows).
        mapper, rows = state.bind_mapper, state.parameters
        if (
            state.is_insert
            and (
                (mapper is not None and mapper.class_ is OutboxMessage)
                or getattr(state.statement, "table", None) is _OUTBOX
            )
            and isinstance(rows, list)
            and any(row.get("status") == "pending" for row in rows)
            and not state.session.info.get(_QUEUED)
        ):
            self._queued(state.session)

    def _queued(self, session: Session) -> None:
        session.info[_QUEUED] = True
        if not session.in_nested_transaction():
            self._notify(session)
        # Inside a savepoint a NOTIFY would be undone with it, should it roll back, and mail a
        # later savepoint queues would go unannounced: _committing sends it instead.

    def _notify(self, session: Session) -> None:
        if not session.info.get(_NOTIFIED):
            session.info[_NOTIFIED] = True
            notify.notify(session.connection(), CHANNEL, self._token)  # sent if this commits

    def _committing(self, session: Session) -> None:
        # Fires for a savepoint's release too; only the whole transaction's counts. (The flush
        # that follows, within the commit, is outside any savepoint: _queued sends it there.)
        if session.info.get(_QUEUED) and not session.in_nested_transaction():
            self._notify(session)

    def _committed(self, session: Session) -> None:
        if session.in_nested_transaction():
            return  # a savepoint released: nothing another session can read yet
        session.info.pop(_NOTIFIED, None)
        if session.info.pop(_QUEUED, False):
            if self._engine is not None:
                notify.notify_committed(self._engine, CHANNEL, self._token)
            self.ring()

    def _ended(self, session: Session, transaction: SessionTransaction) -> None:
        # The outermost transaction is over (committed, after _committed, or rolled back).
        if transaction.parent is None:
            session.info.pop(_QUEUED, None)
            session.info.pop(_NOTIFIED, None)


def _ready(obj: object, *, new: bool) -> bool:
    """An email the sender could take now: new and pending, or just changed to pending. A row
    the sender itself updates (claimed, sent, a retry scheduled) stays quiet."""
    if not isinstance(obj, OutboxMessage) or obj.status != "pending":
        return False
    return new or inspect(obj).attrs.status.history.has_changes()

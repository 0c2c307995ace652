"""The database's own passing trouble, told apart from a message's fault.

A message is quarantined after `max_attempts` failed attempts, so that one that cannot be
processed never blocks the rest. A lock held too long by another session, a deadlock or
serialization failure between two instances, a connection the server ended, or a database
that is full, read-only, failing or short of memory says nothing about the message: counted,
three of them put a good email on the triage list as if it were poison. Such a fault leaves
the message stored, uncounted, for the next pass; several in a row stop the pass, which says
"database trouble" as a mailbox that cannot be read does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum


class DatabaseFault(StrEnum):
    """What the adapter found the database's error to be (bot.adapters.db.faults)."""

    LOCKED = "a lock held by another session outlasted the wait"
    DEADLOCK = "a deadlock with another session"
    SERIALIZATION = "a conflicting update by another session"
    CONNECTION = "the connection was lost or refused"
    FULL = "the database's disk is full"
    READ_ONLY = "the database takes no writes (read-only, or a standby server)"
    STORAGE = "the database's storage failed (an I/O error, or its file cannot be opened)"
    RESOURCES = "the database server is short of memory or connections"


# Faults in a row, with no message processed between them, before the pass gives up: one is a
# race with another instance and the next message goes through; three, the database is unwell
# and every further message would only wait on it.
IN_A_ROW = 3

# How long the same messages may stop the pass on an unknown database error before they are
# tried as possibly their own trouble: long enough that a person has been alerted and a
# database put right (a table renamed back) is never mistaken for poison, short enough that
# no clock's working day is lost behind three bad messages. Past it they no longer stop the
# pass; they are counted only once other mail goes through behind them.
HELD_FOR = timedelta(minutes=30)


# The words every job's recorded error starts with when the database itself would not answer
# (bot.adapters.db.faults.job_error; the mailbox pass's line says the same), so the watchdog
# tells one outage stopping every job from each job's own trouble (bot.core.health).
MARK = "database trouble ("
# A database away, refusing, full or failing: every job meets it. A deadlock or a conflicting
# update is a race between two sessions, the job's own, and goes through on a retry.
OUTAGE = frozenset(DatabaseFault) - {DatabaseFault.DEADLOCK, DatabaseFault.SERIALIZATION}


def marked(fault: DatabaseFault, error: str) -> str:
    """A job's error (already short, with no personal data) said as the database's trouble."""
    return f"{MARK}{fault}): {error}"


def outage_reason(error: str | None) -> str | None:
    """What the database said, when a job's recorded `error` is the database away or refusing
    (a lock outlasting the wait, a connection lost or refused); None for any other error."""
    if not error or MARK not in error:
        return None
    fault, _, said = error.split(MARK, 1)[1].partition("): ")
    if fault not in {f.value for f in OUTAGE}:
        return None
    return f"{fault}: {said}" if said else fault


# The words a job's recorded error starts with when the database refused it in a way the
# adapter does not know (a revoked privilege, a table renamed away): not taken for an outage,
# but every job meeting the same one is one trouble, not one alert per job (bot.core.health).
UNKNOWN_MARK = "database error ("


def unknown_marked(code: str, error: str) -> str:
    """A job's error (short, no personal data) said as the database's, of the unknown `code`."""
    return f"{UNKNOWN_MARK}{code}): {error}"


def unknown_error(error: str | None) -> tuple[str, str] | None:
    """(code, what was said) when a job's recorded `error` is a database error of no known
    fault; None for any other error."""
    if not error or not error.startswith(UNKNOWN_MARK):
        return None
    code, _, said = error.removeprefix(UNKNOWN_MARK).partition("): ")
    return code, said


def shared_unknown(errors: dict[str, str | None]) -> dict[str, list[str]]:
    """The unknown database errors (by code) two or more jobs met, each with those jobs: one
    trouble of the database's. One job's alone is its own trouble, told as its own."""
    met: dict[str, list[str]] = {}
    for job, error in sorted(errors.items()):
        if (found := unknown_error(error)) is not None:
            met.setdefault(found[0], []).append(job)
    return {code: jobs for code, jobs in met.items() if len(jobs) > 1}


@dataclass
class TroubleSoFar:
    """The database faults of one pass: how many in a row, and the line that says them.

    A database error of no known fault (a table renamed away, a revoked privilege; or a value
    too long for its column, a constraint one message breaks) may be the message's or the
    database's. The messages meeting one are held uncounted as `suspects` until that is known:
    a message going through, or another error, says it was theirs and they are counted (the
    caller counts what `went_through` and `settle` give back); IN_A_ROW different messages
    meeting the same one say it is the database's, and the pass stops, leaving them stored.

    Messages that have stopped passes so for HELD_FOR (`overdue`, from their `held_since`) may
    be three of one fault of their own: they no longer count towards the stop, so the mail
    behind them is tried; a message processed behind them says the database works and theirs
    was their own, and they are counted. With no mail processed behind them they stay stored,
    uncounted, and the pass says the database's error as before. Those of them `proven` (mail
    has been processed since they began to hold) are counted at once."""

    in_a_row: int = 0
    left: int = 0  # messages left stored for the next pass
    last: tuple[DatabaseFault, str] | None = None
    suspects: list[tuple[int, str]] = field(default_factory=list)  # (message, its error)
    suspect_code: str | None = None
    refused: tuple[str, str] | None = None  # (code, what was said) once it stopped the pass
    overdue: frozenset[int] = frozenset()  # stopped passes for HELD_FOR: no longer stop one
    proven: frozenset[int] = frozenset()  # overdue, and mail processed since they began
    held: set[int] = field(default_factory=set)  # stopped this pass: their hold goes on

    def fault(self, fault: DatabaseFault, detail: str, *, messages: int = 1) -> None:
        """`messages` left waiting because of it; `detail`: the error, in one line."""
        self.in_a_row += 1
        self.left += messages
        self.last = (fault, detail)

    def unknown(self, code: str, message: int, detail: str) -> list[tuple[int, str]]:
        """`message` met the unknown database error `code` (`detail`, one line): held. What
        earlier suspects met another error is theirs, given back to be counted."""
        owed = self.settle() if code != self.suspect_code else []
        if message in self.proven:
            return [*owed, (message, detail)]  # the database did other mail's work meanwhile
        self.suspect_code = code
        if message not in {held for held, _ in self.suspects}:
            self.suspects.append((message, detail))
        if len([m for m, _ in self.suspects if m not in self.overdue]) >= IN_A_ROW:
            self._refuse(code, detail)
        return owed

    def _refuse(self, code: str, detail: str) -> None:
        """The database's trouble, or not yet known otherwise: the suspects never counted."""
        self.refused = (code, detail)
        self.left += len(self.suspects)
        self.held.update(m for m, _ in self.suspects)
        self.suspects, self.suspect_code = [], None

    def answered(self) -> None:
        """The database did a message's work: its passing faults are not in a row."""
        self.in_a_row = 0

    def went_through(self, processed: bool = True) -> list[tuple[int, str]]:
        """A message was processed (or failed for a reason of its own): the suspects' errors
        were their own, given back to be counted. Overdue suspects are counted only behind a
        message `processed`: one failing for its own reason says nothing of the database."""
        self.answered()
        if not processed and self._overdue_held():
            return []
        owed, self.suspects, self.suspect_code = self.suspects, [], None
        return owed

    def settle(self) -> list[tuple[int, str]]:
        """The suspects held, to be counted: fewer than IN_A_ROW tell no outage. Overdue ones
        with no mail processed behind them are not known to be theirs: all stay uncounted."""
        if self._overdue_held() and self.suspect_code is not None:
            self._refuse(self.suspect_code, self.suspects[-1][1])
        owed, self.suspects, self.suspect_code = self.suspects, [], None
        return owed

    def _overdue_held(self) -> bool:
        return any(m in self.overdue for m, _ in self.suspects)

    @property
    def stopped(self) -> bool:
        return self.in_a_row >= IN_A_ROW or self.refused is not None

    def line(self) -> str | None:
        """One line for the pass's report, the log and `status`; None with no trouble."""
        waiting = (
            f"; {self.left} stored message(s) wait, uncounted, for the next pass"
            if self.left
            else ""
        )
        if self.refused is not None:
            code, detail = self.refused
            stop = f"; the pass stopped: {IN_A_ROW} different messages in a row met it"
            return unknown_marked(code, f"{detail}{waiting}{stop}")
        if self.last is None:
            return None
        fault, detail = self.last
        stop = f"; the pass stopped after {self.in_a_row} in a row" if self.stopped else ""
        return marked(fault, f"{detail}{waiting}{stop}")

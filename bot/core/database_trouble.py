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

from dataclasses import dataclass
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
    """The database faults of one pass: how many in a row, and the line that says them."""

    in_a_row: int = 0
    left: int = 0  # messages left stored for the next pass
    last: tuple[DatabaseFault, str] | None = None

    def fault(self, fault: DatabaseFault, detail: str, *, messages: int = 1) -> None:
        """`messages` left waiting because of it; `detail`: the error, in one line."""
        self.in_a_row += 1
        self.left += messages
        self.last = (fault, detail)

    def went_through(self) -> None:
        self.in_a_row = 0

    @property
    def stopped(self) -> bool:
        return self.in_a_row >= IN_A_ROW

    def line(self) -> str | None:
        """One line for the pass's report, the log and `status`; None with no trouble."""
        if self.last is None:
            return None
        fault, detail = self.last
        waiting = (
            f"; {self.left} stored message(s) wait, uncounted, for the next pass"
            if self.left
            else ""
        )
        stop = f"; the pass stopped after {self.in_a_row} in a row" if self.stopped else ""
        return marked(fault, f"{detail}{waiting}{stop}")

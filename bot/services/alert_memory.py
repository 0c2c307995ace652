"""Alerts sent straight through the mail server while the database was away, remembered on this
machine until the database takes their record (bot.services.alerts).

While the database is away it cannot say an alert went: a restart, or a second instance started
on the same machine, met the same outage as a new trouble (its jobs' failures begin afresh) and
alerted it again. So each such alert is also written to a small file, with when its trouble was
last seen going on: the next instance to see the same kind of trouble, soon enough after, takes
it for the same one (its start, so its episode key). The file is in systemd's StateDirectory
when there is one, else beside the config file; one that cannot be written is logged and the
bot goes on as before. It holds no personal data: the trouble's kind, job, start and detail,
which the alert itself carried (short errors, no SQL or values: bot.core.health.describe).
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bot.core.health import Problem

log = logging.getLogger(__name__)
FILE_NAME = "alerts-sent-while-the-database-was-away.json"


@dataclass(frozen=True)
class Remembered:
    problem: Problem
    sent: datetime
    seen: datetime  # the trouble last seen going on


def memory_path(config_source: Path | None) -> Path | None:
    """Where this machine's instances keep the file; None when there is nowhere to name."""
    state = os.environ.get("STATE_DIRECTORY", "").split(":")[0]
    if state:
        return Path(state) / FILE_NAME
    return config_source.parent / FILE_NAME if config_source is not None else None


class AlertMemory:
    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._warned = False

    def load(self) -> dict[str, Remembered]:
        if self.path is None or not self.path.exists():
            return {}
        try:
            rows = json.loads(self.path.read_text(encoding="utf-8"))
            return {r.problem.episode: r for r in map(_read, rows)}
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("the alerts file %s cannot be read (%s)", self.path, type(exc).__name__)
            return {}

    def save(self, entries: dict[str, Remembered]) -> None:
        if self.path is None:
            return
        try:
            if not entries:
                self.path.unlink(missing_ok=True)
                return
            spare = self.path.with_suffix(f".{os.getpid()}.tmp")
            spare.write_text(json.dumps([_row(r) for r in entries.values()]), encoding="utf-8")
            spare.replace(self.path)  # whole, or not at all, for another instance reading it
        except OSError as exc:
            if not self._warned:
                log.warning("the alerts file %s cannot be written (%s)", self.path, exc.strerror)
            self._warned = True


def _row(r: Remembered) -> dict[str, str]:
    p = r.problem
    return {
        "kind": p.kind,
        "job": p.job,
        "since": p.since.isoformat(),
        "detail": p.detail,
        "sent": r.sent.isoformat(),
        "seen": r.seen.isoformat(),
    }


def _read(row: dict[str, str]) -> Remembered:
    since = datetime.fromisoformat(row["since"])
    problem = Problem(row["kind"], row["job"], since, row["detail"])
    return Remembered(
        problem, datetime.fromisoformat(row["sent"]), datetime.fromisoformat(row["seen"])
    )

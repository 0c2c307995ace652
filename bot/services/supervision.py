"""What the daemon tells its service manager: ready once its loops run, alive while none of
its jobs has stalled, stopping when asked to stop.

The watchdog ping is what lets systemd restart a hung bot (WatchdogSec= in the unit): it is sent
from a scheduled job, so a scheduler that no longer runs jobs stops it too, and it is held back
while any job this instance runs has been running longer than its interval times stall_factor
(a mailbox pass or a send that never returns). The job-health watchdog (bot.services.alerts)
still emails about it; systemd's restart is what mends it.
"""

from __future__ import annotations

import logging

from bot.adapters.systemd_notify import Notifier
from bot.clock import Clock
from bot.core.health import stalled
from bot.services.jobs import HealthBook

log = logging.getLogger(__name__)


class Supervision:
    def __init__(self, notifier: Notifier, book: HealthBook, stall_factor: int, wall: Clock):
        self.notifier, self.book, self.factor, self.wall = notifier, book, stall_factor, wall
        self.said: str | None = None

    def ready(self, mailbox: str) -> None:
        self.said = f"watching {mailbox}"
        self.notifier.ready(self.said)

    def check(self) -> None:
        """One watchdog ping, unless a job has stalled; the status line says which."""
        now = self.wall.now()
        hung = sorted(s.name for s in self.book.states() if stalled(s, now, self.factor))
        if hung:
            self._say(f"stalled: {', '.join(hung)}; no watchdog ping")
            return
        self.notifier.alive()
        if self.said and self.said.startswith("stalled"):
            self._say("running again")

    def stopping(self) -> None:
        self.notifier.stopping("stopping: finishing the jobs in hand")

    def _say(self, status: str) -> None:
        if status != self.said:
            if status.startswith("stalled"):
                log.warning("%s (systemd restarts the bot if it stays so)", status)
            self.said = status
            self.notifier.status(status)

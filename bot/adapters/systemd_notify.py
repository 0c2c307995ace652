"""Telling systemd how the daemon is: the sd_notify(3) datagram protocol, without libsystemd.

systemd passes a unix datagram socket in $NOTIFY_SOCKET (a name starting with '@' is in the
abstract namespace) and, when the unit has WatchdogSec=, the interval in $WATCHDOG_USEC (and
the pid it is meant for in $WATCHDOG_PID). A message is newline-separated KEY=VALUE lines:
READY=1, WATCHDOG=1, STOPPING=1, STATUS=<one line>. See sd_notify(3) and sd_watchdog_enabled(3).

Outside systemd (no $NOTIFY_SOCKET) every call does nothing. A notification that cannot be
delivered is logged and dropped: systemd going away must not stop the bot.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Mapping
from datetime import timedelta

log = logging.getLogger(__name__)


class Notifier:
    def __init__(self, address: str | None, watchdog: timedelta | None = None) -> None:
        self.address = _socket_address(address) if address else None
        self.watchdog_interval = watchdog if self.address else None
        self._warned = False

    @classmethod
    def from_environ(cls, environ: Mapping[str, str], pid: int | None = None) -> Notifier:
        return cls(environ.get("NOTIFY_SOCKET"), watchdog_interval(environ, pid or os.getpid()))

    @property
    def enabled(self) -> bool:
        return self.address is not None

    def ready(self, status: str) -> None:
        self.send(f"READY=1\nSTATUS={_one_line(status)}")

    def alive(self) -> None:
        self.send("WATCHDOG=1")

    def status(self, status: str) -> None:
        self.send(f"STATUS={_one_line(status)}")

    def stopping(self, status: str = "stopping") -> None:
        self.send(f"STOPPING=1\nSTATUS={_one_line(status)}")

    def send(self, message: str) -> None:
        if self.address is None:
            return
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
                sock.sendto(message.encode(), self.address)
        except OSError as exc:
            if not self._warned:  # once: the socket does not come back by itself
                log.warning("could not notify systemd (%s)", exc)
                self._warned = True


def watchdog_interval(environ: Mapping[str, str], pid: int) -> timedelta | None:
    """How often systemd wants WATCHDOG=1, or None: half its timeout (as sd_watchdog_enabled(3)
    advises), and only when the watchdog is meant for this process."""
    usec = environ.get("WATCHDOG_USEC", "")
    meant_for = environ.get("WATCHDOG_PID", "")
    if not usec.isdigit() or int(usec) == 0:
        return None
    if meant_for and (not meant_for.isdigit() or int(meant_for) != pid):
        return None
    return timedelta(microseconds=int(usec) / 2)


def _socket_address(name: str) -> str:
    return "\0" + name[1:] if name.startswith("@") else name


def _one_line(text: str) -> str:
    return " ".join(text.split())[:200]

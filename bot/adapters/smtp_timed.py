"""smtplib's connections with a deadline for one send: each write and each reply read gets
what is left of it, never the whole per-read timeout again.

A relay that tarpits (Exchange delays each RCPT it dislikes by seconds) or answers slowly at
every step would otherwise take a full timeout per command: connect, EHLO, STARTTLS, AUTH,
MAIL, each RCPT, DATA, the reply to the message, many times the outbox's claim on the email.
Past the deadline the next step raises TimeoutError: before the body, nothing was sent; after
it, smtp_transaction calls it AfterData (the relay may have it), as any lost reply.
"""

from __future__ import annotations

import smtplib
import time
from typing import Any


def time_left(deadline: float | None, timeout: float) -> float:
    """The next step's timeout; TimeoutError once the deadline has passed."""
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError("the send took longer than it may")
    return min(timeout, left)


def _limit(smtp: smtplib.SMTP, deadline: float | None) -> None:
    if smtp.sock is not None:
        smtp.sock.settimeout(time_left(deadline, smtp.timeout))


class TimedSMTP(smtplib.SMTP):
    deadline: float | None = None  # monotonic; None outside a send (doctor's probe, QUIT)

    def send(self, s: Any) -> None:
        _limit(self, self.deadline)
        super().send(s)

    def getreply(self) -> tuple[int, bytes]:
        _limit(self, self.deadline)
        return super().getreply()


class TimedSMTPSSL(smtplib.SMTP_SSL):
    deadline: float | None = None

    def send(self, s: Any) -> None:
        _limit(self, self.deadline)
        super().send(s)

    def getreply(self) -> tuple[int, bytes]:
        _limit(self, self.deadline)
        return super().getreply()

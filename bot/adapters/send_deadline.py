"""When the send going on in this thread must have ended: set around a send (until,
ending_within) and read by the HTTP requests it makes (bot.adapters.http_deadline), however
deep in a library they are made (MSAL fetching a token, exchangelib). No import of requests
here: an SMTP-only bot never loads it."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar

_DEADLINE: ContextVar[float | None] = ContextVar("send_deadline", default=None)


def current() -> float | None:
    """The deadline (time.monotonic) of the send going on in this thread, if any."""
    return _DEADLINE.get()


@contextmanager
def until(deadline: float | None) -> Iterator[None]:
    """The requests made inside it, in this thread, end by `deadline` (time.monotonic);
    None: no deadline beyond their own timeouts."""
    token = _DEADLINE.set(deadline)
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def ending_within(seconds: float) -> AbstractContextManager[None]:
    """The requests made inside it, in this thread, end within `seconds` in all."""
    return until(time.monotonic() + seconds)

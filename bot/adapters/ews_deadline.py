"""A deadline for one EWS send: every HTTP request exchangelib makes for it (the version probe,
a token refresh's retry, the CreateItem) gets what is left of it as its timeout.

exchangelib gives each request its own 120-second timeout and may make several for one send;
together they could outlast the outbox's claim on the email. It takes its HTTP adapter class
from BaseProtocol.HTTP_ADAPTER_CLS (its documented way to change how requests are made); this
one shortens a request's timeout only while a send in this thread has a deadline, and leaves
every other request, reading the mailbox among them, as it was.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import requests
from requests.adapters import HTTPAdapter

_DEADLINE: ContextVar[float | None] = ContextVar("ews_send_deadline", default=None)


class DeadlineAdapter(HTTPAdapter):
    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: Any = None,
        verify: bool | str = True,
        cert: Any = None,
        proxies: dict[str, str] | None = None,
    ) -> requests.Response:
        deadline = _DEADLINE.get()
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0:  # nothing of this request has gone
                raise requests.exceptions.ConnectTimeout("the send took longer than it may")
            timeout = left if timeout is None else _shortest(timeout, left)
        return super().send(request, stream, timeout, verify, cert, proxies)


def _shortest(timeout: Any, left: float) -> float | tuple[float, float]:
    if isinstance(timeout, tuple):
        connect, read = timeout
        return (min(connect or left, left), min(read or left, left))
    return min(float(timeout), left)


def use_for_exchangelib() -> None:
    """exchangelib's new sessions use DeadlineAdapter (idempotent)."""
    from exchangelib.protocol import BaseProtocol

    BaseProtocol.HTTP_ADAPTER_CLS = DeadlineAdapter


@contextmanager
def ending_within(seconds: float) -> Iterator[None]:
    """The EWS requests made inside it, in this thread, end within `seconds` in all."""
    token = _DEADLINE.set(time.monotonic() + seconds)
    try:
        yield
    finally:
        _DEADLINE.reset(token)

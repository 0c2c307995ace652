"""A deadline for the HTTP requests one send makes, whichever library makes them: each gets
what is left of it as its timeout, and none starts once it has passed.

A send (SMTP, Graph or EWS) may first fetch an OAuth token from Entra ID (MSAL), and EWS
makes its own requests through exchangelib; each library gives every request its own timeout,
so together they could outlast the outbox's claim on the email. Both take a requests
transport adapter (MSAL through the session given as its http_client, exchangelib through
BaseProtocol.HTTP_ADAPTER_CLS); this one shortens a request's timeout only while a send in
this thread has a deadline (bot.adapters.send_deadline), and leaves every other request, reading
the mailbox among them, as it was.
"""

from __future__ import annotations

import time
from typing import Any

import requests
from requests.adapters import HTTPAdapter

from bot.adapters.send_deadline import current


class DeadlineAdapter(HTTPAdapter):
    """`timeout`: a request's timeout when its caller gives none (MSAL's, for its session)."""

    _default: float | None = None  # also after unpickling: requests pickles only its own attrs

    def __init__(self, *, timeout: float | None = None, **options: Any) -> None:
        super().__init__(**options)
        self._default = timeout

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: Any = None,
        verify: bool | str = True,
        cert: Any = None,
        proxies: dict[str, str] | None = None,
    ) -> requests.Response:
        if timeout is None:
            timeout = self._default
        deadline = current()
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


def timed_session(timeout: float) -> requests.Session:
    """A session whose requests take `timeout` each, and end by a send's deadline. One retry
    of a failed connection, as MSAL's own session has ("better than nothing")."""
    session = requests.Session()
    adapter = DeadlineAdapter(timeout=timeout, max_retries=1)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session

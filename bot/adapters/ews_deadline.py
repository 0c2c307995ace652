"""A deadline for one EWS send: every HTTP request exchangelib makes for it (the version probe,
a token refresh's retry, the CreateItem) gets what is left of it as its timeout.

exchangelib gives each request its own 120-second timeout and may make several for one send;
together they could outlast the outbox's claim on the email. It takes its HTTP adapter class
from BaseProtocol.HTTP_ADAPTER_CLS (its documented way to change how requests are made): the
one of bot.adapters.http_deadline, which shortens a request's timeout only while a send in
this thread has a deadline.

Not bounded: exchangelib's wait for a free session when all MAX_CONNECTIONS are in use (its
Protocol.get_session loops until one is released, with no setting to stop it).
"""

from __future__ import annotations

from bot.adapters.http_deadline import DeadlineAdapter
from bot.adapters.send_deadline import ending_within

__all__ = ["DeadlineAdapter", "ending_within", "use_for_exchangelib"]


def use_for_exchangelib() -> None:
    """exchangelib's new sessions use DeadlineAdapter (idempotent)."""
    from exchangelib.protocol import BaseProtocol

    BaseProtocol.HTTP_ADAPTER_CLS = DeadlineAdapter

"""Exchange's streaming notifications for the Inbox, so the daemon reads new mail as soon as
Exchange announces it instead of at the next poll (EWS's answer to IMAP IDLE).

One thread of its own holds a GetStreamingEvents connection open (exchangelib), asks again
when Exchange ends it (every STREAM_MINUTES) and subscribes again when Exchange has forgotten
the subscription. `wait` returns as soon as an event has come. The poll goes on beside it (the
daemon waits at most poll_seconds between passes whatever happens here), so a stream that
fails, a server without streaming (before Exchange 2010 SP1) or a proxy that holds the chunks
back costs only the speed: the watch backs off, tries again, and says so once in the log.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from typing import Any

from bot.core.backoff import retry_delay

log = logging.getLogger(__name__)

# One streaming connection's length (Exchange allows 1-30): short, so a connection that went
# dead without a word (a firewall's idle timeout) is replaced within two minutes.
STREAM_MINUTES = 1
# New mail, and mail moved or copied into the Inbox (a rule, a person dragging it back).
EVENTS = ("NewMailEvent", "CreatedEvent", "MovedEvent", "CopiedEvent")


class InboxWatch:
    """`inbox` gives the exchangelib Inbox folder (opened on first use, so the thread is the
    first to log in when the daemon starts waiting)."""

    def __init__(self, inbox: Callable[[], Any], where: str) -> None:
        self._inbox, self._where = inbox, where
        self._arrived = threading.Event()
        self._stop = threading.Event()
        self._subscribed: tuple[Any, str] | None = None  # (the Inbox folder, subscription id)
        self._thread: threading.Thread | None = None
        self.failures = 0

    def wait(self, timeout: float) -> bool:
        """True as soon as Exchange announced a change to the Inbox (or the watch has just
        subscribed, so a change before it would be missed); False after `timeout`."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="ews-inbox-watch", daemon=True)
            self._thread.start()
        arrived = self._arrived.wait(timeout)
        self._arrived.clear()
        return arrived

    def close(self) -> None:
        """Stop at once. A read blocked on the stream cannot be woken from here (closing it
        from another thread waits for the read), so the subscription is ended instead, on a
        thread of its own in case Exchange is unreachable: Exchange then closes the stream,
        and the watch, which has been told to stop, ends with it."""
        self._stop.set()
        subscribed, self._subscribed = self._subscribed, None
        if subscribed is not None:
            name = "ews-inbox-unsubscribe"
            threading.Thread(target=_unsubscribe, args=subscribed, name=name, daemon=True).start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                if self._subscribed is None:
                    inbox = self._inbox()
                    self._subscribed = inbox, str(inbox.subscribe_to_streaming(event_types=EVENTS))
                    self._arrived.set()  # mail may have come between the last read and now
                if self._stop.is_set():  # closed while subscribing: close() missed this one
                    _unsubscribe(*self._subscribed)
                    return
                self._listen(*self._subscribed)
                self.failures = 0
            except Exception as exc:  # whatever it was, the poll goes on; try again later
                self._subscribed = None
                if not self._stop.is_set():
                    self._failed(exc)

    def _listen(self, inbox: Any, subscription: str) -> None:
        from exchangelib.properties import StatusEvent
        from exchangelib.services import GetStreamingEvents

        stream = GetStreamingEvents(account=inbox.account)
        try:
            for notice in stream.call([subscription], connection_timeout=STREAM_MINUTES):
                if any(not isinstance(e, StatusEvent) for e in notice.events or ()):
                    self._arrived.set()
                if self._stop.is_set():
                    return
        finally:
            with contextlib.suppress(Exception):
                stream.stop_streaming()

    def _failed(self, exc: Exception) -> None:
        self.failures += 1
        delay = retry_delay(self.failures, base_seconds=2, max_seconds=300)
        # Said once an episode: a server without streaming refuses alike every time.
        level = logging.WARNING if self.failures == 1 else logging.DEBUG
        log.log(
            level,
            "%s: no streaming notifications (%s: %s); the Inbox is polled meanwhile, "
            "trying again in %s",
            self._where,
            type(exc).__name__,
            exc,
            delay,
        )
        self._stop.wait(delay.total_seconds())


def _unsubscribe(inbox: Any, subscription: str) -> None:
    with contextlib.suppress(Exception):  # Exchange drops an unused subscription by itself
        inbox.unsubscribe(subscription)

"""On Exchange the daemon reads a SIN without waiting for its poll: through EWS as soon as
Exchange announces it (streaming notifications, bot.adapters.ews_watch), as IMAP IDLE does on
Dovecot; through Graph at its next look at the Inbox's delta, every few seconds
(bot.adapters.graph_watch). The poll and the outbox's own interval are an hour away here, so
only the stream or the look can have woken them."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

import tomli_w

from tests.daemon_helpers import FAST, daemon_app, running, wait_until
from tests.fixtures.entra import CLIENT_SECRET
from tests.fixtures.ews import PASSWORD, write_ews_config
from tests.fixtures.ews_streaming import EwsStreamingServer
from tests.fixtures.graph import GraphTestServer, write_graph_config
from tests.fixtures.mail import sin

AN_HOUR = 3600
ACK = b"[TSCP-2026-0001] Serious incident notification received"


class Exchange(Protocol):
    """What both local Exchange endpoints (EWS and Graph) offer the test."""

    def deliver(self, raw: bytes) -> str: ...
    def in_folder(self, name: str) -> list[Any]: ...


def _answered_at_once(
    config: Path, secret: tuple[str, str], server: Exchange, sent: Callable[[], list[Any]],
    first_pass: Callable[[], bool],
) -> None:  # fmt: skip
    """The daemon on `config` with its poll and outbox an hour away; a SIN delivered after its
    first pass is acknowledged (once) and filed all the same."""
    data = tomllib.loads(config.read_text())
    data["daemon"] = {**FAST, "outbox_every_seconds": AN_HOUR}
    config.write_bytes(tomli_w.dumps(data).encode())
    app = daemon_app(config, secret[1], password_env=secret[0])

    def acknowledged() -> int:
        return sum(ACK in s.mime for s in sent())

    with running(app):
        wait_until(first_pass, 30, "a first pass")
        server.deliver(sin())
        wait_until(lambda: acknowledged() == 1, 30, "the acknowledgement")
        wait_until(lambda: server.in_folder("Inbox") == [], 30, "the SIN filed")
    assert acknowledged() == 1


def test_a_sin_delivered_through_ews_is_acknowledged_without_waiting_for_the_poll(
    tmp_path: Path, migrated_database_url: str, ews: EwsStreamingServer
) -> None:
    config = write_ews_config(tmp_path, migrated_database_url, ews, poll_seconds=AN_HOUR)
    synced = lambda: ews.state.operations.count("SyncFolderItems") >= 1  # noqa: E731
    secret = ("TEST_EWS_PASSWORD", PASSWORD)
    _answered_at_once(config, secret, ews, lambda: ews.state.sent, synced)
    assert ews.state.operations.count("Subscribe") == 1


def test_a_sin_delivered_through_graph_is_acknowledged_without_waiting_for_the_poll(
    tmp_path: Path, migrated_database_url: str, graph: GraphTestServer
) -> None:
    config = write_graph_config(tmp_path, migrated_database_url, graph, poll_seconds=AN_HOUR)
    listed = lambda: graph.state.calls("GET", r"/messages/delta$") >= 1  # noqa: E731
    secret = ("TEST_ENTRA_SECRET", CLIENT_SECRET)
    _answered_at_once(config, secret, graph, lambda: graph.state.sent, listed)

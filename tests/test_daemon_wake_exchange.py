"""On Exchange the daemon reads a SIN without waiting for its poll: through EWS as soon as
Exchange announces it (streaming notifications, bot.adapters.ews_watch), as IMAP IDLE does on
Dovecot; through Graph at its next look at the Inbox's delta, every few seconds
(bot.adapters.graph_watch). The poll and the outbox's own interval are an hour away here, so
only the stream or the look can have woken them."""

from __future__ import annotations

import tomllib
from pathlib import Path

import tomli_w

from tests.daemon_helpers import FAST, daemon_app, running, wait_until
from tests.fixtures.entra import CLIENT_SECRET
from tests.fixtures.ews import PASSWORD, write_ews_config
from tests.fixtures.ews_streaming import EwsStreamingServer
from tests.fixtures.graph import GraphTestServer, write_graph_config
from tests.fixtures.mail import sin

AN_HOUR = 3600
ACK = b"[TSCP-2026-0001] Serious incident notification received"


def _outbox_an_hour_away(config: Path) -> None:
    data = tomllib.loads(config.read_text())
    data["daemon"] = {**FAST, "outbox_every_seconds": AN_HOUR}
    config.write_bytes(tomli_w.dumps(data).encode())


def test_a_sin_delivered_through_ews_is_acknowledged_without_waiting_for_the_poll(
    tmp_path: Path, database_url: str, ews: EwsStreamingServer
) -> None:
    config = write_ews_config(tmp_path, database_url, ews, poll_seconds=AN_HOUR)
    _outbox_an_hour_away(config)
    app = daemon_app(config, PASSWORD, password_env="TEST_EWS_PASSWORD")

    def acknowledged() -> int:
        return sum(ACK in s.mime for s in ews.state.sent)

    with running(app):
        wait_until(lambda: ews.state.operations.count("SyncFolderItems") >= 1, 30, "a first pass")
        ews.deliver(sin())
        wait_until(lambda: acknowledged() == 1, 30, "the acknowledgement")
        wait_until(lambda: ews.in_folder("Inbox") == [], 30, "the SIN filed")
    assert acknowledged() == 1
    assert ews.state.operations.count("Subscribe") == 1


def test_a_sin_delivered_through_graph_is_acknowledged_without_waiting_for_the_poll(
    tmp_path: Path, database_url: str, graph: GraphTestServer
) -> None:
    config = write_graph_config(tmp_path, database_url, graph, poll_seconds=AN_HOUR)
    _outbox_an_hour_away(config)
    app = daemon_app(config, CLIENT_SECRET, password_env="TEST_ENTRA_SECRET")

    def acknowledged() -> int:
        return sum(ACK in s.mime for s in graph.state.sent)

    with running(app):
        wait_until(lambda: graph.state.calls("GET", r"/messages/delta$") >= 1, 30, "a first pass")
        graph.deliver(sin())
        wait_until(lambda: acknowledged() == 1, 30, "the acknowledgement")
        wait_until(lambda: graph.in_folder("Inbox") == [], 30, "the SIN filed")
    assert acknowledged() == 1

"""The bot on Exchange Online through Microsoft Graph: backend = "graph" for reading and sending,
app-only tokens from (a local) Entra ID, through the command line against the local Graph."""

from __future__ import annotations

import email
import json
from email import policy
from pathlib import Path

import pytest

from bot.cli import main
from tests.fixtures.entra import CLIENT_SECRET, EntraTestServer
from tests.fixtures.graph import GraphTestServer, write_graph_config
from tests.fixtures.mail import sin


def _run(config: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["--config", str(config), *args])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


@pytest.fixture
def graph_config(
    tmp_path: Path,
    database_url: str,
    graph: GraphTestServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> Path:
    """The bot set up on Graph (init done), a SIN waiting in the Inbox."""
    monkeypatch.setenv("TEST_ENTRA_SECRET", CLIENT_SECRET)
    config = write_graph_config(tmp_path, database_url, graph)
    assert _run(config, capsys, "init")[0] == 0
    graph.deliver(sin())
    return config


def test_sin_read_acknowledged_and_filed_through_graph(
    graph_config: Path,
    entra: EntraTestServer,
    graph: GraphTestServer,
    capsys: pytest.CaptureFixture[str],
) -> None:
    config = graph_config

    code, out = _run(config, capsys, "--now", "2026-12-23T09:05", "run", "--once")

    assert code == 0, out
    assert graph.in_folder("Inbox") == []
    assert [m.raw for m in graph.in_folder("Processed")] == [sin()]
    sent = [email.message_from_bytes(s.mime, policy=policy.default) for s in graph.state.sent]
    assert len([m for m in sent if "[TSCP-2026-0001]" in str(m["Subject"])]) == 2
    [ack] = [m for m in sent if "[TSCP-2026-0001]" in str(m["Subject"]) and "received" in
             str(m["Subject"]).lower()]  # fmt: skip
    assert ack["To"] == "casey.invented@gmp.police.uk"
    assert ack["In-Reply-To"] == "<sin-1@gmp.police.uk>"
    assert str(ack["Message-ID"]).endswith("@tameside.gov.uk>")  # the bot's own, not Exchange's
    invite = next(m for m in sent if "Screening Panel" in str(m["Subject"]))
    assert any(p.get_content_type() == "text/calendar" for p in invite.walk())
    # One app, one token cache: reading and sending shared a Graph token within the pass.
    assert len(entra.state.token_requests) == 1


def test_mail_send_withdrawn_keeps_the_queue_and_sends_it_once_restored(
    graph_config: Path,
    entra: EntraTestServer,
    graph: GraphTestServer,
    capsys: pytest.CaptureFixture[str],
) -> None:
    config = graph_config
    graph.state.permissions.discard("Mail.Send")

    code, out = _run(config, capsys, "--now", "2026-12-23T09:05", "run", "--once")

    # The Inbox was read and the SIN handled; the pass still exits 1, saying why no email went.
    assert code == 1 and "mailbox problem" not in out, out
    assert "mail server problem: Graph refused sendMail: ErrorAccessDenied" in out
    assert graph.state.sent == []
    code, out = _run(config, capsys, "outbox", "list", "--json")
    waiting = json.loads(out)
    assert code == 0 and {r["status"] for r in waiting} == {"pending"}, waiting
    assert all("Mail.Send" in r["last_error"] for r in waiting)

    # The administrator restores the permission; the next pass after the retry's wait sends
    # every email, with nobody retrying them one by one.
    graph.state.permissions.add("Mail.Send")
    code, out = _run(config, capsys, "--now", "2026-12-23T10:05", "run", "--once")
    assert code == 0 and "mail server problem" not in out, out

    code, out = _run(config, capsys, "outbox", "list", "--json")
    assert {r["status"] for r in json.loads(out)} == {"sent"}
    assert len(graph.state.sent) == len(waiting) >= 2

"""An email whose sendMail got no clear answer goes once, though Exchange files it in Sent
Items only later.

"user: sendMail": the 202 Accepted "does not indicate that the request processing has
completed"; "Overview of the Microsoft Graph send mail process": the message is saved in
Drafts, the 202 is written, and only after the transport has sent it is it moved to Sent
Items. The local Graph's filing_delayed keeps what sendMail sent out of Sent Items until the
test files it. The outbox's retry a minute later must not take "not there yet" for "not
sent": it looks again, and past bot.core.unconfirmed_send.SENT_FILED_WITHIN it asks a person.

And which failed answers to sendMail may have sent it ("Microsoft Graph error responses and
resource types"): 500, 502, 504 and a connection reset once the request went are looked up
before any resend; 503 ("You may repeat the request after a delay") is not.
"""

from __future__ import annotations

import email
from collections.abc import Callable
from email import policy
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.adapters.db.engine import make_engine
from bot.adapters.db.models import OutboxMessage
from bot.adapters.graph_client import GraphClient
from bot.adapters.graph_sender import GraphSender
from bot.adapters.oauth_tokens import ClientSecret, EntraApp, OAuthLogin
from bot.adapters.outgoing import SendError
from bot.cli import main
from tests.fixtures.entra import CLIENT_ID, CLIENT_SECRET, TENANT, EntraTestServer
from tests.fixtures.graph import GRAPH_SCOPE, MAILBOX, GraphTestServer, write_graph_config
from tests.fixtures.mail import acknowledgement, sin

OFFICER = "casey.invented@gmp.police.uk"
BUSINESS_MANAGER = "tscp.business.manager@tameside.gov.uk"  # config.example.toml's


def _sent_ids(graph: GraphTestServer) -> list[str]:
    return [
        str(email.message_from_bytes(s.mime, policy=policy.default)["Message-ID"])
        for s in graph.state.sent
    ]


def _subject(mime: bytes) -> str:
    return str(email.message_from_bytes(mime, policy=policy.default)["Subject"])


def _rows(database_url: str) -> list[tuple[int, str, str | None]]:
    engine = make_engine(database_url, create=False)
    with engine.connect() as connection:
        found = connection.execute(
            select(OutboxMessage.id, OutboxMessage.status, OutboxMessage.last_error)
        )
        rows = [(id_, status, error) for id_, status, error in found]
    engine.dispose()
    return rows


@pytest.fixture
def run_at(
    tmp_path: Path,
    migrated_database_url: str,
    graph: GraphTestServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> Callable[..., int]:
    """`tscp-bot --now <when> <command>` against the local Graph (its waits not waited)."""
    monkeypatch.setenv("TEST_ENTRA_SECRET", CLIENT_SECRET)
    monkeypatch.setattr("time.sleep", lambda seconds: None)
    config = write_graph_config(tmp_path, migrated_database_url, graph)
    assert main(["--config", str(config), "init"]) == 0

    def run(when: str, *command: str) -> int:
        code = main(["--config", str(config), "--now", when, *(command or ("run", "--once"))])
        capsys.readouterr()
        return code

    return run


def test_a_send_answered_504_and_filed_late_in_sent_items_reaches_the_police_once(
    run_at: Callable[..., int], graph: GraphTestServer, migrated_database_url: str
) -> None:
    graph.deliver(sin())
    graph.state.filing_delayed = True  # Exchange busy: Sent Items catches up later
    graph.state.late_answers = ["/sendMail$"]  # the first sendMail goes, answered 504

    run_at("2026-12-23T09:05")  # the acknowledgement goes; the answer is a 504
    run_at("2026-12-23T09:07")  # its retry: not in Sent Items yet
    graph.file_sent()
    run_at("2026-12-23T09:10")

    ids = _sent_ids(graph)
    # What the police officer sees: one acknowledgement (before: a second, at 09:07).
    assert ids and sorted(set(ids)) == sorted(ids), f"sent twice through Graph: {ids}"
    assert {status for _, status, _ in _rows(migrated_database_url)} == {"sent"}


def test_a_send_never_seen_in_sent_items_is_put_to_a_person_not_sent_twice(
    run_at: Callable[..., int], graph: GraphTestServer, migrated_database_url: str
) -> None:
    graph.deliver(sin())
    graph.state.filing_delayed = True  # and it never is filed while the bot looks
    graph.state.late_answers = ["/sendMail$"]

    for now in ("09:05", "09:07", "09:10", "09:15", "09:24", "09:41"):
        run_at(f"2026-12-23T{now}")

    ids = _sent_ids(graph)
    assert sorted(set(ids)) == sorted(ids), f"sent twice through Graph: {ids}"
    (asked,) = [row for row in _rows(migrated_database_url) if row[1] != "sent"]
    number, status, error = asked
    # The digest lists it under the emails failing to send, saying what to do.
    assert status == "failed" and error is not None
    assert "MAY HAVE BEEN SENT" in error and f"tscp-bot outbox retry {number}" in error
    assert "the attempt on 23 Dec 2026 at 09:05 GMT" in error  # the partnership's own time
    # And the Business Manager is told at once, through Graph too, not only at the digest.
    (told,) = [s for s in graph.state.sent if b"May have been sent: " in s.mime]
    assert told.recipients == [BUSINESS_MANAGER]
    assert _subject(told.mime).endswith(f"#{number}")

    # The Business Manager finds it in neither Sent Items nor Drafts, and sends it.
    assert run_at("2026-12-23T10:00", "outbox", "retry", str(number)) == 0
    run_at("2026-12-23T10:01")
    assert len(_sent_ids(graph)) == len(ids) + 1
    assert {status for _, status, _ in _rows(migrated_database_url)} == {"sent"}


@pytest.fixture
def sender(graph: GraphTestServer, entra: EntraTestServer) -> GraphSender:
    tokens = EntraApp(
        TENANT, CLIENT_ID, ClientSecret(CLIENT_SECRET), authority=entra.authority,
        validate_authority=False,
    )  # fmt: skip
    client = GraphClient(graph.base_url, OAuthLogin(tokens, (GRAPH_SCOPE,)), sleep=lambda s: None)
    return GraphSender(client, MAILBOX)


def _failed_send(sender: GraphSender) -> SendError:
    with pytest.raises(SendError) as raised:
        sender.send(acknowledgement(MAILBOX, OFFICER), MAILBOX, [OFFICER])
    return raised.value


@pytest.mark.parametrize("status", [500, 502, 504])
def test_a_send_answered_with_a_server_error_after_it_went_is_maybe_sent(
    graph: GraphTestServer, sender: GraphSender, status: int
) -> None:
    graph.state.late_answers, graph.state.late_status = ["/sendMail$"], status

    error = _failed_send(sender)

    # Before, a 500 was "not sent": the next pass sent it again without looking.
    assert (error.maybe_sent, error.permanent, error.server) == (True, False, False)
    assert graph.state.calls("POST", r"/sendMail$") == 1 and len(graph.state.sent) == 1


def test_a_send_whose_connection_is_reset_after_it_went_is_maybe_sent(
    graph: GraphTestServer, sender: GraphSender
) -> None:
    graph.state.reset_answers = ["/sendMail$"]

    error = _failed_send(sender)

    assert error.maybe_sent and not error.permanent
    assert graph.state.calls("POST", r"/sendMail$") == 1 and len(graph.state.sent) == 1


def test_a_send_graph_says_it_could_not_take_is_not_maybe_sent(
    graph: GraphTestServer, sender: GraphSender
) -> None:
    graph.state.send_down = True  # 503 with a Retry-After longer than the bot waits

    error = _failed_send(sender)

    assert not error.maybe_sent and graph.state.sent == []

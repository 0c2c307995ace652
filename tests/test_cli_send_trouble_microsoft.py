"""`run --once` when Microsoft 365 sending stops for every email alike, as
tests/test_cli_send_trouble.py has it for SMTP: Graph refusing the app or the sending mailbox
(401, 403, 404), no token from Entra ID, EWS refusing the login or the mailbox (or sending as
it), or the server
not reached at all. The pass prints one `mail server problem:` line naming the problem (never
the secret, never a recipient's address) and exits 1, so a cron wrapper notices; the emails
wait in the outbox. A trouble Exchange says passes by itself (busy) is retried quietly: exit 0.

The mailbox is read from a Maildir here, so that only sending can fail the pass."""

from __future__ import annotations

import json
import socket
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.cli import main
from tests.fixtures.entra import CLIENT_ID, CLIENT_SECRET, TENANT, EntraTestServer
from tests.fixtures.ews import PASSWORD, USERNAME, EwsTestServer
from tests.fixtures.graph import GraphTestServer
from tests.fixtures.mail import drop_into_maildir, sin
from tests.test_cli import inbox, write_config

OFFICER = "casey.invented@gmp.police.uk"  # the SIN's sender, whom the acknowledgement goes to


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _pass(config: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str], str]:
    """One `run --once` on a SIN waiting in the Maildir: the exit code, the `mail server
    problem:` lines, and everything printed."""
    assert main(["--config", str(config), "init"]) == 0
    drop_into_maildir(inbox(config), sin())
    capsys.readouterr()
    code = main(["--config", str(config), "--now", "2026-12-23T09:00", "run", "--once"])
    out, err = capsys.readouterr()
    problems = [line for line in out.splitlines() if line.startswith("mail server problem: ")]
    return code, problems, out + err


def _waiting(config: Path, capsys: pytest.CaptureFixture[str]) -> set[str]:
    assert main(["--config", str(config), "outbox", "list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows, "nothing was queued"
    return {row["status"] for row in rows}


def _microsoft(entra: EntraTestServer) -> dict[str, object]:
    return {
        "tenant_id": TENANT,
        "client_id": CLIENT_ID,
        "client_secret_env": "TEST_ENTRA_SECRET",
        "authority": entra.authority,
        "validate_authority": False,  # a local authority MSAL cannot look up
    }


def _mail_send_withdrawn(graph: GraphTestServer, entra: EntraTestServer) -> None:
    graph.state.permissions.discard("Mail.Send")


def _consent_revoked(graph: GraphTestServer, entra: EntraTestServer) -> None:
    entra.state.refuse_tokens = True  # Entra still issues tokens; Graph takes none of them


def _secret_expired(graph: GraphTestServer, entra: EntraTestServer) -> None:
    entra.state.secret_expired = True


def _mailbox_not_on_exchange_online(graph: GraphTestServer, entra: EntraTestServer) -> None:
    graph.state.rest_disabled = True


GraphFault = Callable[[GraphTestServer, EntraTestServer], None]


@pytest.mark.parametrize(
    ("fault", "said"),
    [
        (_mail_send_withdrawn, "Graph refused sendMail: ErrorAccessDenied"),
        (_consent_revoked, "Graph refused sendMail: InvalidAuthenticationToken"),
        (_secret_expired, "Graph sendMail: no OAuth token: Entra ID refused the client secret"),
        (_mailbox_not_on_exchange_online, "Graph refused sendMail: MailboxNotEnabledForRESTAPI"),
    ],
)
def test_graph_refusing_the_app_or_the_mailbox_is_said_and_the_pass_exits_1(
    tmp_path: Path,
    migrated_database_url: str,
    graph: GraphTestServer,
    entra: EntraTestServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    fault: GraphFault,
    said: str,
) -> None:
    monkeypatch.delenv("TSCP_BOT_CONFIG", raising=False)
    monkeypatch.setenv("TEST_ENTRA_SECRET", CLIENT_SECRET)
    where = {"user": graph.state.user, "base_url": graph.base_url}
    outgoing = {"backend": "graph", "retry_base_seconds": 60, "graph": where}
    config = write_config(
        tmp_path, migrated_database_url, outgoing=outgoing, microsoft=_microsoft(entra)
    )
    fault(graph, entra)

    code, problems, printed = _pass(config, capsys)

    assert code == 1, printed
    [problem] = problems  # said once, however many emails wait
    assert problem.startswith(f"mail server problem: {said}")
    assert problem.endswith("; the emails wait in the outbox")
    assert CLIENT_SECRET not in printed and OFFICER not in problem
    assert graph.state.sent == [] and _waiting(config, capsys) == {"pending"}


def test_graph_not_reached_is_said_and_the_pass_exits_1(
    tmp_path: Path,
    migrated_database_url: str,
    entra: EntraTestServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.delenv("TSCP_BOT_CONFIG", raising=False)
    monkeypatch.setenv("TEST_ENTRA_SECRET", CLIENT_SECRET)
    nowhere = f"http://127.0.0.1:{_closed_port()}/v1.0"
    where = {"user": "TSCP@tameside.gov.uk", "base_url": nowhere}
    outgoing = {"backend": "graph", "retry_base_seconds": 60, "graph": where}
    config = write_config(
        tmp_path, migrated_database_url, outgoing=outgoing, microsoft=_microsoft(entra)
    )

    code, problems, printed = _pass(config, capsys)

    assert code == 1, printed
    assert problems == [
        f"mail server problem: Graph sendMail failed: connection refused ({nowhere}); "
        "the emails wait in the outbox"
    ]
    assert _waiting(config, capsys) == {"pending"}


def _ews_config(tmp_path: Path, database_url: str, endpoint: str, mailbox: str) -> Path:
    where = {
        "endpoint": endpoint,
        "mailbox": mailbox,
        "username": USERNAME,
        "password_env": "TEST_EWS_PASSWORD",
        "auth": "basic",
    }
    outgoing = {"backend": "ews", "retry_base_seconds": 60, "ews": where}
    return write_config(tmp_path, database_url, outgoing=outgoing)


@pytest.mark.parametrize(
    ("password", "refusal", "said"),
    [
        ("Wrong-Invented-Pa55", "", f"login refused for {USERNAME} (BASIC)"),
        (PASSWORD, "ErrorAccessDenied", "Exchange refused sending: ErrorAccessDenied"),
        (PASSWORD, "ErrorNonExistentMailbox", "Exchange refused sending: ErrorNonExistentMailbox"),
        (PASSWORD, "ErrorSendAsDenied", "Exchange refused sending: ErrorSendAsDenied"),
    ],
)
def test_ews_refusing_the_login_or_the_mailbox_is_said_and_the_pass_exits_1(
    tmp_path: Path,
    migrated_database_url: str,
    ews: EwsTestServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    password: str,
    refusal: str,
    said: str,
) -> None:
    monkeypatch.delenv("TSCP_BOT_CONFIG", raising=False)
    monkeypatch.setenv("TEST_EWS_PASSWORD", password)
    config = _ews_config(tmp_path, migrated_database_url, ews.endpoint, ews.state.mailbox)
    ews.state.send_refusal = refusal

    code, problems, printed = _pass(config, capsys)

    assert code == 1, printed
    [problem] = problems
    assert problem.startswith(f"mail server problem: EWS {ews.endpoint}: {said}")
    assert password not in printed and OFFICER not in problem
    assert ews.state.sent == [] and _waiting(config, capsys) == {"pending"}
    # Exchange answered: nothing went, so the next pass sends without a look in Sent Items
    # first, and says the same while it lasts.
    code = main(["--config", str(config), "--now", "2026-12-23T10:00", "run", "--once", "--json"])
    [again] = json.loads(capsys.readouterr().out)["mail_server_errors"]
    assert code == 1 and problem == f"mail server problem: {again}; the emails wait in the outbox"


def test_ews_not_reached_is_said_and_the_pass_exits_1(
    tmp_path: Path,
    migrated_database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.delenv("TSCP_BOT_CONFIG", raising=False)
    monkeypatch.setenv("TEST_EWS_PASSWORD", PASSWORD)
    nowhere = f"http://127.0.0.1:{_closed_port()}/EWS/Exchange.asmx"
    config = _ews_config(tmp_path, migrated_database_url, nowhere, "TSCP@tameside.gov.uk")

    code, problems, printed = _pass(config, capsys)

    assert code == 1, printed
    assert problems == [
        f"mail server problem: EWS {nowhere}: cannot reach the server while sending: "
        "connection refused; the emails wait in the outbox"
    ]
    assert _waiting(config, capsys) == {"pending"}


def test_exchange_busy_for_a_while_is_retried_quietly(
    tmp_path: Path,
    migrated_database_url: str,
    ews: EwsTestServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # ErrorServerBusy is Exchange's throttling: it passes by itself, and the send may have
    # gone (the next pass looks in Sent Items first). Not a problem to wake anyone for.
    monkeypatch.delenv("TSCP_BOT_CONFIG", raising=False)
    monkeypatch.setenv("TEST_EWS_PASSWORD", PASSWORD)
    config = _ews_config(tmp_path, migrated_database_url, ews.endpoint, ews.state.mailbox)
    ews.state.send_refusal = "ErrorServerBusy"

    code, problems, printed = _pass(config, capsys)

    assert (code, problems) == (0, []), printed
    assert _waiting(config, capsys) == {"pending"}

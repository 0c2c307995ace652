"""A message Graph cannot give as MIME is set aside for a person; it blocks no other mail.

Under app-only Graph access, `GET /users/{u}/messages/{id}/$value` answers
`500 {"error": {"code": "ErrorMimeContentConversionFailed", ...}}` for opaque-signed or
encrypted S/MIME items and S/MIME non-delivery reports, identically on every attempt (the
metadata of the same id reads fine). Police and NHS partners do send S/MIME. The rules: a
message that cannot be processed is quarantined and shown to the Business Manager, never
dropped, and never allowed to block the rest; an error that may pass (throttling, a gateway,
the app's access) still fails the pass, so the next one reads the message.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.adapters.db.models import Case, MailboxState, StoredMessage
from bot.adapters.graph_source import GraphSource
from bot.cli import main
from bot.services.digest_messages import quarantine
from bot.services.ingest import ingest_pass
from tests.fixtures.app import AppFactory
from tests.fixtures.entra import CLIENT_SECRET, EntraTestServer
from tests.fixtures.graph import MAILBOX, GraphTestServer, local_graph_client, write_graph_config
from tests.fixtures.mail import email, sin

UNCONVERTIBLE = (500, "ErrorMimeContentConversionFailed")


@pytest.fixture
def source(graph: GraphTestServer, entra: EntraTestServer) -> Iterator[GraphSource]:
    src = GraphSource(local_graph_client(graph, entra), MAILBOX)
    yield src
    src.close()


def _encrypted() -> bytes:
    return email(
        "Encrypted", "(S/MIME)", sender="dc.invented@nhs.net", message_id="<smime-1@nhs.net>"
    )


def _three(graph: GraphTestServer, error: tuple[int, str]) -> str:
    """Two SINs with a message between them whose $value answers `error`; its id."""
    graph.deliver(sin())
    bad = graph.deliver(_encrypted())
    graph.deliver(sin("<sin-2@gmp.police.uk>", sender="lee.invented@gmp.police.uk"))
    graph.state.mime_errors[bad] = error
    return bad


def test_one_message_graph_cannot_give_as_mime_blocks_no_other_mail_and_is_shown(
    graph: GraphTestServer, source: GraphSource, make_app: AppFactory
) -> None:
    app, _ = make_app()
    bad = _three(graph, UNCONVERTIBLE)

    reports = [ingest_pass(app, source, full_sweep=False) for _ in range(3)]

    with app.sessions() as session:
        rows = list(session.scalars(select(StoredMessage).order_by(StoredMessage.id)))
        state = session.get(MailboxState, app.mailbox_name)
        assert state is not None and state.last_error is None
        shown = quarantine(session)  # the digest's "Quarantined messages"
    # The two SINs around it are stored and acted on whatever the S/MIME item does.
    assert {"sin-1@gmp.police.uk", "sin-2@gmp.police.uk"} <= {r.message_id for r in rows}
    assert [r.errors for r in reports] == [[], [], []]
    (kept,) = [r for r in rows if r.status == "quarantined"]
    assert kept.needs_triage and kept.size == 0 and kept.source_key.startswith(bad)
    assert kept.message_id == "smime-1@nhs.net"
    assert (kept.subject, kept.from_addr) == ("Encrypted", "dc.invented@nhs.net")
    assert "ErrorMimeContentConversionFailed" in (kept.last_error or "")
    assert (
        "still there, untouched (often it is encrypted or signed, S/MIME). Open it in Outlook"
        in (kept.triage_reason or "")
    )
    assert [(m["id"], "MimeContentConversion" in str(m["reason"])) for m in shown] == [
        (kept.id, True)
    ]
    assert reports[0].quarantined == 1 and reports[0].waiting_for_a_person == 1
    # Left in the Inbox, where the Business Manager can open it; asked for once, not each pass.
    assert [m.id for m in graph.in_folder("Inbox")] == [bad]
    assert graph.state.calls("GET", "/messages/[^/]+/\\$value$") == 3


def test_the_same_unreadable_message_listed_again_is_kept_once(
    graph: GraphTestServer, source: GraphSource, make_app: AppFactory
) -> None:
    app, _ = make_app()
    _three(graph, UNCONVERTIBLE)
    ingest_pass(app, source, full_sweep=False)
    graph.expire_delta_tokens()  # a resync lists the whole Inbox again

    report = ingest_pass(app, source, full_sweep=False)

    with app.sessions() as session:
        statuses = list(session.scalars(select(StoredMessage.status)))
    assert sorted(statuses) == ["processed", "processed", "quarantined"]
    assert report.quarantined == 0 and report.duplicates == 0


def test_an_email_read_whole_after_its_placeholder_is_held_for_a_person_not_acted_on_twice(
    graph: GraphTestServer, source: GraphSource, make_app: AppFactory
) -> None:
    app, _ = make_app()
    bad = graph.deliver(sin("<sin-3@gmp.police.uk>", sender="kim.invented@gmp.police.uk"))
    graph.state.mime_errors[bad] = UNCONVERTIBLE
    ingest_pass(app, source, full_sweep=False)
    del graph.state.mime_errors[bad]
    graph.expire_delta_tokens()

    ingest_pass(app, source, full_sweep=False)

    with app.sessions() as session:
        rows = list(session.scalars(select(StoredMessage).order_by(StoredMessage.id)))
        cases = session.scalar(select(func.count()).select_from(Case))
    assert [(r.message_id, r.needs_triage) for r in rows] == [
        ("sin-3@gmp.police.uk", True), ("sin-3@gmp.police.uk", True),
    ]  # fmt: skip
    assert cases == 0  # the person decides; nothing is opened behind the placeholder's back


@pytest.mark.parametrize(
    "error",
    [
        (503, "serviceNotAvailable"),
        (500, "generalException"),
        (500, ""),
        (403, "ErrorAccessDenied"),
    ],
)
def test_an_error_that_may_pass_fails_the_pass_and_the_message_is_read_later(
    graph: GraphTestServer, source: GraphSource, make_app: AppFactory, error: tuple[int, str]
) -> None:
    app, _ = make_app()
    bad = _three(graph, error)

    failed = ingest_pass(app, source, full_sweep=False)
    del graph.state.mime_errors[bad]
    ingest_pass(app, source, full_sweep=False)

    assert failed.mailbox_error is not None and failed.quarantined == 0
    with app.sessions() as session:
        rows = list(session.scalars(select(StoredMessage)))
    assert sorted(r.message_id for r in rows) == [
        "sin-1@gmp.police.uk", "sin-2@gmp.police.uk", "smime-1@nhs.net",
    ]  # fmt: skip
    assert all(r.size for r in rows)


def test_the_business_manager_sees_it_on_the_triage_list_and_takes_it_off(
    tmp_path: Path,
    migrated_database_url: str,
    graph: GraphTestServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("TEST_ENTRA_SECRET", CLIENT_SECRET)
    config = write_graph_config(tmp_path, migrated_database_url, graph)
    assert main(["--config", str(config), "init"]) == 0
    bad = _three(graph, UNCONVERTIBLE)
    main(["--config", str(config), "--now", "2026-12-23T09:05", "run", "--once"])
    capsys.readouterr()

    assert main(["--config", str(config), "triage", "list", "--json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert (row["from"], row["subject"], row["status"]) == (
        "dc.invented@nhs.net", "Encrypted", "quarantined",
    )  # fmt: skip
    assert "could not be read from the mailbox" in row["reason"]
    assert main(["--config", str(config), "triage", "retry", str(row["id"])]) != 0
    assert "never read from the mailbox" in capsys.readouterr().err
    assert main(["--config", str(config), "triage", "done", str(row["id"])]) == 0
    assert "moved to Processed" in capsys.readouterr().out
    assert bad not in {m.id for m in graph.in_folder("Inbox")}
    assert [m.internet_message_id for m in graph.in_folder("Inbox")] == []


def test_a_mailbox_graph_stops_serving_after_the_listing_hides_no_mail(
    graph: GraphTestServer, source: GraphSource, make_app: AppFactory
) -> None:
    # Between the delta listing and the reads, the mailbox stops being one Graph serves (a
    # licence removed, a move on-premises: 404 MailboxNotEnabledForRESTAPI, KB 4462988).
    # That 404 is about the mailbox, not the message: nothing may be passed by as deleted.
    app, _ = make_app()
    graph.deliver(sin())
    list_round = source._list_round

    def listed_then_not_served(link: str) -> Any:
        listed = list_round(link)
        graph.state.rest_disabled = True
        return listed

    source._list_round = listed_then_not_served  # type: ignore[method-assign]
    failed = ingest_pass(app, source, full_sweep=False)
    source._list_round = list_round  # type: ignore[method-assign]
    graph.state.rest_disabled = False

    later = ingest_pass(app, source, full_sweep=False)  # not a full sweep: from the cursor

    assert (
        failed.mailbox_error is not None and "MailboxNotEnabledForRESTAPI" in failed.mailbox_error
    )
    with app.sessions() as session:
        state = session.get(MailboxState, app.mailbox_name)
        cases = session.scalar(select(func.count()).select_from(Case))
    assert state is not None and state.last_error is None
    assert later.errors == [] and later.fetched == 1 and cases == 1
    assert graph.in_folder("Inbox") == []

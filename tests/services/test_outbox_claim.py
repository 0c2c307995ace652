"""The claim on an outbox email outlasts any send of it, on the database's one clock.

A second instance (another server, or `run --once` at the terminal) that finds an attempt in
progress looks in the Sent folder and, finding nothing yet, sends again: so it must never find
a claim run out while the first instance is still in its send. Each send ends within
SEND_SECONDS, Graph's Retry-After waits included, the claim is four times that, and every
instance reads the claim by the database's clock, not its own.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import update

from bot.adapters.db.db_clock import database_now
from bot.adapters.db.models import OutboxMessage
from bot.adapters.graph_client import GraphClient
from bot.adapters.graph_sender import GraphSender
from bot.adapters.graph_source import GraphSource
from bot.adapters.oauth_tokens import ClientSecret, EntraApp, OAuthLogin
from bot.adapters.outgoing import SEND_SECONDS, MailSender
from bot.adapters.sent_folder import SentFolder
from bot.app import App
from bot.services.outbox import SendReport, send_due
from tests.fixtures.app import AppFactory
from tests.fixtures.entra import CLIENT_ID, CLIENT_SECRET, TENANT, EntraTestServer
from tests.fixtures.graph import GRAPH_SCOPE, MAILBOX, GraphTestServer
from tests.fixtures.smtp import SmtpTestServer
from tests.services.test_outbox import only_row, queue, smtp_app


def _client(
    graph: GraphTestServer,
    entra: EntraTestServer,
    sleep: Callable[[float], None] = lambda s: None,
    monotonic: Callable[[], float] = lambda: 0.0,
) -> GraphClient:
    tokens = EntraApp(
        TENANT, CLIENT_ID, ClientSecret(CLIENT_SECRET), authority=entra.authority,
        validate_authority=False,
    )  # fmt: skip
    login = OAuthLogin(tokens, (GRAPH_SCOPE,))
    return GraphClient(graph.base_url, login, sleep=sleep, monotonic=monotonic)


def test_graph_throttling_ends_within_the_claim_and_a_second_instance_never_sends_it(
    make_app: AppFactory,
    graph: GraphTestServer,
    entra: EntraTestServer,
    smtp_server: SmtpTestServer,
) -> None:
    app, clock = smtp_app(make_app, smtp_server)
    queue(app, clock, "ack:1")
    app.open_sent_lookup = lambda: SentFolder(
        GraphSource(_client(graph, entra), MAILBOX), "sentitems"
    )
    waited: list[float] = []
    other_runs: list[SendReport] = []

    def instance_a_waits(seconds: float) -> None:
        # Graph asked for Retry-After seconds: time passes for instance A, still in its send,
        # and instance B's outbox job runs meanwhile (as it would every few minutes).
        waited.append(seconds)
        clock.moment = clock.moment + timedelta(seconds=seconds)
        other_runs.append(send_due(app, GraphSender(_client(graph, entra), MAILBOX)))

    graph.state.throttle = [120, 120, 120]  # sendMail throttled three times, as Graph may
    a = _client(graph, entra, instance_a_waits, monotonic=lambda: sum(waited))
    report = send_due(app, GraphSender(a, MAILBOX))

    # A gave up well within its claim, having asked Graph nothing it may have done: no wait
    # that would end past SEND_SECONDS was taken.
    assert sum(waited) < SEND_SECONDS
    assert report == SendReport(retrying=1)
    assert other_runs and all(run == SendReport() for run in other_runs)
    assert graph.state.sent == []
    assert only_row(app).attempt_started_at is None  # nothing to look for in Sent Items

    clock.moment = clock.moment + timedelta(minutes=10)  # the retry is due; Graph has calmed
    assert send_due(app, GraphSender(_client(graph, entra), MAILBOX)) == SendReport(sent=1)
    assert len(graph.state.sent) == 1


class OtherInstanceRunsMidSend:
    """The real sender; another instance's outbox job runs while the email is on its way."""

    def __init__(self, inner: MailSender, other: Callable[[], SendReport]) -> None:
        self.inner, self.other = inner, other
        self.other_runs: list[SendReport] = []

    def send(self, raw: bytes, sender: str, recipients: list[str]) -> None:
        self.other_runs.append(self.other())
        self.inner.send(raw, sender, recipients)


def test_an_instance_whose_clock_is_an_hour_fast_does_not_take_a_claim_held(
    make_app: AppFactory, smtp_server: SmtpTestServer
) -> None:
    # Two servers whose clocks differ by more than the claim (or `run --once --now` an hour
    # on): measured on each one's own clock, the second would find the claim run out.
    first, clock = smtp_app(make_app, smtp_server)
    second, fast = smtp_app(make_app, smtp_server)
    fast.set("2026-12-23T10:00")
    queue(first, clock, "ack:1")
    sender = OtherInstanceRunsMidSend(
        first.open_sender(), lambda: send_due(second, second.open_sender())
    )

    assert send_due(first, sender) == SendReport(sent=1)

    assert sender.other_runs == [SendReport()]
    assert len(smtp_server.messages) == 1


class ClaimTakenWhileSearching:
    """Sent Items, searched so slowly that the claim ran out and another instance took the
    email meanwhile (its claim ends later than the first one's did)."""

    files_within = timedelta(0)
    folder_name = "Sent Items"

    def __init__(self, app: App) -> None:
        self.app = app

    def was_sent(self, message_id: str) -> bool:
        with self.app.sessions() as s:
            later = database_now(s) + timedelta(minutes=30)
            s.execute(update(OutboxMessage).values(claimed_until=later))
            s.commit()
        return False

    def close(self) -> None:
        pass


def test_a_claim_lost_while_searching_sent_is_not_sent_on(
    make_app: AppFactory, smtp_server: SmtpTestServer
) -> None:
    app, clock = smtp_app(make_app, smtp_server)
    queue(app, clock, "ack:1")
    with app.sessions() as s:  # an earlier attempt was cut short
        s.execute(update(OutboxMessage).values(attempt_started_at=clock.now()))
        s.commit()
    app.open_sent_lookup = lambda: ClaimTakenWhileSearching(app)

    assert send_due(app, app.open_sender()) == SendReport()

    assert smtp_server.messages == []  # the instance that holds it now decides
    row = only_row(app)
    assert row.status == "pending" and row.attempt_started_at is not None
    assert row.claimed_until is not None

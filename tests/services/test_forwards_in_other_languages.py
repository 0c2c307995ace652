"""A SIN forwarded from a mailbox set to another language: Gmail set to Polish writes its
"---------- Wiadomość przekazana dalej ---------" line and names the quoted From line "Od:".
The bot reads who wrote the forwarded email as it does from an English forward, and the
Business Manager is told that the acknowledgement went to the colleague who forwarded it, not
to the writer, who may be waiting to hear that it arrived.

The email is a tests/corpus fixture, delivered to real Dovecot and read over IMAP by the real
ingest path; the digest is the one the Business Manager is sent.
"""

from __future__ import annotations

from sqlalchemy import select

from bot.adapters.db.models import OutboxMessage
from bot.adapters.imap_source import ImapSource
from bot.app import App
from bot.services.daily_digest import send_digest_if_due
from bot.services.ingest import ingest_pass
from tests.fixtures.app import ROOT, AppFactory
from tests.fixtures.dovecot import DovecotServer
from tests.services.test_lifecycle import body_of, delivered

CORPUS = ROOT / "tests" / "corpus"
DEPUTY = "dana.deputy@st-example.tameside.sch.uk"
HEAD = "robin.head@st-example.tameside.sch.uk"


def outbox_of(app: App, event: str) -> list[OutboxMessage]:
    with app.sessions() as s:
        query = select(OutboxMessage).where(OutboxMessage.event == event)
        return list(s.scalars(query.order_by(OutboxMessage.id)))


def test_a_sin_forwarded_from_gmail_in_polish_names_its_writer_to_the_business_manager(
    make_app: AppFactory, dovecot: DovecotServer
) -> None:
    app, clock = make_app(now="2026-12-16T09:05")
    raw = (CORPUS / "sin-forwarded-by-school-colleague-polish-gmail.eml").read_bytes()
    dovecot.append(delivered(raw, DEPUTY))  # arrives as the bot reads it, on Wed 16 Dec
    d = dovecot
    source = ImapSource(d.host, d.port, d.user, d.password, security="plain")
    try:
        ingest_pass(app, source)
    finally:
        source.close()
    [ack] = outbox_of(app, "sin_acknowledgement")
    assert ack.recipients == [DEPUTY]  # by design: she notified the mailbox
    clock.set("2026-12-17T08:05")
    assert send_digest_if_due(app)
    [digest] = outbox_of(app, "daily_digest")
    said = " ".join(body_of(digest).split())
    assert (
        f"The acknowledgement went to {DEPUTY}, who forwarded it, not to {HEAD}, who wrote it "
        "(named on the quoted From line): tell them if they should know"
    ) in said
    # Gmail's Polish "Data: pt., 11 gru 2026 o 16:00" is read by its month's name: the clocks
    # count from the Friday the headteacher sent it, and the digest says why.
    assert (
        "its clocks count from Fri 11 Dec 2026, the day the forwarded email says it was sent, "
        "not Wed 16 Dec 2026, when the forward arrived"
    ) in said

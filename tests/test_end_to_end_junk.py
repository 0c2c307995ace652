"""Mail filed in the mailbox's junk folder, through real Dovecot and aiosmtpd: the bot never
reads it, but the Business Manager is told at once (a SIN) and in the digest every day it stays
there; moved to the Inbox by a person, it is read with its own arrival time and leaves the list.
"""

from __future__ import annotations

import email
import json
import logging
import os
from datetime import UTC, datetime, timedelta
from email import policy
from email.message import EmailMessage
from typing import Any, cast

import pytest

from tests.fixtures.backends import Backend, EwsMailbox, GraphMailbox
from tests.fixtures.dovecot import DovecotServer
from tests.fixtures.forms_docx import DOCX, SIN_INCIDENT
from tests.fixtures.forms_docx import sin_docx as form
from tests.fixtures.smtp import SmtpTestServer
from tests.fixtures.smtp import sent_emails as _sent

BM = "tscp.business.manager@tameside.gov.uk"
SENDER = "casey.invented@gmp.police.uk"
SUBJECT = "Serious Incident Notification - GM SIN form"
ARRIVED = datetime(2026, 12, 23, 8, 30, tzinfo=UTC)


def _sin() -> bytes:
    msg = EmailMessage()
    msg["From"] = SENDER
    msg["To"] = "tscp@tameside.gov.uk"
    msg["Subject"] = SUBJECT
    msg["Date"] = "Wed, 23 Dec 2026 08:30:00 +0000"
    msg["Message-ID"] = "<sin-junk@gmp.police.uk>"
    msg.set_content("Please find attached the GM SIN form for the Screening Panel.\n")
    maintype, subtype = DOCX.split("/")
    msg.add_attachment(
        form(incident=SIN_INCIDENT), maintype=maintype, subtype=subtype, filename="SIN form.docx"
    )
    return msg.as_bytes()


def _text(msg: EmailMessage) -> str:
    part = msg.get_body(preferencelist=("plain",))
    assert part is not None
    return " ".join(str(part.get_content()).split())


def _attention(smtp: SmtpTestServer, day: str) -> str:
    digests = [m for to, m in _sent(smtp) if to == [BM] and "digest" in str(m["Subject"]).lower()]
    [digest] = [m for m in digests if day in str(m["Subject"])] or digests[-1:]
    return _text(digest).split("NEEDS YOUR ATTENTION", 1)[1].split("APPENDIX B RETURNS", 1)[0]


def _arrive_in(dovecot: DovecotServer, folder: str) -> None:
    """APPEND into `folder` arriving at ARRIVED: Dovecot takes no APPEND date later than its own
    (real) clock, so the time is written onto the file, Dovecot's INTERNALDATE for Maildir."""
    dovecot.append(_sin(), folder=folder)
    box = dovecot.root / "home" / dovecot.user / "Maildir" / f".{folder}"
    for path in (p for sub in ("new", "cur") for p in (box / sub).glob("*")):
        os.utime(path, (ARRIVED.timestamp(), ARRIVED.timestamp()))


def _move_to_inbox(dovecot: DovecotServer, folder: str) -> None:
    with dovecot.client() as client:
        client.select_folder(folder)
        client.move(client.search("ALL"), "INBOX")


# By Exchange's name, and by the RFC 6154 \\Junk flag the test server gives "Quarantine".
@pytest.mark.parametrize("junk", ["Junk Email", "Quarantine"])
def test_a_sin_in_junk_email_is_told_at_once_and_listed_until_moved_to_the_inbox(
    bot: Any, dovecot: DovecotServer, smtp_server: SmtpTestServer, junk: str
) -> None:
    _arrive_in(dovecot, junk)
    assert bot("--now", "2026-12-23T09:05", "run", "--once")[0] == 0

    alerts = [m for to, m in _sent(smtp_server) if to == [BM] and "Junk" in str(m["Subject"])]
    assert [str(m["Subject"]) for m in alerts] == [f"TSCP In Junk Email, not read: from {SENDER}"]
    said = _text(alerts[0])
    assert (
        f"In Junk Email: from {SENDER}, {SUBJECT}, arrived Wed 23 Dec 2026 08:30: if it is "
        "real, move it to the Inbox in Outlook" in said
    )
    # Never read: no case opened, nothing sent to its sender, and it stays where it was.
    code, cases = bot("--now", "2026-12-23T09:06", "cases")
    assert code == 0 and "TSCP-2026-" not in cases
    assert not [to for to, _ in _sent(smtp_server) if to == [SENDER]]
    assert len(dovecot.list_uids(junk)) == 1
    assert b"\\Seen" not in dovecot.flags(junk)[1]  # not even marked read

    assert bot("--now", "2026-12-23T09:35", "run", "--once")[0] == 0
    alerts = [m for to, m in _sent(smtp_server) if to == [BM] and "Junk" in str(m["Subject"])]
    assert len(alerts) == 1  # told once

    assert bot("--now", "2026-12-24T08:01", "run", "--once")[0] == 0
    assert f"In Junk Email: from {SENDER}, {SUBJECT}" in _attention(smtp_server, "24")

    _move_to_inbox(dovecot, junk)
    assert bot("--now", "2026-12-24T09:00", "run", "--once")[0] == 0
    code, out = bot("--now", "2026-12-24T09:01", "case", "TSCP-2026-0001", "--json")
    assert code == 0
    [message] = json.loads(out)["messages"]
    # Its clocks run from when it reached the mailbox, not from when a person moved it.
    assert datetime.fromisoformat(message["received_at"]) == ARRIVED

    assert bot("--now", "2026-12-29T08:01", "run", "--once")[0] == 0
    assert "In Junk Email" not in _attention(smtp_server, "29")


def test_a_junk_folder_renamed_keeps_its_messages_listed_and_says_it_is_not_found(
    bot: Any, dovecot: DovecotServer, smtp_server: SmtpTestServer
) -> None:
    _arrive_in(dovecot, "Junk Email")
    assert bot("--now", "2026-12-23T09:05", "run", "--once")[0] == 0
    with dovecot.client() as client:
        client.rename_folder("Junk Email", "Spam")  # no \\Junk flag, no usual name

    # Not taken for a mailbox with no junk: the SIN still sits there unread, so it stays listed.
    assert bot("--now", "2026-12-24T08:01", "run", "--once")[0] == 0
    assert f"In Junk Email: from {SENDER}, {SUBJECT}" in _attention(smtp_server, "24")
    out = bot("--now", "2026-12-24T08:02", "status")[1]
    assert (
        "junk folder not found; the 1 messages seen there stay listed until it is found again "
        "(renamed? set [mailbox] junk_folder to its name) (mail reading goes on; look at Junk "
        "Email by hand)"
    ) in " ".join(out.split())


def _deliver(dovecot: DovecotServer, folder: str, raw: bytes, at: datetime) -> None:
    """APPEND one message into `folder` arriving at `at` (written onto its file, as above)."""
    box = dovecot.root / "home" / dovecot.user / "Maildir" / f".{folder}"
    before = {p for sub in ("new", "cur") for p in (box / sub).glob("*")}
    dovecot.append(raw, folder=folder)
    for path in {p for sub in ("new", "cur") for p in (box / sub).glob("*")} - before:
        os.utime(path, (at.timestamp(), at.timestamp()))


def _uidvalidity(dovecot: DovecotServer, folder: str) -> int:
    with dovecot.client() as client:
        return int(client.folder_status(folder, [b"UIDVALIDITY"])[b"UIDVALIDITY"])


def test_a_junk_folder_recreated_with_the_same_mail_tells_only_what_is_new(
    bot: Any, dovecot: DovecotServer, smtp_server: SmtpTestServer
) -> None:
    _deliver(dovecot, "Junk Email", _sin(), ARRIVED)
    _deliver(dovecot, "Junk Email", _spam(), ARRIVED)
    assert bot("--now", "2026-12-23T09:05", "run", "--once")[0] == 0
    assert bot("--now", "2026-12-24T08:01", "run", "--once")[0] == 0
    assert "from prizes@lottery.example.com" in _attention(smtp_server, "24")

    # Restored from a backup: the same two messages, renumbered (a new UIDVALIDITY), and the
    # SIN sent again an hour later, a message of its own that must be told.
    before = _uidvalidity(dovecot, "Junk Email")
    with dovecot.client() as client:
        client.delete_folder("Junk Email")
    _deliver(dovecot, "Junk Email", _sin(), ARRIVED)
    _deliver(dovecot, "Junk Email", _spam(), ARRIVED)
    _deliver(dovecot, "Junk Email", _sin(), ARRIVED + timedelta(hours=1))
    assert _uidvalidity(dovecot, "Junk Email") != before
    assert bot("--now", "2026-12-24T09:00", "run", "--once")[0] == 0

    alerts = [
        _text(m) for to, m in _sent(smtp_server) if to == [BM] and "Junk" in str(m["Subject"])
    ]
    assert len(alerts) == 2  # the first SIN once, and the one sent again
    assert "arrived Wed 23 Dec 2026 08:30" in alerts[0]
    assert "arrived Wed 23 Dec 2026 09:30" in alerts[1]
    assert bot("--now", "2026-12-29T08:01", "run", "--once")[0] == 0  # after Christmas
    attention = _attention(smtp_server, "29")
    assert attention.count(f"In Junk Email: from {SENDER}, {SUBJECT}") == 2
    assert "from prizes@lottery.example.com" not in attention  # listed once, not new again
    assert "Also still in Junk Email: 1 listed in an earlier digest" in attention


def test_a_junk_folder_that_cannot_be_selected_is_named_not_the_inbox(
    bot: Any, dovecot: DovecotServer, smtp_server: SmtpTestServer
) -> None:
    _deliver(dovecot, "Junk Email", _spam(), ARRIVED)
    box = dovecot.root / "home" / dovecot.user / "Maildir" / ".Junk Email"
    box.chmod(0)  # the server cannot open it
    try:
        assert bot("--now", "2026-12-23T09:05", "run", "--once")[0] == 0
        out = " ".join(bot("--now", "2026-12-23T09:06", "status")[1].split())
    finally:
        box.chmod(0o700)
    assert f"junk folder look failed: MailboxError: IMAP junk look on {dovecot.host}:" in out
    assert f"{dovecot.port}/Junk Email failed" in out
    assert "/INBOX" not in out


# The batching is the IMAP side's; the database only keeps what was seen, as in the tests
# above on both. 13,500 messages take a minute or more to deliver and look at: once is enough.
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_junk_folder_of_thousands_is_looked_at_a_hundred_at_a_time(
    bot: Any, dovecot: DovecotServer, smtp_server: SmtpTestServer
) -> None:
    # On a first look every message is new: one FETCH naming all 13,500 UIDs would be a
    # command line of some 70,000 characters, past Dovecot's 64 KiB, and the look would fail
    # on every pass for good, a SIN among them never told.
    _arrive_in(dovecot, "Junk Email")
    box = dovecot.root / "home" / dovecot.user / "Maildir" / ".Junk Email"
    owner = box.stat()
    spam = _spam()
    for n in range(13_500):  # written as the server would deliver them, not one APPEND each
        path = box / "new" / f"{1_766_000_000 + n}.M{n}P1.test"
        path.write_bytes(spam)
        os.chown(path, owner.st_uid, owner.st_gid)

    assert bot("--now", "2026-12-23T09:05", "run", "--once")[0] == 0
    assert "junk folder" not in bot("--now", "2026-12-23T09:06", "status")[1]
    alerts = [m for to, m in _sent(smtp_server) if to == [BM] and "Junk" in str(m["Subject"])]
    assert [str(m["Subject"]) for m in alerts] == [f"TSCP In Junk Email, not read: from {SENDER}"]


def _spam() -> bytes:
    msg = EmailMessage()
    msg["From"] = "prizes@lottery.example.com"
    msg["To"] = "tscp@tameside.gov.uk"
    msg["Subject"] = "You have won"
    msg["Message-ID"] = "<spam@lottery.example.com>"
    msg.set_content("Claim now.\n")
    return msg.as_bytes()


@pytest.mark.parametrize("backend", ["graph"], indirect=True)
def test_graph_junk_email_is_listed_and_a_partner_s_mail_told_at_once(
    backend: Backend, backend_bot: Any
) -> None:
    graph = cast(GraphMailbox, backend.mailbox).graph
    partner = EmailMessage()
    partner["From"] = "robin.invented@gmp.police.uk"  # a partner's domain the config knows
    partner["Subject"] = "Follow-up"
    partner["Message-ID"] = "<follow-up@gmp.police.uk>"
    partner.set_content("As discussed.\n")
    graph.deliver(partner.as_bytes(), received=ARRIVED, folder="Junk Email")
    graph.deliver(_spam(), received=ARRIVED, folder="Junk Email")
    assert backend_bot("--now", "2026-12-23T09:05", "run", "--once")[0] == 0

    alerts = [str(m["Subject"]) for m in _mails(backend) if "Junk" in str(m["Subject"])]
    # Told at once of the partner's mail only: the spam waits for the digest.
    assert alerts == ["TSCP In Junk Email, not read: from robin.invented@gmp.police.uk"]

    assert backend_bot("--now", "2026-12-24T08:01", "run", "--once")[0] == 0
    digest = [m for m in _mails(backend) if "digest" in str(m["Subject"]).lower()][-1]
    attention = _text(digest).split("NEEDS YOUR ATTENTION", 1)[1]
    assert "In Junk Email: from robin.invented@gmp.police.uk, Follow-up, arrived" in attention
    assert "In Junk Email: from prizes@lottery.example.com, You have won, arrived" in attention
    assert len(graph.in_folder("Junk Email")) == 2  # never moved by the bot

    # The next digest lists the partner's mail again, but only counts the spam it listed: a
    # junk folder of hundreds would otherwise bury the rest of "Needs your attention".
    assert backend_bot("--now", "2026-12-29T08:01", "run", "--once")[0] == 0
    digest = [m for m in _mails(backend) if "digest" in str(m["Subject"]).lower()][-1]
    assert "Tue 29 Dec 2026" in str(digest["Subject"])
    attention = _text(digest).split("NEEDS YOUR ATTENTION", 1)[1]
    assert "In Junk Email: from robin.invented@gmp.police.uk, Follow-up, arrived" in attention
    assert "prizes@lottery.example.com" not in attention
    assert (
        "Also still in Junk Email: 1 listed in an earlier digest, none of them looking like a "
        "SIN or from a partner's domain: look at the folder in Outlook" in attention
    )

    junk = graph.state.folder("Junk Email")
    for key in [m.id for m in graph.in_folder("Junk Email")]:
        graph.state.inbox.messages[key] = junk.messages.pop(key)  # a person moves it
    assert backend_bot("--now", "2026-12-30T08:01", "run", "--once")[0] == 0
    digest = [m for m in _mails(backend) if "digest" in str(m["Subject"]).lower()][-1]
    assert "In Junk Email" not in _text(digest)


def _mails(backend: Backend) -> list[EmailMessage]:
    found = []
    for rec in backend.outbox.messages:
        msg = email.message_from_bytes(rec.raw, policy=policy.default)
        assert isinstance(msg, EmailMessage)
        found.append(msg)
    return found


@pytest.mark.parametrize("backend", ["graph"], indirect=True)
def test_a_junk_folder_that_cannot_be_looked_at_is_said_and_mail_is_still_read(
    backend: Backend, backend_bot: Any, caplog: pytest.LogCaptureFixture
) -> None:
    graph = cast(GraphMailbox, backend.mailbox).graph
    graph.state.refused_folders.add("Junk Email")
    graph.deliver(_sin(), received=ARRIVED)
    with caplog.at_level(logging.INFO):
        assert backend_bot("--now", "2026-12-23T09:05", "run", "--once")[0] == 0
        assert backend_bot("--now", "2026-12-23T09:15", "run", "--once")[0] == 0
    said = [r.getMessage() for r in caplog.records if "junk folder look failed" in r.getMessage()]
    # Once by each `run --once`, an app of its own (a daemon's passes say it once: see
    # tests/services/test_junk_trouble.py).
    assert len(said) == 2 and "ErrorAccessDenied" in said[0]
    assert "TSCP-2026-0001" in backend_bot("--now", "2026-12-23T09:20", "cases")[1]
    out = backend_bot("--now", "2026-12-23T09:20", "status")[1]
    assert "junk folder look failed" in out and "look at Junk Email by hand" in out

    graph.state.refused_folders.clear()
    assert backend_bot("--now", "2026-12-23T09:25", "run", "--once")[0] == 0
    assert "junk folder" not in backend_bot("--now", "2026-12-23T09:26", "status")[1]


@pytest.mark.parametrize("backend", ["ews"], indirect=True)
def test_ews_junk_email_is_told_and_listed_until_it_leaves(
    backend: Backend, backend_bot: Any
) -> None:
    ews = cast(EwsMailbox, backend.mailbox).ews
    ews.deliver(_sin(), received=ARRIVED, folder="junkemail")
    assert backend_bot("--now", "2026-12-23T09:05", "run", "--once")[0] == 0
    alerts = [str(m["Subject"]) for m in _mails(backend) if "Junk" in str(m["Subject"])]
    assert alerts == [f"TSCP In Junk Email, not read: from {SENDER}"]
    assert "TSCP-2026-" not in backend_bot("--now", "2026-12-23T09:06", "cases")[1]

    assert backend_bot("--now", "2026-12-24T08:01", "run", "--once")[0] == 0
    digest = [m for m in _mails(backend) if "digest" in str(m["Subject"]).lower()][-1]
    assert f"In Junk Email: from {SENDER}, {SUBJECT}, arrived Wed 23 Dec 2026 08:30" in _text(
        digest
    )
    ews.state.by_distinguished("junkemail").items.clear()  # a person deleted it
    assert backend_bot("--now", "2026-12-29T08:01", "run", "--once")[0] == 0
    digest = [m for m in _mails(backend) if "digest" in str(m["Subject"]).lower()][-1]
    assert "In Junk Email" not in _text(digest)

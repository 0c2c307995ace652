"""Through real aiosmtpd and Dovecot, and again through the local Microsoft Graph: mail that
did not arrive is noticed, and never answered.

The bot sends an Appendix B request and a screening invitation over SMTP; the receiving side's
bounce for them is delivered to the partnership mailbox in Dovecot, as a relay would, and the
bot reads it on its next pass.
"""

from __future__ import annotations

import email
import json
from email import policy
from pathlib import Path
from typing import Any

import pytest

from tests.fixtures.backends import Mailbox, Outbox
from tests.fixtures.mail import sin
from tests.fixtures.smtp import Recorded

CORPUS = Path(__file__).resolve().parent / "corpus"
REF = "TSCP-2026-0001"
POLICE = "dsp.tameside@gmp.police.uk"
HEALTH = "dsp.tameside@nhs.net"
BM = "tscp.business.manager@tameside.gov.uk"
USER_UNKNOWN = f"550 5.1.1 <{POLICE}>: Recipient address rejected: User unknown"
NOT_DELIVERED = f"not delivered to {POLICE}: the address does not exist ({USER_UNKNOWN})"


@pytest.fixture
def bot(backend_bot: Any) -> Any:
    """`tscp-bot` on each backend in turn (IMAP and SMTP, then Microsoft Graph)."""
    return backend_bot


def _header_block(raw: bytes) -> str:
    return raw.replace(b"\r\n", b"\n").split(b"\n\n", 1)[0].decode("ascii")


def _postfix_dsn(original: Recorded, recipient: str) -> bytes:
    """A Postfix bounce (RFC 3464) returning the original's headers only."""
    return f"""\
Return-Path: <>
From: Mail Delivery System <MAILER-DAEMON@mx1.tameside.gov.uk>
To: tscp@tameside.gov.uk
Subject: Undelivered Mail Returned to Sender
Date: Thu, 17 Dec 2026 07:20:00 +0000
Message-ID: <20261217072000.7C2D1E0A11@mx1.tameside.gov.uk>
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="7C2D1E0A11"

--7C2D1E0A11
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mx1.tameside.gov.uk.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients.

--7C2D1E0A11
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mx1.tameside.gov.uk
Arrival-Date: Thu, 17 Dec 2026 07:10:02 +0000 (GMT)

Final-Recipient: rfc822; {recipient}
Original-Recipient: rfc822;{recipient}
Action: failed
Status: 5.1.1
Remote-MTA: dns; mx.gmp.police.uk
Diagnostic-Code: smtp; 550 5.1.1 <{recipient}>: Recipient address rejected:
    User unknown

--7C2D1E0A11
Content-Description: Undelivered Message Headers
Content-Type: text/rfc822-headers

{_header_block(original.raw)}

--7C2D1E0A11--
""".encode()


def _exchange_ndr(original: Recorded, recipient: str) -> bytes:
    """An on-premises Exchange NDR: text only, the original headers quoted at the end."""
    headers = _header_block(original.raw)
    subject = str(email.message_from_bytes(original.raw, policy=policy.default)["Subject"])
    return f"""\
From: postmaster@tameside.gov.uk
To: tscp@tameside.gov.uk
Subject: Undeliverable: {subject}
Date: Thu, 17 Dec 2026 07:21:00 +0000
Message-ID: <ndr-5e6f7a8b@EXCH01.tameside.gov.uk>
Return-Path: <>
MIME-Version: 1.0
Content-Type: text/plain; charset="us-ascii"

Delivery has failed to these recipients or groups:

{recipient}
The e-mail address you entered couldn't be found.

Diagnostic information for administrators:

Generating server: EXCH01.tameside.gov.uk

{recipient}
#550 5.1.10 RESOLVER.ADR.RecipientNotFound; not found ##

Original message headers:

{headers}
""".encode()


def _read_receipt(original: Recorded, reader: str) -> bytes:
    message_id = email.message_from_bytes(original.raw, policy=policy.default)["Message-ID"]
    return f"""\
From: {reader}
To: tscp@tameside.gov.uk
Subject: Read: Appendix B request
Date: Thu, 17 Dec 2026 07:22:00 +0000
Message-ID: <read-1@gmp.police.uk>
In-Reply-To: {message_id}
MIME-Version: 1.0
Content-Type: multipart/report; report-type=disposition-notification; boundary="rr"

--rr
Content-Type: text/plain

Your message was read on 17/12/2026 07:22.

--rr
Content-Type: message/disposition-notification

Final-Recipient: rfc822; {reader}
Original-Message-ID: {message_id}
Disposition: manual-action/MDN-sent-manually; displayed

--rr--
""".encode()


def _sent(smtp: Outbox, subject_part: bytes) -> Recorded:
    [found] = [r for r in smtp.messages if subject_part in r.raw.split(b"\r\n\r\n", 1)[0]]
    return found


def _request_sent(run: Any, mailbox: Mailbox, smtp: Outbox) -> Recorded:
    mailbox.append(sin())
    run("--now", "2026-12-17T07:00", "run", "--once")
    code, _ = run(
        "--now", "2026-12-17T07:05", "command", REF,
        "Decision: rapid review", "Agencies: gmp", "Return by: 24/12/2026",
    )  # fmt: skip
    assert code == 0
    run("--now", "2026-12-17T07:10", "run", "--once")
    return _sent(smtp, b"information request (Appendix B)")


def _text(sent: Recorded) -> str:
    """Its subject and plain text, unwrapped."""
    msg = email.message_from_bytes(sent.raw, policy=policy.default)
    body = msg.get_body(preferencelist=("plain",))
    text = str(body.get_content()) if body is not None else ""
    return " ".join(f"{msg['Subject']}\n{text}".split())


def _outbox(run: Any) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads(
        run("--now", "2026-12-17T07:40", "outbox", "list", "--json")[1]
    )
    return rows


def test_a_bounced_appendix_b_request_is_shown_in_outbox_case_and_digest(
    bot: Any,
    mailbox: Mailbox,
    outbox: Outbox,
) -> None:
    request = _request_sent(bot, mailbox, outbox)
    assert request.rcpt_tos == [POLICE]
    before = len(outbox.messages)

    mailbox.append(_postfix_dsn(request, POLICE))
    bot("--now", "2026-12-17T07:30", "run", "--once")
    bot("--now", "2026-12-17T07:35", "run", "--once")  # a second pass tells her nothing more
    # A bounce is never answered: the Business Manager alone is told, once, at once.
    [(to, notice)] = [(r.rcpt_tos, _text(r)) for r in outbox.messages[before:]]
    report = json.loads(bot("--now", "2026-12-17T07:40", "triage", "list", "--json")[1])[0]

    [row] = [r for r in _outbox(bot) if r["event"] == "appendix_b_request"]
    assert row["status"] == "sent" and row["not_delivered"] == [NOT_DELIVERED]
    assert all(r["not_delivered"] == [] for r in _outbox(bot) if r["id"] != row["id"])
    assert to == [BM]
    assert notice.startswith(f"[{REF}] Not delivered: Appendix B information request #{row['id']} ")
    assert f"Not to: {POLICE} (Greater Manchester Police) Why: the address does not exist" in notice
    assert f"tscp-bot triage done {report['id']}" in notice and "outbox retry" not in notice
    _, listing = bot("--now", "2026-12-17T07:40", "outbox", "list")
    assert f"  #{row['id']} {NOT_DELIVERED}" in listing.splitlines()

    _, shown = bot("--now", "2026-12-17T07:45", "case", REF)
    assert f"  #{row['id']} {NOT_DELIVERED}" in shown.splitlines()
    case = json.loads(bot("--now", "2026-12-17T07:45", "case", REF, "--json")[1])
    [event] = [e for e in case["events"] if e["what"] == "mail_not_delivered"]
    assert event["detail"] == f"Email #{row['id']} (appendix_b_request) {NOT_DELIVERED}"

    bot("--now", "2026-12-17T08:05", "run", "--once")
    [digest] = [
        email.message_from_bytes(r.raw, policy=policy.default)
        for r in outbox.messages
        if b"Subject: TSCP digest:" in r.raw  # issue 13: the new subject
    ]
    body = digest.get_body(preferencelist=("plain",))
    text = str(body.get_content()).replace("\r\n", "\n")  # type: ignore[union-attr]
    assert "  Emails not delivered      1" in text
    attention = text.split("NEEDS YOUR ATTENTION", 1)[1].split("APPENDIX B RETURNS", 1)[0]
    assert f"{REF}  mail not delivered" in attention and NOT_DELIVERED in attention
    section = text.split("EMAILS NOT DELIVERED", 1)[1].split("SYSTEM HEALTH", 1)[0]
    assert f"#{row['id']}" in section and REF in section
    assert "Not delivered to " + NOT_DELIVERED.removeprefix("not delivered to ") in section


def test_an_exchange_ndr_flags_the_screening_invitation_on_its_case(
    bot: Any,
    mailbox: Mailbox,
    outbox: Outbox,
) -> None:
    mailbox.append(sin())
    bot("--now", "2026-12-17T07:00", "run", "--once")
    invitation = _sent(outbox, b"Screening Panel:")
    assert HEALTH in invitation.rcpt_tos

    mailbox.append(_exchange_ndr(invitation, HEALTH))
    bot("--now", "2026-12-17T07:30", "run", "--once")

    line = (
        f"not delivered to {HEALTH}: the address does not exist "
        "(550 5.1.10 RESOLVER.ADR.RecipientNotFound; not found)"
    )
    [row] = [r for r in _outbox(bot) if r["event"] == "screening_invitation"]
    assert row["not_delivered"] == [line]
    case = json.loads(bot("--now", "2026-12-17T07:45", "case", REF, "--json")[1])
    flagged = [e["detail"] for e in case["events"] if e["what"] == "mail_not_delivered"]
    assert flagged == [f"Email #{row['id']} (screening_invitation) {line}"]
    assert any(m["kind"] == "auto_reply" for m in case["messages"])  # filed with its case
    # Health never got the invitation: the report waits in the inbox, on the triage list,
    # until a person has reached them (before, it went to Processed, seen in the digest only).
    [item] = json.loads(bot("--now", "2026-12-17T07:45", "triage", "list", "--json")[1])
    assert item["reason"] == (
        f"Email #{row['id']} (screening_invitation) {line}: "
        "correct the address and send it again by hand"
    )
    assert len(mailbox.list_uids("INBOX")) == 1


def test_a_read_receipt_is_not_a_bounce(
    bot: Any,
    mailbox: Mailbox,
    outbox: Outbox,
) -> None:
    request = _request_sent(bot, mailbox, outbox)
    mailbox.append(_read_receipt(request, POLICE))
    bot("--now", "2026-12-17T07:30", "run", "--once")

    assert all(r["not_delivered"] == [] for r in _outbox(bot))
    case = json.loads(bot("--now", "2026-12-17T07:45", "case", REF, "--json")[1])
    assert not [e for e in case["events"] if e["what"] == "mail_not_delivered"]
    assert json.loads(bot("--now", "2026-12-17T07:45", "triage", "list", "--json")[1]) == []


def test_a_bounce_of_mail_the_bot_never_sent_goes_to_a_person(
    bot: Any,
    mailbox: Mailbox,
    outbox: Outbox,
) -> None:
    # A police officer's SIN sent to an old partnership address, bounced with us in copy.
    mailbox.append((CORPUS / "bounce-dsn-carrying-sin.eml").read_bytes())
    bot("--now", "2026-12-17T07:30", "run", "--once")

    [item] = json.loads(bot("--now", "2026-12-17T07:45", "triage", "list", "--json")[1])
    assert item["reason"] == (
        "Delivery report on 'GM SIN form - Child Q', not sent by the bot: "
        "not delivered to tscp-old@tameside.gov.uk: the address does not exist (5.1.1)"
    )
    assert outbox.messages == []  # and nobody is answered

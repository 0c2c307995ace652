"""`Status` by email through the command line against real Dovecot (IMAP) and aiosmtpd (SMTP).

A SIN form naming an invented child arrives on Wednesday 23 December 2026, two days before
Christmas, so the deadlines' explanations must say which bank holidays were skipped. The police
representative asks for the case on the thread and gets the view at the SMTP server, by
initials only; the National Panel (an outside body) and an unauthenticated copy of the health
representative's address ask too and get nothing of the case, while the Business Manager is
told of each refusal.
"""

from __future__ import annotations

from email.message import EmailMessage
from typing import Any

from tests.fixtures.dovecot import DovecotServer
from tests.fixtures.forms_docx import DOCX, SIN_INCIDENT
from tests.fixtures.forms_docx import sin_docx as form
from tests.fixtures.mail import dmarc_passed, through_our_mx
from tests.fixtures.mail import email as make_email
from tests.fixtures.smtp import SmtpTestServer
from tests.fixtures.smtp import sent_emails as _sent

REF = "TSCP-2026-0001"
POLICE = "dsp.tameside@gmp.police.uk"
PANEL = "mailbox.nationalreviewpanel@education.gov.uk"
HEALTH = "dsp.tameside@nhs.net"
BM = "tscp.business.manager@tameside.gov.uk"
FIRST, LAST = "Oriel", "Vantongeren"
CHILD = (
    ("Name", f"{FIRST} {LAST}"),
    ("Date of birth", "09/11/2018"),
    ("Sex", "Female"),
    ("Address", "14 Quillfeather Row, Hyde SK14 8ZZ"),
    ("Legal status", "Child in need"),
)
REFERRER = (
    ("Name", "Perpetua Example"),
    ("Role", "Detective Sergeant"),
    ("Agency", "Greater Manchester Police"),
    ("Email", "perpetua.example@gmp.police.uk"),
    ("Telephone", "0161 000 0000"),
)
IDENTIFYING = (
    FIRST,
    LAST,
    "09/11/2018",
    "9/11/2018",
    "2018-11-09",
    "9 November 2018",
    "Quillfeather",
    "SK14 8ZZ",
    "Perpetua",
)


def _sin() -> bytes:
    msg = EmailMessage()
    msg["From"] = "casey.invented@gmp.police.uk"
    msg["To"] = "tscp@tameside.gov.uk"
    msg["Subject"] = "Serious Incident Notification - GM SIN form"
    msg["Date"] = "Wed, 23 Dec 2026 08:30:00 +0000"
    msg["Message-ID"] = "<sin-status@gmp.police.uk>"
    msg.set_content("Please find attached the GM SIN form for the Screening Panel.\n")
    maintype, subtype = DOCX.split("/")
    msg.add_attachment(
        form(child=CHILD, incident=SIN_INCIDENT, referrer=REFERRER),
        maintype=maintype,
        subtype=subtype,
        filename="SIN form.docx",
    )
    return msg.as_bytes()


def _signed(raw: bytes, sender: str) -> bytes:
    """As the council's receiving server delivers it, having seen DMARC pass for the sender."""
    return dmarc_passed(raw, sender, host="tameside.gov.uk")


def _asking(sender: str, n: int, *, signed: bool = True) -> bytes:
    # No tag in the subject: the reply is tied to the case by In-Reply-To alone.
    raw = make_email(
        "Re: Serious Incident Notification - GM SIN form",
        "Status\n\nThanks\n",
        sender=sender,
        message_id=f"<status{n}@{sender.partition('@')[2]}>",
        date="2026-12-23T10:00",
        headers={"In-Reply-To": "<sin-status@gmp.police.uk>"},
    )
    return _signed(raw, sender) if signed else through_our_mx(raw, host="tameside.gov.uk")


def _text(msg: EmailMessage, kind: str = "plain") -> str:
    part = msg.get_body(preferencelist=(kind,))
    assert part is not None
    return str(part.get_content())


def test_a_partner_gets_the_case_view_by_initials_and_an_outside_body_gets_none(
    bot: Any, dovecot: DovecotServer, smtp_server: SmtpTestServer
) -> None:
    dovecot.append(_sin())
    assert bot("--now", "2026-12-23T09:05", "run", "--once")[0] == 0
    request = _asking(POLICE, 1)
    dovecot.append(request)
    dovecot.append(request)  # delivered twice, answered once
    dovecot.append(_asking(PANEL, 2))
    # The health representative's address, but nothing vouches that it sent this.
    dovecot.append(_asking(HEALTH, 3, signed=False))
    assert bot("--now", "2026-12-23T10:05", "run", "--once")[0] == 0

    views = [(to, m) for to, m in _sent(smtp_server) if "Case view" in str(m["Subject"])]
    assert len(views) == 1
    [(to, view)] = views
    assert to == [POLICE]
    assert str(view["Subject"]).startswith(f"[{REF}] Case view (O.V.): screening")
    assert view["In-Reply-To"] == "<status1@gmp.police.uk>"
    text, html = _text(view), _text(view, "html")
    flat = " ".join(text.split())
    assert "Stage: screening (open)" in flat
    # The deadlines with how each was counted: the rule, its start, the holidays skipped.
    assert "Screening Panel meets" in flat
    assert "Skipped: Fri 25 Dec 2026 Christmas Day, Mon 28 Dec 2026 Boxing Day" in flat
    assert "5 working days after local authority became aware" in flat
    for word in IDENTIFYING:
        for part in (text, html, str(view["Subject"])):
            assert word.lower() not in part.lower(), word

    # The National Panel is an outside body: nothing of the case, and the BM is told.
    assert not any(PANEL in to for to, m in views)
    # Not even the short refusal note: mail to an outside body waits for the BM's approval.
    assert [m for to, m in _sent(smtp_server) if PANEL in to] == []
    refused = [
        _text(m)
        for to, m in _sent(smtp_server)
        if to == [BM] and "Commands not carried out" in str(m["Subject"])
    ]
    assert len(refused) == 2
    assert any(PANEL in t for t in refused)
    assert any(HEALTH in t and "authentication failed" in " ".join(t.split()) for t in refused)
    note = [m for to, m in _sent(smtp_server) if to == [HEALTH]]
    assert [str(m["Subject"]) for m in note] == ["Not carried out: the commands in your email"]
    assert REF not in _text(note[0]) and "O.V." not in _text(note[0])

    # Read-only: the case is still at screening, the request is in its chronology.
    code, out = bot("--now", "2026-12-23T10:10", "case", REF)
    assert code == 0 and "Status -> nothing changed" in out

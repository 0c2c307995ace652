"""Through real Dovecot and aiosmtpd: a partner and a stranger who type the child's details into
command lines are answered without them, while the Business Manager's own answer quotes her
line whole. Invented people only."""

from __future__ import annotations

import email
from email import policy
from typing import Any

from tests.fixtures.dovecot import DovecotServer
from tests.fixtures.forms_docx import SIN_INCIDENT, SIN_REFERRER, sin_docx
from tests.fixtures.mail import authenticated
from tests.fixtures.mail import email as make_email
from tests.fixtures.smtp import SmtpTestServer

NAME, DOB = "Ellery Quarmby", "14/07/2019"
CHILD = (
    ("Name", NAME),
    ("Date of birth", DOB),
    ("Address", "27 Lindenbrook Close, Dukinfield SK16 9ZZ"),
)
POLICE, BM = "dsp.tameside@gmp.police.uk", "tscp.business.manager@tameside.gov.uk"
# At a partner's domain but no configured person: perhaps a forged address.
STRANGER = "someone.else@gmp.police.uk"


def _sin() -> bytes:
    return make_email(
        "Serious Incident Notification - GM SIN form",
        "Please find the GM SIN form attached.",
        message_id="<sin-echo@gmp.police.uk>",
        attachment=(
            "SIN form.docx",
            sin_docx(child=CHILD, incident=SIN_INCIDENT, referrer=SIN_REFERRER),
        ),
    )


def _reply(sender: str, body: str, n: int) -> bytes:
    subject = f"RE: [TSCP-2026-0001] Screening Panel - {NAME}"
    return authenticated(subject, f"{body}\n\nRegards\n", sender=sender, n=n)


def _texts_to(smtp: SmtpTestServer, address: str) -> list[str]:
    """Every email to `address`, its subject and every text part, decoded."""
    found = []
    for rec in smtp.messages:
        if address not in rec.rcpt_tos:
            continue
        msg = email.message_from_bytes(rec.raw, policy=policy.default)
        parts = [str(p.get_content()) for p in msg.walk() if p.get_content_maintype() == "text"]
        found.append("\n".join([str(msg["Subject"]), *parts]))
    return found


def test_command_lines_naming_the_child_go_back_by_label_outside_the_partnership(
    bot: Any, dovecot: DovecotServer, smtp_server: SmtpTestServer
) -> None:
    dovecot.append(_sin())
    assert bot("--now", "2026-12-23T09:05", "run", "--once")[0] == 0
    dovecot.append(_reply(POLICE, f"Vote: rapid review - {NAME} (DOB {DOB}) is at risk", 1))
    dovecot.append(_reply(STRANGER, f"Reviewer: {NAME}\nVote: rapid review", 2))
    dovecot.append(_reply(BM, f"Action: visit {NAME} at home; owner: gmp; due: 01/03/2027", 3))
    assert bot("--now", "2026-12-23T10:05", "run", "--once")[0] == 0

    [police] = [t for t in _texts_to(smtp_server, POLICE) if "Your commands" in t]
    [stranger] = _texts_to(smtp_server, STRANGER)
    assert "Vote: ... (what followed is left out of this email)" in police
    assert "Reviewer: ... (what followed is left out of this email)" in stranger
    for told in (police, stranger):
        assert "Ellery" not in told and "Quarmby" not in told and DOB not in told
    [bm] = [t for t in _texts_to(smtp_server, BM) if "Your commands" in t]
    assert f"Action: visit {NAME} at home" in bm

"""A part in a charset Python cannot decode never holds a message back.

Python knows some charset names only as codecs that are not text (rot13), or that refuse to
replace what they cannot read (idna, punycode, undefined), and knows others not at all: mail
naming one on its body beside an attached email, or on a calendar part, used to fail every
pass until it was quarantined, so a SIN sent that way was neither acknowledged nor opened.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from bot.adapters.db.models import Case, OutboxMessage, StoredMessage
from bot.services.passes import run_once
from tests.fixtures.app import AppFactory
from tests.fixtures.mail import drop_into_maildir, sin

_HEAD = (
    b"From: Casey Invented <casey.invented@gmp.police.uk>\r\n"
    b"To: tscp@tameside.gov.uk\r\n"
    b"Date: Wed, 23 Dec 2026 08:30:00 +0000\r\n"
    b"Message-ID: <odd-charset@gmp.police.uk>\r\n"
    b"Subject: Serious Incident Notification - GM SIN form\r\n"
    b"MIME-Version: 1.0\r\n"
    b"Content-Type: multipart/mixed; boundary=zz\r\n\r\n"
)
_SIN_TEXT = (
    b"Please find the Serious Incident Notification (GM SIN form) for the Screening Panel.\r\n"
    b"Child initials: X.Y. Date the local authority became aware: 22/12/2026.\r\n"
)


def _body_beside_attached_email(charset: bytes) -> bytes:
    return (
        _HEAD
        + b"--zz\r\nContent-Type: text/plain; charset="
        + charset
        + b"\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
        + _SIN_TEXT
        + b"Caf\xe9\r\n--zz\r\nContent-Type: message/rfc822\r\n\r\n"
        + b"From: sam.earlier@gmp.police.uk\r\nSubject: earlier\r\n\r\nearlier\r\n--zz--\r\n"
    )


def _calendar_part(charset: bytes) -> bytes:
    return (
        _HEAD
        + b"--zz\r\nContent-Type: text/plain\r\n\r\n"
        + _SIN_TEXT
        + b"\r\n--zz\r\nContent-Type: text/calendar; method=REQUEST; charset="
        + charset
        + b"\r\n\r\nBEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n--zz--\r\n"
    )


ODD = {
    "body-idna": _body_beside_attached_email(b"idna"),
    "body-punycode": _body_beside_attached_email(b"punycode"),
    "body-undefined": _body_beside_attached_email(b"undefined"),
    "calendar-unknown": _calendar_part(b"x-tscp-nonsense"),
    "calendar-rot13": _calendar_part(b"rot13"),
    "calendar-idna": _calendar_part(b"idna"),
}


@pytest.mark.parametrize("name", list(ODD))
def test_a_sin_with_a_part_in_an_undecodable_charset_is_acknowledged_in_its_first_pass(
    make_app: AppFactory, tmp_path: Path, name: str
) -> None:
    app, _ = make_app()
    inbox = tmp_path / "inbox"
    drop_into_maildir(inbox, sin("<before@gmp.police.uk>", sender="ash.before@gmp.police.uk"))
    drop_into_maildir(inbox, ODD[name])
    drop_into_maildir(inbox, sin("<after@gmp.police.uk>", sender="bo.after@gmp.police.uk"))
    report = run_once(app)
    assert report.errors == []
    with app.sessions() as s:
        odd = s.scalars(
            select(StoredMessage).where(StoredMessage.message_id == "odd-charset@gmp.police.uk")
        ).one()
        assert (odd.status, odd.attempts) == ("processed", 0)
        assert len(list(s.scalars(select(Case)))) == 3
        acks = s.scalars(
            select(OutboxMessage.recipients).where(OutboxMessage.event == "sin_acknowledgement")
        ).all()
    assert ["casey.invented@gmp.police.uk"] in acks

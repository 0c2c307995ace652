"""A forwarded email dated at the very end (or start) of the calendar is handled, not failed.

A forward's own day is read from the attached email's Date header or the quoted Sent line, and
placed where the partnership is. "31 December 9999 23:59 -1200" (a mail program's "no date")
is in the year 10000 in London, which Python cannot hold: reading it raised on every pass, and
the message was quarantined after three. Such a day is no sure day: the forward is handled as
one with no date to read.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from bot.adapters.db.models import StoredMessage
from bot.services.passes import run_once
from tests.fixtures.app import AppFactory
from tests.fixtures.mail import drop_into_maildir, email, sin

_SIN_TEXT = (
    "Please find the Serious Incident Notification (GM SIN form) for the Screening Panel.\r\n"
    "Child initials: X.Y. Date the local authority became aware: 22/12/2026.\r\n"
)
_SUBJECT = "Serious Incident Notification - GM SIN form"


def _inline(sent: str) -> bytes:
    quoted = (
        f"From: Sam Invented <sam.invented@gmp.police.uk>\r\nSent: {sent}\r\n"
        f"To: tscp@tameside.gov.uk\r\nSubject: {_SUBJECT}\r\n\r\n{_SIN_TEXT}"
    )
    return email(
        f"FW: {_SUBJECT}", f"See below.\r\n\r\n{quoted}", message_id="<edge@gmp.police.uk>"
    )


def _attached(date: str) -> bytes:
    head = (
        "From: Casey Invented <casey.invented@gmp.police.uk>\r\nTo: tscp@tameside.gov.uk\r\n"
        "Date: Wed, 23 Dec 2026 08:30:00 +0000\r\nMessage-ID: <edge@gmp.police.uk>\r\n"
        f"Subject: FW: {_SUBJECT}\r\nMIME-Version: 1.0\r\n"
        "Content-Type: multipart/mixed; boundary=zz\r\n\r\n"
    )
    inner = (
        f"From: sam.invented@gmp.police.uk\r\nDate: {date}\r\nSubject: {_SUBJECT}\r\n\r\n"
        f"{_SIN_TEXT}"
    )
    return (
        f"{head}--zz\r\nContent-Type: text/plain\r\n\r\nSee attached.\r\n"
        f"--zz\r\nContent-Type: message/rfc822\r\n\r\n{inner}\r\n--zz--\r\n"
    ).encode()


EDGES = {
    "sent-line-year-9999-behind-utc": _inline("31 December 9999 23:59 -1200"),
    "sent-line-year-9999-named-zone": _inline("Friday, 31 December 9999 23:59 EST"),
    "sent-line-year-1-ahead-of-utc": _inline("1 January 0001 00:30 +1400"),
    "attached-date-year-9999-behind-utc": _attached("Fri, 31 Dec 9999 23:59:59 -1200"),
}


@pytest.mark.parametrize("name", list(EDGES))
def test_a_forward_dated_at_the_end_of_the_calendar_is_handled_in_its_first_pass(
    make_app: AppFactory, tmp_path: Path, name: str
) -> None:
    app, _ = make_app()
    inbox = tmp_path / "inbox"
    drop_into_maildir(inbox, sin("<before@gmp.police.uk>", sender="ash.before@gmp.police.uk"))
    drop_into_maildir(inbox, EDGES[name])
    drop_into_maildir(inbox, sin("<after@gmp.police.uk>", sender="bo.after@gmp.police.uk"))
    report = run_once(app)
    assert report.errors == []
    with app.sessions() as s:
        rows = {r.message_id: r for r in s.scalars(select(StoredMessage))}
    edge = rows["edge@gmp.police.uk"]
    assert (edge.status, edge.attempts, edge.last_error) == ("processed", 0, None)
    assert "9999" not in (edge.triage_reason or "")  # never stated as the day it was sent

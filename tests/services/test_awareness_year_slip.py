"""A January SIN form with last year's number in its awareness date (F1 of the Christmas audit).

The form arrives on Mon 4 Jan 2027 saying the local authority became aware on 04/01/2026. As
written, the National Panel notification would be 248 working days overdue the day it arrived:
far likelier a mistyped year. Through the real Maildir inbox, ingest and reminder pass: nobody
outside is told a date that has passed or sent an escalation; the Business Manager sees the
date flagged with the likely one and a "?", and the clock counts from the receipt meanwhile.
"""

from __future__ import annotations

import email
from datetime import date
from email import policy
from pathlib import Path

from sqlalchemy import select

from bot.adapters.db.models import Case, OutboxMessage
from bot.app import App
from bot.services.passes import run_once
from tests.fixtures.app import AppFactory
from tests.fixtures.forms_docx import SIN_INCIDENT, sin_docx
from tests.fixtures.mail import drop_into_maildir
from tests.fixtures.mail import email as make_email

POLICE = "robin.example@gmp.police.uk"
SLIPPED = "Sun 4 Jan 2026"


def _form(aware: str) -> bytes:
    rows = [
        r
        for r in SIN_INCIDENT
        if r[0] not in {"Date of incident", "Date the local authority became aware"}
    ]
    rows.insert(0, ("Date the local authority became aware", aware))
    return make_email(
        "GM SIN form attached",
        "Please find the notification form attached.",
        sender=POLICE,
        message_id="<slip@test>",
        attachment=("SIN form.docx", sin_docx(incident=tuple(rows))),
    )


def _bodies(app: App, event: str | None = None) -> list[tuple[str, str]]:
    """(event, plain body with its lines joined) of every message queued, oldest first."""
    with app.sessions() as s:
        rows = s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        found = []
        for row in rows:
            if event is not None and row.event != event:
                continue
            msg = email.message_from_bytes(row.raw, policy=policy.default)
            body = msg.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
            found.append((row.event, " ".join(str(body).split())))
        return found


def test_last_years_date_on_a_january_form_waits_for_aware(
    make_app: AppFactory, tmp_path: Path
) -> None:
    app, clock = make_app(now="2027-01-04T09:10", commands={"auth_mode": "off"})
    drop_into_maildir(tmp_path / "inbox", _form("04/01/2026"))
    run_once(app)
    clock.set("2027-01-04T17:30")
    run_once(app)  # reminders and the digest of the day
    with app.sessions() as s:
        case = s.scalars(select(Case)).one()
        row = next(d for d in case.deadlines if d.name == "panel_notification")
        assert (row.start, row.due) == (date(2027, 1, 4), date(2027, 1, 11))
        flags = [e.detail for e in case.events if e.what == "awareness_flag"]
    assert len(flags) == 1 and f"{SLIPPED} not used" in flags[0]
    assert "Mon 4 Jan 2027?" in flags[0]
    sent = _bodies(app)
    assert not [e for e, _ in sent if e == "deadline_escalation"]
    outside = [b for e, b in sent if e != "daily_digest"]
    assert outside, "the referrer and the partners are told of the case"
    assert not [b for b in outside if "has passed" in b or "Fri 9 Jan 2026" in b]
    assert any("may be earlier" in b for b in outside)
    [(_, digest)] = _bodies(app, "daily_digest")
    assert "ACT NOW: DEADLINES OVERDUE OR DUE TODAY None." in digest
    attention = digest.split("NEEDS YOUR ATTENTION")[1]
    assert "awareness flag" in attention and "Mon 4 Jan 2027?" in attention

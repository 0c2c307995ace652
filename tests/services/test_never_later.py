"""No re-timing stores a later day only because the calendar changed: a bank holiday added by
a new release of the `holidays` package (or a closure configured) after a deadline was
counted. The earlier day stands, the case says why, once, and the digest asks the Business
Manager to look, as the deadline tick's recount does (tests/services/test_recount.py).

Everything goes in by email through the Maildir inbox and the real ingest path.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.adapters import bank_holidays
from bot.adapters.db.models import Case
from bot.app import App
from bot.services.passes import run_once
from tests.fixtures.app import AppFactory
from tests.fixtures.forms_docx import sin_docx
from tests.fixtures.mail import drop_into_maildir
from tests.fixtures.mail import email as make_email
from tests.services.test_awareness_ingest import POLICE, REF, SECTIONS, incident

INVENTED = {date(2026, 12, 29): "Invented bank holiday"}
KEPT = "deadline_kept_earlier"


def new_release(monkeypatch: pytest.MonkeyPatch, changes: Mapping[date, str | None]) -> None:
    """The `holidays` package upgraded: its table has each of `changes` (None: dropped)."""
    table = bank_holidays.england_and_wales

    def upgraded(years: Iterable[int]) -> Mapping[date, str]:
        wanted = set(years)
        found = {**table(wanted), **{d: n for d, n in changes.items() if d.year in wanted}}
        return {d: n for d, n in found.items() if n is not None}

    monkeypatch.setattr(bank_holidays, "england_and_wales", upgraded)


class Inbox:
    def __init__(self, make_app: AppFactory, tmp_path: Path, now: str) -> None:
        self.make_app, self.tmp_path, self.n = make_app, tmp_path, 0
        self.app, self.clock = make_app(now=now, **SECTIONS)

    def restart(self, now: str) -> None:
        self.app, self.clock = self.make_app(now=now, **SECTIONS)

    def form(self, aware: str) -> None:
        self.n += 1
        raw = make_email(
            "GM SIN form attached" if self.n == 1 else f"RE: [{REF}] corrected SIN form",
            "Please find the notification form attached.",
            sender=POLICE,
            message_id=f"<form{self.n}@test>",
            attachment=("SIN form.docx", sin_docx(incident=incident(aware))),
        )
        drop_into_maildir(self.tmp_path / "inbox", raw)
        run_once(self.app)

    def notification(self) -> tuple[date, str]:
        row = next(d for d in _case(self.app).deadlines if d.name == "panel_notification")
        return row.due, row.explanation

    def events(self, what: str, about: str = "panel_notification") -> list[str]:
        found = (e.detail for e in _case(self.app).events if e.what == what)
        return [detail for detail in found if about in detail]


def _case(app: App) -> Case:
    with app.sessions() as s:
        case = s.scalars(select(Case)).one()
        _ = case.deadlines, case.events
        return case


def test_a_form_read_after_a_bank_holiday_is_added_keeps_the_earlier_day_and_says_so_once(
    make_app: AppFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inbox = Inbox(make_app, tmp_path, "2026-12-23T09:00")
    # Aware Mon 21 Dec: 5 working days over Christmas and Boxing Day's substitute is Wed 30.
    inbox.form("21/12/2026")
    assert inbox.notification()[0] == date(2026, 12, 30)
    new_release(monkeypatch, INVENTED)
    inbox.restart("2026-12-23T11:00")
    inbox.form("21/12/2026")  # a corrected form, read before any deadline tick
    due, why = inbox.notification()
    assert due == date(2026, 12, 30)  # counted again it would be Thu 31 Dec: never later
    assert why.startswith("Due Wed 30 Dec 2026: kept at this earlier day")
    assert "counted now it would be Thu 31 Dec 2026" in why
    assert "Tue 29 Dec 2026 Invented bank holiday" in why
    inbox.clock.set("2026-12-23T12:00")
    inbox.form("21/12/2026")
    # Told by the re-timing; neither the deadline tick (which tells the Screening Panel's
    # day, kept too) nor a third form tells it again.
    [told] = inbox.events(KEPT)
    assert told.startswith(
        "panel_notification kept at Wed 30 Dec 2026, though counted again it would be "
        "Thu 31 Dec 2026: Tue 29 Dec 2026 (Invented bank holiday) is now closed"
    )
    assert not [e for e in inbox.events("deadline_set") if "Thu 31 Dec 2026" in e]


def test_a_form_with_an_earlier_date_still_moves_the_day_earlier(
    make_app: AppFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inbox = Inbox(make_app, tmp_path, "2026-12-23T09:00")
    inbox.form("22/12/2026")
    assert inbox.notification()[0] == date(2026, 12, 31)
    new_release(monkeypatch, INVENTED)
    inbox.restart("2026-12-23T11:00")
    inbox.form("18/12/2026")  # Fri 18 Dec: 5 working days, Tue 29 closed, is Wed 30
    assert inbox.notification()[0] == date(2026, 12, 30)
    assert inbox.events(KEPT) == []

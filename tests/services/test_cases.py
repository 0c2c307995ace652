"""Setting a case's deadline (bot.services.cases.set_deadline): what its row and its event say."""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC, date, datetime

from sqlalchemy import select

from bot.adapters.bank_holidays import working_calendar
from bot.adapters.db.models import Case, CaseEvent, Deadline
from bot.core import deadlines
from bot.services.cases import set_deadline
from tests.fixtures.app import AppFactory

AT = datetime(2026, 12, 23, 9, tzinfo=UTC)


class _Explained(deadlines.Deadline):
    """A deadline that counts how often its explanation is written out."""

    times: list[str] = []  # noqa: RUF012 (shared on purpose: the frozen instance cannot hold it)

    def explain(self) -> str:
        self.times.append(self.name)
        return super().explain()


def test_a_deadline_is_explained_once_for_its_row_and_its_event(make_app: AppFactory) -> None:
    app, _ = make_app()
    computed = deadlines.compute(
        "panel_notification", date(2026, 12, 22), working_calendar([2026, 2027])
    )
    counting = _Explained(**{f.name: getattr(computed, f.name) for f in fields(computed)})
    _Explained.times.clear()
    with app.sessions() as session:
        case = Case(
            ref="TSCP-2026-0001", year=2026, number=1, opened_at=AT,
            sin_received_on=date(2026, 12, 22), initials="AB", kind="review", status="open",
        )  # fmt: skip
        session.add(case)
        set_deadline(session, case, counting, AT)
        session.commit()
        row = session.scalars(select(Deadline)).one()
        event = session.scalars(select(CaseEvent).where(CaseEvent.what == "deadline_set")).one()
        # The reader sees the same words in the deadline's row and in the case's history.
        assert row.explanation == event.why == computed.explain()
        assert row.due == computed.due
    assert _Explained.times == ["panel_notification"]

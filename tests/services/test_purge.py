"""Purge on a real scenario, on SQLite and PostgreSQL: a closed case and handled stray mail go
after their periods, with a line each in the purge log; an open case keeps everything, however
old; mail waiting for a person stays; the purge log itself is never purged."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.adapters.db.models import (
    Base,
    Case,
    CaseCounter,
    OutboxMessage,
    PurgeRecord,
    StoredMessage,
)
from bot.services.purge import plan_purge, purge
from tests.fixtures.app import AppFactory
from tests.fixtures.mail import drop_into_maildir
from tests.fixtures.mail import email as make_email
from tests.services.test_lifecycle import BM, POLICE, SECTIONS, Bot, reply

RETENTION = {"closed_cases_years": 2, "unclassified_mail_months": 6, "sent_outbox_months": 12}
LATER = datetime(2029, 6, 1, 9, 0, tzinfo=UTC)  # past every period above for December 2026
CASE_TABLES = [t for t in Base.metadata.sorted_tables if "case_id" in t.columns]


@pytest.fixture
def scenario(make_app: AppFactory, tmp_path: Path) -> Bot:
    """TSCP-2026-0001 closed on 17 December 2026; TSCP-2026-0002 still open, with mail and
    a vote from 2026; two stray emails, one dealt with by a person, one still waiting."""
    sections: dict[str, Any] = {**SECTIONS, "retention": RETENTION}
    b = Bot(make_app, tmp_path, "2026-12-16T09:00")
    b.app, b.clock = make_app(now="2026-12-16T09:00", **sections)
    b.mail(POLICE, "Serious Incident Notification - GM SIN form", "Please find the GM SIN form.")
    b.run()
    b.mail(POLICE, "Serious Incident Notification - GM SIN form", "A second incident: SIN form.")
    b.run()
    b.at("2026-12-16T11:00").mail(POLICE, reply("TSCP-2026-0002"), "Vote: rapid review")
    b.mail(
        BM,
        reply("TSCP-2026-0001"),
        "Notifiable: no because not a serious incident\nClose: sent to us in error",
    )
    b.run()
    for subject in ("Lunch order", "Car park closed"):
        drop_into_maildir(tmp_path / "inbox", make_email(subject, "Not about any case."))
    b.at("2026-12-17T09:00").run()
    with b.app.sessions.begin() as s:
        lunch = s.scalars(select(StoredMessage).where(StoredMessage.subject == "Lunch order")).one()
        lunch.needs_triage = False  # `triage done`: a person has dealt with it
    assert [(c.ref, c.stage) for c in _cases(b)] == [
        ("TSCP-2026-0001", "closed"),
        ("TSCP-2026-0002", "screening"),
    ]
    return b


def _cases(b: Bot) -> list[Case]:
    with b.app.sessions() as s:
        return list(s.scalars(select(Case).order_by(Case.id)))


def _rows_of_case(b: Bot, ref: str) -> dict[str, int]:
    with b.app.sessions() as s:
        case_id = s.scalar(select(Case.id).where(Case.ref == ref))
        return {
            t.name: s.scalar(select(func.count()).select_from(t).where(t.c.case_id == case_id)) or 0
            for t in CASE_TABLES
        }


def test_dry_run_lists_references_and_counts_and_changes_nothing(scenario: Bot) -> None:
    before = _rows_of_case(scenario, "TSCP-2026-0001")
    plan = plan_purge(scenario.app, LATER)
    refs = [(p.decision.reference, p.rule_setting) for p in plan]
    assert ("TSCP-2026-0001", "closed_cases_years=2") in refs
    assert ("TSCP-2026-0002", "closed_cases_years=2") not in refs
    [stray] = [p for p in plan if p.rule_setting == "unclassified_mail_months=6"]
    assert stray.decision.reference.startswith("message #") and stray.rows == {"messages": 1}
    [case_item] = [p for p in plan if p.decision.reference == "TSCP-2026-0001"]
    assert case_item.rows["cases"] == 1 and case_item.rows["messages"] >= 2
    assert case_item.rows["case_events"] == before["case_events"]
    assert _rows_of_case(scenario, "TSCP-2026-0001") == before  # nothing deleted
    # References only: no subject, address or name in what the dry run shows.
    shown = repr([(p.decision.reference, p.rows) for p in plan])
    assert "Lunch" not in shown and "@" not in shown and "police" not in shown


def test_nothing_is_due_before_the_periods_have_passed(scenario: Bot) -> None:
    assert plan_purge(scenario.app, datetime(2027, 6, 1, tzinfo=UTC)) == []


def test_purge_removes_the_closed_case_keeps_the_open_one_and_logs_each(scenario: Bot) -> None:
    open_before = _rows_of_case(scenario, "TSCP-2026-0002")
    assert open_before["messages"] >= 2 and open_before["votes"] == 1
    done = purge(scenario.app, LATER, run_by="it.admin")
    assert [c.ref for c in _cases(scenario)] == ["TSCP-2026-0002"]
    # The open case, with its 2026 mail and vote, keeps every row.
    assert _rows_of_case(scenario, "TSCP-2026-0002") == open_before
    with scenario.app.sessions() as s:
        subjects = set(s.scalars(select(StoredMessage.subject)))
        assert "Lunch order" not in subjects  # handled stray mail: gone
        assert "Car park closed" in subjects  # still waiting for a person: kept
        assert s.scalar(select(func.count()).select_from(CaseCounter)) == 1  # no ref reused
        log = list(s.scalars(select(PurgeRecord).order_by(PurgeRecord.id)))
    assert [(r.kind, r.reference, r.rule, r.run_by) for r in log] == [
        (d.decision.kind.value, d.decision.reference, d.rule_setting, "it.admin") for d in done
    ]
    [case_log] = [r for r in log if r.reference == "TSCP-2026-0001"]
    assert case_log.removed["cases"] == 1 and case_log.purged_at == LATER
    assert case_log.since >= datetime(2026, 12, 16, 11, tzinfo=UTC)  # counted from its closing


def test_a_second_purge_finds_nothing_and_keeps_the_log(scenario: Bot) -> None:
    first = purge(scenario.app, LATER, run_by="it.admin")
    assert len(first) == 4  # the closed case, two digests, the handled stray email
    assert purge(scenario.app, LATER, run_by="it.admin") == []
    # Decades on, only what is still kept for a reason remains, and the log is all there.
    again = purge(scenario.app, datetime(2099, 1, 1, tzinfo=UTC), run_by="it.admin")
    assert [d.decision.reference for d in again] == []  # open case; mail waiting for a person
    with scenario.app.sessions() as s:
        assert s.scalar(select(func.count()).select_from(PurgeRecord)) == len(first)


def test_emails_sent_on_no_case_go_after_their_period(scenario: Bot) -> None:
    with scenario.app.sessions() as s:
        loose = list(s.scalars(select(OutboxMessage).where(OutboxMessage.case_id.is_(None))))
    assert [o.event for o in loose] == ["daily_digest", "daily_digest"]
    plan = plan_purge(scenario.app, LATER)
    listed = {p.decision.id for p in plan if p.rule_setting == "sent_outbox_months=12"}
    assert listed == {o.id for o in loose if o.status in ("sent", "failed")}

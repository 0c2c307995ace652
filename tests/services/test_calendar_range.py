"""A deadline older than the working calendar's years never stops the reminders or the digest
for every other case: it is left unchased and named under "Needs your attention". `Status`
still answers for its case, with the due date and no invented count of days late."""

from __future__ import annotations

from pathlib import Path

from tests.fixtures.app import AppFactory
from tests.services.test_lifecycle import BM, POLICE, Bot, body_of


def test_a_deadline_older_than_the_calendar_is_flagged_and_the_other_cases_chased(
    bot: Bot, make_app: AppFactory, tmp_path: Path
) -> None:
    # TSCP-2026-0001's deadlines (December 2026) are never met. Three years on, a new process
    # covers 2028-2033 only; a SIN opens TSCP-2030-0001 and its clocks are chased as usual.
    later = Bot(make_app, tmp_path, "2030-01-07T09:00")
    later.counter = 100  # Message-IDs of its own
    later.mail(POLICE, "Serious Incident Notification - GM SIN form", "Form attached.")
    later.run()
    report_days = ("2030-01-08T09:30", "2030-01-09T09:30")
    for moment in report_days:
        later.at(moment).run()
    chased = [
        r.idempotency_key
        for r in later.outbox("deadline_reminder")
        if r.idempotency_key.startswith("reminder:TSCP-2030-0001:screening_meeting:")
    ]
    assert chased, "the new case's clocks were not chased"
    assert not [r for r in later.outbox() if "reminder:TSCP-2026-0001" in r.idempotency_key]
    [digest] = [r for r in later.outbox("daily_digest") if "(Wed 9 Jan 2030)" in r.subject]
    text = body_of(digest)
    attention = text[text.index("NEEDS YOUR ATTENTION") :]
    assert "TSCP-2026-0001" in attention
    assert "due Fri 18 Dec 2026, outside the years the working calendar covers (2028-2033)" in (
        " ".join(attention.split())
    )
    assert "TSCP-2030-0001" in text[: text.index("NEEDS YOUR ATTENTION")]


def test_status_shows_a_deadline_older_than_the_calendar_without_a_count(
    bot: Bot, make_app: AppFactory, tmp_path: Path
) -> None:
    # TSCP-2026-0001's screening decision fell due Fri 18 Dec 2026 and was never recorded. In
    # 2030 the calendar covers 2028-2033, and the Business Manager asks how the case stands.
    later = Bot(make_app, tmp_path, "2030-01-08T10:00")
    later.counter = 100
    later.mail(BM, "Status TSCP-2026-0001", "")
    later.run()
    [view] = later.outbox("case_status")
    assert view.recipients == [BM]
    text = " ".join(body_of(view).split())
    assert (
        "OVERDUE (was due Fri 18 Dec 2026); how many working days late cannot be given: "
        "it is outside the years the working calendar covers (2028-2033)"
    ) in text
    assert "OVERDUE by" not in text  # no count is invented
    assert later.outbox("command_refused_to_sender") == []

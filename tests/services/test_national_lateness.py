"""Lateness on the National Panel's clocks is counted as the National Panel counts it: a day
the council is closed (29-31 Dec 2026 here) is still a working day for them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.fixtures.app import AppFactory, example_data
from tests.services.test_lifecycle import BM, LA, SECTIONS, Bot, body_of, reply

REF = "TSCP-2026-0001"
TWO_LATE = "2 working days overdue"


@pytest.fixture
def closed(make_app: AppFactory, tmp_path: Path) -> Bot:
    """A case opened from a SIN on Mon 21 Dec 2026, the council closed 29-31 Dec: the National
    Panel is to be notified by Wed 30 Dec (5 of their working days), and is not."""
    partnership = example_data()["partnership"]
    partnership["local_closures"] = [
        {"date": date(2026, 12, day), "name": "Council office closure"} for day in (29, 30, 31)
    ]
    bot = Bot(make_app, tmp_path, "2026-12-21T09:00")
    bot.app, bot.clock = make_app(now="2026-12-21T09:00", **SECTIONS, partnership=partnership)
    bot.mail(
        "casey.invented@gmp.police.uk",
        "Serious Incident Notification - GM SIN form",
        "Please find the GM SIN form for the Screening Panel.",
    )
    bot.run()
    assert bot.due("panel_notification") == date(2026, 12, 30)
    return bot


def test_the_digest_and_the_reminder_count_the_days_the_council_was_closed(closed: Bot) -> None:
    closed.at("2027-01-04T09:30").run()  # Thu 31 Dec (closed) and Mon 4 Jan: 2 of theirs
    [digest] = [r for r in closed.outbox("daily_digest") if "(Mon 4 Jan 2027)" in r.subject]
    line = next(t for t in body_of(digest).splitlines() if REF in t and "30 Dec 2026" in t)
    assert "OVERDUE by 2 working days" in line
    [reminder] = [
        r for r in closed.outbox("deadline_reminder") if ":panel_notification:" in r.idempotency_key
    ]
    assert LA in reminder.recipients and TWO_LATE in body_of(reminder)


def test_on_the_last_working_day_before_the_closure_it_is_act_now(closed: Bot) -> None:
    # Due Wed 30 Dec while the council is closed (25 Dec-3 Jan): Thu 24 Dec is the last day.
    closed.at("2026-12-24T09:30").run()
    [digest] = [r for r in closed.outbox("daily_digest") if "(Thu 24 Dec 2026)" in r.subject]
    assert "1 due while closed: act today" in digest.subject
    act_now = body_of(digest).split("ACT NOW")[1].split("DUE WITHIN")[0]
    assert (
        f"{REF}  ACT TODAY: due Wed 30 Dec 2026, while the council is closed "
        "(Fri 25 Dec 2026 to Sun 3 Jan 2027)" in act_now
    )
    [reminder] = [
        r for r in closed.outbox("deadline_reminder") if ":panel_notification:" in r.idempotency_key
    ]
    assert LA in reminder.recipients and reminder.subject.endswith("(council closed): act today")
    text = body_of(reminder)
    assert "not yet due" not in text
    assert "Status:  due Wed 30 Dec 2026, while the council is closed" in text


def test_status_by_email_counts_them_too(closed: Bot) -> None:
    closed.at("2027-01-04T10:00").mail(BM, reply(REF), "Status")
    closed.run()
    [view] = closed.outbox("case_status")
    assert "OVERDUE by 2 working days (was due Wed 30 Dec 2026)" in body_of(view)


def test_notice_of_publication_over_a_closure_is_counted_as_the_bodies_count_it(
    cspr: Bot, make_app: AppFactory
) -> None:
    # Closed 29-31 Dec 2027 (27 and 28 are bank holidays, 3 Jan 2028 too). From Thu 23 Dec to
    # Fri 7 Jan the bodies count 8 working days of notice; on the council's days it is 5, and
    # the date was refused for want of the 7 required.
    partnership = example_data()["partnership"]
    partnership["local_closures"] = [
        {"date": date(2027, 12, day), "name": "Council office closure"} for day in (29, 30, 31)
    ]
    moment = cspr.clock.moment
    cspr.app, cspr.clock = make_app(**SECTIONS, partnership=partnership)
    cspr.clock.moment = moment
    cspr.at("2027-12-23T10:00").mail(BM, reply(REF), "Publication: 07/01/2028")
    cspr.run()
    told = " ".join(body_of(cspr.outbox("command_result")[-1]).split())
    assert "late notice" not in told and "fewer than" not in told
    assert cspr.due("publication_notice") == date(2027, 12, 24)  # not Tue 21 Dec
    [draft] = cspr.outbox("publication_notice")
    assert "fewer than" not in body_of(draft)
    cspr.at("2027-12-24T10:00").mail(BM, reply(REF), "Report sent: 24/12/2027")
    cspr.run()
    told = " ".join(body_of(cspr.outbox("command_result")[-1]).split())
    assert "; 7 working days before publication" in told and "fewer than" not in told  # not 4


def test_status_by_email_says_act_today_as_the_digest_does(closed: Bot) -> None:
    # Thu 24 Dec is the last working day before Wed 30 Dec: the view must not read "due 30/12".
    closed.at("2026-12-24T09:30").mail(BM, f"Status {REF}", "")
    closed.run()
    [view] = closed.outbox("case_status")
    assert view.subject.endswith(", 1 due while closed: act today")
    deadlines = body_of(view).split("DEADLINES")[1].split("VOTES")[0]
    said = (
        "ACT TODAY: due Wed 30 Dec 2026, while the council is closed "
        "(Fri 25 Dec 2026 to Sun 3 Jan 2027)"
    )
    whens = [
        line.strip() for line in deadlines.splitlines() if line.startswith("    ") and "due" in line
    ]
    # After the overdue screening meeting, before anything merely still to come.
    assert whens[:2] == ["OVERDUE by 1 working day (was due Wed 23 Dec 2026)", said], whens
    assert "due Wed 30 Dec 2026\n" not in deadlines

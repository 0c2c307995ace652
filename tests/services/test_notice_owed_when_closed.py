"""A statutory notification still owed on a case closed before `Close:` waited for it: it is
chased as on an open case (and nothing else of the case is), `Aware:` re-times it while it is
owed, and `Aware:` and `Notifiable:` are refused, saying why, once it is made or set aside.

Through the Maildir inbox, the real ingest path and the reminder tick, on SQLite and
PostgreSQL. The case (the `bot` fixture) arrived on Wed 16 Dec 2026: its National Panel
notification is due Wed 23 Dec ('before-1' Tue 22, 'due' Wed 23, 'overdue-1' Thu 24,
'overdue-2' Tue 29 and 'overdue-3' Wed 30 (25 and 28 Dec are bank holidays), 'escalation'
Thu 31 Dec).
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from bot.adapters.db.models import Case, OutboxMessage
from bot.services.passes import run_once
from tests.services.test_lifecycle import BM, LA, Bot, body_of, reply
from tests.services.test_never_later import new_release
from tests.services.test_notification_owed import REF, decided_no_further_action, unwrap

KEY = f"reminder:{REF}:panel_notification:2026-12-23:"


def close_as_before(bot: Bot, *, screening_left_open: bool = False) -> None:
    """Closed with its notification open, as `Close:` allowed before it waited; optionally
    with its screening clock left unmet too, as a clock that stops with the case."""
    with bot.app.sessions() as s:
        case = s.scalars(select(Case).where(Case.ref == REF)).one()
        case.status, case.stage, case.closed_reason = "closed", "closed", "NFA"
        for d in case.deadlines:
            if screening_left_open and d.name == "screening_meeting":
                d.met_at, d.met_on, d.state = None, None, "open"
        s.commit()


def chases(bot: Bot) -> list[OutboxMessage]:
    return [
        r
        for r in bot.outbox()
        if r.event in ("deadline_reminder", "deadline_escalation") and r.status != "withdrawn"
    ]


def last_reply(bot: Bot) -> str:
    return unwrap(body_of(bot.outbox("command_result")[-1]))


def test_the_notice_owed_on_a_closed_case_is_chased_once_per_step_and_nothing_else(
    bot: Bot,
) -> None:
    decided_no_further_action(bot)
    close_as_before(bot, screening_left_open=True)
    before = {r.idempotency_key for r in chases(bot)}
    bot.at("2026-12-22T10:00").run()
    bot.at("2026-12-22T11:00").run()
    new = [r for r in chases(bot) if r.idempotency_key not in before]
    [reminder] = new
    assert reminder.idempotency_key == KEY + "before-1"
    assert set(reminder.recipients) == {BM, LA}
    text = unwrap(body_of(reminder))
    assert "The case is closed, but this statutory notification is still owed" in text
    assert "reply Notified: <date> once it is done" in text
    # The escalation on Thu 31 Dec tells the local authority what is true of a closed case.
    bot.at("2026-12-31T10:00").run()
    [escalation] = [r for r in chases(bot) if r.event == "deadline_escalation"]
    assert escalation.idempotency_key == KEY + "escalation"
    said = unwrap(body_of(escalation))
    assert "The case is closed, but this statutory notification is still owed" in said
    assert "Please make sure it is made today, or contact the Business Manager" in said
    assert "hold up the review" not in said
    # The screening clock left open stops with the case: only the notice was chased.
    after = [r.idempotency_key for r in chases(bot) if r.idempotency_key not in before]
    assert after and all(key.startswith(KEY) for key in after)


def test_a_step_sent_while_the_case_was_open_is_not_sent_again_once_closed(bot: Bot) -> None:
    decided_no_further_action(bot)
    bot.at("2026-12-22T10:00").run()
    assert [r.idempotency_key for r in chases(bot) if r.idempotency_key.startswith(KEY)] == [
        KEY + "before-1"
    ]
    close_as_before(bot)
    # The closed case's keys are read like an open one's: the tick does not stumble over the
    # step already sent (which would stop every other case's reminders that pass too).
    assert run_once(bot.at("2026-12-22T14:00").app).errors == []
    bot.at("2026-12-23T10:00").run()
    sent = [r.idempotency_key for r in chases(bot) if r.idempotency_key.startswith(KEY)]
    assert sent == [KEY + "before-1", KEY + "due"]
    # Recorded on the closed case, the notification stops its chase.
    bot.at("2026-12-23T11:00").mail(BM, reply(REF), "Notified: 23/12/2026")
    bot.at("2026-12-24T10:00").run()
    assert [r for r in chases(bot) if r.idempotency_key.startswith(KEY)][2:] == []


def test_aware_re_times_a_notice_still_owed_on_a_closed_case(bot: Bot) -> None:
    decided_no_further_action(bot)
    close_as_before(bot)
    bot.at("2026-12-18T10:00").mail(BM, reply(REF), "Aware: 14/12/2026")
    bot.run()
    said = "the National Panel notification is now due Mon 21 Dec 2026, earlier than the Wed 23"
    assert said in last_reply(bot)
    assert bot.due("panel_notification") == date(2026, 12, 21)
    assert bot.case().status == "closed"
    # Never later without a reason, as on an open case; with one, the chronology keeps both.
    bot.at("2026-12-18T11:00").mail(BM, reply(REF), "Aware: 15/12/2026")
    bot.run()
    assert "Aware: Tue 15 Dec 2026 was not recorded" in last_reply(bot)
    assert bot.due("panel_notification") == date(2026, 12, 21)
    bot.at("2026-12-18T12:00").mail(BM, reply(REF), "Aware: 15/12/2026 because form misread")
    bot.run()
    assert bot.due("panel_notification") == date(2026, 12, 22)
    assert any(e.what == "awareness_corrected" for e in bot.case().events)


def test_aware_and_notifiable_are_refused_once_the_closed_case_owes_nothing(bot: Bot) -> None:
    decided_no_further_action(bot)
    close_as_before(bot)
    bot.at("2026-12-18T10:00").mail(BM, reply(REF), "Notified: 18/12/2026")
    bot.run()
    for line, settled in (
        ("Aware: 14/12/2026", "owes no statutory notification"),
        ("Notifiable: no because not serious after all", "its National Panel notification is"),
    ):
        bot.at("2026-12-18T11:00").mail(BM, reply(REF), line)
        bot.run()
        said = f"{line} not accepted at this stage (closed): the case is closed and {settled}"
        assert said in last_reply(bot)
    case = bot.case()
    assert case.notifiable is not False
    notice = next(d for d in case.deadlines if d.name == "panel_notification")
    assert (notice.state, notice.due, notice.met_on) == (
        "met",
        date(2026, 12, 23),
        date(2026, 12, 18),
    )


def test_notifiable_no_settles_a_notice_owed_on_a_closed_case_and_no_more(bot: Bot) -> None:
    decided_no_further_action(bot)
    close_as_before(bot)
    bot.at("2026-12-18T10:00").mail(BM, reply(REF), "Notifiable: no because duplicate")
    bot.run()
    assert "recorded: not notifiable" in last_reply(bot)
    bot.at("2026-12-18T11:00").mail(BM, reply(REF), "Notifiable: yes")
    bot.run()
    assert "Notifiable: yes not accepted at this stage (closed)" in last_reply(bot)
    notice = next(d for d in bot.case().deadlines if d.name == "panel_notification")
    assert notice.state == "not_required"


def test_notified_on_a_closed_case_set_aside_records_the_notification_made(bot: Bot) -> None:
    """Set aside with `Notifiable: no` and closed, then the Business Manager writes `Notified:`:
    a notification was made that day, so the clock is met on it (never "not required" beside
    the date she gave), and her confirmation says what was recorded."""
    decided_no_further_action(bot)
    bot.at("2026-12-17T11:00").mail(
        BM, reply(REF), "Notifiable: no because not serious after all\nClose: NFA"
    )
    bot.run()
    assert bot.case().status == "closed"
    bot.at("2026-12-18T10:00").mail(BM, reply(REF), "Notified: 17/12/2026")
    bot.run()
    said = last_reply(bot)
    assert (
        "notification recorded; it had been set aside as not required (Notifiable: no): it is "
        "now recorded as made on Thu 17 Dec 2026, and the case as notifiable"
    ) in said
    case = bot.case()
    assert (case.status, case.notifiable, case.notification_sent_on) == (
        "closed",
        True,
        date(2026, 12, 17),
    )
    notice = next(d for d in case.deadlines if d.name == "panel_notification")
    assert (notice.state, notice.met_on) == ("met", date(2026, 12, 17))
    bot.at("2026-12-18T11:00").mail(BM, reply(REF), "Status")
    bot.run()
    view = unwrap(body_of(bot.outbox("case_status")[-1]))
    assert "Notifiable to the National Panel: yes" in view
    notified = view.partition("Local authority notifies the National Panel")[2]
    assert notified.startswith(" within 5 working days of becoming aware of the serious incident")
    assert "incident met on Thu 17 Dec 2026 (was due Wed 23 Dec 2026)" in notified


def test_notified_on_a_closed_case_starts_no_rapid_review_and_says_so(bot: Bot) -> None:
    """Set aside, closed as no further action, then the notification recorded as made: nobody
    will hold a Rapid Review on a closed case, so no Rapid Review clock is started (no due
    day in the reply, no chase, no digest line); the reply says none was started and why."""
    decided_no_further_action(bot)
    bot.at("2026-12-17T11:00").mail(
        BM, reply(REF), "Notifiable: no because not serious after all\nClose: NFA"
    )
    bot.run()
    bot.at("2026-12-18T10:00").mail(BM, reply(REF), "Notified: 17/12/2026")
    bot.run()
    said = last_reply(bot)
    assert "Rapid Review due" not in said
    assert (
        "the case is closed, so no Rapid Review clock is started (none is counted or chased)"
    ) in said
    case = bot.case()
    assert [d.name for d in case.deadlines if d.name == "rapid_review"] == []
    notice = next(d for d in case.deadlines if d.name == "panel_notification")
    assert (notice.state, notice.met_on) == ("met", date(2026, 12, 17))
    bot.at("2026-12-21T08:30").run()
    [digest] = bot.outbox("daily_digest")[-1:]
    assert "Rapid Review" not in unwrap(body_of(digest))
    assert [r for r in chases(bot) if ":rapid_review:" in r.idempotency_key] == []


def test_a_bank_holiday_added_by_a_new_release_is_counted_for_the_notice_owed_too(
    bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The notice still chased on a closed case is counted again like an open case's clocks
    when the calendar changes: its due day kept (never later silently), and said once."""
    decided_no_further_action(bot)
    close_as_before(bot)
    new_release(monkeypatch, {date(2026, 12, 18): "Invented bank holiday"})
    bot.restart()
    bot.at("2026-12-18T10:00").run()
    assert bot.due("panel_notification") == date(2026, 12, 23)
    kept = [e.detail for e in bot.case().events if e.what == "deadline_kept_earlier"]
    assert len(kept) == 1 and kept[0].startswith(
        "panel_notification kept at Wed 23 Dec 2026, though counted again it would be "
        "Thu 24 Dec 2026: Fri 18 Dec 2026 (Invented bank holiday) is now closed"
    ), kept

"""`Reopen: <reason>`: a closed case taken up again by the Business Manager, back at the stage
it was closed at, its unmet clocks chased again from their own due days, and `Notified:`
starting the Rapid Review clock as on an open case.

Through the Maildir inbox, the real ingest path and the reminder tick, on SQLite and
PostgreSQL. The case (the `bot` fixture) arrived on Wed 16 Dec 2026: its Screening Panel is due
Fri 18 Dec and its National Panel notification Wed 23 Dec.
"""

from __future__ import annotations

from datetime import date

from bot.core.timeliness_figures import MeasureFigures
from bot.services.daily_digest import send_digest_if_due
from bot.services.timeliness import timeliness
from tests.services.test_lifecycle import BM, LA, Bot, body_of, reply
from tests.services.test_notice_owed_when_closed import chases, close_as_before, last_reply
from tests.services.test_notification_owed import (
    NOTIFIED_LABEL,
    REF,
    decided_no_further_action,
    unwrap,
)

SCREENING_LABEL = "Screening Panel within 2 working days"
REASON = "the National Panel replied that it expects a Rapid Review"


def test_reopened_after_no_further_action_notified_starts_the_rapid_review_clock(
    bot: Bot,
) -> None:
    decided_no_further_action(bot)
    bot.at("2026-12-17T11:00").mail(
        BM, reply(REF), "Notifiable: no because not serious after all\nClose: NFA"
    )
    bot.run()
    assert bot.case().status == "closed"
    bot.at("2026-12-18T10:00").mail(BM, reply(REF), f"Reopen: {REASON}")
    bot.run()
    said = last_reply(bot)
    assert (
        f"Reopen: {REASON} case reopened at stage no further action (the stage it was closed "
        "at); no deadline was left unmet, so nothing is chased again"
    ) in said
    case = bot.case()
    assert (case.status, case.stage) == ("open", "no_further_action")
    [event] = [e for e in case.events if e.what == "case_reopened"]
    assert event.actor == BM and REASON in event.detail

    bot.at("2026-12-18T11:00").mail(BM, reply(REF), "Notified: 18/12/2026")
    bot.run()
    said = last_reply(bot)
    # 15 working days from Fri 18 Dec, skipping Christmas, Boxing Day (Mon 28) and New Year.
    assert "notification recorded" in said and "Rapid Review due Wed 13 Jan 2027" in said
    assert "no Rapid Review clock is started" not in said
    assert bot.due("rapid_review") == date(2027, 1, 13)

    bot.at("2026-12-18T12:00").mail(BM, reply(REF), "Status")
    bot.run()
    view = unwrap(body_of(bot.outbox("case_status")[-1]))
    assert "Stage: no further action (open)" in view
    assert "case reopened" in view
    bot.at("2026-12-21T08:05")
    assert send_digest_if_due(bot.app)
    digest = unwrap(body_of(bot.outbox("daily_digest")[-1]))
    assert "Open 1: no further action 1" in digest and "Closed 0" in digest
    assert "Rapid Review still expected" in digest  # its own clock, due Wed 13 Jan 2027


def test_a_case_closed_before_its_stage_was_recorded_goes_back_where_its_record_says(
    bot: Bot,
) -> None:
    decided_no_further_action(bot)
    close_as_before(bot, screening_left_open=True)
    assert bot.case().closed_from is None
    bot.at("2026-12-21T10:00").mail(BM, reply(REF), f"Reopen: {REASON}")
    bot.run()
    said = last_reply(bot)
    assert (
        "case reopened at stage no further action (the stage its record implies); 1 deadline "
        "is chased again from its own due day: 1 overdue (chased and escalated as any "
        "overdue deadline is): Screening Panel meets within 2 working days of the SIN form "
        "being received, due Fri 18 Dec 2026; 1 statutory notification still owed is still "
        "chased, as it was all the while the case was closed (owed however a case ends): "
        "Local authority notifies the National Panel within 5 working days of becoming aware "
        "of the serious incident, due Wed 23 Dec 2026"
    ) in said
    assert bot.case().stage == "no_further_action"


def test_reopen_says_a_notification_chased_while_closed_is_still_chased_not_chased_again(
    bot: Bot,
) -> None:
    """Closed with the National Panel notification owed (due Wed 23 Dec) and the screening
    clock unmet: the tick chased the notification while the case was closed, never the
    screening clock. The reply to `Reopen:` says only the screening clock is chased again."""
    decided_no_further_action(bot)
    close_as_before(bot, screening_left_open=True)
    before = {r.idempotency_key for r in chases(bot)}
    for when in ("2026-12-22T10:00", "2026-12-23T10:00"):
        bot.at(when).run()
    while_closed = [r.idempotency_key for r in chases(bot) if r.idempotency_key not in before]
    assert while_closed and all(":panel_notification:" in k for k in while_closed)
    bot.at("2026-12-24T10:00").mail(BM, reply(REF), f"Reopen: {REASON}")
    bot.run()
    said = last_reply(bot)
    assert (
        "case reopened at stage no further action (the stage its record implies); 1 deadline "
        "is chased again from its own due day: 1 overdue (chased and escalated as any overdue "
        "deadline is): Screening Panel meets within 2 working days of the SIN form being "
        "received, due Fri 18 Dec 2026; 1 statutory notification still owed is still chased, "
        "as it was all the while the case was closed (owed however a case ends): Local "
        "authority notifies the National Panel within 5 working days of becoming aware of the "
        "serious incident, due Wed 23 Dec 2026 (overdue)"
    ) in said


def test_reopen_lists_each_clock_chased_again_and_says_the_cancelled_panel_is_not_rebooked(
    bot: Bot,
) -> None:
    bot.at("2026-12-16T11:00").mail(
        BM, reply(REF), "Notifiable: no because sent to us by mistake\nClose: not ours"
    )
    bot.run()
    assert "the Screening Panel of" in last_reply(bot)  # cancelled when it closed
    closed_chases = {r.idempotency_key for r in chases(bot)}
    bot.at("2026-12-21T10:00").mail(BM, reply(REF), "Reopen: closed by mistake")
    bot.run()
    said = last_reply(bot)
    assert (
        "case reopened at stage screening (the stage it was closed at); 1 deadline is chased "
        "again from its own due day: 1 overdue (chased and escalated as any overdue "
        "deadline is): Screening Panel meets within 2 working days of the SIN form being "
        "received, due Fri 18 Dec 2026; the Screening Panel of Wed 16 Dec 2026 14:00 was "
        "cancelled when the case closed and is not booked again: give Reschedule: <date> "
        "<time> to invite the panel"
    ) in said
    assert bot.due("screening_meeting") == date(2026, 12, 18)  # never moved later
    bot.at("2026-12-21T11:00").run()
    new = [r.idempotency_key for r in chases(bot) if r.idempotency_key not in closed_chases]
    assert new and all(":screening_meeting:2026-12-18:" in k for k in new)
    # The closing's own item ("closed with clocks open") is overtaken by the reopening.
    bot.at("2026-12-22T08:05")
    assert send_digest_if_due(bot.app)
    digest = unwrap(body_of(bot.outbox("daily_digest")[-1]))
    assert "closed with clocks open" not in digest and "Open 1: screening 1" in digest


def test_reopen_is_refused_on_an_open_case_and_from_anyone_but_the_business_manager(
    bot: Bot,
) -> None:
    bot.at("2026-12-16T11:00").mail(BM, reply(REF), f"Reopen: {REASON}")
    bot.run()
    assert (
        f"Reopen: {REASON} not accepted at this stage (screening): the case is open; only a "
        "closed case can be reopened"
    ) in last_reply(bot)
    bot.at("2026-12-16T12:00").mail(
        BM, reply(REF), "Notifiable: no because sent to us by mistake\nClose: not ours"
    )
    bot.run()
    bot.at("2026-12-16T13:00").mail(LA, reply(REF), f"Reopen: {REASON}")
    bot.run()
    assert bot.case().status == "closed"
    told = [unwrap(body_of(r)) for r in bot.outbox() if r.recipients == [LA]]
    assert any("may not give `Reopen:`: only the Business Manager may" in t for t in told)


def _figures(bot: Bot, label: str) -> MeasureFigures:
    with bot.app.sessions() as s:
        report = timeliness(
            s, bot.app.config, date(2026, 12, 1), date(2026, 12, 31), date(2027, 1, 4)
        )
    return next(m for m in report.whole.measures if m.label == label)


def test_the_board_report_judges_clocks_by_their_dates_across_a_reopening(bot: Bot) -> None:
    """A notification made while the case was closed stays on time; the screening clock left
    unmet at closing, not counted while closed, is late once the case is open again."""
    decided_no_further_action(bot)
    close_as_before(bot, screening_left_open=True)
    bot.at("2026-12-18T10:00").mail(BM, reply(REF), "Notified: 18/12/2026")
    bot.run()
    notified = _figures(bot, NOTIFIED_LABEL)
    screening = _figures(bot, SCREENING_LABEL)
    assert (notified.due, notified.on_time, notified.late) == (1, 1, ())
    assert (screening.on_time, screening.late, len(screening.closed_unmet)) == (0, (), 1)
    bot.at("2026-12-21T10:00").mail(BM, reply(REF), f"Reopen: {REASON}")
    bot.run()
    assert _figures(bot, NOTIFIED_LABEL) == notified
    screening = _figures(bot, SCREENING_LABEL)
    assert screening.closed_unmet == ()
    [late] = screening.late
    assert (late.due, late.done_on) == (date(2026, 12, 18), None)

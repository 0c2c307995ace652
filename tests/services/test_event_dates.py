"""Commands that record an event carry the day it happened, and never move a clock later.

Driven by email through the Maildir inbox and the real ingest path, on SQLite and PostgreSQL;
assertions are on the confirmation emails the Business Manager reads and on the deadlines.
"""

from __future__ import annotations

from datetime import date, datetime

from tests.fixtures.app import LONDON
from tests.services.test_lifecycle import BM, Bot, body_of, decide_rapid_review, reply

REF = "TSCP-2026-0001"


def last_confirmation(bot: Bot) -> str:
    return body_of(bot.outbox("command_result")[-1])


def rapid_review_submitted(bot: Bot) -> None:
    """Bring the case to the CSPR decision: the Rapid Review is submitted on 14 Jan 2027."""
    decide_rapid_review(bot, "2026-12-17T09:00")
    bot.at("2026-12-18T10:00").mail(BM, reply(REF), "Notified: 18/12/2026")
    bot.run()
    bot.at("2027-01-14T16:00").mail(BM, reply(REF), "Report submitted: 14/01/2027")
    bot.run()


def test_cspr_yes_with_a_date_starts_six_months_from_that_date(bot: Bot) -> None:
    rapid_review_submitted(bot)
    bot.at("2027-01-20T10:00").mail(BM, reply(REF), "CSPR: yes 15/01/2027")
    bot.run()
    assert bot.due("cspr_report") == date(2027, 7, 15)  # not 20 July: from the decision
    assert "CSPR decision recorded" in last_confirmation(bot)
    assert "as no date was given" not in last_confirmation(bot)


def test_a_repeated_cspr_yes_never_moves_the_clock_later(bot: Bot) -> None:
    rapid_review_submitted(bot)
    bot.at("2027-01-20T10:00").mail(BM, reply(REF), "CSPR: yes 15/01/2027")
    bot.run()
    bot.at("2027-01-25T10:00").mail(BM, reply(REF), "CSPR: yes")
    bot.run()
    assert bot.due("cspr_report") == date(2027, 7, 15)
    text = " ".join(last_confirmation(bot).split())
    assert (
        "the cspr report clock already started on Fri 15 Jan 2027, and a recorded start is never "
        "moved later; if that date is wrong, the Business Manager corrects it with "
        "`Correct CSPR: <date> because <reason>`"
    ) in text
    assert "command_refused" in [e.what for e in bot.case().events]


def test_a_correction_moves_the_clock_with_who_and_why(bot: Bot) -> None:
    rapid_review_submitted(bot)
    bot.at("2027-01-20T10:00").mail(BM, reply(REF), "CSPR: yes 15/01/2027")
    bot.run()
    bot.at("2027-01-21T10:00").mail(BM, reply(REF), "CSPR: yes 14/01/2027")  # earlier: allowed
    bot.run()
    assert bot.due("cspr_report") == date(2027, 7, 14)
    bot.at("2027-01-25T10:00").mail(
        BM, reply(REF), "Correct CSPR: 18/01/2027 because the panel decided on the Monday"
    )
    bot.run()
    assert bot.due("cspr_report") == date(2027, 7, 16)  # 18 July 2027 is a Sunday
    events = {e.what: e for e in bot.case().events}
    assert "moved earlier from Fri 15 Jan 2027 to Thu 14 Jan 2027" in (
        events["date_moved_earlier"].detail
    )
    corrected = events["date_corrected"]
    assert corrected.detail == (
        f"The CSPR decision corrected from Thu 14 Jan 2027 to Mon 18 Jan 2027 by {BM}"
    )
    assert corrected.actor == BM and "the panel decided on the Monday" in corrected.why


def test_bare_notified_means_today_and_the_confirmation_says_so(bot: Bot) -> None:
    decide_rapid_review(bot, "2026-12-17T09:00")
    bot.at("2026-12-23T10:00").mail(BM, reply(REF), "Notified")
    bot.run()
    assert bot.due("rapid_review") == date(2027, 1, 18)
    said = "recorded as Wed 23 Dec 2026, the day it was given, as it named no date"
    assert said in " ".join(last_confirmation(bot).split())
    # Typed again the next day, a bare Notified would mean 24 December: refused.
    bot.at("2026-12-24T10:00").mail(BM, reply(REF), "Notified")
    bot.run()
    assert bot.due("rapid_review") == date(2027, 1, 18)
    text = " ".join(last_confirmation(bot).split())
    assert "the rapid review clock already started on Wed 23 Dec 2026" in text
    assert "`Correct Notified: <date> because <reason>`" in text


def test_a_future_event_date_refuses_that_line_only(bot: Bot) -> None:
    decide_rapid_review(bot, "2026-12-17T09:00")
    bot.at("2026-12-18T10:00").mail(
        BM, reply(REF), "Notified: 18/12/2026\nReport submitted: 21/12/2026"
    )
    bot.run()
    assert bot.case().notification_sent_on == date(2026, 12, 18)
    assert bot.case().rr_report_on is None
    text = " ".join(last_confirmation(bot).split())
    assert "Mon 21 Dec 2026 is after today (Fri 18 Dec 2026)" in text


def test_decision_date_is_when_the_deadline_was_met(bot: Bot) -> None:
    bot.at("2026-12-21T10:00").mail(BM, reply(REF), "Decision: rapid review 17/12/2026")
    bot.run()
    [row] = [d for d in bot.case().deadlines if d.name == "screening_meeting"]
    assert row.met_on == date(2026, 12, 17) and row.state == "met"


def test_a_command_read_days_late_means_the_day_its_email_arrived(bot: Bot) -> None:
    # The bot was down over the weekend: the email of Friday afternoon is read on Monday.
    decide_rapid_review(bot, "2026-12-17T09:00")
    friday = datetime(2026, 12, 18, 16, 30, tzinfo=LONDON)
    bot.mail(BM, reply(REF), "Notified", arrived=friday)
    bot.at("2026-12-21T09:30").run()
    assert bot.case().notification_sent_on == date(2026, 12, 18)
    assert bot.due("rapid_review") == date(2027, 1, 13)  # not 14 Jan: from Friday
    said = "recorded as Fri 18 Dec 2026, the day it was given, as it named no date"
    assert said in " ".join(last_confirmation(bot).split())


def test_yesterday_in_an_email_read_late_is_the_day_before_it_arrived(bot: Bot) -> None:
    decide_rapid_review(bot, "2026-12-17T09:00")
    friday = datetime(2026, 12, 18, 16, 30, tzinfo=LONDON)
    bot.mail(BM, reply(REF), "Notified: yesterday", arrived=friday)
    bot.at("2026-12-21T09:30").run()
    assert bot.case().notification_sent_on == date(2026, 12, 17)  # not Sunday 20th
    assert bot.due("rapid_review") == date(2027, 1, 12)


def test_a_date_after_the_email_arrived_is_refused_even_when_read_later(bot: Bot) -> None:
    # On Friday, Monday's date was in the future: a typo, not an event that had happened.
    decide_rapid_review(bot, "2026-12-17T09:00")
    friday = datetime(2026, 12, 18, 16, 30, tzinfo=LONDON)
    bot.mail(BM, reply(REF), "Notified: 21/12/2026", arrived=friday)
    bot.at("2026-12-21T09:30").run()
    assert bot.case().notification_sent_on is None
    assert "is after" in " ".join(last_confirmation(bot).split())


def test_an_aware_date_after_the_email_arrived_is_refused_even_when_read_later(bot: Bot) -> None:
    # Written on Friday, Monday was still to come: even a correction with a reason may not
    # start the National Panel's clock from a day that had not happened yet.
    decide_rapid_review(bot, "2026-12-17T09:00")
    before = next(d for d in bot.case().deadlines if d.name == "panel_notification").start
    friday = datetime(2026, 12, 18, 16, 30, tzinfo=LONDON)
    bot.mail(BM, reply(REF), "Aware: 21/12/2026 because the LA was told on Monday", arrived=friday)
    bot.at("2026-12-21T09:30").run()
    assert next(d for d in bot.case().deadlines if d.name == "panel_notification").start == before
    assert bot.case().bm_aware_on is None
    text = " ".join(last_confirmation(bot).split())
    assert "Aware: Mon 21 Dec 2026 was not recorded: it is in the future" in text


def test_a_notification_before_the_local_authority_knew_is_refused(bot: Bot) -> None:
    decide_rapid_review(bot, "2026-12-17T09:00")
    aware = bot.case().deadlines
    start = next(d.start for d in aware if d.name == "panel_notification")
    bot.at("2026-12-18T10:00").mail(BM, reply(REF), "Notified: 17/12/2025")  # the year
    bot.run()
    assert bot.case().notification_sent_on is None
    text = " ".join(last_confirmation(bot).split())
    assert "Wed 17 Dec 2025 is more than a month before the SIN arrived" in text
    assert f"{start:%a} {start.day} {start:%b %Y}" in text and "Aware: <date>" in text


def test_a_publication_before_the_cspr_was_decided_is_refused(bot: Bot) -> None:
    rapid_review_submitted(bot)
    bot.at("2027-01-20T10:00").mail(BM, reply(REF), "CSPR: yes 15/01/2027")
    bot.run()
    bot.at("2027-07-01T10:00").mail(BM, reply(REF), "Published: 01/07/2026")  # the year
    bot.run()
    assert bot.case().published_on is None
    text = " ".join(last_confirmation(bot).split())
    assert "Wed 1 Jul 2026 is before the CSPR was decided on (Fri 15 Jan 2027)" in text
    bot.at("2027-07-01T11:00").mail(BM, reply(REF), "Published: 01/07/2027")
    bot.run()
    bot.at("2027-07-02T10:00").mail(
        BM, reply(REF), "Correct Published: 01/07/2026 because it went up a year early"
    )
    bot.run()
    assert bot.case().published_on == date(2027, 7, 1)  # a correction is checked the same way


def test_a_correction_that_moves_a_clock_later_or_makes_it_late_says_so(cspr: Bot) -> None:
    # The CSPR was decided Thu 7 Jan 2027: the report due Wed 7 Jul 2027.
    cspr.at("2027-01-20T10:00").mail(
        BM, reply(REF), "Correct CSPR: 11/01/2027 because the minutes say the Monday"
    )
    cspr.run()
    assert cspr.due("cspr_report") == date(2027, 7, 9)  # Sun 11 Jul rolled back
    assert (
        "the CSPR report is now due Fri 9 Jul 2027, later than the Wed 7 Jul 2027 counted before"
    ) in " ".join(last_confirmation(cspr).split())

    cspr.at("2027-01-20T11:00").mail(
        BM, reply(REF), "Correct Notified: 21/12/2026 because the Panel's receipt says Monday"
    )
    cspr.run()
    assert (
        "the Rapid Review is now due Thu 14 Jan 2027, later than the Wed 13 Jan 2027 counted before"
    ) in " ".join(last_confirmation(cspr).split())

    cspr.at("2027-07-13T10:00").mail(BM, reply(REF), "Published: 09/07/2027")
    cspr.run()
    cspr.at("2027-07-13T11:00").mail(
        BM, reply(REF), "Correct Published: 12/07/2027 because it went up on the Monday"
    )
    cspr.run()
    assert (
        "the CSPR report was due Fri 9 Jul 2027 and is now recorded as met on Mon 12 Jul 2027: "
        "it is now late"
    ) in " ".join(last_confirmation(cspr).split())


def test_the_cspr_decision_says_when_the_report_must_reach_the_bodies(bot: Bot) -> None:
    # Due Thu 15 Jul 2027; the digest first lists it 5 working days before, too late to give
    # the 7 working days' notice of publishing by then: the day is said when the clock starts.
    rapid_review_submitted(bot)
    bot.at("2027-01-20T10:00").mail(BM, reply(REF), "CSPR: yes 15/01/2027")
    bot.run()
    assert (
        "the report is due by Thu 15 Jul 2027; to publish by then, the report must reach the "
        "National Panel, the Secretary of State and Ofsted by Tue 6 Jul 2027, 7 working days "
        "before"
    ) in " ".join(last_confirmation(bot).split())


def test_a_clock_moved_from_overdue_to_a_later_day_is_chased_and_marked_overdue_again(
    bot: Bot,
) -> None:
    decide_rapid_review(bot, "2026-12-17T09:00")
    bot.at("2026-12-18T10:00").mail(BM, reply(REF), "Notified: 18/12/2026")
    bot.run()
    for day in ("2027-01-14", "2027-01-15", "2027-01-18", "2027-01-19"):
        bot.at(f"{day}T10:00").run()  # due Wed 13 Jan: overdue, then escalated
    bot.at("2027-01-20T11:00").mail(
        BM, reply(REF), "Correct Notified: 08/01/2027 because the Panel's receipt says so"
    )
    bot.run()
    assert bot.due("rapid_review") == date(2027, 1, 29)
    for day in ("2027-01-28", "2027-01-29", "2027-02-01", "2027-02-02", "2027-02-03"):
        bot.at(f"{day}T10:00").run()
    bot.at("2027-02-04T10:00").run()
    overdue = [e.detail for e in bot.case().events if e.what == "deadline_overdue"]
    assert overdue == [
        "rapid_review was due Wed 13 Jan 2027 and is not met",
        "rapid_review was due Fri 29 Jan 2027 and is not met",
    ]
    since = [o for o in bot.outbox() if o.created_at.date() >= date(2027, 1, 20)]
    chases = [o.subject for o in since if o.event in ("deadline_reminder", "deadline_escalation")]
    assert chases == [
        f"[{REF}] Reminder: Rapid Review due Fri 29 Jan 2027",
        f"[{REF}] Reminder: Rapid Review due today",
        f"[{REF}] Reminder: Rapid Review 1 working day overdue",
        f"[{REF}] Reminder: Rapid Review 2 working days overdue",
        f"[{REF}] Reminder: Rapid Review 3 working days overdue",
        f"[{REF}] Escalation: Rapid Review 4 working days overdue",
    ]
    assert all("13 Jan 2027" not in body_of(o) for o in since if o.event.startswith("deadline_"))

"""Publication of a CSPR report: the notice of publication, the report sent to the National
Panel, the Secretary of State and Ofsted, and the day it was published, driven by email.

What an outside body receives must be true on the day it goes, and a clock counts from the day
that really happened; whatever the bot cannot put right reaches the Business Manager. The `cspr`
fixture (tests/services/conftest.py) is a case whose CSPR was decided on Thu 7 Jan 2027; the
`planned` one is that case with its publication planned on Tue 1 Jun 2027 for Thu 1 Jul 2027.
"""

from __future__ import annotations

from datetime import date

import pytest

from bot.core.timeliness_figures import MeasureFigures
from bot.services.timeliness import timeliness
from tests.services.test_lifecycle import BM, Bot, body_of, reply
from tests.services.test_outside_bodies import digest_text

REF = "TSCP-2026-0001"


def told(bot: Bot) -> str:
    """The last confirmation the Business Manager was sent, on one line."""
    return " ".join(body_of(bot.outbox("command_result")[-1]).split())


def say(bot: Bot, when: str, line: str) -> None:
    bot.at(when).mail(BM, reply(REF), line)
    bot.run()


def clock(bot: Bot, name: str) -> tuple[date, str, date | None]:
    row = next(d for d in bot.case().deadlines if d.name == name)
    return row.due, row.state, row.met_on


def test_a_notice_of_publication_is_not_sent_once_the_report_is_published(planned: Bot) -> None:
    draft = planned.outbox("publication_notice")[0].id
    say(planned, "2027-06-23T10:00", "Published: 23/06/2027")
    for when in ("2027-06-23T10:30", "2027-06-23T11:00"):  # approving twice changes nothing
        say(planned, when, f"Approve {draft}")
        assert (
            f"email #{draft} not sent: the report is recorded as published on Wed 23 Jun 2027, "
            "so a notice that publication is planned for Thu 1 Jul 2027 would be untrue"
        ) in told(planned)
        [row] = planned.outbox("publication_notice")
        assert row.status == "draft"  # never "we plan to publish on 1 July"


def test_a_notice_of_publication_is_not_sent_once_the_case_is_closed(planned: Bot) -> None:
    draft = planned.outbox("publication_notice")[0].id
    say(planned, "2027-06-02T10:00", "Close: the review was stood down")
    say(planned, "2027-06-02T11:00", f"Approve {draft}")
    assert f"email #{draft} not sent: {REF} is closed" in told(planned)
    assert [r.status for r in planned.outbox("publication_notice")] == ["draft"]


def test_publishing_under_7_working_days_after_the_report_was_sent_needs_attention(
    planned: Bot,
) -> None:
    say(planned, "2027-06-21T10:00", "Report sent: 21/06/2027")
    say(planned, "2027-06-23T10:00", "Published: 23/06/2027")
    assert (
        "the report was sent to the National Panel, the Secretary of State and Ofsted on "
        "Mon 21 Jun 2027, 2 working days before publication on Wed 23 Jun 2027, fewer than the 7 "
        "working days required"
    ) in told(planned)
    # The notice clock counts back from the day it was published, not the day once planned.
    assert clock(planned, "publication_notice") == (date(2027, 6, 14), "met", date(2027, 6, 21))
    digest = digest_text(planned, "2027-06-24T08:30")
    assert f"{REF}  publication notice short\r\n      The report was sent" in digest


def test_report_sent_after_publication_under_7_working_days_before_it_needs_attention(
    cspr: Bot,
) -> None:
    say(cspr, "2027-07-01T10:00", "Published: 01/07/2027")
    say(cspr, "2027-07-02T10:00", "Report sent: 28/06/2027")
    assert (
        "on Mon 28 Jun 2027, 3 working days before publication on Thu 1 Jul 2027, fewer than the 7 "
        "working days required"
    ) in told(cspr)
    assert "publication_notice_short" in [e.what for e in cspr.case().events]


def test_publishing_7_working_days_after_the_report_was_sent_is_not_flagged(planned: Bot) -> None:
    say(planned, "2027-06-21T10:00", "Report sent: 21/06/2027")
    say(planned, "2027-06-30T10:00", "Published: 30/06/2027")
    assert "fewer than" not in told(planned)
    assert "publication_notice_short" not in [e.what for e in planned.case().events]


@pytest.mark.parametrize(
    ("line", "because"),
    [
        ("Publication delayed: criminal trial", "publication is delayed"),
        ("Not publishing: the family would be known", "the report will not be published"),
    ],
)
def test_a_delay_withdraws_the_notice_of_publication_and_stops_its_clock(
    planned: Bot, line: str, because: str
) -> None:
    draft = planned.outbox("publication_notice")[0].id
    say(planned, "2027-06-08T10:00", line)
    assert f"draft #{draft} (publication notice) withdrawn: {because}" in told(planned)
    case = planned.case()
    assert case.planned_publication is None
    assert clock(planned, "publication_notice")[1] == "not_required"  # no reminders for 1 July
    say(planned, "2027-06-08T11:00", f"Approve {draft}")
    assert f"email #{draft} was withdrawn: {because}" in told(planned)
    assert [r.status for r in planned.outbox("publication_notice")] == ["superseded"]


def test_the_same_date_planned_again_after_a_delay_is_drafted_afresh(planned: Bot) -> None:
    say(planned, "2027-06-08T10:00", "Publication delayed: criminal trial")
    say(planned, "2027-06-09T10:00", "Publication: 01/07/2027")
    assert "notice drafted, due by Tue 22 Jun 2027" in told(planned)
    old, new = planned.outbox("publication_notice")
    assert (old.status, new.status) == ("superseded", "draft")
    assert clock(planned, "publication_notice") == (date(2027, 6, 22), "open", None)
    say(planned, "2027-06-09T11:00", f"Approve {new.id}")
    assert planned.outbox("publication_notice")[1].status in ("pending", "sent")


def test_a_second_publication_date_withdraws_the_first_notice(planned: Bot) -> None:
    say(planned, "2027-06-02T10:00", "Publication: 08/07/2027")
    first, second = planned.outbox("publication_notice")
    assert (first.status, second.status) == ("superseded", "draft")
    assert f"draft #{first.id} withdrawn, replaced by #{second.id}" in told(planned)
    say(planned, "2027-06-02T11:00", f"Approve {first.id}")
    # Never "its new words were sent to you": nothing was; the newer draft is the one to read.
    assert f"email #{first.id} was withdrawn: a newer draft of it replaced it" in told(planned)
    assert [r.status for r in planned.outbox("publication_notice")] == ["superseded", "draft"]


def test_a_report_sent_before_the_cspr_was_decided_is_refused(planned: Bot) -> None:
    say(planned, "2027-06-15T10:00", "Report sent: 15/06/2026")  # a mistyped year
    assert (
        "Mon 15 Jun 2026 is before the CSPR was decided on (Thu 7 Jan 2027); check the year: "
        "Report sent: <date>"
    ) in told(planned)
    assert planned.case().report_sent_on is None
    assert clock(planned, "publication_notice") == (date(2027, 6, 22), "open", None)


def test_a_wrong_report_sent_date_is_corrected_with_a_reason(planned: Bot) -> None:
    draft = planned.outbox("publication_notice")[0].id
    say(planned, "2027-06-14T10:00", "Report sent: 04/06/2027")
    say(planned, "2027-06-15T10:00", "Report sent: 15/06/2027")
    assert (
        "the report is already recorded as sent on Fri 4 Jun 2027; if that date is wrong, write "
        "Correct Report sent: <date> because <reason>"
    ) in told(planned)
    say(planned, "2027-06-15T11:00", "Correct Report sent: 14/06/2027 because the 4th was a typo")
    assert "the day the report was sent corrected from Fri 4 Jun 2027 to Mon 14 Jun 2027" in (
        told(planned)
    )
    assert planned.case().report_sent_on == date(2027, 6, 14)
    # The clock is met on the day it really went, for the Board's timeliness report.
    assert clock(planned, "publication_notice") == (date(2027, 6, 22), "met", date(2027, 6, 14))
    [corrected] = [e for e in planned.case().events if e.what == "date_corrected"]
    assert "the 4th was a typo" in corrected.why
    # The notice states the corrected day, not the mistyped one.
    say(planned, "2027-06-15T12:00", f"Approve {draft}")
    words = " ".join(body_of(planned.outbox("publication_notice")[0]).split())
    assert "Report sent to you on: Monday 14 June 2027" in words


def test_a_corrected_report_sent_date_that_gives_short_notice_needs_attention(
    cspr: Bot,
) -> None:
    say(cspr, "2027-06-28T10:00", "Report sent: 14/06/2027\nPublished: 28/06/2027")
    say(cspr, "2027-06-29T10:00", "Correct Report sent: 24/06/2027 because it went on the 24th")
    assert "on Thu 24 Jun 2027, 2 working days before publication on Mon 28 Jun 2027" in told(cspr)
    assert "publication_notice_short" in [e.what for e in cspr.case().events]


def board_report(bot: Bot) -> MeasureFigures:
    """The Board's timeliness report's line for "CSPR published within 6 months" (due 7 July)."""
    with bot.app.sessions() as s:
        start, end = date(2027, 7, 1), date(2027, 9, 30)
        report = timeliness(s, bot.app.config, start, end, today=date(2027, 10, 1))
    return next(m for m in report.whole.measures if m.measure == "cspr_report")


def test_a_publication_corrected_to_a_later_day_is_late_in_the_boards_report(cspr: Bot) -> None:
    say(cspr, "2027-07-12T10:00", "Published: 01/07/2027")
    assert (board_report(cspr).on_time, board_report(cspr).late) == (1, ())
    say(cspr, "2027-07-12T11:00", "Correct Published: 12/07/2027 because it went up on the 12th")
    assert clock(cspr, "cspr_report") == (date(2027, 7, 7), "met", date(2027, 7, 12))
    figures = board_report(cspr)
    assert figures.on_time == 0
    assert [(c.ref, c.done_on, c.working_days_late) for c in figures.late] == [
        (REF, date(2027, 7, 12), 3)
    ]


def test_an_earlier_published_day_is_on_time_in_the_boards_report(cspr: Bot) -> None:
    say(cspr, "2027-07-12T10:00", "Published: 12/07/2027")
    assert len(board_report(cspr).late) == 1
    say(cspr, "2027-07-13T10:00", "Published: 01/07/2027")  # the day it really went up
    assert clock(cspr, "cspr_report") == (date(2027, 7, 7), "met", date(2027, 7, 1))
    assert (board_report(cspr).on_time, board_report(cspr).late) == (1, ())


def test_a_first_publication_before_the_planned_day_says_the_notice_clock_it_moved(
    planned: Bot,
) -> None:
    """Published on Wed 23 Jun, not the planned Thu 1 Jul, with no report recorded as sent:
    the notice, counted back from the day it was published, was due a week earlier and is
    overdue. The reply says so, never only "publication recorded"."""
    say(planned, "2027-06-23T10:00", "Published: 23/06/2027")
    assert (
        "publication recorded; keep it online until at least Fri 23 Jun 2028 (12 months from "
        "the day it was published); the Notice of publication is now due Mon 14 Jun 2027, "
        "earlier than the Tue 22 Jun 2027 counted before (7 working days before the day it was "
        "published, not the planned Thu 1 Jul 2027): it is now overdue"
    ) in told(planned)
    assert clock(planned, "publication_notice") == (date(2027, 6, 14), "overdue", None)


def test_a_first_publication_after_the_planned_day_says_what_it_did_to_each_clock(
    planned: Bot,
) -> None:
    """The report went on Tue 1 Jun; published Thu 8 Jul, not the planned Thu 1 Jul: the
    notice is still met in time, the report's 6 months (due Wed 7 Jul) were met a day late,
    and the year online rolls on from a Saturday. Each is said."""
    say(planned, "2027-06-01T11:00", "Report sent: 01/06/2027")
    say(planned, "2027-07-08T10:00", "Published: 08/07/2027")
    assert (
        "keep it online until at least Mon 10 Jul 2028 (12 months from the day it was "
        "published, moved on from Sat 8 Jul 2028, a Saturday); the Notice of publication is "
        "now due Tue 29 Jun 2027, later than the Tue 22 Jun 2027 counted before (7 working days "
        "before the day it was published, not the planned Thu 1 Jul 2027): met on Tue 1 Jun "
        "2027, in time; the CSPR report was due Wed 7 Jul 2027 and is now recorded as met on "
        "Thu 8 Jul 2027: it is now late"
    ) in told(planned)
    assert clock(planned, "cspr_report") == (date(2027, 7, 7), "met", date(2027, 7, 8))


def test_a_report_published_with_no_date_planned_has_its_notice_clock_counted_and_said(
    cspr: Bot,
) -> None:
    """No `Publication:` was given, so no notice clock ran: the reply's "the notice of
    publication stays open" was untrue, and a notice never given went uncounted. Counted back
    from the day published, it is overdue, chased, and met once the report is sent."""
    say(cspr, "2027-06-23T10:00", "Published: 23/06/2027")
    assert (
        "the Notice of publication is now counted: due Mon 14 Jun 2027 (7 working days before "
        "the day it was published; no date was planned): it is overdue; the report is not "
        "recorded as sent to the National Panel, the Secretary of State and Ofsted, so the "
        "notice of publication stays open"
    ) in told(cspr)
    assert clock(cspr, "publication_notice") == (date(2027, 6, 14), "overdue", None)
    say(cspr, "2027-06-24T10:00", "Report sent: 24/06/2027")
    assert clock(cspr, "publication_notice") == (date(2027, 6, 14), "met", date(2027, 6, 24))


def test_a_report_sent_then_published_with_no_date_planned_meets_the_notice_on_its_day(
    cspr: Bot,
) -> None:
    say(cspr, "2027-06-01T10:00", "Report sent: 01/06/2027")
    say(cspr, "2027-06-23T10:00", "Published: 23/06/2027")
    assert (
        "the Notice of publication is now counted: due Mon 14 Jun 2027 (7 working days before "
        "the day it was published; no date was planned): met on Tue 1 Jun 2027, in time"
    ) in told(cspr)
    assert clock(cspr, "publication_notice") == (date(2027, 6, 14), "met", date(2027, 6, 1))


def test_a_report_sent_7_working_days_before_a_saturday_publication_gives_7_days(
    cspr: Bot,
) -> None:
    # The 7th working day before Sat 3 Jul 2027 is Thu 24 Jun (Fri 2 Jul is the first): a
    # report sent that day is on time, and the three bodies are told it gives 7 days.
    say(cspr, "2027-06-24T09:00", "Publication: 03/07/2027")
    assert "late notice" not in told(cspr)
    [notice] = cspr.outbox("publication_notice")
    assert "7 working days before publication" in " ".join(body_of(notice).split())
    say(cspr, "2027-06-24T10:00", "Report sent: 24/06/2027")
    assert "7 working days before publication" in told(cspr)
    assert "fewer than" not in told(cspr)
    assert clock(cspr, "publication_notice") == (date(2027, 6, 24), "met", date(2027, 6, 24))


def test_a_report_sent_on_a_saturday_gives_the_notice_the_working_days_after_it(
    cspr: Bot,
) -> None:
    # Sent Sat 26 Jun 2027 for Tue 6 Jul: Mon 28 Jun to Mon 5 Jul is 6 working days, one short
    # of the 7 that were due by Fri 25 Jun; the publication day itself is no notice.
    say(cspr, "2027-06-01T10:00", "Publication: 06/07/2027")
    say(cspr, "2027-06-28T10:00", "Report sent: 26/06/2027")
    assert "6 working days before publication, fewer than the 7 working days required" in told(cspr)

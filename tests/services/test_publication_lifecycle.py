"""What the bot says about publishing a CSPR report, and to whom, as the case changes.

The 7 working days of notice measure the report reaching the National Panel, the Secretary of
State and Ofsted; a case with no CSPR has no report to publish; a decision the bodies were told
of, once reversed or moved, is flagged; a case closed with work still owed says so.
"""

from __future__ import annotations

from datetime import date

from bot.adapters.db.models import Case
from tests.services.test_lifecycle import (
    BM,
    HEALTH,
    LA,
    POLICE,
    SCRUTINEER,
    Bot,
    approve_last_draft,
    body_of,
    reply,
)

REF = "TSCP-2026-0001"


def say(bot: Bot, when: str, line: str) -> str:
    """Give one command by email; the bot's reply, on one line."""
    bot.at(when).mail(BM, reply(REF), line)
    bot.run()
    return " ".join(body_of(bot.outbox("command_result")[-1]).split())


def words(bot: Bot, event: str) -> str:
    return " ".join(body_of(bot.outbox(event)[-1]).split())


def state(case: Case, name: str) -> str:
    return next(d.state for d in case.deadlines if d.name == name)


def test_a_report_sent_in_time_is_not_called_late_when_the_notice_is_approved_late(
    cspr: Bot,
) -> None:
    say(cspr, "2027-06-01T10:00", "Publication: 01/07/2027")
    draft = cspr.outbox("publication_notice")[0].id
    assert "8 working days before publication" in say(
        cspr, "2027-06-21T10:00", "Report sent: 21/06/2027"
    )
    # Approved on Thu 24 Jun, 5 working days before publication: the report went on 21 Jun.
    held = say(cspr, "2027-06-24T10:00", f"Approve {draft}")
    assert "it says the report was sent on Mon 21 Jun 2027, 8 working days before" in held
    notice = words(cspr, "publication_notice")
    assert "The report was sent to you 8 working days before publication; at least 7" in notice
    assert "fewer than" not in notice
    say(cspr, "2027-06-24T11:00", f"Approve {draft}")
    assert cspr.outbox("publication_notice")[-1].status in ("pending", "sent")


def test_a_date_8_working_days_after_the_report_went_is_accepted_though_today_is_closer(
    cspr: Bot,
) -> None:
    say(cspr, "2027-06-01T10:00", "Report sent: 01/06/2027")
    answer = say(cspr, "2027-06-09T10:00", "Publication: 11/06/2027")
    assert "publication on Fri 11 Jun 2027; notice drafted" in answer
    assert "fewer than" not in words(cspr, "publication_notice")


def test_with_no_cspr_there_is_no_report_to_publish(cspr: Bot) -> None:
    say(cspr, "2027-01-11T10:00", "CSPR: no because the learning is already known")
    refused = "no CSPR is recorded as held on this case, so there is no review report to publish"
    assert refused in say(cspr, "2027-01-12T10:00", "Publication: 01/03/2027")
    assert refused in say(cspr, "2027-01-12T11:00", "Published: 11/01/2027")
    assert cspr.outbox("publication_notice") == []


def test_deciding_against_a_cspr_withdraws_the_planned_publication_and_its_notice(
    cspr: Bot,
) -> None:
    say(cspr, "2027-06-01T10:00", "Publication: 01/07/2027")
    draft = cspr.outbox("publication_notice")[0].id
    answer = say(
        cspr, "2027-06-02T10:00", "CSPR: no because the Panel has started a national review"
    )
    assert f"draft #{draft} (publication notice) withdrawn: no CSPR is to be held" in answer
    case = cspr.case()
    assert case.planned_publication is None
    assert state(case, "publication_notice") == "not_required"
    refused = say(cspr, "2027-06-02T10:05", f"Approve {draft}")
    assert f"email #{draft} was withdrawn: no CSPR is to be held" in refused
    assert all(r.status not in ("pending", "sent") for r in cspr.outbox("publication_notice"))


def _reviewer_notice_sent(bot: Bot) -> None:
    say(bot, "2027-01-11T10:00", "Reviewer: Alex Invented")
    draft = bot.outbox("reviewer_notice")[0].id
    say(bot, "2027-01-11T11:00", f"Approve {draft}")
    assert bot.outbox("reviewer_notice")[0].status in ("pending", "sent")


def test_reversing_the_decision_the_bodies_were_told_of_is_flagged(cspr: Bot) -> None:
    _reviewer_notice_sent(cspr)
    answer = say(
        cspr, "2027-01-20T10:00", "CSPR: no because the Panel has started a national review"
    )
    assert "told them a CSPR would be held: tell them of the decision not to hold one" in answer
    assert any(e.what == "sent_notice_outdated" for e in cspr.case().events)


def test_moving_the_decision_the_bodies_were_told_of_is_flagged_and_the_due_date_given(
    cspr: Bot,
) -> None:
    _reviewer_notice_sent(cspr)
    answer = say(cspr, "2027-01-20T10:00", "CSPR: yes 04/01/2027")
    assert (
        "CSPR decision recorded as Mon 4 Jan 2027, replacing Thu 7 Jan 2027; the CSPR report is "
        "now due Fri 2 Jul 2027, earlier than the Wed 7 Jul 2027 counted before"
    ) in answer
    assert "gave the CSPR decision as Thu 7 Jan 2027: tell them it is now Mon 4 Jan 2027" in answer


def test_a_publication_date_past_the_reports_six_months_is_said_and_flagged(cspr: Bot) -> None:
    answer = say(cspr, "2027-06-01T10:00", "Publication: 01/12/2027")
    assert "is after the report's 6-month date (Wed 7 Jul 2027)" in answer
    assert "Publication delayed: <reason>" in answer
    assert any(e.what == "publication_after_report_due" for e in cspr.case().events)


def test_closing_with_an_action_not_done_says_so_and_flags_it(cspr: Bot) -> None:
    say(
        cspr, "2027-01-11T10:00", "Action: Review the referral pathway; owner: gmp; due: 01/07/2027"
    )
    answer = say(cspr, "2027-01-12T10:00", "Close: done")
    assert "case closed" in answer
    # Due months ahead: still to come, not missed.
    assert "1 deadline not yet due: " in answer and "due Thu 1 Jul 2027" in answer
    assert "overdue" not in answer and "not met" not in answer
    assert any(e.what == "closed_with_clocks_open" for e in cspr.case().events)


def test_closing_says_which_open_deadlines_are_overdue_and_which_still_to_come(cspr: Bot) -> None:
    say(cspr, "2027-01-11T10:00", "Action: Audit the referrals; owner: gmp; due: 14/01/2027")
    say(cspr, "2027-01-11T10:05", "Action: Train the duty team; owner: gmp; due: 01/07/2027")
    answer = say(cspr, "2027-01-20T10:00", "Close: done")
    assert "1 deadline overdue: " in answer and "due Thu 14 Jan 2027" in answer
    assert "1 deadline not yet due: " in answer and "due Thu 1 Jul 2027" in answer
    [event] = [e for e in cspr.case().events if e.what == "closed_with_clocks_open"]
    assert "overdue" in event.detail and "not yet due" in event.detail


def test_the_partners_and_the_scrutineer_are_told_the_cspr_decision_once(cspr: Bot) -> None:
    [told] = cspr.outbox("cspr_decision")
    assert sorted(told.recipients) == sorted([LA, POLICE, HEALTH, SCRUTINEER, BM])
    assert told.subject == f"[{REF}] CSPR decision: a local review will be held"
    assert "Report due: Wednesday 7 July 2027 (6 months from the decision)" in words(
        cspr, "cspr_decision"
    )
    say(cspr, "2027-01-08T10:00", "CSPR: yes 07/01/2027")  # the same decision: nothing new
    assert len(cspr.outbox("cspr_decision")) == 1
    say(cspr, "2027-01-20T10:00", "CSPR: no because the Panel has started a national review")
    assert cspr.outbox("cspr_decision")[-1].subject == f"[{REF}] CSPR decision: no local review"
    assert "WHY The Panel has started a national review" in words(cspr, "cspr_decision")


def test_a_corrected_cspr_day_flags_the_decision_email_the_partners_already_have(
    cspr: Bot,
) -> None:
    answer = say(
        cspr, "2027-01-20T10:00", "Correct CSPR: 14/01/2027 because the partners signed on the 14th"
    )
    assert cspr.due("cspr_report") == date(2027, 7, 14)
    # Their email said "Report due: Wednesday 7 July 2027": the reply and the digest say so.
    [told] = cspr.outbox("cspr_decision")
    assert (
        f"CSPR decision to the partners and the scrutineer already sent (#{told.id}) gave the "
        "CSPR decision as Thu 7 Jan 2027 and the report as due Wed 7 Jul 2027: tell its "
        "recipients the decision was made on Thu 14 Jan 2027 and the report is now due Wed 14 "
        "Jul 2027"
    ) in answer
    flags = [e.detail for e in cspr.case().events if e.what == "sent_notice_outdated"]
    assert any(f"#{told.id}" in f and "CSPR decision" in f for f in flags)


def test_the_scrutineers_disagreement_after_the_cspr_decision_is_about_that_decision(
    cspr: Bot,
) -> None:
    cspr.at("2027-01-08T10:00").mail(SCRUTINEER, reply(REF), "Disagree: a national review is due")
    cspr.run()
    [event] = [e for e in cspr.case().events if e.what == "scrutineer_disagrees"]
    assert event.detail.startswith("The Independent Scrutineer disagrees with the CSPR decision")
    assert "Screening Panel" not in event.detail


def test_no_new_publication_date_once_the_report_is_published(cspr: Bot) -> None:
    say(cspr, "2027-06-01T10:00", "Report sent: 01/06/2027")
    say(cspr, "2027-06-14T10:00", "Published: 14/06/2027")
    answer = say(cspr, "2027-06-15T10:00", "Publication: 01/07/2027")
    assert "the report is recorded as published on Mon 14 Jun 2027" in answer
    assert cspr.case().planned_publication is None
    assert cspr.outbox("publication_notice") == []


def test_a_family_preview_before_the_case_began_is_refused(cspr: Bot) -> None:
    answer = say(cspr, "2027-01-11T10:00", "Family preview: 01/07/2017")
    assert "Sat 1 Jul 2017 is before the case began" in answer and "check the year" in answer
    assert cspr.case().family_preview_on is None


def test_an_action_marked_done_twice_keeps_its_first_day(cspr: Bot) -> None:
    say(
        cspr, "2027-01-11T10:00", "Action: Review the referral pathway; owner: gmp; due: 01/07/2027"
    )
    assert "action 1 marked done" in say(cspr, "2027-03-01T10:00", "Action done: 1")
    again = say(cspr, "2027-03-08T10:00", "Action done: 1")
    assert "action 1 is already marked done on Mon 1 Mar 2027; nothing changed" in again
    [row] = [d for d in cspr.case().deadlines if d.name == "action:1"]
    assert row.met_on is not None and row.met_on.isoformat() == "2027-03-01"


def test_a_new_publication_date_after_the_notice_went_says_it_replaces_it(cspr: Bot) -> None:
    say(cspr, "2027-06-01T10:00", "Publication: 01/07/2027")
    first = approve_last_draft(cspr, "publication_notice", "2027-06-01T11:00")
    answer = say(cspr, "2027-06-10T10:00", "Publication: 06/07/2027")
    assert (
        "the notice sent on Tue 1 Jun 2027 gave publication on Thu 1 Jul 2027: the new notice "
        "says it replaces that one"
    ) in answer
    [draft] = [r for r in cspr.outbox("publication_notice") if r.id != first.id]
    assert (
        "This notice replaces our notice of Tuesday 1 June 2027, which gave publication on "
        "Thursday 1 July 2027: that date no longer stands."
    ) in " ".join(body_of(draft).split())
    # Planned again for the same day it gave: nothing to replace.
    answer = say(cspr, "2027-06-10T11:00", "Publication: 01/07/2027")
    assert "replaces" not in answer
    assert "replaces" not in words(cspr, "publication_notice")


def test_a_report_sent_after_the_planned_day_went_by_says_so_not_minus_days(cspr: Bot) -> None:
    say(cspr, "2027-06-01T10:00", "Publication: 01/07/2027")
    answer = say(cspr, "2027-08-02T10:00", "Report sent: 02/08/2027")
    assert (
        "report sent on Mon 2 Aug 2027 recorded; the planned publication date, Thu 1 Jul 2027, "
        "is not after the day the report was sent, so the report gives no notice of it: if the "
        "report has been published, reply Published: <date>; if not, plan a new date with "
        "Publication: <date>"
    ) in answer
    assert "-22 working days" not in answer

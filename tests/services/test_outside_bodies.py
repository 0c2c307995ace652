"""What the bot tells outside bodies, and the statutory notices it chases, driven by email.

The death of a looked-after child or care leaver has its own clock to the Secretary of State and
Ofsted; the publication, reviewer and delay notices say only what is true.
"""

from __future__ import annotations

import email
from datetime import date
from email import policy
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.adapters.db.models import Case, OutboxMessage
from bot.adapters.email_date import with_date
from bot.services.daily_digest import send_digest_if_due
from bot.services.queries import case_detail
from tests.fixtures.app import AppFactory
from tests.fixtures.forms_docx import SIN_CHILD, SIN_INCIDENT, sin_docx
from tests.fixtures.mail import drop_into_maildir
from tests.fixtures.mail import email as make_email
from tests.fixtures.scenarios import Scenarios
from tests.services.conftest import build_bot, copied
from tests.services.test_lifecycle import BM, LA, Bot, body_of, reply

REF = "TSCP-2026-0001"
CLOCK = "looked_after_death_notification"
PANEL = "mailbox.nationalreviewpanel@education.gov.uk"


Rows = tuple[tuple[str, str], ...]


def send_sin(bot: Bot, child: Rows, incident: Rows) -> None:
    raw = make_email(
        "GM SIN form attached",
        "Please find the notification form attached.",
        sender="robin.example@gmp.police.uk",
        message_id="<sin@test>",
        attachment=("SIN form.docx", sin_docx(child=child, incident=incident)),
    )
    drop_into_maildir(bot.tmp_path / "inbox", raw)
    bot.run()


def with_rows(rows: Rows, **changes: str) -> Rows:
    """The fixture rows with some values replaced ("" drops the row) or rows added."""
    kept = [(k, changes.pop(k, v)) for k, v in rows]
    return tuple((k, v) for k, v in [*kept, *changes.items()] if v)


DIED = with_rows(
    tuple(SIN_INCIDENT),
    **{
        "Child died": "☒",
        "Child seriously harmed": "☐",
        "Abuse or neglect known or suspected": "☐",
    },
)


def cc_of(row: OutboxMessage) -> str:
    return str(email.message_from_bytes(row.raw, policy=policy.default)["Cc"] or "")


def digest_text(bot: Bot, when: str) -> str:
    bot.at(when)
    assert send_digest_if_due(bot.app)
    return body_of(bot.outbox("daily_digest")[-1])


@pytest.fixture
def fresh(make_app: AppFactory, tmp_path: Path) -> Bot:
    return Bot(make_app, tmp_path, "2026-12-23T09:00")


# --- item 5: deaths of looked-after children and care leavers ------------------------------


def test_death_of_a_looked_after_child_has_its_own_clock_reminders_and_command(
    fresh: Bot,
) -> None:
    child = with_rows(tuple(SIN_CHILD), **{"Legal status": "Looked after child"})
    send_sin(fresh, child, DIED)
    # 5 working days from the LA's awareness on Mon 21 Dec 2026, skipping Christmas.
    assert fresh.due(CLOCK) == date(2026, 12, 30)
    case = fresh.case()
    [opened] = [e for e in case.events if e.what == "looked_after_death"]
    assert opened.detail == (
        "The form reports the death of a looked-after child: the local authority must notify "
        "the Secretary of State and Ofsted, whether or not abuse or neglect is known or "
        "suspected, by Wed 30 Dec 2026"
    )
    # The Screening Panel finds it not notifiable to the National Panel: this clock stays.
    fresh.at("2026-12-23T11:00").mail(BM, reply(REF), "Notifiable: no")
    fresh.run()
    deadlines = {d.name: d for d in fresh.case().deadlines}
    assert deadlines["panel_notification"].state == "not_required"
    assert deadlines[CLOCK].met_at is None and deadlines[CLOCK].state == "open"
    with fresh.app.sessions() as s:  # what `tscp-bot case` shows
        detail = case_detail(s, s.scalars(select(Case)).one(), date(2026, 12, 23), {})
    shown = detail["deadlines"]
    [row] = [d for d in shown if d["name"] == CLOCK]
    assert (row["due"], row["met_at"]) == (date(2026, 12, 30), None)
    assert str(row["explanation"]).startswith(
        "Due Wed 30 Dec 2026: 5 working days after local authority became aware of the death "
        "on Mon 21 Dec 2026"
    )
    digest = digest_text(fresh, "2026-12-24T08:30")
    assert (
        f"{REF}  Wed 30 Dec 2026  Local authority notifies the Secretary of State and Ofsted "
        "of the death of a looked-after child"
    ) in digest
    assert f"{REF}  looked after death\r\n      The form reports the death" in digest
    # One working day before: the LA's representative is reminded, the Business Manager copied.
    fresh.at("2026-12-29T10:00").run()
    [reminder] = [r for r in fresh.outbox("deadline_reminder") if f":{CLOCK}:" in r.idempotency_key]
    assert reminder.recipients == [LA, BM] and cc_of(reminder) == BM
    assert reminder.subject == (
        f"[{REF}] Reminder: Notice of death to the Secretary of State and Ofsted "
        "due Wed 30 Dec 2026"
    )
    assert "reply SoS and Ofsted notified: <date> once it" in body_of(reminder)
    # The LA's representative records it, as the reminder says.
    fresh.at("2026-12-29T15:00").mail(
        LA, f"RE: {reminder.subject}", "SoS and Ofsted notified: 29/12/2026"
    )
    fresh.run()
    [confirmation] = [r for r in fresh.outbox("command_result") if r.recipients == [LA]]
    assert "Secretary of State and Ofsted notified on Tue 29 Dec 2026" in body_of(confirmation)
    notice = next(d for d in fresh.case().deadlines if d.name == CLOCK)
    # The day it was sent, for the Board's timeliness report, not only the day it was recorded.
    assert (notice.state, notice.met_on) == ("met", date(2026, 12, 29))
    fresh.at("2026-12-31T10:00").run()
    chased = [r.id for r in fresh.outbox() if f":{CLOCK}:" in r.idempotency_key]
    assert chased == [reminder.id]  # met: no due-day reminder, no escalation


def test_a_death_notice_dated_before_its_clock_began_is_refused_and_a_late_one_said_late(
    fresh: Bot,
) -> None:
    child = with_rows(tuple(SIN_CHILD), **{"Legal status": "Looked after child"})
    send_sin(fresh, child, DIED)
    # Last year's number typed in January: it would meet the clock a year before it began,
    # and the Board's timeliness report would count the notice as on time.
    fresh.at("2027-01-05T10:00").mail(LA, reply(REF), "SoS and Ofsted notified: 04/01/2026")
    fresh.run()
    told = " ".join(result_text(fresh).split())
    assert (
        "Sun 4 Jan 2026 is before the local authority became aware (Mon 21 Dec 2026, where "
        "looked_after_death_notification starts); check the year"
    ) in told
    notice = next(d for d in fresh.case().deadlines if d.name == CLOCK)
    assert (notice.met_at, notice.met_on) == (None, None)  # still owed, and chased
    # The right year: recorded, and said to be as late as the timeliness report counts it.
    fresh.at("2027-01-05T11:00").mail(LA, reply(REF), "SoS and Ofsted notified: 04/01/2027")
    fresh.run()
    told = " ".join(result_text(fresh).split())
    assert (
        "Secretary of State and Ofsted notified on Mon 4 Jan 2027 (made 2 working days after "
        "it was due, Wed 30 Dec 2026)"
    ) in told
    notice = next(d for d in fresh.case().deadlines if d.name == CLOCK)
    assert (notice.state, notice.met_on) == ("met", date(2027, 1, 4))


def test_care_leaver_of_unknown_age_opens_the_clock_and_asks_a_person(fresh: Bot) -> None:
    child = with_rows(tuple(SIN_CHILD), **{"Date of birth": "", "Legal status": "Care leaver"})
    incident = with_rows(DIED, **{"Death of a care leaver": "☒"})
    send_sin(fresh, child, incident)
    assert fresh.due(CLOCK) == date(2026, 12, 30)
    [check] = [e for e in fresh.case().events if e.what == "looked_after_death_check"]
    assert check.detail.startswith(
        "the form reports the death of a care leaver but their age cannot be worked out"
    )
    assert "care leaver but their age cannot be worked out" in digest_text(
        fresh, "2026-12-24T08:30"
    )
    fresh.at("2026-12-24T10:00").mail(
        BM, reply(REF), "SoS and Ofsted notified: not required - aged 27 at death"
    )
    fresh.run()
    assert next(d for d in fresh.case().deadlines if d.name == CLOCK).state == "not_required"


def test_care_leaver_aged_25_or_over_opens_no_clock(fresh: Bot) -> None:
    child = with_rows(
        tuple(SIN_CHILD), **{"Date of birth": "01/01/2000", "Legal status": "Care leaver"}
    )
    send_sin(fresh, child, DIED)
    assert CLOCK not in [d.name for d in fresh.case().deadlines]


def test_a_death_without_looked_after_status_opens_no_clock(fresh: Bot) -> None:
    send_sin(fresh, tuple(SIN_CHILD), DIED)
    case = fresh.case()
    assert CLOCK not in [d.name for d in case.deadlines]
    fresh.at("2026-12-23T11:00").mail(BM, reply(REF), "SoS and Ofsted notified: 23/12/2026")
    fresh.run()
    [result] = fresh.outbox("command_result")
    assert "no notice to the Secretary of State and Ofsted is open on this case" in body_of(result)


def test_a_form_asking_is_the_child_looked_after_opens_the_clock(fresh: Bot) -> None:
    """The form's own question, not a legal status: the notice is owed all the same."""
    incident = with_rows(DIED, **{"Is the child looked after?": "Yes"})
    send_sin(fresh, tuple(SIN_CHILD), incident)
    assert fresh.due(CLOCK) == date(2026, 12, 30)
    assert not [e for e in fresh.case().events if e.what == "looked_after_death_check"]


def test_died_or_seriously_harmed_as_one_question_opens_the_clock_and_flags_it(
    fresh: Bot,
) -> None:
    child = with_rows(tuple(SIN_CHILD), **{"Legal status": "Looked after child"})
    incident = with_rows(
        tuple(SIN_INCIDENT),
        **{
            "Child died": "",
            "Child seriously harmed": "",
            "Has the child died or been seriously harmed?": "Yes",
        },
    )
    send_sin(fresh, child, incident)
    assert fresh.due(CLOCK) == date(2026, 12, 30)
    [check] = [e for e in fresh.case().events if e.what == "looked_after_death_check"]
    assert "does not say whether the child has died" in check.detail
    assert "looked after death check" in digest_text(fresh, "2026-12-24T08:30")


def test_a_doubtful_death_tick_opens_the_clock_and_flags_it(fresh: Bot) -> None:
    child = with_rows(tuple(SIN_CHILD), **{"Legal status": "Looked after child"})
    incident = with_rows(DIED, **{"Child died": "Yes ☒ No ☒"})
    send_sin(fresh, child, incident)
    assert fresh.due(CLOCK) == date(2026, 12, 30)
    [check] = [e for e in fresh.case().events if e.what == "looked_after_death_check"]
    assert check.detail.startswith("the form's child died could not be read with confidence")
    assert "looked after death check" in digest_text(fresh, "2026-12-24T08:30")


def test_an_earlier_awareness_date_brings_the_clock_forward_never_later(fresh: Bot) -> None:
    child = with_rows(tuple(SIN_CHILD), **{"Legal status": "Looked after child"})
    incident = with_rows(DIED, **{"Date the local authority became aware": ""})
    send_sin(fresh, child, incident)
    clock = next(d for d in fresh.case().deadlines if d.name == CLOCK)
    # No awareness date: from receipt on Wed 23 Dec 2026, and it says so.
    assert clock.due == date(2027, 1, 4) and clock.assumption is not None
    fresh.at("2026-12-23T11:00").mail(BM, reply(REF), "Aware: 21/12/2026")
    fresh.run()
    assert fresh.due(CLOCK) == date(2026, 12, 30)
    fresh.at("2026-12-23T12:00").mail(BM, reply(REF), "Aware: 22/12/2026")
    fresh.run()
    assert fresh.due(CLOCK) == date(2026, 12, 30)


def test_a_corrected_form_with_an_earlier_awareness_date_brings_the_clock_forward(
    fresh: Bot,
) -> None:
    child = with_rows(tuple(SIN_CHILD), **{"Legal status": "Looked after child"})
    early = with_rows(DIED, **{"Date of incident": "16/12/2026"})
    first = with_rows(early, **{"Date the local authority became aware": "22/12/2026"})
    send_sin(fresh, child, first)
    assert fresh.due(CLOCK) == date(2026, 12, 31)
    corrected = with_rows(early, **{"Date the local authority became aware": "17/12/2026"})
    raw = make_email(
        reply(REF),
        "Corrected form attached: the local authority knew earlier.",
        sender="robin.example@gmp.police.uk",
        message_id="<sin-corrected@test>",
        attachment=("SIN form.docx", sin_docx(child=child, incident=corrected)),
    )
    drop_into_maildir(fresh.tmp_path / "inbox", raw)
    fresh.at("2026-12-23T11:00").run()
    assert fresh.due("panel_notification") == date(2026, 12, 24)
    assert fresh.due(CLOCK) == date(2026, 12, 24)  # as panel_notification: from 17 Dec


# --- item 8: never tell an outside body something false -------------------------------------


def result_text(bot: Bot) -> str:
    return body_of(bot.outbox("command_result")[-1])


FOOTER = """
----
This is an automatic message from the Tameside Safeguarding Children Partnership
(tscp@tameside.gov.uk).
Please keep the subject line unchanged if you reply, so your email is filed correctly.
"""


def text(row: OutboxMessage) -> str:
    return body_of(row).replace("\r\n", "\n")


def test_reviewer_notice_gives_the_date_the_partners_decided(cspr: Bot) -> None:
    cspr.at("2027-01-11T10:00").mail(BM, reply(REF), "Reviewer: Alex Invented")
    cspr.run()
    [notice] = cspr.outbox("reviewer_notice")
    assert text(notice) == (
        """Dear colleagues,

LOCAL CHILD SAFEGUARDING PRACTICE REVIEW: TAMESIDE SAFEGUARDING CHILDREN PARTNERSHIP

  Our reference:         TSCP-2026-0001
  Decision made:         Thursday 7 January 2027
  Independent reviewer:  Alex Invented
  Final report due:      Wednesday 7 July 2027

On behalf of the Tameside safeguarding partners, we are writing to tell
the Child Safeguarding Practice Review Panel, Ofsted and the Department
for Education that on Thursday 7 January 2027 the partners decided to hold
a local child safeguarding practice review for this case.

We have appointed Alex Invented as the independent reviewer.

We expect the final report to be published by Wednesday 7 July 2027,
within 6 months of the decision to hold the review. If this changes, we
will tell you.

Please quote TSCP-2026-0001 in any reply. If you have any questions, please
contact TSCP Business Manager, at tscp.business.manager@tameside.gov.uk.

Yours faithfully,

TSCP Business Manager
on behalf of the Tameside Safeguarding Children Partnership
"""
        + FOOTER
    )


def test_publication_under_7_working_days_needs_a_late_notice_that_says_so(cspr: Bot) -> None:
    cspr.at("2027-06-28T10:00").mail(BM, reply(REF), "Publication: 01/07/2027")
    cspr.run()
    assert (
        "publication on Thu 1 Jul 2027 is 3 working days away; the report must reach the National "
        "Panel, the Secretary of State and Ofsted at least 7 working days before publication. "
        "Choose a later date, or confirm that the notice will be late: Publication: Thu 1 Jul 2027 "
        "late notice"
    ) in result_text(cspr)
    assert cspr.outbox("publication_notice") == [] and cspr.case().planned_publication is None
    cspr.at("2027-06-28T11:00").mail(BM, reply(REF), "Publication: 01/07/2027 late notice")
    cspr.run()
    assert (
        "publication on Thu 1 Jul 2027; late notice drafted: 3 working days before publication, "
        "fewer than the 7 working days required (the report was due to them by Tue 22 Jun 2027)"
    ) in result_text(cspr)
    [notice] = cspr.outbox("publication_notice")
    assert text(notice) == (
        """Dear colleagues,

NOTICE OF PUBLICATION: TAMESIDE SAFEGUARDING CHILDREN PARTNERSHIP

  Our reference:           TSCP-2026-0001
  Planned publication:     Thursday 1 July 2027

On behalf of the Tameside safeguarding partners, we are writing to tell
the Child Safeguarding Practice Review Panel, the Secretary of State for
Education and Ofsted that we plan to publish the report of the local
child safeguarding practice review for this case (or, if the full report
is not published, the information about improvements to be made) on
Thursday 1 July 2027.

This notice is given 3 working days before publication, fewer than the
7 working days required.

THE REPORT IS NOT ATTACHED TO THIS EMAIL

The report (or the improvement information) is being sent to you
separately by a secure route. If you have not received it, please tell
the Business Manager at once.

If you have any comments before publication, please send them to
TSCP Business Manager, at tscp.business.manager@tameside.gov.uk,
quoting TSCP-2026-0001.

Yours faithfully,

TSCP Business Manager
on behalf of the Tameside Safeguarding Children Partnership
"""
        + FOOTER
    )


def test_on_time_notice_states_the_notice_given_and_report_sent_meets_it(planned: Bot) -> None:
    assert planned.due("publication_notice") == date(2027, 6, 22)
    [notice] = planned.outbox("publication_notice")
    assert text(notice) == (
        """Dear colleagues,

NOTICE OF PUBLICATION: TAMESIDE SAFEGUARDING CHILDREN PARTNERSHIP

  Our reference:           TSCP-2026-0001
  Planned publication:     Thursday 1 July 2027
  Report sent to you by:   Tuesday 22 June 2027

On behalf of the Tameside safeguarding partners, we are writing to tell
the Child Safeguarding Practice Review Panel, the Secretary of State for
Education and Ofsted that we plan to publish the report of the local
child safeguarding practice review for this case (or, if the full report
is not published, the information about improvements to be made) on
Thursday 1 July 2027.

This notice is given 22 working days before publication; at least
7 working days are required.

THE REPORT IS NOT ATTACHED TO THIS EMAIL

The report (or the improvement information) is being sent to you
separately by a secure route. If you have not received it by
Tuesday 22 June 2027, please tell the Business Manager.

If you have any comments before publication, please send them to
TSCP Business Manager, at tscp.business.manager@tameside.gov.uk,
quoting TSCP-2026-0001.

Yours faithfully,

TSCP Business Manager
on behalf of the Tameside Safeguarding Children Partnership
"""
        + FOOTER
    )
    planned.at("2027-06-15T10:00").mail(BM, reply(REF), "Report sent: 15/06/2027")
    planned.run()
    assert "report sent on Tue 15 Jun 2027 recorded; 12 working days before publication" in (
        result_text(planned)
    )
    notice_clock = next(d for d in planned.case().deadlines if d.name == "publication_notice")
    assert notice_clock.state == "met" and planned.case().report_sent_on == date(2027, 6, 15)
    assert notice_clock.met_on == date(2027, 6, 15)  # the day the report was sent
    planned.at("2027-07-01T10:00").mail(BM, reply(REF), "Published: 01/07/2027")
    planned.run()
    assert "report_not_sent" not in [e.what for e in planned.case().events]


def test_published_without_report_sent_keeps_the_notice_open_and_asks_the_bm(planned: Bot) -> None:
    planned.at("2027-07-01T10:00").mail(BM, reply(REF), "Published: 01/07/2027")
    planned.run()
    assert (
        "the report is not recorded as sent to the National Panel, the Secretary of State and "
        "Ofsted, so the notice of publication stays open: reply Report sent: <date> once it "
        "has gone"
    ) in result_text(planned)
    notice_clock = next(d for d in planned.case().deadlines if d.name == "publication_notice")
    assert notice_clock.met_at is None
    assert (
        f"{REF}  report not sent\r\n      Published on Thu 1 Jul 2027 but no Report sent: is "
        "recorded"
    ) in digest_text(planned, "2027-07-02T08:30")
    planned.at("2027-07-02T10:00").mail(BM, reply(REF), "Report sent: 21/06/2027")
    planned.run()
    notice_clock = next(d for d in planned.case().deadlines if d.name == "publication_notice")
    assert notice_clock.state == "met"


def test_delay_notice_carries_only_the_reason_and_date_the_bm_wrote(
    make_app: AppFactory, tmp_path: Path
) -> None:
    b = Bot(make_app, tmp_path, "2026-12-16T09:00")
    b.mail("casey.invented@gmp.police.uk", "Serious Incident Notification - GM SIN form", "Form.")
    b.run()
    b.at("2026-12-16T11:00").mail(BM, reply(REF), "Decision: rapid review")
    b.at("2026-12-18T10:00").mail(BM, reply(REF), "Notified: 18/12/2026")
    b.run()
    assert b.due("rapid_review") == date(2027, 1, 13)
    b.at("2027-01-08T10:00").run()  # 3 working days before day 15: ask, draft nothing
    assert b.outbox("panel_delay_notice") == []
    [ask] = b.outbox("rapid_review_delay_check")
    assert ask.recipients == [BM]
    assert text(ask) == (
        """Dear TSCP Business Manager,

The Rapid Review for case TSCP-2026-0001 is due on Wednesday 13 January 2027,
15 working days after the notification was sent to the National Panel on
Friday 18 December 2026. It has not been recorded as submitted.

  Rapid Review meeting:  not recorded

If it will not be submitted by Wednesday 13 January 2027, the National Panel
must be told the reason for the delay and when the Rapid Review will be
submitted. Nothing has been drafted: the notice will say only what you
write. Reply to this email with the reason and the date:

  Delay: <reason>; expected <date>

and the notice will be drafted for your approval. If it will be on time,
reply Report submitted: <date> once it has been sent.
"""
        + FOOTER
    )
    b.at("2027-01-08T11:00").mail(
        BM, f"RE: {ask.subject}", "Delay: The coroner's report is awaited.; expected 12/02/2027"
    )
    b.run()
    [notice] = b.outbox("panel_delay_notice")
    assert notice.recipients == [PANEL] and notice.status == "draft"
    assert notice.subject == f"[{REF}] Rapid Review delayed: expected by Fri 12 Feb 2027"
    assert text(notice) == (
        """Dear Child Safeguarding Practice Review Panel,

RAPID REVIEW DELAY: TAMESIDE SAFEGUARDING CHILDREN PARTNERSHIP

  Our reference:             TSCP-2026-0001
  Notification sent to you:  Friday 18 December 2026
  Rapid Review due:          Wednesday 13 January 2027
  Expected submission:       Friday 12 February 2027

On behalf of the Tameside safeguarding partners, we are writing to tell
you that the Rapid Review for this case will not be completed within
15 working days of the notification being sent to the Panel.

REASON FOR THE DELAY

The coroner's report is awaited.

WHEN IT WILL BE SUBMITTED

We expect to send you the completed Rapid Review by Friday 12 February 2027.
If this date changes, we will tell you.

Please quote TSCP-2026-0001 in any reply. If you have any questions, please
contact TSCP Business Manager, at tscp.business.manager@tameside.gov.uk.

Yours faithfully,

TSCP Business Manager
on behalf of the Tameside Safeguarding Children Partnership
"""
        + FOOTER
    )
    b.at("2027-01-11T10:00").run()
    assert (
        len(b.outbox("rapid_review_delay_check")) == 1 and len(b.outbox("panel_delay_notice")) == 1
    )


def _notice_words(bot: Bot) -> str:
    [notice] = bot.outbox("publication_notice")
    return " ".join(text(notice).split())


def test_a_notice_approved_weeks_later_is_restated_and_held_for_new_approval(planned: Bot) -> None:
    draft = planned.outbox("publication_notice")[0].id
    assert "given 22 working days before publication" in _notice_words(planned)
    planned.at("2027-06-28T10:00").mail(BM, reply(REF), f"Approve {draft}")
    planned.run()
    # Sent as approved it would have claimed 22 working days of notice, 3 days out.
    [notice] = planned.outbox("publication_notice")
    assert notice.status == "draft"
    assert (
        f"email #{draft} not sent: it was written on Tue 1 Jun 2027; on Mon 28 Jun 2027 it "
        "gives 3 working days of notice, fewer than the 7 required. Its new words were sent to "
        f"you: read them, then approve it again (Approve {draft})"
    ) in " ".join(result_text(planned).split())
    words = _notice_words(planned)
    assert "given 3 working days before publication, fewer than the 7 working days" in words
    assert "Report sent to you by" not in words  # a date already past is not stated
    asked = planned.outbox("approval_request")[-1]
    assert asked.subject.startswith(f"Written again: approval needed (draft {draft})")
    assert "given 3 working days before publication" in " ".join(text(asked).split())
    assert "draft_restated" in [e.what for e in planned.case().events]
    planned.at("2027-06-28T11:00").mail(BM, reply(REF), f"Approve {draft}")
    planned.run()
    [notice] = planned.outbox("publication_notice")
    assert notice.status in ("pending", "sent")  # the words read are the words that go
    assert "given 3 working days before publication" in _notice_words(planned)


def test_a_notice_approved_the_day_it_was_written_goes_unchanged(planned: Bot) -> None:
    before = planned.outbox("publication_notice")[0]
    planned.at("2027-06-01T15:00").mail(BM, reply(REF), f"Approve {before.id}")
    planned.run()
    [after] = planned.outbox("publication_notice")
    # Word for word as approved; only its Date says when it went.
    assert after.status in ("pending", "sent")
    assert after.raw == with_date(before.raw, planned.clock.moment) != before.raw
    assert len(planned.outbox("approval_request")) == 1


def test_a_notice_approved_after_report_sent_says_when_it_was_sent(planned: Bot) -> None:
    draft = planned.outbox("publication_notice")[0].id
    planned.at("2027-06-15T10:00").mail(BM, reply(REF), "Report sent: 15/06/2027")
    planned.run()
    planned.at("2027-06-15T11:00").mail(BM, reply(REF), f"Approve {draft}")
    planned.run()
    assert "it says the report was sent on Tue 15 Jun 2027, 12 working days before" in " ".join(
        result_text(planned).split()
    )
    words = _notice_words(planned)
    assert "Report sent to you on: Tuesday 15 June 2027" in words
    assert "The report was sent to you 12 working days before publication" in words
    assert planned.outbox("publication_notice")[0].status == "draft"


def _notified_on_4_january(bot: Bot) -> None:
    """A Rapid Review decided on 17 December, the National Panel notified on 4 January: due
    Mon 25 Jan 2027."""
    bot.at("2026-12-17T09:00").mail(BM, reply(REF), "Decision: rapid review")
    bot.run()
    bot.at("2027-01-04T10:00").mail(BM, reply(REF), "Notified: 04/01/2027")
    bot.run()


def test_a_delay_expected_in_the_past_is_refused_and_nothing_is_drafted(bot: Bot) -> None:
    _notified_on_4_january(bot)
    bot.at("2027-01-21T11:00").mail(BM, reply(REF), "Delay: agencies late; expected 05/02/2026")
    bot.run()

    assert bot.outbox("panel_delay_notice") == []  # never "by Thursday 5 February 2026"
    told = " ".join(body_of(bot.outbox("command_result")[-1]).split())
    assert (
        "the expected date Thu 5 Feb 2026 is not after today (Thu 21 Jan 2027); check the year"
        in told
    )


def test_a_second_delay_withdraws_the_first_draft_so_only_one_can_go(bot: Bot) -> None:
    _notified_on_4_january(bot)
    bot.at("2027-01-21T11:00").mail(BM, reply(REF), "Delay: agencies late; expected 05/02/2027")
    bot.run()
    bot.at("2027-01-22T11:00").mail(BM, reply(REF), "Delay: agencies late; expected 12/02/2027")
    bot.run()

    first, second = bot.outbox("panel_delay_notice")
    assert (first.status, second.status) == ("superseded", "draft")
    told = " ".join(body_of(bot.outbox("command_result")[-1]).split())
    assert f"delay notice drafted for your approval; draft #{first.id} withdrawn, replaced by " in (
        told
    )
    bot.at("2027-01-22T12:00").mail(BM, reply(REF), f"Approve {first.id}")
    bot.run()
    refused = " ".join(body_of(bot.outbox("command_result")[-1]).split())
    assert f"email #{first.id} was withdrawn: a newer draft of it replaced it" in refused
    assert [r.status for r in bot.outbox("panel_delay_notice")] == ["superseded", "draft"]


def _reviewer_appointed(bot: Bot) -> None:
    """A CSPR decided on 5 January 2027 after the Rapid Review, its reviewer named: the notice
    to the National Panel, Ofsted and DfE waits as a draft."""
    bot.at("2026-12-17T09:00").mail(BM, reply(REF), "Decision: rapid review")
    bot.run()
    bot.at("2027-01-04T10:00").mail(
        BM, reply(REF), "Notified: 18/12/2026\nReport submitted: 04/01/2027"
    )
    bot.run()
    bot.at("2027-01-08T10:00").mail(BM, reply(REF), "CSPR: yes 05/01/2027\nReviewer: Alex Invented")
    bot.run()


def build_reviewer_appointed(make_app: AppFactory, tmp_path: Path) -> Bot:
    b = build_bot(make_app, tmp_path)
    _reviewer_appointed(b)
    return b


@pytest.fixture
def appointed(
    make_app: AppFactory, tmp_path: Path, migrated_database_url: str, scenarios: Scenarios
) -> Bot:
    """The `bot` case after _reviewer_appointed, replayed once per backend and process and
    copied for each test (tests/fixtures/scenarios.py): three tests replayed its three passes."""
    return copied(
        "reviewer_appointed",
        build_reviewer_appointed,
        make_app,
        tmp_path,
        migrated_database_url,
        scenarios,
    )


def test_a_second_reviewer_withdraws_the_first_notice(appointed: Bot) -> None:
    appointed.at("2027-01-08T11:00").mail(BM, reply(REF), "Reviewer: Bo Other")
    appointed.run()
    first, second = appointed.outbox("reviewer_notice")
    assert (first.status, second.status) == ("superseded", "draft")
    assert "Bo Other" in body_of(second)


def test_words_for_outside_bodies_that_name_the_child_are_refused(
    make_app: AppFactory, tmp_path: Path
) -> None:
    fresh = Bot(make_app, tmp_path, "2026-12-23T09:00")
    send_sin(fresh, tuple(SIN_CHILD), tuple(SIN_INCIDENT))
    fresh.at("2026-12-23T11:00").mail(
        BM, reply(REF), "Decision: rapid review\nNotified: 23/12/2026"
    )
    fresh.run()
    fresh.at("2026-12-23T12:00").mail(
        BM, reply(REF), "Agencies: gmp\nReview period: Quinn's birth (03/04/2020) to 15/12/2026"
    )
    fresh.run()
    assert fresh.outbox("appendix_b_request") == []
    told = " ".join(body_of(fresh.outbox("command_result")[-1]).split())
    assert "the review period gives the child's name, and it goes outside the partnership" in told

    fresh.at("2027-01-08T12:00").mail(
        BM, reply(REF), "Delay: Quinn Invented's mother is in hospital; expected 05/02/2027"
    )
    fresh.run()
    assert fresh.outbox("panel_delay_notice") == []


def build_delay_drafted(make_app: AppFactory, tmp_path: Path) -> Bot:
    """The `bot` case notified on 4 January, its delay notice drafted on Thu 21 Jan 2027."""
    b = build_bot(make_app, tmp_path)
    _notified_on_4_january(b)
    b.at("2027-01-21T11:00").mail(BM, reply(REF), "Delay: agencies late; expected 05/02/2027")
    b.run()
    return b


@pytest.fixture
def delay_drafted(
    make_app: AppFactory, tmp_path: Path, migrated_database_url: str, scenarios: Scenarios
) -> Bot:
    """build_delay_drafted, replayed once per backend and process and copied for each test
    (tests/fixtures/scenarios.py): five tests replayed its three passes each."""
    return copied(
        "delay_drafted", build_delay_drafted, make_app, tmp_path, migrated_database_url, scenarios
    )


def _delay_drafted(bot: Bot) -> OutboxMessage:
    """The draft `delay_drafted` holds."""
    [draft] = bot.outbox("panel_delay_notice")
    return draft


@pytest.mark.parametrize(
    ("meanwhile", "when", "why"),
    [
        (
            "Correct Notified: 06/01/2027 because the log says the 6th",
            "2027-01-21T12:00",
            "it says the National Panel was notified on Mon 4 Jan 2027 and the Rapid Review is "
            "due Mon 25 Jan 2027, but the case has changed since",
        ),
        (
            "Meeting held: 21/01/2027\nReport submitted: 22/01/2027",
            "2027-01-22T12:00",
            "the Rapid Review is recorded as submitted on Fri 22 Jan 2027",
        ),
        ("Close: opened in error", "2027-01-21T12:00", f"{REF} is closed"),
        (None, "2027-02-10T10:00", "the date it gives (Fri 5 Feb 2027) has passed"),
    ],
)
def test_a_delay_notice_that_is_no_longer_true_is_not_sent_when_approved(
    delay_drafted: Bot, meanwhile: str | None, when: str, why: str
) -> None:
    draft = _delay_drafted(delay_drafted)
    if meanwhile is not None:
        delay_drafted.at(when).mail(BM, reply(REF), meanwhile)
        delay_drafted.run()
    delay_drafted.at(when).mail(BM, reply(REF), f"Approve {draft.id}")
    delay_drafted.run()

    [row] = delay_drafted.outbox("panel_delay_notice")
    assert row.status == "draft"  # never sent to the National Panel
    told = " ".join(body_of(delay_drafted.outbox("command_result")[-1]).split())
    assert f"email #{draft.id} not sent: {why}" in told


def test_a_reviewer_notice_is_not_sent_after_the_cspr_decision_was_corrected(
    appointed: Bot,
) -> None:
    appointed.at("2027-01-08T10:30").mail(
        BM, reply(REF), "Correct CSPR: 07/01/2027 because the minutes say the 7th"
    )
    appointed.run()
    [draft] = appointed.outbox("reviewer_notice")
    appointed.at("2027-01-08T11:00").mail(BM, reply(REF), f"Approve {draft.id}")
    appointed.run()

    [row] = appointed.outbox("reviewer_notice")
    assert row.status == "draft"  # never "Decision made: Tuesday 5 January 2027"
    told = " ".join(body_of(appointed.outbox("command_result")[-1]).split())
    assert (
        f"email #{draft.id} not sent: it says the CSPR was decided on Tue 5 Jan 2027 with the "
        "report due"
    ) in told


def _delayed_then_published(cspr: Bot, first: str) -> OutboxMessage:
    cspr.at("2027-06-01T10:00").mail(BM, reply(REF), first)
    cspr.run()
    [draft] = cspr.outbox("publication_delay_notice")
    cspr.at("2027-06-02T10:00").mail(BM, reply(REF), "Published: 02/06/2027")
    cspr.run()
    return draft


@pytest.mark.parametrize(
    "first", ["Publication delayed: criminal trial", "Not publishing: the family would be known"]
)
def test_a_publication_delay_notice_is_not_sent_once_the_report_is_published(
    cspr: Bot, first: str
) -> None:
    draft = _delayed_then_published(cspr, first)
    cspr.at("2027-06-02T11:00").mail(BM, reply(REF), f"Approve {draft.id}")
    cspr.run()

    [row] = cspr.outbox("publication_delay_notice")
    assert row.status == "draft"  # the Panel is never told a published report was held back
    assert (
        f"email #{draft.id} not sent: the report is recorded as published on Wed 2 Jun 2027"
    ) in " ".join(result_text(cspr).split())


def test_publication_delayed_after_publication_is_refused(cspr: Bot) -> None:
    cspr.at("2027-06-02T10:00").mail(BM, reply(REF), "Published: 02/06/2027")
    cspr.run()
    cspr.at("2027-06-03T10:00").mail(BM, reply(REF), "Publication delayed: the trial")
    cspr.run()
    assert cspr.outbox("publication_delay_notice") == []
    assert "the report is recorded as published on Wed 2 Jun 2027" in " ".join(
        result_text(cspr).split()
    )


def test_not_publishing_withdraws_an_earlier_publication_delay_draft(cspr: Bot) -> None:
    cspr.at("2027-06-01T10:00").mail(BM, reply(REF), "Publication delayed: the trial")
    cspr.run()
    cspr.at("2027-06-08T10:00").mail(BM, reply(REF), "Not publishing: the family would be known")
    cspr.run()
    first, second = cspr.outbox("publication_delay_notice")
    assert (first.status, second.status) == ("superseded", "draft")
    assert f"draft #{first.id} withdrawn, replaced by #{second.id}" in result_text(cspr)


@pytest.mark.parametrize(
    ("line", "what", "field"),
    [
        ("Report submitted: 07/01/2026", "the Rapid Review report submission", "rr_report_on"),
        ("Report submitted: 07/01/2027\nCSPR: yes 07/01/2026", "the CSPR decision", "cspr"),
        ("Meeting held: 06/01/2026", "the Rapid Review meeting", "rr_meeting_on"),
    ],
)
def test_a_review_event_dated_before_the_case_began_is_refused_as_a_mistyped_year(
    bot: Bot, line: str, what: str, field: str
) -> None:
    bot.at("2026-12-16T11:00").mail(BM, reply(REF), "Decision: rapid review")
    bot.at("2026-12-18T10:00").mail(BM, reply(REF), "Notified: 18/12/2026")
    bot.run()
    bot.at("2027-01-07T10:00").mail(BM, reply(REF), line)
    bot.run()

    case = bot.case()
    assert getattr(case, field) is None  # no clock met or started a year early
    assert "cspr_report" not in [d.name for d in case.deadlines]
    told = " ".join(result_text(bot).split())
    assert "is before the case began (" in told and f"the day of {what}; check the year" in told


def test_closing_a_case_that_still_owes_its_cspr_report_is_flagged(cspr: Bot) -> None:
    cspr.at("2027-02-01T10:00").mail(BM, reply(REF), "Close: family moved away")
    cspr.run()
    said = (
        "the CSPR report (decided Thu 7 Jan 2027, due Wed 7 Jul 2027) is not recorded as "
        "published or sent to the National Panel"
    )
    assert f"case closed; note that {said}" in " ".join(result_text(cspr).split())
    digest = " ".join(digest_text(cspr, "2027-02-02T08:30").split())
    attention = digest.split("NEEDS YOUR ATTENTION")[1].split("AWAITING YOUR APPROVAL")[0]
    assert REF in attention and said in attention


def test_cspr_no_after_yes_stops_the_report_clock_and_yes_again_restarts_it(cspr: Bot) -> None:
    def clock_state() -> str:
        return next(d.state for d in cspr.case().deadlines if d.name == "cspr_report")

    cspr.at("2027-01-08T10:00").mail(BM, reply(REF), "CSPR: no because the Panel advised against")
    cspr.run()
    assert clock_state() == "not_required"  # no reminders for a report nobody will write
    assert "the 6-month report clock is stopped" in result_text(cspr)
    cspr.at("2027-01-11T10:00").mail(BM, reply(REF), "CSPR: yes 11/01/2027")
    cspr.run()
    assert clock_state() == "open" and cspr.due("cspr_report") == date(2027, 7, 9)  # 11th: Sun


def test_correcting_the_cspr_decision_after_the_reviewer_notice_went_says_to_tell_them(
    appointed: Bot,
) -> None:
    [notice] = appointed.outbox("reviewer_notice")
    appointed.at("2027-01-08T10:30").mail(BM, reply(REF), f"Approve {notice.id}")
    appointed.run()
    appointed.at("2027-01-12T10:00").mail(
        BM, reply(REF), "Correct CSPR: 07/01/2027 because the minutes say the 7th"
    )
    appointed.run()

    said = (
        f"the independent reviewer notice already sent (#{notice.id}) gave the CSPR decision as "
        "Tue 5 Jan 2027 and the report as due Mon 5 Jul 2027: tell its recipients the decision "
        "was made on Thu 7 Jan 2027 and the report is now due Wed 7 Jul 2027"
    )
    answer = " ".join(result_text(appointed).split())
    assert said in answer
    assert (
        "the CSPR report is now due Wed 7 Jul 2027, later than the Mon 5 Jul 2027 counted before"
    ) in answer
    digest = " ".join(digest_text(appointed, "2027-01-13T08:30").split())
    assert said[1:] in digest.split("NEEDS YOUR ATTENTION")[1]


def test_correcting_the_notification_after_the_delay_notice_went_says_to_tell_them(
    delay_drafted: Bot,
) -> None:
    draft = _delay_drafted(delay_drafted)
    delay_drafted.at("2027-01-21T11:30").mail(BM, reply(REF), f"Approve {draft.id}")
    delay_drafted.run()
    delay_drafted.at("2027-01-22T10:00").mail(
        BM, reply(REF), "Correct Notified: 06/01/2027 because the log says the 6th"
    )
    delay_drafted.run()
    assert (
        f"already sent (#{draft.id}) gave the old date of the National Panel notification: "
        "tell its recipients of the correction"
    ) in " ".join(result_text(delay_drafted).split())


def test_an_aware_reason_that_names_the_child_is_kept_for_the_business_manager_only(
    make_app: AppFactory, tmp_path: Path
) -> None:
    fresh = Bot(make_app, tmp_path, "2026-12-23T09:00")
    send_sin(fresh, tuple(SIN_CHILD), tuple(SIN_INCIDENT))
    reason = "Quinn Invented's grandmother only told the social worker then"
    fresh.at("2026-12-23T10:00").mail(BM, reply(REF), f"Aware: 22/12/2026 because {reason}")
    fresh.run()
    # Recorded, not refused: the clock's explanation, which the reminders print, gives fixed
    # words for it, and the case record keeps it for the Business Manager.
    assert fresh.due("panel_notification") == date(2026, 12, 31)
    assert "local authority aware Tue 22 Dec 2026" in " ".join(result_text(fresh).split())
    with fresh.app.sessions() as s:
        detail = case_detail(s, s.scalars(select(Case)).one(), date(2026, 12, 23), {})
    [clock] = [d for d in detail["deadlines"] if d["name"] == "panel_notification"]
    assert "Quinn" not in clock["explanation"]
    assert "(the reason is kept in the case record)" in clock["explanation"]
    assert [e for e in detail["events"] if reason in (e["why"] or "")]


def test_last_years_awareness_date_on_a_january_form_does_not_start_the_clock(
    make_app: AppFactory, tmp_path: Path
) -> None:
    # Mon 4 Jan 2027, "aware 04/01/2026": a mistyped year, set aside for panel_notification
    # (bot.core.awareness); this clock must not run from it either, a year overdue at once.
    bot = Bot(make_app, tmp_path, "2027-01-04T09:00")
    child = with_rows(tuple(SIN_CHILD), **{"Legal status": "Looked after child"})
    slipped = with_rows(
        DIED, **{"Date of incident": "", "Date the local authority became aware": "04/01/2026"}
    )
    send_sin(bot, child, slipped)
    clock = next(d for d in bot.case("TSCP-2027-0001").deadlines if d.name == CLOCK)
    assert (clock.start, clock.due) == (date(2027, 1, 4), date(2027, 1, 11))
    assert clock.assumption is not None and "may be earlier" in clock.assumption

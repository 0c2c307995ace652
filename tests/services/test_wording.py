"""What the bot's emails say, read from the outbox after driving real cases through the inbox.

Each test checks the sentences a reader acts on: what the acknowledgement promises (and that
the promise is kept), whom an escalation is addressed to and how late it says the deadline is,
whether an alert claims an acknowledgement that never went. Every email written along the way
is also checked for stray subject spaces, "1 agencies" and days that should be working days.
"""

from __future__ import annotations

import email
from datetime import date, datetime
from email import policy
from pathlib import Path

import pytest

from bot.adapters.db.models import OutboxMessage
from tests.fixtures.app import AppFactory
from tests.fixtures.forms_docx import SIN_INCIDENT, sin_docx
from tests.fixtures.mail import FIXED_BOUNDARY, LONDON, drop_into_maildir
from tests.fixtures.mail import email as make_email
from tests.fixtures.scenarios import Scenarios
from tests.services.conftest import copied
from tests.services.test_lifecycle import (
    BM,
    HEALTH,
    LA,
    POLICE,
    SCRUTINEER,
    Bot,
    body_of,
    delivered,
    reply,
)
from tests.wording_lint import subject_faults, text_faults

REF = "TSCP-2026-0001"
REFERRER = "robin.example@gmp.police.uk"


def flat(text: str) -> str:
    return " ".join(text.split())


def assert_every_email_is_clean(bot: Bot) -> None:
    rows = bot.outbox()
    assert rows
    for row in rows:
        msg = email.message_from_bytes(row.raw, policy=policy.default)
        assert str(msg["Subject"]) == row.subject, row.event  # as a mail client shows it
        assert subject_faults(str(msg["Subject"])) == [], row.event
        for part in msg.walk():
            if part.get_content_maintype() == "text" and part.get_content_subtype() != "calendar":
                assert text_faults(str(part.get_content())) == [], row.event


def one(bot: Bot, event: str) -> OutboxMessage:
    [row] = bot.outbox(event)
    return row


def build_form_bot(make_app: AppFactory, tmp_path: Path) -> Bot:
    """A SIN whose form gives the child's initials but not when the LA became aware."""
    b = Bot(make_app, tmp_path, "2026-12-16T09:00")
    no_aware = tuple(r for r in SIN_INCIDENT if "became aware" not in r[0])
    raw = make_email(
        "GM SIN form attached",
        "Please find the notification form attached.",
        sender=REFERRER,
        message_id="<sin-form@gmp.police.uk>",
        attachment=("SIN form.docx", sin_docx(incident=no_aware)),
        boundary=FIXED_BOUNDARY,
    )
    drop_into_maildir(tmp_path / "inbox", delivered(raw, REFERRER))
    b.run()
    return b


@pytest.fixture
def form_bot(
    make_app: AppFactory, tmp_path: Path, migrated_database_url: str, scenarios: Scenarios
) -> Bot:
    """build_form_bot, replayed once per backend and process, and copied
    (tests/fixtures/scenarios.py)."""
    return copied("form_bot", build_form_bot, make_app, tmp_path, migrated_database_url, scenarios)


def test_acknowledgement_promises_only_what_holds(form_bot: Bot) -> None:
    ack = one(form_bot, "sin_acknowledgement")
    assert ack.recipients == [REFERRER]
    text = flat(body_of(ack))
    assert (
        "If the incident meets the criteria for notification, the local authority must notify "
        "the Child Safeguarding Practice Review Panel within 5 working days of becoming aware "
        "of it."
    ) in text
    assert (
        "We will email you its decision on the review, giving only the reference and the "
        "child's initials."
    ) in text
    assert "You will be told the outcome" not in text
    # Missing facts: asked for on a corrected form by a secure route, never typed into a reply.
    assert "  - date the local authority became aware" in body_of(ack)  # the form's words
    assert "la aware date" not in text and "la_aware_date" not in text
    assert (
        "Please do not type these details into an email, and do not send them in a reply to "
        "this message. Add them to a corrected notification form and send the form by a "
        f"secure route, quoting {REF}"
    ) in text
    assert "by replying to this email" not in text


def test_invitation_says_it_carries_initials_and_what_the_panel_decides(form_bot: Bot) -> None:
    text = flat(body_of(one(form_bot, "screening_invitation")))
    assert "(child's initials: Q.Z.I.)" in text
    assert (
        "This email deliberately carries only the child's initials, and no other details of "
        "the child or family."
    ) in text
    assert "contains no details of the child" not in text
    assert (
        "which will decide whether the incident meets the criteria for notification to the "
        "National Panel, and whether the case needs a Rapid Review."
    ) in text


def test_referrer_is_told_each_real_decision_and_nothing_more(form_bot: Bot) -> None:
    form_bot.at("2026-12-16T11:00").mail(POLICE, reply(REF), "Vote: rapid review")
    form_bot.mail(HEALTH, reply(REF), "Vote: rapid review")
    form_bot.run()
    ack = one(form_bot, "sin_acknowledgement")
    [first] = form_bot.outbox("referrer_outcome")
    assert first.recipients == [REFERRER]
    assert first.subject == f"[{REF}] Outcome of your serious incident notification"
    text = flat(body_of(first))
    assert f"logged as {REF} (child's initials: Q.Z.I.)" in text
    assert "Its decision: Rapid Review The safeguarding partners will carry out a Rapid Review" in (
        text
    )
    # The decision only: not the votes, who gave them, or anything else about the child.
    for detail in ("Police", "Health", "2 of 3", "majority", POLICE, HEALTH, "Quinn"):
        assert detail not in text
    msg = email.message_from_bytes(first.raw, policy=policy.default)
    assert msg["In-Reply-To"] == f"<{ack.message_id}>"

    # The majority changes: one more email, saying so.
    form_bot.at("2026-12-17T09:00").mail(POLICE, reply(REF), "Vote: no further action")
    form_bot.mail(HEALTH, reply(REF), "Vote: no further action")
    form_bot.run()
    # The same decision again (a third vote, the Business Manager recording it): no email.
    form_bot.at("2026-12-17T10:00").mail(LA, reply(REF), "Vote: no further action")
    form_bot.mail(BM, reply(REF), "Decision: no further action")
    form_bot.run()
    told = form_bot.outbox("referrer_outcome")
    assert len(told) == 2
    changed = flat(body_of(told[1]))
    assert "The Screening Panel's decision has changed since we last wrote to you." in changed
    assert "Its decision is now: No further action No further review is needed" in changed
    assert_every_email_is_clean(form_bot)


def test_no_outcome_email_when_the_referrer_was_never_acknowledged(
    make_app: AppFactory, tmp_path: Path
) -> None:
    b = Bot(make_app, tmp_path, "2026-12-16T09:00")
    b.mail(  # a notification relayed from a no-reply mailbox: nobody to answer
        "no-reply@gmp.police.uk",
        "Serious Incident Notification - GM SIN form",
        "Please find the GM SIN form for the Screening Panel.",
    )
    b.run()
    assert b.outbox("sin_acknowledgement") == []
    b.at("2026-12-16T11:00").mail(BM, reply(REF), "Decision: rapid review")
    b.run()
    assert b.case().decision == "rapid_review" and b.outbox("referrer_outcome") == []


def escalation(bot: Bot, deadline: str) -> OutboxMessage:
    [row] = [r for r in bot.outbox("deadline_escalation") if f":{deadline}:" in r.idempotency_key]
    return row


def test_late_escalations_say_how_late_and_whom_they_address(bot: Bot) -> None:
    bot.at("2026-12-17T09:00").mail(BM, reply(REF), "Decision: rapid review\nNotified: 17/12/2026")
    bot.run()
    bot.at("2026-12-17T09:30").mail(BM, reply(REF), "Agencies: gmp\nReturn by: 24/12/2026")
    bot.run()
    result = flat(body_of(bot.outbox("command_result")[-1]))
    assert "Appendix B requested from 1 agency, return by Thu 24 Dec 2026" in result
    # The daemon was down for weeks: each escalation gives the real lateness, not its step.
    bot.at("2027-02-10T10:00").run()

    agency = escalation(bot, "appendix_b:gmp")
    assert (agency.recipients, agency.subject) == (
        [POLICE, BM],
        f"[{REF}] Escalation: Appendix B return 31 working days overdue",
    )
    text = flat(body_of(agency))
    assert (
        "We are writing to you as the safeguarding lead for Greater Manchester Police, because "
        "a deadline for case TSCP-2026-0001 has been missed. The Business Manager is copied in."
    ) in text
    assert "Overdue by: 31 working days" in text

    own = escalation(bot, "rapid_review")
    assert (own.recipients, own.subject) == (
        [BM, SCRUTINEER],
        f"[{REF}] Escalation: Rapid Review 21 working days overdue",
    )
    text = flat(body_of(own))
    assert text.startswith("Dear TSCP Business Manager, A deadline for case TSCP-2026-0001")
    assert "so it is escalated to you. The Independent Scrutineer is copied in." in text
    assert "safeguarding lead" not in text and "Business Manager is copied" not in text
    assert "CONTACT" not in text  # no "contact the Business Manager" to the Business Manager
    assert_every_email_is_clean(bot)


def test_an_escalation_to_the_only_contact_on_record_does_not_call_it_a_lead(bot: Bot) -> None:
    # The schools have a contact and no safeguarding lead above it: the escalation goes to
    # the same address as the reminders, and must not pretend it is going higher.
    bot.at("2026-12-17T09:00").mail(BM, reply(REF), "Decision: rapid review\nNotified: 17/12/2026")
    bot.run()
    bot.at("2026-12-17T09:30").mail(BM, reply(REF), "Agencies: schools\nReturn by: 24/12/2026")
    bot.run()
    bot.at("2027-02-10T10:00").run()
    row = escalation(bot, "appendix_b:schools")
    contact = "education.safeguarding@tameside.gov.uk"
    assert row.recipients == [contact, BM]
    text = flat(body_of(row))
    assert "as the safeguarding lead" not in text and "copied in" not in text
    assert (
        "No safeguarding lead above this address is on record for Tameside schools, so the "
        "Business Manager is copied and will follow it up with you."
    ) in text
    assert_every_email_is_clean(bot)


def test_everyday_chasing_is_addressed_right_and_worded_cleanly(bot: Bot) -> None:
    days = [f"2026-12-{d}" for d in (17, 18, 21, 22, 23, 24, 29, 30, 31)]
    for day in [*days, "2027-01-04", "2027-01-05"]:
        bot.at(f"{day}T10:00").run()
    la = escalation(bot, "panel_notification")
    assert sorted(la.recipients) == sorted([LA, BM, SCRUTINEER])
    assert la.subject == f"[{REF}] Escalation: National Panel notification 4 working days overdue"
    text = flat(body_of(la))
    assert (
        "We are writing to the local authority's safeguarding lead and to the Business Manager, "
        "because a deadline for case TSCP-2026-0001 has been missed. The Independent "
        "Scrutineer is copied in."
    ) in text
    screening = escalation(bot, "screening_meeting")
    assert flat(body_of(screening)).startswith("Dear TSCP Business Manager,")
    digest = flat(body_of(bot.outbox("daily_digest")[-1]))
    # Changed for issue 13: overdue deadlines lead under "Act now", said in words.
    assert f"{REF} OVERDUE by 9 working days (was due Fri 18 Dec 2026) Screening Panel meets" in (
        digest
    )
    assert (
        f"{REF} OVERDUE by 6 working days (was due Wed 23 Dec 2026) Local authority notifies"
        in (digest)
    )
    assert_every_email_is_clean(bot)


def test_escalation_alert_says_whether_the_sender_was_acknowledged(bot: Bot) -> None:
    bot.at("2026-12-17T10:00").mail(
        "no-reply@tameside.gov.uk",
        f"Escalation: challenge to the screening decision for {REF}",
        "We wish to challenge the decision under the resolving professional differences policy.",
        auth=False,
    )
    bot.run()
    assert bot.outbox("escalation_acknowledgement") == []
    text = flat(body_of(one(bot, "escalation_alert")))
    assert "NO ACKNOWLEDGEMENT HAS BEEN SENT to the sender" in text
    assert "please acknowledge it yourself" in text
    assert "The sender has been sent an acknowledgement" not in text

    bot.at("2026-12-17T11:00").mail(
        "sam.invented@tameside.gov.uk",
        f"Escalation: challenge to the screening decision for {REF}",
        "We wish to challenge the decision under the resolving professional differences policy.",
    )
    bot.run()
    answered = flat(body_of(bot.outbox("escalation_alert")[-1]))
    assert "The sender has been sent an acknowledgement" in answered
    assert "NO ACKNOWLEDGEMENT" not in answered


def test_a_date_on_a_closed_day_is_named_and_never_chased_as_due_today(bot: Bot) -> None:
    bot.at("2026-12-17T09:00").mail(BM, reply(REF), "Decision: rapid review\nNotified: 17/12/2026")
    bot.run()
    bot.at("2026-12-17T09:30").mail(BM, reply(REF), "Agencies: gmp\nReturn by: 26/12/2026")
    bot.run()
    result = flat(body_of(bot.outbox("command_result")[-1]))
    assert "return by Sat 26 Dec 2026 (Saturday: not a working day)" in result
    bot.mail(BM, reply(REF), "Action: audit the pathway; owner: icb; due: 28/12/2026")
    bot.run()
    result = flat(body_of(bot.outbox("command_result")[-1]))
    assert "due Mon 28 Dec 2026 (Boxing Day (substitute day): not a working day)" in result

    bot.at("2026-12-24T10:00").run()  # Thursday: the last working day before the Saturday
    reminders = bot.outbox("deadline_reminder")
    [chased] = [r for r in reminders if ":appendix_b:gmp:" in r.idempotency_key]
    # Nobody is at work between today and the Saturday: it is for today, never "not yet due".
    assert chased.subject == (
        f"[{REF}] Reminder: Appendix B return due Sat 26 Dec 2026 (council closed): act today"
    )
    text = flat(body_of(chased))
    assert (
        "Status: due Sat 26 Dec 2026, while the council is closed (Fri 25 Dec 2026 to "
        "Mon 28 Dec 2026): act today" in text
    )
    assert "not yet due" not in text and "due today" not in text.lower()
    assert_every_email_is_clean(bot)


def test_a_return_due_at_the_weekend_is_for_friday_and_no_council_closure(bot: Bot) -> None:
    """A return due on Saturday 19 December, no bank holiday near: on the Friday the agency is
    told to act today because of the weekend, never that the council is closed."""
    bot.at("2026-12-17T09:00").mail(BM, reply(REF), "Decision: rapid review\nNotified: 17/12/2026")
    bot.run()
    bot.at("2026-12-17T09:30").mail(BM, reply(REF), "Agencies: gmp\nReturn by: 19/12/2026")
    bot.run()
    bot.at("2026-12-18T10:00").run()
    chased = [
        r for r in bot.outbox("deadline_reminder") if ":appendix_b:gmp:" in r.idempotency_key
    ][-1]
    assert chased.created_at.astimezone(LONDON).date() == date(2026, 12, 18)
    assert chased.subject == (
        f"[{REF}] Reminder: Appendix B return due Sat 19 Dec 2026 (weekend): act today"
    )
    text = flat(body_of(chased))
    assert (
        "Status: due Sat 19 Dec 2026, at the weekend (Sat 19 Dec 2026 to Sun 20 Dec 2026): "
        "act today" in text
    )
    assert "council is closed" not in text


def test_the_digest_and_status_subjects_count_a_weekend_as_their_lines_do(bot: Bot) -> None:
    """The same return due on Saturday 19 December: on the Friday the digest's line and the
    case view's say "at the weekend", and so do their subjects, never "due while closed"."""
    bot.at("2026-12-17T09:00").mail(BM, reply(REF), "Decision: rapid review\nNotified: 17/12/2026")
    bot.run()
    bot.at("2026-12-17T09:30").mail(BM, reply(REF), "Agencies: gmp\nReturn by: 19/12/2026")
    bot.run()
    bot.at("2026-12-18T08:30").run()
    [digest] = [r for r in bot.outbox("daily_digest") if "(Fri 18 Dec 2026)" in r.subject]
    assert "1 due at the weekend: act today" in digest.subject
    assert "ACT TODAY: due Sat 19 Dec 2026, at the weekend" in body_of(digest)
    # Its "At a glance" count too: a weekend is not a closure there either.
    assert "Due at the weekend        1  <- act today" in body_of(digest)
    assert "Due while closed" not in body_of(digest)
    bot.at("2026-12-18T09:00").mail(BM, f"Status {REF}", "")
    bot.run()
    [view] = bot.outbox("case_status")
    assert view.subject.endswith(", 1 due at the weekend: act today")
    assert "ACT TODAY: due Sat 19 Dec 2026, at the weekend" in body_of(view)
    assert "while closed" not in digest.subject + view.subject


def test_a_panel_booked_after_its_deadline_is_said_to_the_referrer_and_flagged(
    make_app: AppFactory, tmp_path: Path
) -> None:
    b = Bot(make_app, tmp_path, "2026-12-16T09:00")
    for n in range(6):  # two slots a day: the sixth panel cannot meet by Friday
        b.mail(
            f"referrer{n}@gmp.police.uk", f"Serious Incident Notification {n}", "Form to follow."
        )
    b.run()
    acks = {
        r.subject.split("]")[0] + "]": flat(body_of(r)) for r in b.outbox("sin_acknowledgement")
    }
    on_time, late = acks["[TSCP-2026-0001]"], acks["[TSCP-2026-0006]"]
    assert "after the 2 working days" not in on_time
    assert (
        "The panel is booked for Monday 21 December 2026, 10:00 to 11:00. That is after the 2 "
        "working days: no earlier time was free. The Business Manager has been told and will "
        "look for an earlier one."
    ) in late
    b.at("2026-12-17T08:30").run()
    digest = flat(body_of(b.outbox("daily_digest")[-1]))
    assert "TSCP-2026-0006 screening after deadline Screening Panel booked after the" in digest


def test_a_sin_read_after_its_panel_was_due_is_not_given_that_day_as_one_to_come(
    make_app: AppFactory, tmp_path: Path
) -> None:
    """A SIN that arrived on Monday, read on Thursday after an outage: its panel was due on
    Wednesday. No free slot was missed, and neither the referrer nor the panel is given
    Wednesday as a day still to come."""
    b = Bot(make_app, tmp_path, "2026-12-24T09:00")
    monday = datetime(2026, 12, 21, 10, 0, tzinfo=LONDON)
    b.mail(REFERRER, "Serious Incident Notification", "Form to follow.", arrived=monday)
    b.run()
    ack = flat(body_of(one(b, "sin_acknowledgement")))
    assert (
        "Those 2 working days ended on Wednesday 23 December 2026, before your notification was "
        "opened as a case here. We are sorry for the delay: the panel will meet as soon as it "
        "can, and the Business Manager has been told."
    ) in ack
    assert "no earlier time was free" not in ack
    key_dates = ack.split("KEY DATES")[1]
    assert key_dates.startswith(
        " Wed 23 Dec 2026 Screening Panel meets within 2 working days of the SIN form being "
        "received (this date has passed)"
    )
    assert "(this date has passed)" in flat(body_of(one(b, "screening_invitation")))
    [late] = [e for e in b.case().events if e.what == "screening_after_deadline"]
    assert late.detail.startswith(
        "Screening Panel booked after the 2-working-day deadline, which had passed on Wed 23 Dec "
        "2026 before the case was opened"
    )
    assert_every_email_is_clean(b)

"""A complaint from the public as it arrives: what the complainant is told, and what the
Business Manager is asked to look at.

Through the real ingest path: the acknowledgement never promises a day that has gone by.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.adapters.db.models import Case, StoredMessage
from bot.services.daily_digest import send_digest_if_due
from tests.fixtures.app import AppFactory
from tests.fixtures.mail import drop_into_maildir
from tests.services.test_lifecycle import BM, SCRUTINEER, Bot, body_of
from tests.services.test_suggested_commands import refusals

CORPUS = Path(__file__).resolve().parents[1] / "corpus"

PUBLIC = "pat.public@example.org"
COMPLAINT = "I wish to make a formal complaint about how my concerns were handled."


@pytest.fixture
def bot(make_app: AppFactory, tmp_path: Path) -> Bot:
    return Bot(make_app, tmp_path, "2026-12-01T10:00")


def digest(b: Bot, when: str) -> str:
    b.at(when)
    assert send_digest_if_due(b.app)
    return body_of(b.outbox("daily_digest")[-1])


def triage_section(text: str) -> str:
    return text.split("MESSAGES TO TRIAGE", 1)[1]


def test_a_complaint_read_after_its_response_was_due_is_acknowledged_without_a_date(
    bot: Bot,
) -> None:
    # It came on Tue 1 Dec 2026; the mailbox was not read until Mon 4 Jan 2027 (an outage).
    arrived = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    bot.at("2027-01-04T09:00").mail(PUBLIC, "Complaint", COMPLAINT, auth=False, arrived=arrived)
    bot.run()
    [ack] = bot.outbox("complaint_acknowledgement")
    text = body_of(ack)
    assert "We received your complaint on Tuesday 1 December 2026" in text
    assert "written response by" not in text and text.count("December 2026") == 1
    assert "sorry" in text and "as soon as possible" in text
    reason = triage_section(digest(bot, "2027-01-05T08:05"))
    assert "already overdue" in reason and "TSCP-2026-0001" in reason
    assert any(e.what == "complaint_overdue_on_arrival" for e in bot.case().events)


def test_a_complaint_read_on_the_day_it_is_due_is_not_promised_that_day(bot: Bot) -> None:
    # 20 working days after Tue 1 Dec 2026 (25 and 28 Dec, 1 Jan off) is Thu 31 Dec 2026.
    arrived = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    bot.at("2026-12-31T09:00").mail(PUBLIC, "Complaint", COMPLAINT, auth=False, arrived=arrived)
    bot.run()
    text = body_of(bot.outbox("complaint_acknowledgement")[0])
    assert "31 December" not in text and "as soon as possible" in text


def test_a_complaint_read_in_time_is_given_its_date_and_not_flagged(bot: Bot) -> None:
    bot.mail(PUBLIC, "Complaint", COMPLAINT, auth=False)
    bot.run()
    text = body_of(bot.outbox("complaint_acknowledgement")[0])
    assert "We will send you a written response by Thursday 31 December 2026." in text
    assert "sorry" not in text
    assert "already overdue" not in triage_section(digest(bot, "2026-12-02T08:05"))


def test_an_outlook_forward_whose_fw_was_typed_over_is_a_forward_not_the_forwarders_complaint(
    bot: Bot,
) -> None:
    # Customer services pass on Pat's complaint of Fri 20 Nov under a subject of their own.
    body = (
        "Hi, passing this on to you as it is for the partnership.\n\n"
        "-----Original Message-----\n"
        f"From: Pat Public <{PUBLIC}>\n"
        "Sent: 20 November 2026 14:02\n"
        "To: Customer Services\n"
        "Subject: complaint\n\n"
        f"{COMPLAINT}\n"
    )
    bot.mail("customer.services@example-council.org", "Complaint for TSCP", body, auth=False)
    bot.run()
    # Customer services are not told "We received your complaint", with the Ombudsman's details.
    assert bot.outbox("complaint_acknowledgement") == []
    case = bot.case("TSCP-2026-0001")
    assert (case.kind, case.sin_received_on) == ("complaint", date(2026, 11, 20))
    reason = triage_section(digest(bot, "2026-12-02T08:05"))
    assert "forwarded complaint: the clock runs from when the complainant first wrote" in reason


def test_a_forwarded_complaint_is_not_acknowledged_and_counts_from_when_it_was_sent(
    bot: Bot,
) -> None:
    # The Business Manager forwards on Mon 11 Jan 2027 a complaint sent to her on 14 December.
    raw = (CORPUS / "complaint-forwarded-by-business-manager-sent-earlier.eml").read_bytes()
    arrived = datetime(2027, 1, 11, 9, 0, tzinfo=UTC)
    drop_into_maildir(bot.tmp_path / "inbox", raw, arrived=arrived)
    bot.at("2027-01-11T09:30").run()
    assert bot.outbox("complaint_acknowledgement") == []
    case = bot.case("TSCP-2026-0001")
    assert case.kind == "complaint"
    # 20 working days after Mon 14 Dec 2026 (25 and 28 Dec, 1 Jan off): Thu 14 Jan 2027.
    clock = next(d for d in case.deadlines if d.name == "complaint_response")
    assert clock.due == date(2027, 1, 14)
    assert "the forwarded email says the complainant sent it" in (clock.assumption or "")
    reason = triage_section(digest(bot, "2027-01-12T08:05"))
    assert "forwarded complaint: the clock runs from when the complainant first wrote" in reason
    assert "answer the complainant directly" in reason
    assert "Correct Received: <date> because <reason>" in reason.replace("\n", " ")


def test_a_complaint_forwarded_by_thunderbird_counts_from_its_date_above_its_from(
    bot: Bot,
) -> None:
    # Thunderbird quotes Subject, Date, From, To: the same complaint, sent Mon 14 Dec 2026.
    raw = (CORPUS / "complaint-forwarded-by-thunderbird-date-above-from.eml").read_bytes()
    drop_into_maildir(bot.tmp_path / "inbox", raw, arrived=datetime(2027, 1, 11, 9, 0, tzinfo=UTC))
    bot.at("2027-01-11T09:30").run()
    case = bot.case("TSCP-2026-0001")
    assert (case.kind, case.sin_received_on) == ("complaint", date(2026, 12, 14))
    clock = next(d for d in case.deadlines if d.name == "complaint_response")
    assert clock.due == date(2027, 1, 14)
    assert "the forwarded email says the complainant sent it" in (clock.assumption or "")


def test_a_complaint_forwarded_as_an_attachment_counts_from_the_attached_emails_date(
    bot: Bot,
) -> None:
    # The same complaint, attached whole to the forward: its own Date is Mon 14 Dec 2026.
    raw = (CORPUS / "complaint-forwarded-as-attachment-sent-earlier.eml").read_bytes()
    drop_into_maildir(bot.tmp_path / "inbox", raw, arrived=datetime(2027, 1, 11, 9, 0, tzinfo=UTC))
    bot.at("2027-01-11T09:30").run()
    assert bot.outbox("complaint_acknowledgement") == []  # never to the forwarder
    case = bot.case("TSCP-2026-0001")
    assert (case.kind, case.sin_received_on) == ("complaint", date(2026, 12, 14))
    clock = next(d for d in case.deadlines if d.name == "complaint_response")
    assert clock.due == date(2027, 1, 14)
    assert "the forwarded email says the complainant sent it" in (clock.assumption or "")
    reason = triage_section(digest(bot, "2027-01-12T08:05"))
    assert "forwarded complaint: the clock runs from when the complainant first wrote" in reason


def test_a_forwarded_complaint_whose_date_could_be_misread_counts_from_its_arrival(
    bot: Bot,
) -> None:
    body = (
        "Forwarded for the partnership to respond.\n\n"
        "---------- Forwarded message ---------\n"
        "From: Chris Member <chris.member@example.org>\n"
        "Date: 05/12/2026 16:20\n"
        "Subject: Complaint\n\n"
        "I wish to make a formal complaint about the partnership."
    )
    bot.at("2027-01-11T09:30").mail(BM, "Fwd: Complaint", body)
    bot.run()
    assert bot.outbox("complaint_acknowledgement") == []
    # 5 December or 12 May: neither is read; from Mon 11 Jan 2027, Mon 8 Feb 2027.
    assert bot.due("complaint_response", "TSCP-2027-0001") == date(2027, 2, 8)
    assert "forwarded complaint" in triage_section(digest(bot, "2027-01-12T08:05"))


def test_a_forwarded_complaint_whose_zone_letters_mean_two_days_says_which_and_why(
    bot: Bot,
) -> None:
    """23:30 EST on Wed 2 Dec 2026 is Thu 3 Dec in London if US Eastern, Wed 2 Dec if
    Australian Eastern: read as US time alone, the 20 working days would count from a day
    that may be wrong. Counted from the forward instead, and the Business Manager is told the
    letters and what they may mean, in the triage list and in the clock's explanation."""
    body = (
        "Forwarded for the partnership to respond.\n\n"
        "---------- Forwarded message ---------\n"
        "From: Chris Member <chris.member@example.org>\n"
        "Sent: Wednesday, 02 December 2026 23:30 EST\n"
        "Subject: Complaint\n\n"
        "I wish to make a formal complaint about the partnership."
    )
    bot.at("2026-12-07T09:30").mail(BM, "Fwd: Complaint", body)
    bot.run()
    case = bot.case("TSCP-2026-0001")
    assert case.sin_received_on == date(2026, 12, 7)  # the forward's day, not Thu 3 Dec
    doubt = (
        "the Sent line's time zone 'EST' may be US Eastern or Australian Eastern time, which "
        "fall on different days (Wed 2 Dec 2026 or Thu 3 Dec 2026)"
    )
    clock = next(d for d in case.deadlines if d.name == "complaint_response")
    assert (
        "counted from Mon 7 Dec 2026, when the forward arrived, as the day the forwarded email "
        f"was sent could not be read for sure: {doubt}."
    ) in (clock.assumption or "")
    reason = " ".join(triage_section(digest(bot, "2026-12-08T08:05")).split())
    assert "forwarded complaint: the clock runs from when the complainant first wrote" in reason
    assert (
        "Its clock counts from the day the forward arrived, as the day the forwarded email was "
        f"sent could not be read for sure: {doubt}"
    ) in reason


WEBFORMS = "webforms@tameside.gov.uk"
WEB_FORM = "Name: Jamie Citizen\n\nYour complaint:\n" + COMPLAINT


def test_a_web_form_complaint_is_acknowledged_to_the_reply_to_address(bot: Bot) -> None:
    jamie = {"Reply-To": "Jamie Citizen <jamie.citizen@example.org>"}
    bot.mail(WEBFORMS, "Online form: Complaint", WEB_FORM, auth=False, headers=jamie)
    bot.run()
    [ack] = bot.outbox("complaint_acknowledgement")
    assert ack.recipients == ["jamie.citizen@example.org"]
    assert bot.case().referrer_email == "jamie.citizen@example.org"


@pytest.mark.parametrize(
    "reply_to",
    [
        "tscp@tameside.gov.uk",  # our own mailbox
        "noreply@tameside.gov.uk",
        "postmaster@form-service.example",  # a mail system's
        "a.person@example.org, b.person@example.org",  # a list: no one person
    ],
)
def test_a_reply_to_that_is_no_one_person_is_not_used(bot: Bot, reply_to: str) -> None:
    mailer = "forms@form-service.example"  # not the council's: its From is the complainant's
    bot.mail(mailer, "Online form: Complaint", WEB_FORM, auth=False, headers={"Reply-To": reply_to})
    bot.run()
    [ack] = bot.outbox("complaint_acknowledgement")
    assert ack.recipients == [mailer]


JAMIE = "jamie.citizen@example.org"


def _triage_reasons(bot: Bot) -> list[str]:
    with bot.app.sessions() as s:
        rows = s.scalars(select(StoredMessage).order_by(StoredMessage.id))
        return [r.triage_reason or "" for r in rows]


def test_a_web_form_sent_from_a_no_reply_address_is_acknowledged_to_its_reply_to(
    bot: Bot,
) -> None:
    raw = (CORPUS / "complaint-web-form-no-reply-sender.eml").read_bytes()
    drop_into_maildir(bot.tmp_path / "inbox", raw)
    bot.at("2026-12-01T10:30").run()
    [ack] = bot.outbox("complaint_acknowledgement")
    assert ack.recipients == [JAMIE]
    assert "We will send you a written response by Thursday 31 December 2026." in body_of(ack)
    assert not any("noreply@tameside.gov.uk" in m.recipients for m in bot.outbox())
    complaint = bot.case()
    assert complaint.kind == "complaint" and complaint.referrer_email == JAMIE
    assert bot.due("complaint_response") == date(2026, 12, 31)
    assert _triage_reasons(bot) == [""]  # answered, so nothing for a person to do


@pytest.mark.parametrize(
    "mailer", ["no-reply@form-service.example", "donotreply@form-service.example"]
)
def test_every_no_reply_mailer_is_passed_over_for_its_reply_to(bot: Bot, mailer: str) -> None:
    jamie = {"Reply-To": f"Jamie Citizen <{JAMIE}>"}
    bot.mail(mailer, "Online form: Complaint", WEB_FORM, auth=False, headers=jamie)
    bot.run()
    assert [m.recipients for m in bot.outbox("complaint_acknowledgement")] == [[JAMIE]]


@pytest.mark.parametrize(
    "reply_to",
    [
        None,
        "noreply@form-service.example",
        "Do Not Reply <do-not-reply@example.org>",
        "postmaster@form-service.example",
        "tscp@tameside.gov.uk",  # our own mailbox
        "a.person@example.org, b.person@example.org",  # a list: no one person
    ],
)
def test_a_no_reply_mailer_with_no_one_to_answer_is_left_to_a_person(
    bot: Bot, reply_to: str | None
) -> None:
    mailer = "noreply@form-service.example"
    headers = {"Reply-To": reply_to} if reply_to else {}
    bot.mail(mailer, "Online form: Complaint", WEB_FORM, auth=False, headers=headers)
    bot.run()
    assert bot.outbox("complaint_acknowledgement") == []
    assert bot.case().kind == "complaint"
    [reason] = _triage_reasons(bot)
    assert reason.startswith(f"not acknowledged (no-reply sender {mailer})")


def test_a_complaint_sent_again_while_the_first_is_open_is_filed_on_it(bot: Bot) -> None:
    bot.mail(PUBLIC, "Complaint", COMPLAINT, auth=False)
    bot.run()
    again = "I sent this last week and have heard nothing. " + COMPLAINT
    bot.at("2026-12-08T10:00").mail(PUBLIC, "Complaint - second time of asking", again, auth=False)
    bot.run()
    # One record, one reference, one acknowledgement.
    assert [m.subject for m in bot.outbox("complaint_acknowledgement")] == [
        "[TSCP-2026-0001] We have received your complaint"
    ]
    with bot.app.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Case)) == 1
    text = digest(bot, "2026-12-09T08:05")
    section = text.split("NEW ON YOUR CASES", 1)[1].split("OVERDUE DEADLINES", 1)[0]
    assert "TSCP-2026-0001" in section and "heard nothing" in section


def test_a_complaint_from_someone_else_opens_its_own_record(bot: Bot) -> None:
    bot.mail(PUBLIC, "Complaint", COMPLAINT, auth=False)
    bot.mail("jo.public@example.org", "Complaint", COMPLAINT, auth=False)
    bot.run()
    assert len(bot.outbox("complaint_acknowledgement")) == 2


HEAD = "head@oakfield.tameside.sch.uk"  # a Tameside school: a configured agency


def test_a_head_teachers_formal_complaint_about_a_decision_is_an_escalation(bot: Bot) -> None:
    raw = (CORPUS / "escalation-headteacher-formal-complaint-about-decision.eml").read_bytes()
    drop_into_maildir(bot.tmp_path / "inbox", raw)
    bot.at("2027-01-12T10:30").run()
    assert bot.outbox("complaint_acknowledgement") == []  # no Ombudsman details to a school
    assert bot.case("TSCP-2027-0001").kind == "escalation"
    [alert] = bot.outbox("escalation_alert")
    assert sorted(alert.recipients) == sorted([BM, SCRUTINEER])
    [ack] = bot.outbox("escalation_acknowledgement")
    assert ack.recipients == [HEAD]


def test_a_complaint_an_agency_forwards_is_still_a_complaint(bot: Bot) -> None:
    body = (
        "Passing this on for the partnership.\n\n"
        "---------- Forwarded message ---------\n"
        "From: Chris Member <chris.member@example.org>\n\n"
        "I wish to make a formal complaint about the partnership's decision."
    )
    bot.mail(HEAD, "Fwd: Complaint about the partnership", body, auth=False)
    bot.run()
    assert bot.case().kind == "complaint" and bot.outbox("escalation_alert") == []


def test_an_overdue_complaint_is_escalated_to_the_business_manager_alone_with_its_own_steps(
    bot: Bot,
) -> None:
    bot.mail(PUBLIC, "Complaint", COMPLAINT, auth=False)
    bot.run()  # due Thu 31 Dec 2026
    for day in ("2026-12-31", "2027-01-04", "2027-01-05", "2027-01-06", "2027-01-07"):
        bot.at(f"{day}T10:00").run()
    [escalation] = bot.outbox("deadline_escalation")
    assert escalation.recipients == [BM]  # not the Scrutineer: a public complaint
    text = " ".join(body_of(escalation).split())
    assert "partners" not in text and "agree a new date" not in text
    assert "Answered: <the date it was sent>" in text and "Head of Service" in text
    assert refusals(bot, escalation) == []  # the command it names is one she may give


NOT_SATISFIED = "I am not satisfied with the response and would like my complaint reviewed."
ACK = "RE: [TSCP-2026-0001] We have received your complaint"


def test_the_complainant_writing_on_their_complaint_is_shown_not_called_a_stranger(
    bot: Bot,
) -> None:
    gmail = "sam.parent@gmail.com"
    bot.mail(gmail, "Complaint", COMPLAINT, auth=False)
    bot.run()
    bot.at("2026-12-08T10:00").mail(gmail, ACK, "Any news? " + NOT_SATISFIED, auth=False)
    bot.run()
    text = digest(bot, "2026-12-09T08:05")
    section = text.split("NEW ON YOUR CASES", 1)[1].split("OVERDUE DEADLINES", 1)[0]
    assert "TSCP-2026-0001" in section and "Any news?" in section
    assert "personal email address" not in text and "[[agencies]]" not in text


def test_the_complainant_writing_after_it_was_closed_may_be_asking_for_a_review(
    bot: Bot,
) -> None:
    gmail = "sam.parent@gmail.com"
    bot.mail(gmail, "Complaint", COMPLAINT, auth=False)
    bot.run()
    bot.at("2026-12-21T10:00").mail(BM, ACK, "Answered: 21/12/2026\nClose: response sent")
    bot.run()
    assert bot.case().status == "closed"
    bot.at("2027-01-18T10:00").mail(gmail, ACK, NOT_SATISFIED, auth=False)
    bot.run()
    triage = triage_section(digest(bot, "2027-01-19T08:05"))
    assert "the complainant has written again after it was closed" in triage
    assert "they may be asking for a review" in triage
    assert "personal email address" not in triage

"""Whole cases driven by email with time travel, on SQLite and PostgreSQL.

Every email here goes in through the Maildir inbox and the real ingest path; assertions are on
what the bot writes to its outbox (recipients, subjects, dates in the body) and on the case.
"""

from __future__ import annotations

import email
from collections.abc import Mapping
from datetime import date, datetime
from email import policy
from pathlib import Path
from typing import Any, Self

import pytest
from sqlalchemy import select

from bot.adapters.db.models import AgencyRequest, Case, OutboxMessage, StoredMessage, Vote
from bot.app import App
from bot.services.passes import run_once
from tests.fixtures.app import LONDON, AppFactory
from tests.fixtures.mail import ARRIVES_AS_READ, dmarc_passed, drop_into_maildir, through_our_mx
from tests.fixtures.mail import email as make_email

BM = "tscp.business.manager@tameside.gov.uk"
SCRUTINEER = "tscp.scrutineer@tameside.gov.uk"
LA, POLICE, HEALTH = (
    "dsp.children@tameside.gov.uk",
    "dsp.tameside@gmp.police.uk",
    "dsp.tameside@nhs.net",
)
TRUSTED = "mx.tameside.gov.uk"
SECTIONS: dict[str, Any] = {
    "commands": {"auth_mode": "required", "trusted_authserv_ids": [TRUSTED]},
}


def signed(sender: str) -> str:
    """What our receiving server writes for a message that passed DMARC for its domain."""
    domain = sender.partition("@")[2]
    return f"dkim=pass header.d={domain}; dmarc=pass header.from={domain}"


def delivered(raw: bytes, sender: str) -> bytes:
    """`raw` as our receiving server delivers it, having seen DMARC pass for `sender`."""
    return dmarc_passed(raw, sender, host=TRUSTED)


class Bot:
    def __init__(
        self, make_app: AppFactory, tmp_path: Path, now: str, **sections: dict[str, Any]
    ) -> None:
        """`sections`: config sections of the test's own, beside the commands one."""
        self.make_app, self.tmp_path = make_app, tmp_path
        self.sections = {**SECTIONS, **sections}
        self.app, self.clock = make_app(now=now, **self.sections)
        self.counter = 0

    def restart(self) -> None:
        """A new process: a fresh App on the same database and folders."""
        moment = self.clock.moment
        self.app, self.clock = self.make_app(**self.sections)
        self.clock.moment = moment

    def at(self, when: str) -> Self:
        self.clock.set(when)
        return self

    def mail(
        self,
        sender: str,
        subject: str,
        body: str,
        auth: bool = True,
        arrived: datetime = ARRIVES_AS_READ,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.counter += 1
        # `headers` are the sender's own: below our receiving server's Received header.
        raw = make_email(
            subject,
            body,
            sender=sender,
            message_id=f"<m{self.counter}@test>",
            headers=dict(headers or {}),
        )
        raw = delivered(raw, sender) if auth else through_our_mx(raw, host=TRUSTED)
        drop_into_maildir(self.tmp_path / "inbox", raw, arrived=arrived)

    def run(self) -> None:
        run_once(self.app)

    def outbox(self, event: str | None = None) -> list[OutboxMessage]:
        with self.app.sessions() as s:
            q = select(OutboxMessage).order_by(OutboxMessage.id)
            if event:
                q = q.where(OutboxMessage.event == event)
            return list(s.scalars(q))

    def case(self, ref: str = "TSCP-2026-0001") -> Case:
        with self.app.sessions() as s:
            case = s.scalars(select(Case).where(Case.ref == ref)).one()
            _ = case.deadlines, case.events  # load before the session closes
            return case

    def due(self, name: str, ref: str = "TSCP-2026-0001") -> date:
        return next(d.due for d in self.case(ref).deadlines if d.name == name)


def body_of(row: OutboxMessage) -> str:
    msg = email.message_from_bytes(row.raw, policy=policy.default)
    part = msg.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


def reply(ref: str) -> str:
    return f"RE: [{ref}] Screening Panel"


def test_tie_broken_by_third_vote_and_outcome_shared(bot: Bot) -> None:
    bot.at("2026-12-16T11:00").mail(POLICE, reply("TSCP-2026-0001"), "Vote: rapid review")
    bot.mail(HEALTH, reply("TSCP-2026-0001"), "Vote: no further action\n\nThanks, Health DSP")
    bot.run()
    assert bot.case().decision is None  # one each: a tie, no decision yet
    assert bot.outbox("screening_outcome") == []
    bot.at("2026-12-17T09:30").mail(LA, reply("TSCP-2026-0001"), "vote - Rapid Review")
    bot.run()
    case = bot.case()
    assert (case.decision, case.stage) == ("rapid_review", "rapid_review")
    assert next(d for d in case.deadlines if d.name == "screening_meeting").met_at is not None
    [outcome] = bot.outbox("screening_outcome")
    assert sorted(outcome.recipients) == sorted([BM, SCRUTINEER])
    assert "Rapid Review" in outcome.subject and "TSCP-2026-0001" in outcome.subject
    assert "2 of 3" in body_of(outcome)
    confirmations = bot.outbox("command_result")
    assert {r.recipients[0] for r in confirmations} == {POLICE, HEALTH, LA}


def test_second_vote_from_same_partner_replaces_the_first(bot: Bot) -> None:
    bot.at("2026-12-16T11:00").mail(POLICE, reply("TSCP-2026-0001"), "Vote: no further action")
    bot.run()
    bot.at("2026-12-16T12:00").mail(POLICE, reply("TSCP-2026-0001"), "Vote: rapid review")
    bot.mail(HEALTH, reply("TSCP-2026-0001"), "Vote: rapid review")
    bot.run()
    assert bot.case().decision == "rapid_review"
    with bot.app.sessions() as s:
        votes = s.scalars(select(Vote).where(Vote.role == "police").order_by(Vote.id)).all()
        assert [(v.choice, v.superseded) for v in votes] == [
            ("no_further_action", True),
            ("rapid_review", False),
        ]


def test_vote_from_unauthorised_sender_is_kept_not_counted(bot: Bot) -> None:
    bot.at("2026-12-16T11:00").mail(
        "someone.else@gmp.police.uk", reply("TSCP-2026-0001"), "Vote: no further action"
    )
    bot.run()
    with bot.app.sessions() as s:
        assert s.scalars(select(Vote)).all() == []
        row = s.scalars(
            select(StoredMessage).where(StoredMessage.from_addr == "someone.else@gmp.police.uk")
        ).one()
        assert row.case is not None and row.needs_triage
    [alert] = bot.outbox("command_rejected")
    assert alert.recipients == [BM] and "someone.else@gmp.police.uk" in body_of(alert)


def test_vote_that_fails_authentication_is_not_counted(bot: Bot) -> None:
    # Right address, but no trusted Authentication-Results: could be forged.
    bot.at("2026-12-16T11:00").mail(
        POLICE, reply("TSCP-2026-0001"), "Vote: rapid review", auth=False
    )
    bot.mail(
        HEALTH,
        reply("TSCP-2026-0001"),
        "Vote: rapid review",
        auth=False,
        headers={"Authentication-Results": "evil.example; dmarc=pass header.from=nhs.net"},
    )
    bot.run()
    with bot.app.sessions() as s:
        assert s.scalars(select(Vote)).all() == []
    assert len(bot.outbox("command_rejected")) == 2
    assert bot.case().decision is None


def test_a_vote_with_our_servers_pass_forged_below_its_received_header_is_refused(
    bot: Bot,
) -> None:
    """The header names our own server and says DMARC passed, but the sender wrote it: it sits
    below the Received header our server added, so it proves nothing (RFC 8601 section 5)."""
    forged = f"{TRUSTED}; dkim=pass header.d=nhs.net; dmarc=pass header.from=nhs.net"
    bot.at("2026-12-16T11:00").mail(
        HEALTH,
        reply("TSCP-2026-0001"),
        "Vote: no further action",
        auth=False,
        headers={"Authentication-Results": forged},
    )
    bot.run()
    with bot.app.sessions() as s:
        assert s.scalars(select(Vote)).all() == []
    [alert] = bot.outbox("command_rejected")
    assert alert.recipients == [BM]
    assert "sits below its Received header" in body_of(alert)
    [refused] = [e for e in bot.case().events if e.what == "commands_not_carried_out"]
    assert "sits below its Received header" in (refused.why or "")


def decide_rapid_review(bot: Bot, when: str) -> None:
    bot.at(when).mail(BM, reply("TSCP-2026-0001"), "Decision: rapid review")
    bot.run()
    assert bot.case().decision == "rapid_review"


def gmp_asked_for_a_return(bot: Bot) -> None:
    """A Rapid Review decided on Thu 17 Dec 2026; GMP asked for its Appendix B by Thu 24 Dec."""
    decide_rapid_review(bot, "2026-12-17T09:00")
    bot.at("2026-12-17T09:30").mail(
        BM, reply("TSCP-2026-0001"), "Agencies: gmp\nReturn by: 24/12/2026"
    )
    bot.run()


def test_late_appendix_b_reminders_and_escalation_across_christmas(bot: Bot) -> None:
    decide_rapid_review(bot, "2026-12-17T09:00")
    bot.at("2026-12-17T09:30").mail(
        BM,
        reply("TSCP-2026-0001"),
        "Agencies: gmp, icb\nReview period: 1 June 2026 to 16 December 2026\n"
        "Return by: 24/12/2026\n\n-- \nTSCP Business Manager",
    )
    bot.run()
    requests = bot.outbox("appendix_b_request")
    assert sorted(r.recipients[0] for r in requests) == [POLICE, HEALTH]
    assert "return by Thu 24 Dec 2026" in requests[0].subject
    assert bot.due("appendix_b:gmp") == date(2026, 12, 24)
    # Health returns in time (arriving before the 22 December pass); police never does.
    raw = make_email(
        "RE: [TSCP-2026-0001] Rapid Review information request (Appendix B)",
        "Please find our Appendix B return attached.",
        sender=HEALTH,
        message_id="<ret@nhs.net>",
        attachment=("Appendix B - Health.docx", b"PK\x03\x04 dummy"),
    )
    drop_into_maildir(bot.tmp_path / "inbox", delivered(raw, HEALTH))
    days = [
        "2026-12-18",
        "2026-12-21",
        "2026-12-22",
        "2026-12-23",
        "2026-12-24",
        "2026-12-25",
        "2026-12-28",
        "2026-12-29",
        "2026-12-30",
        "2026-12-31",
        "2027-01-01",
        "2027-01-04",
        "2027-01-05",
        "2027-01-06",
    ]
    for day in days:
        bot.restart()  # a daemon restart every day: nothing twice, nothing skipped
        for hour in ("07:00", "10:00", "16:30"):
            bot.at(f"{day}T{hour}").run()
    with bot.app.sessions() as s:
        received = {r.agency_key: r.received_at for r in s.scalars(select(AgencyRequest))}
    assert received["icb"] is not None and received["gmp"] is None
    chasers = [
        r
        for r in bot.outbox()
        if r.event in ("deadline_reminder", "deadline_escalation")
        and "appendix_b" in r.idempotency_key
    ]
    sent_on = [
        (r.idempotency_key.rsplit(":", 1)[1], r.created_at.date().isoformat(), r.recipients)
        for r in chasers
    ]
    assert sent_on == [
        ("before-1", "2026-12-23", [POLICE]),
        ("due", "2026-12-24", [POLICE]),
        ("overdue-1", "2026-12-29", [POLICE]),
        ("overdue-2", "2026-12-30", [POLICE]),
        ("overdue-3", "2026-12-31", [POLICE]),
        ("escalation", "2027-01-04", [POLICE, BM]),
    ]
    london = [r.created_at.astimezone(LONDON) for r in chasers]
    assert all(9 <= t.hour < 17 and t.weekday() < 5 for t in london)  # working hours only
    escalation = chasers[-1]
    assert "Escalation" in escalation.subject and "TSCP-2026-0001" in escalation.subject


def test_return_that_arrived_on_its_due_day_is_met_that_day_though_read_later(
    bot: Bot,
) -> None:
    gmp_asked_for_a_return(bot)
    raw = make_email(
        "Appendix B return for TSCP-2026-0001",
        "Return attached.",
        sender="casey.invented@gmp.police.uk",
        message_id="<gmpret-eve@gmp.police.uk>",
        attachment=("Appendix B GMP.docx", b"PK\x03\x04 dummy"),
    )
    arrived = datetime(2026, 12, 24, 16, 0, tzinfo=LONDON)
    drop_into_maildir(bot.tmp_path / "inbox", raw, arrived=arrived)
    bot.at("2026-12-29T09:00").run()  # the first pass after Christmas
    [met] = [(d.met_at, d.met_on) for d in bot.case().deadlines if d.name == "appendix_b:gmp"]
    # On time: it reached the mailbox on the due day, however late it was read.
    assert met == (arrived, date(2026, 12, 24))
    with bot.app.sessions() as s:
        request = s.scalars(select(AgencyRequest)).one()
        assert request.received_at == arrived
    assert not [r for r in bot.outbox() if "appendix_b:gmp:overdue" in r.idempotency_key]


def test_return_after_reminders_stops_the_sequence(bot: Bot) -> None:
    gmp_asked_for_a_return(bot)
    for day in ("2026-12-23", "2026-12-24", "2026-12-29"):
        bot.at(f"{day}T10:00").run()
    raw = make_email(
        "Appendix B return for TSCP-2026-0001",
        "Return attached.",
        sender="casey.invented@gmp.police.uk",
        message_id="<gmpret@gmp.police.uk>",
        attachment=("Appendix B GMP.docx", b"PK\x03\x04 dummy"),
    )
    drop_into_maildir(bot.tmp_path / "inbox", raw)
    for day in ("2026-12-30", "2026-12-31", "2027-01-04", "2027-01-05"):
        bot.at(f"{day}T10:00").run()
    keys = [
        r.idempotency_key.rsplit(":", 1)[1]
        for r in bot.outbox()
        if r.idempotency_key.startswith("reminder:TSCP-2026-0001:appendix_b:gmp")
    ]
    assert keys == ["before-1", "due", "overdue-1"]
    events = [e.what for e in bot.case().events]
    assert "return_received" in events


def test_rapid_review_delay_asks_the_business_manager_and_drafts_only_what_they_wrote(
    bot: Bot,
) -> None:
    decide_rapid_review(bot, "2026-12-17T09:00")
    bot.at("2027-01-04T10:00").mail(BM, reply("TSCP-2026-0001"), "Notified: 04/01/2027")
    bot.run()
    assert bot.due("rapid_review") == date(2027, 1, 25)
    bot.at("2027-01-19T10:00").run()
    assert bot.outbox("rapid_review_delay_check") == []
    bot.at("2027-01-20T10:00").run()  # 3 working days before day 15
    [ask] = bot.outbox("rapid_review_delay_check")
    assert ask.recipients == [BM]
    assert "Delay: <reason>; expected <date>" in body_of(ask)
    # Only the Business Manager knows the reason and the date: nothing is invented for the Panel.
    assert bot.outbox("panel_delay_notice") == []
    bot.at("2027-01-21T10:00").run()
    assert len(bot.outbox("rapid_review_delay_check")) == 1  # asked once
    bot.at("2027-01-21T11:00").mail(
        BM,
        f"RE: {ask.subject}",
        "Delay: two agencies need more time for their chronologies; expected 05/02/2027",
    )
    bot.run()
    [draft] = bot.outbox("panel_delay_notice")
    assert draft.status == "draft" and draft.recipients == [
        "mailbox.nationalreviewpanel@education.gov.uk"
    ]
    [approval] = bot.outbox("approval_request")
    assert approval.recipients == [BM] and f"Approve {draft.id}" in body_of(approval)
    bot.at("2027-01-21T12:00").mail(
        BM, f"RE: {approval.subject}", f"Approve {draft.id}\n\n> quoted"
    )
    bot.run()
    [sent] = bot.outbox("panel_delay_notice")
    assert sent.status == "sent" and sent.approved_by == BM
    assert "two agencies need more time for their chronologies" in body_of(sent)
    assert "by Friday 5 February 2027" in body_of(sent)


def test_complaint_is_acknowledged_with_reply_date_and_ombudsman(
    make_app: AppFactory, tmp_path: Path
) -> None:
    b = Bot(make_app, tmp_path, "2026-12-23T10:00")
    b.mail(
        "pat.public@example.org",
        "Complaint about the partnership's review decision",
        "I wish to make a formal complaint about how my concerns were handled.",
        auth=False,
    )
    b.run()
    [ack] = b.outbox("complaint_acknowledgement")
    assert ack.recipients == ["pat.public@example.org"]
    text = body_of(ack)
    # 20 working days from Wed 23 Dec 2026, skipping 25, 28 Dec and 1 Jan: Mon 25 Jan 2027.
    assert "25 January 2027" in text or "25 Jan 2027" in text
    assert "Local Government and Social Care Ombudsman" in text
    with b.app.sessions() as s:
        record = s.scalars(select(Case).where(Case.kind == "complaint")).one()
        assert [d.name for d in record.deadlines] == ["complaint_response"]


def test_escalation_on_a_case_is_linked_acknowledged_and_alerted(bot: Bot) -> None:
    bot.at("2026-12-17T10:00").mail(
        "sam.invented@tameside.gov.uk",
        "Escalation: challenge to the screening decision for TSCP-2026-0001",
        "We wish to challenge the decision under the resolving professional differences "
        "policy and ask for the Independent Scrutineer to be involved.",
    )
    bot.run()
    with bot.app.sessions() as s:
        record = s.scalars(select(Case).where(Case.kind == "escalation")).one()
        parent = s.get(Case, record.parent_id)
        assert parent is not None and parent.ref == "TSCP-2026-0001"
    [alert] = bot.outbox("escalation_alert")
    assert sorted(alert.recipients) == sorted([BM, SCRUTINEER])
    assert [a.recipients for a in bot.outbox("escalation_acknowledgement")] == [
        ["sam.invented@tameside.gov.uk"]
    ]


def test_terminal_commands_match_email(bot: Bot, capsys: pytest.CaptureFixture[str]) -> None:
    from bot.cli.context import Context  # noqa: F401 - the CLI path is tested in test_cli

    app: App = bot.app
    from bot.core.commands import parse_commands
    from bot.services.commands import Outcome, run_command
    from bot.services.review import Actor

    outcome = Outcome()
    with app.sessions() as s:
        case = s.scalars(select(Case)).one()
        for cmd in parse_commands("Vote: rapid review", today=date(2026, 12, 16)).commands:
            run_command(
                s,
                app,
                case,
                cmd,
                Actor("terminal:bm", "police", "terminal", app.clock.now()),
                app.clock.now(),
                outcome,
            )
        s.commit()
    assert outcome.results and not outcome.errors
    with app.sessions() as s:
        assert [v.voter for v in s.scalars(select(Vote))] == ["terminal:bm"]


def approve_last_draft(bot: Bot, event: str, when: str) -> OutboxMessage:
    drafts = [r for r in bot.outbox(event) if r.status == "draft"]
    assert len(drafts) == 1, [r.status for r in bot.outbox(event)]
    # A reply whose subject lost the case tag still finds the draft by its number.
    bot.at(when).mail(BM, f"RE: Approval needed (draft {drafts[0].id})", f"Approve {drafts[0].id}")
    bot.run()
    [row] = [r for r in bot.outbox(event) if r.id == drafts[0].id]
    assert row.status == "sent" and row.approved_by == BM
    # Dated when it went, on her approval, not when it was drafted.
    sent = email.message_from_bytes(row.raw, policy=policy.default)
    assert sent["Date"].datetime == bot.clock.moment != drafts[0].created_at
    return row


def test_case_from_sin_to_action_plan_using_only_email(bot: Bot) -> None:
    ref = "TSCP-2026-0001"
    bot.at("2026-12-16T11:00").mail(LA, reply(ref), "Vote: rapid review")
    bot.mail(POLICE, reply(ref), "Vote: Rapid Review")
    bot.at("2026-12-16T12:00").mail(BM, reply(ref), "Notifiable: yes\nAware: 15/12/2026")
    bot.run()
    assert bot.case().decision == "rapid_review"
    assert bot.due("panel_notification") == date(2026, 12, 22)  # from the LA's awareness date
    bot.at("2026-12-18T10:00").mail(BM, reply(ref), "Notified: 18/12/2026")
    bot.mail(
        BM,
        reply(ref),
        "Agencies: gmp, icb, tameside-council\n"
        "Review period: 1 June 2026 to 15 December 2026\nReturn by: 05/01/2027",
    )
    bot.run()
    # 15 working days from 18 Dec 2026, skipping 25 and 28 Dec and 1 Jan.
    assert bot.due("rapid_review") == date(2027, 1, 13)
    assert len(bot.outbox("appendix_b_request")) == 3
    for sender, n in ((POLICE, 1), (HEALTH, 2), (LA, 3)):
        raw = make_email(
            f"RE: [{ref}] Appendix B return",
            "Return attached.",
            sender=sender,
            message_id=f"<ret{n}@test>",
            attachment=("Appendix B.docx", b"PK\x03\x04 dummy"),
        )
        drop_into_maildir(bot.tmp_path / "inbox", delivered(raw, sender))
    bot.at("2027-01-04T10:00").run()
    with bot.app.sessions() as s:
        assert all(r.received_at for r in s.scalars(select(AgencyRequest)))
    # Recorded the day after the submission: an event is recorded once it has happened.
    bot.at("2027-01-07T10:00").mail(
        BM, reply(ref), "Meeting held: 06/01/2027\nReport submitted: 07/01/2027"
    )
    bot.run()
    bot.at("2027-01-08T10:00").mail(BM, reply(ref), "CSPR: yes\nReviewer: Alex Invented")
    bot.run()
    assert bot.outbox("panel_delay_notice") == []  # submitted in time: no delay notice
    assert bot.due("cspr_report") == date(2027, 7, 8)
    notice = approve_last_draft(bot, "reviewer_notice", "2027-01-08T11:00")
    assert sorted(notice.recipients) == sorted(
        [
            "mailbox.nationalreviewpanel@education.gov.uk",
            "enquiries@ofsted.gov.uk",
            "safeguarding.notifications@education.gov.uk",
        ]
    )
    assert "Alex Invented" in body_of(notice)
    bot.at("2027-06-01T10:00").mail(
        BM, reply(ref), "Family preview: 01/06/2027\nPublication: 01/07/2027"
    )
    bot.run()
    assert bot.due("publication_notice") == date(2027, 6, 22)
    approve_last_draft(bot, "publication_notice", "2027-06-01T11:00")
    bot.at("2027-07-01T10:00").mail(
        BM,
        reply(ref),
        "Published: 01/07/2027\n"
        "Action: Refresh multi-agency training on bruising in non-mobile babies; owner: icb; "
        "due: 30/09/2027",
    )
    bot.run()
    assert bot.due("publication_period_end") == date(2028, 7, 3)  # 1 Jul 2028 is a Saturday
    bot.at("2027-09-29T10:00").run()
    [reminder] = [r for r in bot.outbox("deadline_reminder") if ":action:1:" in r.idempotency_key]
    assert reminder.recipients == [HEALTH] and "Action plan item" in reminder.subject
    hint = " ".join(body_of(reminder).split())
    assert "tell the Business Manager when the action is complete" in hint
    assert "completed return" not in hint  # an action is no Appendix B return
    bot.at("2027-09-29T11:00").mail(BM, reply(ref), "Action done: 1")
    bot.at("2027-10-04T10:00").run()
    case = bot.case()
    assert case.stage == "action_plan" and case.published_on == date(2027, 7, 1)
    assert [r for r in bot.outbox("deadline_escalation") if ":action:1:" in r.idempotency_key] == []
    whats = [e.what for e in case.events]
    for expected in (
        "vote_recorded",
        "screening_decided",
        "panel_notified",
        "returns_requested",
        "return_received",
        "rr_submitted",
        "cspr_decided",
        "reviewer_appointed",
        "draft_approved",
        "action_done",
    ):
        assert expected in whats, expected


def test_html_only_outlook_reply_counts_only_the_new_vote(bot: Bot) -> None:
    """The quoted invitation below carries the voting hint with all three choices."""
    from email.message import EmailMessage

    msg = EmailMessage()
    msg["From"], msg["To"] = HEALTH, "tscp@tameside.gov.uk"
    msg["Subject"] = "RE: [TSCP-2026-0001] Screening Panel: Wed 16 Dec 2026 14:00"
    msg["Message-ID"] = "<html-vote@nhs.net>"
    msg.set_content(
        "<html><body><p><b>Vote:</b> No further action</p><p>Kind regards,<br>Health DSP</p>"
        "<div style='border-top:solid #E1E1E1 1pt'><p><b>From:</b> Tameside Safeguarding "
        "Children Partnership &lt;tscp@tameside.gov.uk&gt;<br><b>Sent:</b> 16 December 2026 "
        "09:00<br><b>Subject:</b> [TSCP-2026-0001] Screening Panel</p>"
        "<p>Reply to this email with one line: Vote: rapid review, Vote: local learning review, "
        "or Vote: no further action.</p></div></body></html>",
        subtype="html",
    )
    drop_into_maildir(bot.tmp_path / "inbox", delivered(msg.as_bytes(), HEALTH))
    bot.at("2026-12-16T11:00").run()
    with bot.app.sessions() as s:
        assert [(v.role, v.choice) for v in s.scalars(select(Vote))] == [
            ("health", "no_further_action")
        ]


def test_digest_shows_returns_drafts_and_flags(bot: Bot) -> None:
    decide_rapid_review(bot, "2026-12-17T07:00")
    bot.at("2026-12-17T07:10").mail(
        BM,
        reply("TSCP-2026-0001"),
        "Notified: 17/12/2026\nAgencies: gmp\nReturn by: 24/12/2026\n"
        "Delay: police disclosure awaited; expected 29/01/2027",
    )
    bot.mail("someone.else@gmp.police.uk", reply("TSCP-2026-0001"), "Vote: no further action")
    bot.run()
    bot.at("2026-12-29T08:30").run()
    [digest] = [r for r in bot.outbox("daily_digest") if "29 Dec" in r.subject]
    text = body_of(digest)
    assert "gmp" in text and "overdue" in text.lower()  # the late return
    draft = next(r for r in bot.outbox("panel_delay_notice"))
    assert draft.subject in text  # waiting for the Business Manager's approval
    assert "commands not carried out" in text.lower()  # the refused vote is flagged

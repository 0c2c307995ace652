"""The statutory partners decide by majority; the Business Manager chairs and records.

Votes and decisions go in as email through the Maildir inbox and the real ingest path, on
SQLite and PostgreSQL; assertions are on the outbox (who is told, how often) and the case.
"""

from __future__ import annotations

import email
from datetime import date, datetime
from email import policy
from email.message import EmailMessage
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.adapters.db.models import Case, Meeting, Vote
from bot.services.queries import case_detail
from tests.fixtures.app import LONDON
from tests.fixtures.mail import drop_into_maildir
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

REF = "TSCP-2026-0001"


def votes(bot: Bot, when: str, **by_sender: str) -> None:
    bot.at(when)
    for sender, text in by_sender.items():
        bot.mail(sender, reply(REF), text)
    bot.run()


def outcomes(bot: Bot) -> list[str]:
    return [r.subject.rsplit(": ", 1)[1] for r in bot.outbox("screening_outcome")]


def decided_two_to_one(bot: Bot) -> None:
    bot.at("2026-12-16T11:00").mail(LA, reply(REF), "Vote: rapid review")
    bot.mail(POLICE, reply(REF), "Vote: rapid review")
    bot.mail(HEALTH, reply(REF), "Vote: no further action")
    bot.run()
    # Health's vote, read after the majority decided, is told with every vote.
    assert outcomes(bot) == ["Rapid Review", LATER]


LATER = "Rapid Review (a later vote; the decision stands)"


def test_a_decision_contradicting_a_two_to_one_vote_is_refused(bot: Bot) -> None:
    decided_two_to_one(bot)
    bot.at("2026-12-16T14:00").mail(BM, reply(REF), "Decision: no further action")
    bot.run()
    assert bot.case().decision == "rapid_review"
    assert outcomes(bot) == ["Rapid Review", LATER]
    text = " ".join(body_of(bot.outbox("command_result")[-1]).split())
    assert "the partners' recorded votes are a majority for Rapid Review (2 of 3)" in text


def test_a_changed_vote_emails_the_scrutineer_once_per_real_change(bot: Bot) -> None:
    decided_two_to_one(bot)
    # The minority partner changes its mind: the majority, and the decision, stand.
    bot.at("2026-12-16T12:00").mail(HEALTH, reply(REF), "Vote: local learning review")
    bot.run()
    assert outcomes(bot) == ["Rapid Review", LATER]  # the same dissent: nothing new
    unchanged = [e for e in bot.case().events if e.what == "decision_unchanged"]
    assert unchanged and "the decision stands: Rapid Review" in unchanged[-1].detail
    bot.at("2026-12-16T12:30").mail(HEALTH, reply(REF), "Vote: no further action")
    bot.run()
    assert outcomes(bot) == ["Rapid Review", LATER]
    # Police join health: a new majority, one email. Then back again: one more.
    bot.at("2026-12-16T13:00").mail(POLICE, reply(REF), "Vote: no further action")
    bot.run()
    assert outcomes(bot) == ["Rapid Review", LATER, "No further action"]
    bot.at("2026-12-16T13:30").mail(POLICE, reply(REF), "Vote: rapid review")
    bot.run()
    assert outcomes(bot) == ["Rapid Review", LATER, "No further action", "Rapid Review"]
    assert all(
        sorted(r.recipients) == sorted([BM, SCRUTINEER]) for r in bot.outbox("screening_outcome")
    )
    changed = [e for e in bot.case().events if e.what == "decision_changed"]
    assert changed[0].why == (
        "the majority of the partners' votes changed from Rapid Review to No further action "
        "(2 of 3)"
    )


def test_three_different_votes_ask_the_business_manager_to_reconvene(bot: Bot) -> None:
    bot.at("2026-12-16T11:00").mail(LA, reply(REF), "Vote: rapid review")
    bot.mail(POLICE, reply(REF), "Vote: local learning review")
    bot.mail(HEALTH, reply(REF), "Vote: no further action")
    bot.run()
    assert bot.case().decision is None and outcomes(bot) == []
    [ask] = bot.outbox("screening_reconvene")
    assert ask.recipients == [BM]
    assert "no majority" in ask.subject and REF in ask.subject
    assert "No majority: the partners must agree" in body_of(ask)
    with bot.app.sessions() as s:
        case = s.scalars(select(Case).where(Case.ref == REF)).one()
        shown = case_detail(s, case, bot.clock.moment.date(), {})
    assert shown["screening"] == "no majority: the partners must agree"
    confirmation = " ".join(body_of(bot.outbox("command_result")[-1]).split())
    assert "Business Manager decides" not in confirmation


def test_partners_who_have_not_voted_are_chased_once_with_the_bm_copied(bot: Bot) -> None:
    bot.at("2026-12-16T11:00").mail(POLICE, reply(REF), "Vote: rapid review")
    bot.run()
    bot.at("2026-12-16T15:00").run()
    assert bot.outbox("vote_reminder") == []  # not before the working day before the deadline
    for when in ("2026-12-17T08:30", "2026-12-17T10:00", "2026-12-17T15:00", "2026-12-18T10:00"):
        bot.at(when).run()
    chases = bot.outbox("vote_reminder")
    assert sorted(r.recipients[0] for r in chases) == sorted([LA, HEALTH])
    for row in chases:
        assert row.created_at.date().isoformat() == "2026-12-17"
        msg = email.message_from_bytes(row.raw, policy=policy.default)
        assert msg["Cc"] == BM
        assert "your vote is needed by Fri 18 Dec 2026" in str(msg["Subject"])
        assert "Vote: rapid review" in body_of(row)


def test_partners_are_not_chased_for_a_vote_before_the_panel_has_met(bot: Bot) -> None:
    """The panel moved to 14:00 on the chase day: at 10:00 the partners have not yet failed
    to vote; once the meeting has ended, those who did not vote are chased."""
    bot.at("2026-12-16T11:00").mail(POLICE, reply(REF), "Vote: rapid review")
    bot.mail(BM, reply(REF), "Reschedule: 17/12/2026 14:00")
    bot.run()
    with bot.app.sessions() as s:
        [meeting] = s.scalars(select(Meeting)).all()
    assert meeting.start.astimezone(LONDON).isoformat() == "2026-12-17T14:00:00+00:00"
    for when in ("2026-12-17T08:30", "2026-12-17T10:00", "2026-12-17T14:10"):
        bot.at(when).run()
    assert bot.outbox("vote_reminder") == []
    bot.at(meeting.end.astimezone(LONDON).strftime("%Y-%m-%dT%H:%M")).run()
    assert sorted(r.recipients[0] for r in bot.outbox("vote_reminder")) == sorted([LA, HEALTH])


def test_a_panel_that_meets_after_the_decision_was_due_has_the_missing_votes_told_once(
    bot: Bot,
) -> None:
    """The panel moved to Monday 21 December, after the decision fell due (Fri 18 Dec): the
    partners are not chased before it has met, nor told of a "due by" day gone after; the
    Business Manager is told once, when it has ended, whose vote is missing."""
    bot.at("2026-12-16T11:00").mail(POLICE, reply(REF), "Vote: rapid review")
    bot.mail(BM, reply(REF), "Reschedule: 21/12/2026 14:00")
    bot.run()
    with bot.app.sessions() as s:
        [meeting] = s.scalars(select(Meeting)).all()
    ended = meeting.end.astimezone(LONDON)
    assert ended.date() == date(2026, 12, 21)
    for when in ("2026-12-17T10:00", "2026-12-18T10:00", "2026-12-21T10:00"):
        bot.at(when).run()
    assert bot.outbox("votes_missing") == []
    bot.at(ended.strftime("%Y-%m-%dT%H:%M")).run()
    bot.at("2026-12-22T10:00").run()
    assert bot.outbox("vote_reminder") == []
    [told] = bot.outbox("votes_missing")
    assert told.recipients == [BM]
    text = " ".join(body_of(told).split())
    assert "was due by Friday 18 December 2026" in text
    assert "NOT VOTED YET Local authority Health" in text and "Police" not in text


def test_a_panel_ending_after_hours_on_the_due_day_has_the_missing_votes_told_once(
    bot: Bot,
) -> None:
    """The panel moved to 16:30-17:30 on Friday 18 December, the day the decision is due: no chase
    can go in office hours after it has ended, so on Monday the Business Manager is told, once,
    whose vote is missing."""
    bot.at("2026-12-16T11:00").mail(POLICE, reply(REF), "Vote: rapid review")
    bot.mail(BM, reply(REF), "Reschedule: 18/12/2026 16:30")
    bot.run()
    with bot.app.sessions() as s:
        [meeting] = s.scalars(select(Meeting)).all()
    ended = meeting.end.astimezone(LONDON)
    assert ended.date() == date(2026, 12, 18) and ended.hour >= 17
    for when in ("2026-12-17T10:00", "2026-12-18T10:00", ended.strftime("%Y-%m-%dT%H:%M")):
        bot.at(when).run()
    for when in ("2026-12-21T09:30", "2026-12-21T15:00", "2026-12-22T10:00"):
        bot.at(when).run()
    assert bot.outbox("vote_reminder") == []
    [told] = bot.outbox("votes_missing")
    assert told.recipients == [BM]
    assert told.created_at.astimezone(LONDON).date() == date(2026, 12, 21)
    text = " ".join(body_of(told).split())
    assert "was due by Friday 18 December 2026" in text
    assert "Its meeting ended on Fri 18 Dec 2026 at " in text
    assert "NOT VOTED YET Local authority Health" in text and "Police" not in text


def test_a_bot_down_over_the_chase_days_tells_the_missing_votes_once_with_no_meeting_booked(
    bot: Bot,
) -> None:
    """No meeting booked (the one invited for was cancelled), and no bot running on Thu 17
    and Fri 18 December, the days votes are chased: on Monday the partners are not chased for
    a day gone, and the Business Manager is told, once, whose vote is missing."""
    bot.at("2026-12-16T11:00").mail(POLICE, reply(REF), "Vote: rapid review")
    bot.mail(BM, reply(REF), "Cancel meeting: to be rearranged")
    bot.run()
    with bot.app.sessions() as s:
        [meeting] = s.scalars(select(Meeting)).all()
        assert meeting.cancelled_at is not None
    for when in ("2026-12-21T09:30", "2026-12-21T15:00", "2026-12-22T10:00"):
        bot.at(when).run()
    assert bot.outbox("vote_reminder") == []
    [told] = bot.outbox("votes_missing")
    assert told.recipients == [BM]
    assert told.created_at.astimezone(LONDON).date() == date(2026, 12, 21)
    assert "votes missing (no meeting booked)" in told.subject
    text = " ".join(body_of(told).split())
    assert "was due by Friday 18 December 2026. No meeting was booked" in text
    assert "NOT VOTED YET Local authority Health" in text and "Police" not in text


def test_partners_chased_on_the_chase_days_are_not_told_again_as_missing(bot: Bot) -> None:
    """With no meeting booked and the bot running on the chase day, the partners were asked:
    after the due day the Business Manager gets no "votes missing" email as well."""
    bot.at("2026-12-16T11:00").mail(POLICE, reply(REF), "Vote: rapid review")
    bot.mail(BM, reply(REF), "Cancel meeting: to be rearranged")
    bot.run()
    for when in ("2026-12-17T10:00", "2026-12-21T10:00"):
        bot.at(when).run()
    assert len(bot.outbox("vote_reminder")) == 2
    assert bot.outbox("votes_missing") == []


def test_no_chase_once_the_panel_has_decided(bot: Bot) -> None:
    bot.at("2026-12-16T11:00").mail(POLICE, reply(REF), "Vote: rapid review")
    bot.mail(LA, reply(REF), "Vote: rapid review")
    bot.run()
    bot.at("2026-12-17T10:00").run()
    assert bot.outbox("vote_reminder") == []


def screening_met_on(bot: Bot) -> object:
    return next(d.met_on for d in bot.case().deadlines if d.name == "screening_meeting")


def test_a_majority_lost_and_found_again_keeps_the_day_the_panel_decided(bot: Bot) -> None:
    votes(bot, "2026-12-16T11:00", **{POLICE: "Vote: rapid review", LA: "Vote: rapid review"})
    assert screening_met_on(bot) == date(2026, 12, 16)
    votes(bot, "2027-01-06T10:00", **{POLICE: "Vote: no further action"})
    assert bot.case().decision is None  # reopened: the Business Manager is asked to reconvene
    votes(bot, "2027-01-07T10:00", **{HEALTH: "Vote: no further action"})
    assert bot.case().decision == "no_further_action"
    # The panel met and decided in time; a changed mind weeks later never makes it late.
    assert screening_met_on(bot) == date(2026, 12, 16)


def test_a_vote_is_dated_when_it_arrived_not_when_it_was_read(bot: Bot) -> None:
    thursday = datetime(2026, 12, 17, 16, 0, tzinfo=ZoneInfo("Europe/London"))
    bot.at("2026-12-21T09:00")  # the bot was down from Thursday afternoon to Monday
    bot.mail(POLICE, reply(REF), "Vote: rapid review", arrived=thursday)
    bot.mail(LA, reply(REF), "Vote: rapid review", arrived=thursday)
    bot.run()
    [outcome] = bot.outbox("screening_outcome")
    text = body_of(outcome)
    assert text.count("Thu 17 Dec 2026 16:00") == 2 and "Mon 21 Dec 2026 09:00" not in text


def test_a_vote_read_after_a_later_one_from_the_same_partner_does_not_replace_it(
    bot: Bot,
) -> None:
    london = ZoneInfo("Europe/London")
    bot.at("2026-12-16T15:30")
    bot.mail(
        POLICE,
        reply(REF),
        "Vote: rapid review",
        arrived=datetime(2026, 12, 16, 15, 0, tzinfo=london),
    )
    bot.mail(LA, reply(REF), "Vote: rapid review")
    bot.run()
    assert bot.case().decision == "rapid_review"
    # The police's earlier email, held back (say in triage) and read only now.
    votes_before = len(bot.outbox("screening_outcome"))
    bot.at("2026-12-16T16:00").mail(
        POLICE,
        reply(REF),
        "Vote: no further action",
        arrived=datetime(2026, 12, 16, 10, 0, tzinfo=london),
    )
    bot.run()

    assert bot.case().decision == "rapid_review"  # the vote the police gave last stands
    assert len(bot.outbox("screening_outcome")) == votes_before  # nobody told of a change
    told = " ".join(body_of(bot.outbox("command_result")[-1]).split())
    assert (
        "vote recorded (No further action) but not counted: it was given Wed 16 Dec 2026 10:00"
    ) in told
    assert "vote_not_counted" in [e.what for e in bot.case().events]


def test_a_vote_in_an_email_attached_to_a_new_one_is_not_counted(bot: Bot) -> None:
    earlier = EmailMessage()
    earlier["From"], earlier["Subject"] = POLICE, reply(REF)
    earlier.set_content("Vote: rapid review\n")
    new = EmailMessage()
    new["From"], new["To"], new["Subject"] = POLICE, "tscp@tameside.gov.uk", reply(REF)
    new["Message-ID"], new["Date"] = "<forward-as-attachment@test>", "Wed, 16 Dec 2026 11:00 +0000"
    new.set_content("Vote: no further action\n\nMy earlier email is attached.\n")
    new.add_attachment(earlier)
    bot.at("2026-12-16T11:00")
    drop_into_maildir(bot.tmp_path / "inbox", delivered(new.as_bytes(), POLICE))
    bot.run()
    with bot.app.sessions() as s:
        live = s.scalars(select(Vote.choice).where(Vote.superseded.is_(False))).all()
    assert live == ["no_further_action"]  # the vote written now, not the one forwarded


def test_notifiable_yes_after_no_sets_the_national_panel_clock_running_again(bot: Bot) -> None:
    bot.at("2026-12-17T09:00").mail(BM, reply(REF), "Decision: rapid review")
    bot.at("2026-12-17T10:00").mail(BM, reply(REF), "Notifiable: no")
    bot.run()
    due = bot.due("panel_notification")
    bot.at("2026-12-17T11:00").mail(BM, reply(REF), "Notifiable: yes")
    bot.run()

    row = next(d for d in bot.case().deadlines if d.name == "panel_notification")
    assert (row.state, row.met_at, row.due) == ("open", None, due)  # from the day it always was
    told = " ".join(body_of(bot.outbox("command_result")[-1]).split())
    assert "recorded: notifiable; the National Panel notification is due again, by " in told


def test_a_vote_refused_is_not_called_never_received(bot: Bot) -> None:
    # The local authority's vote came but failed authentication, so it was not counted: its
    # chase says the vote is not recorded, not that the partnership never received it.
    bot.at("2026-12-16T11:00").mail(LA, reply(REF), "Vote: rapid review", auth=False)
    bot.mail(POLICE, reply(REF), "Vote: rapid review")
    bot.run()
    for when in ("2026-12-17T08:30", "2026-12-17T10:00", "2026-12-17T15:00"):
        bot.at(when).run()
    [chase] = [r for r in bot.outbox("vote_reminder") if r.recipients[0] == LA]
    body = " ".join(body_of(chase).split())
    assert "not received" not in body and "your vote is not yet recorded" in body

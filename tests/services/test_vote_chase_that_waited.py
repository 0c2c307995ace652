"""A vote chase that had to wait (the mail server down) past the day the Screening Panel's
decision was due is not sent: a partner is never told their vote "is needed by" a day gone.
The Business Manager is told whose vote is missing instead, as when no chase could go."""

from __future__ import annotations

from tests.services.test_lifecycle import BM, HEALTH, LA, POLICE, Bot, body_of, reply
from tests.services.test_reminder_withdrawal import DownSender

REF = "TSCP-2026-0001"


def test_a_vote_chase_that_waited_past_the_decisions_due_day_is_withdrawn(bot: Bot) -> None:
    # The SIN came Wed 16 Dec 2026: the panel's decision is due Fri 18 Dec, the partners are
    # chased on Thu 17 Dec, and the mail server is down from then until Mon 21 Dec.
    working = bot.app.open_sender
    bot.app.open_sender = DownSender
    bot.at("2026-12-17T10:00").run()
    chases = bot.outbox("vote_reminder")
    assert sorted(r.recipients[0] for r in chases) == sorted([LA, POLICE, HEALTH])
    assert "needed by Fri 18 Dec 2026" in chases[0].subject
    # The case's history gives its days as every email does, not as 2026-12-18.
    events = {e.what: (e.detail, e.why) for e in bot.case().events}
    assert events["vote_chased"][1] == "no vote yet; the screening decision is due Fri 18 Dec 2026"
    assert events["screening_booked"][0] == "Screening Panel Wed 16 Dec 2026 14:00"
    bot.app.open_sender = working
    bot.at("2026-12-21T09:30").run()
    bot.at("2026-12-21T09:35").run()

    chases = bot.outbox("vote_reminder")
    assert [(r.status, r.sent_at) for r in chases] == [("withdrawn", None)] * 3
    why = [e.detail for e in bot.case().events if e.what == "reminder_withdrawn"]
    assert any("Fri 18 Dec 2026" in w and "has passed" in w for w in why), why
    # Nobody was asked, so the Business Manager is told whose vote is missing.
    [missing] = bot.outbox("votes_missing")
    assert missing.recipients == [BM] and missing.status == "sent"
    text = " ".join(body_of(missing).split())
    assert "Police" in text and "Health" in text, text
    assert "could not be sent before the decision fell due" in text, text
    assert "withdrawn unsent" in text


def test_a_vote_chase_that_waited_goes_only_once_the_meeting_moved_since_has_ended(
    bot: Bot,
) -> None:
    # The panel met Wed 16 Dec; the partners are chased Thu 17 Dec at 10:00 while the mail
    # server is down, and the Business Manager then moves the meeting to 14:00 that day.
    working = bot.app.open_sender
    bot.app.open_sender = DownSender
    bot.at("2026-12-17T10:00").run()
    bot.at("2026-12-17T10:30").mail(BM, reply(REF), "Reschedule: 17/12/2026 14:00")
    bot.run()
    bot.app.open_sender = working
    bot.at("2026-12-17T11:00").run()

    # Not told at 11:00 that their vote is not yet recorded, before the 14:00 meeting.
    chases = bot.outbox("vote_reminder")
    assert [(r.status, r.sent_at) for r in chases] == [("pending", None)] * 3
    said = "waiting for the Screening Panel meeting to end (Thu 17 Dec 2026 15:00)"
    assert [r.last_error for r in chases] == [said] * 3
    # The meeting ends at 15:00 with the police's vote in; the other two are then chased.
    bot.at("2026-12-17T14:50").mail(POLICE, reply(REF), "Vote: rapid review")
    bot.run()
    bot.at("2026-12-17T15:05").run()
    statuses = {r.recipients[0]: r.status for r in bot.outbox("vote_reminder")}
    assert statuses == {LA: "sent", HEALTH: "sent", POLICE: "withdrawn"}

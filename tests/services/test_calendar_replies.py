"""Accept / Tentative / Decline from the panel's calendars, and moving or calling off the panel.

Mail goes in through the Maildir inbox and the real ingest path, as Outlook on Exchange sends
it (tests.fixtures.mail.calendar_reply); assertions are on the digest the Business Manager
reads, on the case, and on the calendar mail the bot sends.
"""

from __future__ import annotations

import email
from datetime import datetime, timedelta
from email import policy
from pathlib import Path
from typing import TypedDict, Unpack

import pytest
from sqlalchemy import select

from bot.adapters.db.models import MeetingResponse, OutboxMessage, StoredMessage
from bot.services.case_view_types import MeetingView
from bot.services.digest import digest_context
from bot.services.meeting_replies import meeting_views
from tests.fixtures.app import AppFactory
from tests.fixtures.mail import calendar_reply, drop_into_maildir, through_our_mx
from tests.fixtures.scenarios import Scenarios
from tests.services.conftest import copied
from tests.services.test_lifecycle import (
    BM,
    HEALTH,
    LA,
    POLICE,
    TRUSTED,
    Bot,
    body_of,
    delivered,
)


class Slot(TypedDict, total=False):
    """When the meeting answered starts and ends: calendar_reply's `start` and `end`."""

    start: str
    end: str


UID = "screening-TSCP-2026-0001@tscp-bot"
# The SIN arrives Wednesday 16 December 2026 at 13:00: the panel is booked for Thursday 10:00.
SLOT: Slot = {"start": "20261217T100000", "end": "20261217T110000"}


@pytest.fixture
def bot(
    make_app: AppFactory, tmp_path: Path, migrated_database_url: str, scenarios: Scenarios
) -> Bot:
    """A case opened from a SIN on Wed 16 Dec 2026 at 13:00, its panel booked for Thursday
    (replayed once per backend and process, and copied: tests/fixtures/scenarios.py)."""
    return copied("calendar", build_bot, make_app, tmp_path, migrated_database_url, scenarios)


def build_bot(make_app: AppFactory, tmp_path: Path) -> Bot:
    b = Bot(make_app, tmp_path, "2026-12-16T13:00")
    b.mail(
        "casey.invented@gmp.police.uk",
        "Serious Incident Notification - GM SIN form",
        "Please find the GM SIN form for the Screening Panel.",
    )
    b.run()
    [invite] = b.outbox("screening_invitation")
    assert "Thu 17 Dec 2026 10:00" in invite.subject
    return b


def answer(
    bot: Bot,
    sender: str,
    partstat: str,
    sequence: int = 0,
    verdict: bool = True,
    **kw: Unpack[Slot],
) -> None:
    """`sender`'s calendar answer, with our receiving server's DMARC pass unless `verdict` is
    False (delivered with none, as through some gateways)."""
    slot: Slot = {**SLOT, **kw}
    raw = calendar_reply(sender, partstat, sequence=sequence, **slot)
    drop_into_maildir(bot.tmp_path / "inbox", delivered(raw, sender) if verdict else raw)


def calendar_of(row: OutboxMessage) -> str:
    msg = email.message_from_bytes(row.raw, policy=policy.default)
    part = next(p for p in msg.walk() if p.get_content_type() == "text/calendar")
    assert part.get_param("method") in ("REQUEST", "CANCEL")
    text = str(part.get_content())
    assert f"METHOD:{part.get_param('method')}" in text  # the header and the calendar agree
    return text


def digest_text(bot: Bot) -> str:
    [digest] = bot.outbox("daily_digest")[-1:]
    return body_of(digest)


def panel(bot: Bot) -> MeetingView:
    with bot.app.sessions() as s:
        case = bot.case()
        return meeting_views(s, bot.app, s.merge(case))[0]


def test_two_accepts_and_a_decline_are_not_quorate_and_all_accepting_is(bot: Bot) -> None:
    before = len(bot.outbox())
    bot.at("2026-12-16T14:00")
    answer(bot, POLICE, "ACCEPTED")
    answer(bot, LA, "ACCEPTED")
    answer(bot, HEALTH, "DECLINED")
    bot.run()
    # Calendar answers are never acknowledged and never answered.
    assert len(bot.outbox()) == before
    with bot.app.sessions() as s:
        kinds = s.scalars(select(StoredMessage.kind).where(StoredMessage.id > 1)).all()
    assert kinds == ["calendar_reply"] * 3
    # The Business Manager reads it in the morning digest, before the 10:00 panel.
    bot.at("2026-12-17T08:05").run()
    text = digest_text(bot)
    assert "Panels not yet quorate    1" in text
    assert "TSCP-2026-0001  Thu 17 Dec 2026 10:00  NOT QUORATE" in text
    assert "local authority    accepted" in text and "health             declined" in text
    assert "meeting declined" in text  # under "needs your attention"
    # Health's leave moves: all three partners accepted.
    bot.at("2026-12-17T08:30")
    answer(bot, HEALTH, "ACCEPTED")
    bot.run()
    view = panel(bot)
    assert view["quorate"] is True
    assert view["quorum"] == "quorate: all 3 statutory partners accepted"
    with bot.app.sessions() as s:
        context = digest_context(s, bot.app, bot.clock.moment.date(), bot.clock.moment)
    panels = context["panels"]
    assert [p["quorate"] for p in panels] == [True]


def test_a_tentative_acceptance_is_not_an_acceptance(bot: Bot) -> None:
    answer(bot, POLICE, "ACCEPTED")
    answer(bot, LA, "ACCEPTED")
    answer(bot, HEALTH, "TENTATIVE")
    bot.at("2026-12-16T14:00").run()
    assert panel(bot)["quorum"] == "not quorate: health tentatively accepted"


def test_a_reply_without_the_case_tag_is_matched_by_the_invitations_uid(bot: Bot) -> None:
    raw = calendar_reply(POLICE, "ACCEPTED", subject="Accepted: Screening Panel", **SLOT)
    drop_into_maildir(bot.tmp_path / "inbox", delivered(raw, POLICE))
    bot.at("2026-12-16T14:00").run()
    with bot.app.sessions() as s:
        row = s.scalars(select(StoredMessage).order_by(StoredMessage.id.desc())).first()
        assert row is not None and row.case is not None and not row.needs_triage
        assert row.case.ref == "TSCP-2026-0001"
    assert panel(bot)["answers"][1]["said"] == "accepted"


def test_an_answer_to_a_meeting_the_bot_never_sent_goes_to_triage(bot: Bot) -> None:
    raw = calendar_reply(POLICE, "ACCEPTED", uid="team-away-day-2027@gmp.police.uk", **SLOT)
    drop_into_maildir(bot.tmp_path / "inbox", raw)
    bot.at("2026-12-16T14:00").run()
    with bot.app.sessions() as s:
        row = s.scalars(select(StoredMessage).order_by(StoredMessage.id.desc())).first()
        assert row is not None and row.needs_triage
        assert "meeting the bot did not send (UID team-away-day-2027@gmp.police.uk)" in (
            row.triage_reason or ""
        )


def test_reschedule_sends_the_same_uid_one_sequence_up_and_old_answers_stop_counting(
    bot: Bot,
) -> None:
    answer(bot, POLICE, "ACCEPTED")
    bot.at("2026-12-16T14:00").run()
    bot.at("2026-12-16T15:00").mail(
        BM, "RE: [TSCP-2026-0001] Screening Panel", "Reschedule: 18/12/2026 14:00"
    )
    bot.run()
    first, moved = bot.outbox("screening_invitation")
    assert moved.subject == "[TSCP-2026-0001] Screening Panel moved: Fri 18 Dec 2026 14:00"
    ics = calendar_of(moved)
    assert "METHOD:REQUEST" in ics and f"UID:{UID}" in ics and "SEQUENCE:1" in ics
    assert "DTSTART;TZID=Europe/London:20261218T140000" in ics
    assert sorted(moved.recipients) == sorted(first.recipients)
    assert "It was to meet on" in body_of(moved) and "Thursday 17 December 2026" in body_of(moved)
    [result] = bot.outbox("command_result")
    assert "Screening Panel moved from Thu 17 Dec 2026 10:00 to Fri 18 Dec 2026 14:00" in (
        body_of(result)
    )
    # Police's acceptance was of Thursday: for Friday they have not answered yet.
    police = panel(bot)["answers"][1]
    assert police["said"] == "no answer yet" and police["earlier_time"] == "accepted"
    # An Accept of the old time arriving late is recorded, stale, and not counted.
    answer(bot, LA, "ACCEPTED", sequence=0)
    bot.at("2026-12-16T16:00").run()
    with bot.app.sessions() as s:
        late = s.scalars(select(MeetingResponse).where(MeetingResponse.attendee == LA)).one()
        assert late.stale is True
    assert any("earlier time" in e.detail and "not counted" in e.detail for e in bot.case().events)
    assert panel(bot)["answers"][0]["said"] == "no answer yet"


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("Reschedule: 25/12/2026 10:00", "Fri 25 Dec 2026 is not a working day (Christmas Day)"),
        ("Reschedule: 15/12/2026 10:00", "Tue 15 Dec 2026 10:00 has already passed"),
        (  # "2.30" to a 24-hour clock is the middle of the night: nobody is invited to it
            "Reschedule: 17/12/2026 2.30",
            "02:30 is outside working hours (09:00 to 17:00); if you meant 14:30, write "
            "Reschedule: <date> 14:30",
        ),
        ("Reschedule: 17/12/2026 18:00", "18:00 is outside working hours (09:00 to 17:00)"),
    ],
)
def test_a_reschedule_that_cannot_be_done_is_refused_saying_why(
    bot: Bot, line: str, reason: str
) -> None:
    bot.at("2026-12-16T15:00").mail(BM, "RE: [TSCP-2026-0001] Screening Panel", line)
    bot.run()
    assert len(bot.outbox("screening_invitation")) == 1
    [result] = bot.outbox("command_result")
    assert reason in " ".join(body_of(result).split())


def test_reschedule_after_the_deadline_says_so(bot: Bot) -> None:
    bot.at("2026-12-16T15:00").mail(
        BM, "RE: [TSCP-2026-0001] Screening Panel", "Reschedule: 21/12/2026 10:00"
    )
    bot.run()
    [result] = bot.outbox("command_result")
    # Counted from the SIN form's receipt, and said so: not from the National Panel notification.
    assert (
        "after the Screening Panel deadline of Fri 18 Dec 2026 (the panel meets within 2 "
        "working days of the SIN form being received, on Wed 16 Dec 2026)"
    ) in " ".join(body_of(result).split())


def test_cancel_meeting_sends_method_cancel_to_the_attendees(bot: Bot) -> None:
    bot.at("2026-12-16T15:00").mail(
        BM,
        "RE: [TSCP-2026-0001] Screening Panel",
        "Cancel meeting: the partners agreed by telephone",
    )
    bot.run()
    [cancel] = bot.outbox("screening_cancelled")
    ics = calendar_of(cancel)
    assert "METHOD:CANCEL" in ics and f"UID:{UID}" in ics and "SEQUENCE:1" in ics
    assert "STATUS:CANCELLED" in ics
    [invite] = bot.outbox("screening_invitation")
    assert sorted(cancel.recipients) == sorted(invite.recipients)
    assert cancel.subject == "[TSCP-2026-0001] Screening Panel cancelled: Thu 17 Dec 2026 10:00"
    assert "the partners agreed by telephone" in body_of(cancel)
    assert panel(bot)["cancelled_at"] is not None
    # Nothing left to cancel: said, not silently ignored.
    bot.at("2026-12-16T15:30").mail(BM, "RE: [TSCP-2026-0001] Screening Panel", "Cancel meeting")
    bot.run()
    assert "no Screening Panel meeting booked on this case to cancel" in " ".join(
        body_of(bot.outbox("command_result")[-1]).split()
    )


def test_closing_a_case_cancels_its_future_meeting(bot: Bot) -> None:
    bot.at("2026-12-16T15:00").mail(
        BM,
        "RE: [TSCP-2026-0001] Screening Panel",
        "Notifiable: no because not a serious incident\nClose: sent to us in error",
    )
    bot.run()
    [cancel] = bot.outbox("screening_cancelled")
    assert "METHOD:CANCEL" in calendar_of(cancel)
    assert "the case is closed" in body_of(cancel)
    [result] = bot.outbox("command_result")
    assert "case closed; the Screening Panel of Thu 17 Dec 2026 10:00 is cancelled" in " ".join(
        body_of(result).split()
    )


def test_the_panels_decision_by_email_before_the_meeting_cancels_it(bot: Bot) -> None:
    bot.at("2026-12-16T15:00").mail(
        POLICE, "RE: [TSCP-2026-0001] Screening Panel", "Vote: rapid review"
    )
    bot.mail(LA, "RE: [TSCP-2026-0001] Screening Panel", "Vote: rapid review")
    bot.run()
    [cancel] = bot.outbox("screening_cancelled")
    assert "METHOD:CANCEL" in calendar_of(cancel)
    said = " ".join(body_of(bot.outbox("command_result")[-1]).split())
    assert "the panel has decided: Rapid Review; the Screening Panel of Thu 17 Dec 2026 10:00" in (
        said
    )


def test_a_meeting_already_held_is_not_cancelled_when_the_decision_is_recorded(bot: Bot) -> None:
    bot.at("2026-12-17T11:30").mail(POLICE, "RE: [TSCP-2026-0001] Screening Panel", "Vote: NFA")
    bot.mail(LA, "RE: [TSCP-2026-0001] Screening Panel", "Vote: no further action")
    bot.run()
    assert bot.case().decision == "no_further_action"
    assert bot.outbox("screening_cancelled") == []
    assert panel(bot)["cancelled_at"] is None


def _answering_for_others(sender: str, others: list[str]) -> bytes:
    """A reply whose calendar names other attendees as accepting too."""
    msg = email.message_from_bytes(
        calendar_reply(sender, "ACCEPTED", **SLOT), policy=policy.default
    )
    for part in msg.walk():
        if part.get_content_type() == "text/calendar":
            ics = part.get_content()
            ics = ics.decode() if isinstance(ics, bytes) else ics
            added = "".join(f"ATTENDEE;PARTSTAT=ACCEPTED:mailto:{a}\r\n" for a in others)
            ics = ics.replace("END:VEVENT", added + "END:VEVENT", 1)
            part.set_content(
                ics.encode(), maintype="text", subtype="calendar", params={"method": "REPLY"}
            )
    return msg.as_bytes()


def test_an_answer_counts_only_for_the_person_who_sent_it(bot: Bot) -> None:
    drop_into_maildir(
        bot.tmp_path / "inbox", _answering_for_others("prankster@example.net", [LA, POLICE, HEALTH])
    )
    bot.at("2026-12-16T14:00").run()
    assert panel(bot)["quorum"] != "quorate: all 3 statutory partners accepted"
    with bot.app.sessions() as s:
        row = s.scalars(select(StoredMessage).order_by(StoredMessage.id.desc())).first()
        assert row is not None and row.needs_triage
        assert f"calendar answer for {HEALTH} sent by prankster@example.net: not counted" in str(
            row.triage_reason
        )


def test_an_answer_our_server_found_forged_is_not_counted(bot: Bot) -> None:
    """A calendar answer needs no authentication (some gateways add none), but one whose
    domain our receiving server says disowns it (DMARC failed) is not believed."""
    forged = calendar_reply(HEALTH, "DECLINED", **SLOT)
    verdict = "dkim=fail header.d=nhs.net; dmarc=fail header.from=nhs.net"
    drop_into_maildir(bot.tmp_path / "inbox", through_our_mx(forged, verdict, host=TRUSTED))
    answer(bot, LA, "ACCEPTED", verdict=False)  # no verdict at all: still counted
    bot.at("2026-12-16T14:00").run()
    answers = {a["role"]: a["answer"] for a in panel(bot)["answers"]}
    assert answers["local_authority"] == "ACCEPTED"
    assert answers["health"] != "DECLINED"  # the forged decline is not the partner's answer
    with bot.app.sessions() as s:
        rows = s.scalars(select(StoredMessage).where(StoredMessage.from_addr == HEALTH)).all()
        assert [r.needs_triage for r in rows] == [True]
        assert "DMARC failed for nhs.net, so not counted" in str(rows[0].triage_reason)


def test_an_answer_nothing_authenticated_counts_but_the_quorum_says_whose_it_is(bot: Bot) -> None:
    """Some gateways strip the verdict, so an answer with none is counted; but whoever reads
    "quorate" is told which acceptance nothing vouched for, so they can check it is real."""
    bot.at("2026-12-16T14:00")
    answer(bot, LA, "ACCEPTED")
    answer(bot, HEALTH, "ACCEPTED")
    answer(bot, POLICE, "ACCEPTED", verdict=False)
    bot.run()
    view = panel(bot)
    assert view["quorate"] is True
    assert view["quorum"] == (
        "quorate: all 3 statutory partners accepted "
        "(the answer from police was not authenticated: check it is theirs)"
    )
    said = {a["role"]: a["said"] for a in view["answers"]}
    assert said == {
        "local_authority": "accepted",
        "police": "accepted (not authenticated)",
        "health": "accepted",
    }
    [told] = [e for e in bot.case().events if e.what == "meeting_reply" and e.actor == POLICE]
    assert "(not authenticated: " in told.detail  # the case history says why
    bot.at("2026-12-17T08:05").run()
    assert "police             accepted (not authenticated)" in digest_text(bot)
    # The same partner's authenticated answer later settles it.
    bot.at("2026-12-17T08:30")
    answer(bot, POLICE, "ACCEPTED")
    bot.run()
    assert panel(bot)["quorum"] == "quorate: all 3 statutory partners accepted"


def test_a_note_typed_with_an_answer_reaches_her_and_thanks_alone_does_not(bot: Bot) -> None:
    news = "Accepting. The child's mother was arrested this morning."
    for sender, note in ((POLICE, "Thanks"), (HEALTH, "Joining from Ashton on Teams."), (LA, news)):
        raw = calendar_reply(sender, "ACCEPTED", note=note, **SLOT)
        drop_into_maildir(bot.tmp_path / "inbox", delivered(raw, sender))
    bot.at("2026-12-16T15:00").run()
    [alert] = bot.outbox("case_reply_alert")  # the answers are counted all the same
    assert LA in alert.subject
    assert f"  | {news}" in body_of(alert)
    with bot.app.sessions() as s:
        assert len(s.scalars(select(MeetingResponse)).all()) == 3
    with bot.app.sessions() as s:
        digest = digest_context(s, bot.app, bot.clock.moment.date(), _after(bot))
    [logistics] = [n for n in digest["new_on_cases"] if HEALTH in str(n["who"])]
    assert logistics["lines"] == ["Joining from Ashton on Teams."]  # in the digest, not alerted


def test_a_note_typed_only_in_the_body_of_an_answer_reaches_her(bot: Bot) -> None:
    # Some mail programs leave the event's COMMENT empty and send the note as the email's text.
    news = "Declining: the child was admitted to hospital overnight, I am at the hospital."
    for sender, note in ((POLICE, "Thanks, Dana"), (HEALTH, news)):
        raw = calendar_reply(sender, "DECLINED", note=note, comment=False, **SLOT)
        drop_into_maildir(bot.tmp_path / "inbox", delivered(raw, sender))
    bot.at("2026-12-16T15:00").run()
    [alert] = bot.outbox("case_reply_alert")
    assert HEALTH in alert.subject and f"  | {news}" in body_of(alert)
    with bot.app.sessions() as s:
        digest = digest_context(s, bot.app, bot.clock.moment.date(), _after(bot))
        assert len(s.scalars(select(MeetingResponse)).all()) == 2
    [noted] = digest["new_on_cases"]  # thanks alone is not news
    assert noted["lines"] == [news]


def test_a_note_typed_with_a_decline_is_emailed_to_her_at_once(bot: Bot) -> None:
    # Who comes instead is for acting on before the panel meets, not in the next digest.
    note = "I can't come, sending DS Kim Invented instead."
    raw = calendar_reply(POLICE, "DECLINED", note=note, **SLOT)
    drop_into_maildir(bot.tmp_path / "inbox", delivered(raw, POLICE))
    bot.at("2026-12-16T15:00").run()
    [alert] = bot.outbox("case_reply_alert")
    assert POLICE in alert.subject and f"  | {note}" in body_of(alert)


def _after(bot: Bot) -> datetime:
    """A digest written after the pass that read the answers: one written in that very moment
    leaves what it read to the next digest (bot.services.digest_since)."""
    return bot.clock.moment + timedelta(minutes=1)

"""Lines like commands that no command reads are answered, never filed unread: the Business
Manager's "Notifed: 16/12/2026" recorded nothing, and she would believe it had.

Every email goes in through the Maildir inbox and the real ingest path (run_once).
"""

from __future__ import annotations

from bot.services.digest import send_digest_if_due
from tests.services.test_lifecycle import BM, POLICE, Bot, body_of, reply

REF = "TSCP-2026-0001"
MISTYPED = "Awareness date: 14/12/2026\nNotifed: 16/12/2026\n\nThanks"


def test_mistyped_commands_are_answered_with_the_nearest_and_shown_in_the_digest(
    bot: Bot,
) -> None:
    bot.at("2026-12-17T09:05").mail(BM, reply(REF), MISTYPED)
    bot.mail(BM, reply(REF), "Thanks, I will ring the school tomorrow about the meeting.")
    bot.run()
    [told] = bot.outbox("command_not_recognised")
    assert told.recipients == [BM]
    assert told.subject == f"[{REF}] Nothing recorded: no command recognised in your email"
    text = body_of(told).replace("\r\n", "\n")
    # The lines are shown by their labels: what followed them is never sent back by email.
    assert "  > Awareness date: ...\n  > Notifed: ...\n" in text
    assert "14/12/2026" not in text and "16/12/2026" not in text
    assert "  Aware:\n" in text and "  Notified:\n" in text
    # Nothing was recorded: the National Panel clock is still open.
    panel = next(d for d in bot.case().deadlines if d.name == "panel_notification")
    assert panel.met_at is None
    bot.at("2026-12-18T08:05")
    assert send_digest_if_due(bot.app)
    digest = body_of(bot.outbox("daily_digest")[-1]).replace("\r\n", "\n")
    section = digest.split("NEEDS YOUR ATTENTION", 1)[1].split("AWAITING YOUR APPROVAL", 1)[0]
    assert f"{REF}" in section and "no command recognised" in section
    # Labels too, and which message to open on the case to read the lines whole.
    assert 'lines beginning "Awareness date:", "Notifed:"' in " ".join(section.split())
    assert "16/12/2026" not in section and "no command recognised in message #" in section


def test_a_partners_prose_and_a_forged_mistyped_command_get_no_answer(bot: Bot) -> None:
    bot.at("2026-12-17T09:05").mail(POLICE, reply(REF), "Decison: rapid review")
    bot.mail(BM, reply(REF), MISTYPED, auth=False)  # not provably her: nothing said back
    bot.mail(POLICE, reply(REF), "Thanks - I will be there on Thursday.")
    bot.run()
    [told] = bot.outbox("command_not_recognised")
    assert told.recipients == [POLICE]
    assert "  Decision:\n" in body_of(told).replace("\r\n", "\n")


def test_labelled_notes_with_dates_or_personal_details_get_no_answer(bot: Bot) -> None:
    # Notes for a person, from a partner who gives commands: a date value alone is not a
    # command's shape, and a child's date of birth is never sent back by email.
    notes = "Update: mother arrested yesterday\nDate of birth: 01/02/2015\nStrategy meeting: 18/12"
    bot.at("2026-12-17T09:05").mail(POLICE, reply(REF), notes)
    bot.run()
    assert bot.outbox("command_not_recognised") == []
    assert not any(e.what == "no_command_recognised" for e in bot.case().events)

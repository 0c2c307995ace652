"""Lines like commands that no command reads are answered, never filed unread: the Business
Manager's "Notifed: 16/12/2026" recorded nothing, and she would believe it had.

Every email goes in through the Maildir inbox and the real ingest path (run_once).
"""

from __future__ import annotations

from bot.services.daily_digest import send_digest_if_due
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


SIGNED = "Noted, thank you.\n\nKind regards\nPat Example\nBusiness Manager\n"


def test_a_mistyped_vote_is_answered_and_news_after_an_everyday_word_is_not(bot: Bot) -> None:
    bot.at("2026-12-17T09:05").mail(POLICE, reply(REF), "Voet: rapid review")
    bot.mail(POLICE, reply(REF), "Meeting: went well, the family engaged")
    bot.run()
    [told] = bot.outbox("command_not_recognised")
    text = body_of(told).replace("\r\n", "\n")
    assert "  > Voet: ...\n" in text and "  Vote:\n" in text and "went well" not in text
    assert not any(v for v in bot.case().events if v.what == "vote_recorded")


def test_her_own_command_below_her_signature_is_not_carried_out_and_she_is_told(
    bot: Bot,
) -> None:
    bot.at("2026-12-17T09:05").mail(BM, reply(REF), SIGNED + "Notified: 16/12/2026")
    bot.run()
    [told] = bot.outbox("command_not_recognised")
    assert told.recipients == [BM]
    assert told.subject == f"[{REF}] Nothing recorded: a command below your signature"
    text = " ".join(body_of(told).split())
    assert "a command below your signature, which was not carried out" in text
    assert "> Notified: ..." in text and "16/12/2026" not in text
    assert "send it again above your signature" in text
    panel = next(d for d in bot.case().deadlines if d.name == "panel_notification")
    assert panel.met_at is None
    [flag] = [e for e in bot.case().events if e.what == "no_command_recognised"]
    assert flag.detail.startswith('commands below the signature not carried out: "Notified:"')


def test_a_command_below_the_signature_beside_one_above_is_named_in_the_confirmation(
    bot: Bot,
) -> None:
    body = "Vote: rapid review\n\nKind regards\nSam\nDSP\nAware: 14/12/2026"
    bot.at("2026-12-17T09:05").mail(POLICE, reply(REF), body)
    bot.run()
    [confirmed] = bot.outbox("command_result")
    text = " ".join(body_of(confirmed).split())
    assert "> Vote: rapid review vote recorded" in text
    assert "> Aware: ... not carried out: it stood below your signature" in text
    assert "14/12/2026" not in text
    assert bot.outbox("command_not_recognised") == []
    assert any(e.what == "no_command_recognised" for e in bot.case().events)


def test_a_command_in_a_quoted_email_below_its_signature_is_not_answered(bot: Bot) -> None:
    quoted = (
        "Noted.\n\nOn Thu, 17 Dec 2026 at 09:00, Pat Example <pat@example.org> wrote:\n"
        "> Noted.\n>\n> Kind regards\n> Pat Example\n> Notified: 16/12/2026\n"
    )
    bot.at("2026-12-17T09:05").mail(BM, reply(REF), quoted)
    bot.mail(
        POLICE,
        reply(REF),
        "Thanks.\n\nFrom: TSCP\nSent: 16 December 2026\n\n" + SIGNED + "Vote: rapid review",
    )
    bot.run()
    assert bot.outbox("command_not_recognised") == []
    assert bot.outbox("command_result") == []

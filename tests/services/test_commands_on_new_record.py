"""Command lines in the email that opens a record are not carried out (they were written
before the record existed), and the one who gave them is told so on the new record's thread,
never left to believe her "Aware:" was recorded. Through the Maildir inbox and the real
ingest path."""

from __future__ import annotations

from sqlalchemy import select

from bot.adapters.db.models import Case, StoredMessage
from tests.services.test_lifecycle import BM, Bot, body_of

SIN_SUBJECT = "FW: Serious Incident Notification - GM SIN form"
NEW = "TSCP-2026-0002"  # the `bot` fixture's SIN opened TSCP-2026-0001


def _forwarded_sin(bot: Bot, said: str) -> None:
    bot.at("2026-12-16T10:00").mail(
        BM, SIN_SUBJECT, f"{said}\n\nThe police's SIN form, which came to me, is below.\n"
    )
    bot.run()


def _her_email(bot: Bot) -> StoredMessage:
    with bot.app.sessions() as s:
        return s.scalars(select(StoredMessage).where(StoredMessage.subject == SIN_SUBJECT)).one()


def _aware_recorded(case: Case) -> bool:
    return any(e.what == "command" and "local authority aware" in e.detail for e in case.events)


def test_commands_in_a_sin_that_opens_a_case_are_told_on_its_thread_not_done(bot: Bot) -> None:
    _forwarded_sin(bot, "Aware: 14/12/2026")

    case = bot.case(NEW)
    assert not _aware_recorded(case)
    [told] = bot.outbox("commands_on_new_record")
    assert told.recipients == [BM] and told.subject.startswith(f"[{NEW}] Not carried out")
    text = " ".join(body_of(told).split())
    assert "> Aware: 14/12/2026" in body_of(told) and "They were not carried out" in text
    assert f'tscp-bot command {NEW} "Aware: 14/12/2026"' in text
    row = _her_email(bot)
    assert row.case_id == case.id and row.needs_triage
    assert "commands not carried out (the email opened a new record)" in (row.triage_reason or "")


def test_a_reply_on_that_thread_gives_them_on_the_new_case(bot: Bot) -> None:
    _forwarded_sin(bot, "Aware: 14/12/2026")
    [told] = bot.outbox("commands_on_new_record")

    bot.at("2026-12-16T11:00").mail(
        BM,
        f"RE: {told.subject}",
        "Aware: 14/12/2026",
        headers={"In-Reply-To": f"<{told.message_id}>"},
    )
    bot.run()

    assert _aware_recorded(bot.case(NEW))
    assert len(bot.outbox("commands_on_new_record")) == 1  # said once, not again


def test_a_sin_without_commands_says_nothing_more(bot: Bot) -> None:
    _forwarded_sin(bot, "Please open a case for this one.")

    assert bot.outbox("commands_on_new_record") == []
    assert "commands not carried out" not in (_her_email(bot).triage_reason or "")


def test_a_command_below_her_signature_is_named_in_that_answer_by_its_label(bot: Bot) -> None:
    _forwarded_sin(bot, "Aware: 14/12/2026\n\nKind regards\nPat Example\nNotified: 16/12/2026")

    [told] = bot.outbox("commands_on_new_record")
    text = " ".join(body_of(told).split())
    assert "> Aware: 14/12/2026" in text
    assert "Below your signature it held a command too, not carried out either" in text
    assert "> Notified: ..." in text and "16/12/2026" not in text
    assert "send it again above your signature" in text
    assert f'tscp-bot command {NEW} "Aware: 14/12/2026"' in text  # not the line never read

"""A reply to the daily digest names every case the digest lists, so it is filed on none: its
commands are carried out on no case, and the one who gave them is told so, never left to
believe her "Close: duplicate" was done.

Mail goes in through the Maildir inbox and the real ingest path, answering a digest the bot
really sent.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select

from bot.adapters.db.models import OutboxMessage, StoredMessage, Vote
from bot.services.daily_digest import send_digest_if_due
from tests.services.test_lifecycle import BM, HEALTH, Bot, body_of

ANSWER = "command_no_case"
REFS = ("TSCP-2026-0001", "TSCP-2026-0002")


def _digest(bot: Bot) -> OutboxMessage:
    """Thursday's digest, listing both open cases (the `bot` fixture's and a second)."""
    bot.at("2026-12-16T10:00").mail(
        "casey.invented@gmp.police.uk", "Serious Incident Notification - GM SIN form", "Form 2."
    )
    bot.run()
    bot.at("2026-12-17T08:05")
    assert send_digest_if_due(bot.app)
    digest = bot.outbox("daily_digest")[-1]
    assert all(ref in body_of(digest) for ref in REFS)
    return digest


def _reply_to(
    bot: Bot,
    digest: OutboxMessage,
    sender: str,
    said: str,
    *,
    quote: bool = True,
    auth: bool = True,
    headers: Mapping[str, str] | None = None,
) -> None:
    """`said` above the digest quoted whole, as a mail client writes a reply."""
    quoted = "\n".join(f"> {line}" for line in body_of(digest).splitlines())
    wrote = f"\n\nOn Thu, 17 Dec 2026 at 08:05, TSCP <tscp@tameside.gov.uk> wrote:\n{quoted}\n"
    bot.at("2026-12-17T09:00").mail(
        sender,
        f"RE: {digest.subject}",
        said + (wrote if quote else ""),
        auth=auth,
        headers={"In-Reply-To": f"<{digest.message_id}>", **(headers or {})},
    )
    bot.run()


def _answers(bot: Bot) -> list[OutboxMessage]:
    return bot.outbox(ANSWER)


def _her_reply(bot: Bot) -> StoredMessage:
    with bot.app.sessions() as s:
        return s.scalars(
            select(StoredMessage).where(
                StoredMessage.from_addr == BM, StoredMessage.subject.startswith("RE: ")
            )
        ).one()


def test_a_command_in_a_reply_to_the_digest_is_answered_nothing_was_done(bot: Bot) -> None:
    _reply_to(bot, _digest(bot), BM, "Close: duplicate")
    [answer] = _answers(bot)
    assert answer.recipients == [BM]
    text = " ".join(body_of(answer).split())
    assert "Nothing was done" in text and "> Close: duplicate" in body_of(answer)
    assert "several cases" in text
    # How to give it so it counts: on the case's thread, by its reference, or at the terminal.
    assert "reply to the case's own email" in text
    assert "send a new email with the case's reference in its subject" in text
    assert 'tscp-bot command TSCP-YYYY-NNNN "Close: duplicate"' in text
    assert [bot.case(r).status for r in REFS] == ["open", "open"]
    row = _her_reply(bot)
    assert row.needs_triage and row.case_id is None  # still hers to file by hand
    assert "the sender was told" in (row.triage_reason or "")


def _retried(bot: Bot) -> None:
    """What `tscp-bot triage retry` does: the message goes round again on the next pass."""
    with bot.app.sessions() as s:
        row = s.get(StoredMessage, _her_reply(bot).id)
        assert row is not None
        row.status, row.attempts, row.needs_triage = "stored", 0, False
        s.commit()
    bot.at("2026-12-17T09:30").run()


def test_the_answer_goes_once_and_quotes_none_of_the_digest(bot: Bot) -> None:
    _reply_to(bot, _digest(bot), BM, "Close: duplicate\nCSPR: yes")
    _retried(bot)
    assert _her_reply(bot).needs_triage  # still hers, but she is not told twice
    [answer] = _answers(bot)
    text = body_of(answer)
    assert "> Close: duplicate" in text and "> CSPR: yes" in text
    assert answer.case_id is None
    assert REFS[1] not in text  # the digest's cases are not listed back to her


def test_a_reply_to_the_digest_with_its_quote_cut_is_answered_too(bot: Bot) -> None:
    _reply_to(bot, _digest(bot), BM, "Close: duplicate", quote=False)
    [answer] = _answers(bot)
    assert "> Close: duplicate" in body_of(answer)
    assert [bot.case(r).status for r in REFS] == ["open", "open"]


def test_a_reply_to_the_answer_closes_no_case_either(bot: Bot) -> None:
    # The answer names no real case, as an example or otherwise: a reply quoting it names
    # exactly one case only if she writes it there herself.
    _reply_to(bot, _digest(bot), BM, "Close: duplicate")
    [answer] = _answers(bot)
    quoted = "\n".join(f"> {line}" for line in body_of(answer).splitlines())
    bot.at("2026-12-17T09:30").mail(
        BM,
        f"RE: {answer.subject}",
        f"Close: duplicate\n\n{quoted}\n",
        headers={"In-Reply-To": f"<{answer.message_id}>"},
    )
    bot.run()
    assert [bot.case(r).status for r in REFS] == ["open", "open"]


def test_a_reply_to_the_digest_with_no_command_gets_no_such_answer(bot: Bot) -> None:
    _reply_to(bot, _digest(bot), BM, "Thanks, I will look at these after lunch.")
    assert _answers(bot) == []
    assert _her_reply(bot).needs_triage


def test_an_automatic_reply_to_the_digest_is_never_answered(bot: Bot) -> None:
    _reply_to(
        bot,
        _digest(bot),
        BM,
        "I am out of the office until Monday.\nClose: duplicate",
        headers={"Auto-Submitted": "auto-replied"},
    )
    assert _answers(bot) == []


def test_a_forged_reply_to_the_digest_is_not_answered(bot: Bot) -> None:
    _reply_to(bot, _digest(bot), BM, "Close: duplicate", auth=False)
    assert _answers(bot) == []
    assert [bot.case(r).status for r in REFS] == ["open", "open"]


def test_one_who_may_not_give_commands_is_not_answered(bot: Bot) -> None:
    # A copy of the digest (its cc) reached someone the configuration gives no commands to.
    _reply_to(bot, _digest(bot), "robin.invented@tameside.gov.uk", "Close: duplicate")
    assert _answers(bot) == []
    assert [bot.case(r).status for r in REFS] == ["open", "open"]


def test_a_command_in_a_new_email_naming_no_case_is_answered_too(bot: Bot) -> None:
    bot.at("2026-12-17T09:00").mail(BM, "Closing the duplicate", "Close: duplicate")
    bot.run()
    [answer] = _answers(bot)
    assert answer.recipients == [BM]
    text = " ".join(body_of(answer).split())
    assert "Nothing was done" in text and "it names no case" in text
    assert bot.case().status == "open"


def test_a_vote_whose_subject_names_another_case_than_its_thread_runs_on_neither(
    bot: Bot,
) -> None:
    _digest(bot)  # two cases open
    [invite] = [r for r in bot.outbox("screening_invitation") if REFS[0] in r.subject]
    # Health answers case 1's invitation, but its subject was edited to name case 2.
    bot.at("2026-12-17T09:00").mail(
        HEALTH,
        f"RE: [{REFS[1]}] Screening Panel",
        "Vote: no further action",
        headers={"In-Reply-To": f"<{invite.message_id}>"},
    )
    bot.run()
    with bot.app.sessions() as s:
        assert s.scalars(select(Vote)).all() == []  # counted on neither case
    [answer] = _answers(bot)
    assert answer.recipients == [HEALTH]
    text = " ".join(body_of(answer).split())
    assert f"its subject names {REFS[1]} while it answers an email about {REFS[0]}" in text


def test_commands_naming_a_case_we_do_not_hold_are_answered_nothing_was_done(bot: Bot) -> None:
    # A mistyped number: she must not believe the decision was recorded.
    bot.at("2026-12-17T09:00").mail(BM, "RE: [TSCP-2026-0091] Screening Panel", "Notifiable: yes")
    bot.run()

    [answer] = _answers(bot)
    text = " ".join(body_of(answer).split())
    assert answer.recipients == [BM] and "Nothing was done" in text
    assert "its reference TSCP-2026-0091 names no case (a mistyped reference?)" in text
    assert bot.case("TSCP-2026-0001").notifiable is None


def test_a_forger_naming_a_case_we_do_not_hold_is_told_nothing(bot: Bot) -> None:
    bot.at("2026-12-17T09:00").mail(
        BM, "RE: [TSCP-2026-0099] Screening Panel", "Notifiable: yes", auth=False
    )
    bot.run()

    assert _answers(bot) == []


def test_a_command_below_her_signature_is_named_in_the_answer_by_its_label(bot: Bot) -> None:
    said = "Close: duplicate\n\nKind regards\nPat Example\nBusiness Manager\nVote rapid review"
    _reply_to(bot, _digest(bot), BM, said)
    [answer] = _answers(bot)
    text = " ".join(body_of(answer).split())
    assert "> Close: duplicate" in text
    assert "Below your signature it held a command too, not carried out either" in text
    assert "> Vote: ..." in text and "rapid review" not in text


def test_a_status_naming_a_case_we_do_not_hold_is_answered_with_a_terminal_line_that_works(
    bot: Bot,
) -> None:
    # The reference was mistyped in the subject: the command she is offered must name the case
    # once, in its place, or following the advice is refused for naming another case.
    bot.at("2026-12-17T09:00").mail(BM, "Status TSCP-2026-0091", "")
    bot.run()

    [answer] = _answers(bot)
    text = " ".join(body_of(answer).split())
    assert "its reference TSCP-2026-0091 names no case (a mistyped reference?)" in text
    assert "> Status TSCP-2026-0091" in text  # what she wrote is quoted as she wrote it
    assert 'tscp-bot command TSCP-YYYY-NNNN "Status" ' in text + " "

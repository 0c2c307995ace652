"""Every human message reaches a person: replies on a case, mail kept for triage, refusals.

Mail goes in through the Maildir inbox and the real ingest path; the assertions are on what
the Business Manager and the senders receive, and on where the message is left.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from bot.adapters.db.models import AgencyRequest, OutboxMessage, StoredMessage, Vote
from bot.core.commands.quoting import UNCHECKED
from bot.services.daily_digest import send_digest_if_due
from bot.services.ingest import release_now
from tests.fixtures.app import ROOT, AppFactory
from tests.fixtures.forms_docx import appendix_b_docx, sin_docx
from tests.fixtures.mail import drop_into_maildir
from tests.services.test_lifecycle import BM, POLICE, SECTIONS, Bot, body_of, delivered, reply

DETERIORATED = ROOT / "tests" / "corpus" / "case-reply-police-child-deteriorated.eml"
OFFICER = "morgan.invented@gmp.police.uk"


def _officer_writes(bot: Bot) -> None:
    drop_into_maildir(bot.tmp_path / "inbox", DETERIORATED.read_bytes())
    bot.at("2026-12-16T13:45").run()


def _digest(bot: Bot, when: str) -> str:
    bot.at(when)
    assert send_digest_if_due(bot.app)
    return body_of(bot.outbox("daily_digest")[-1]).replace("\r\n", "\n")


def _told(bot: Bot, sender: str) -> list[OutboxMessage]:
    """What went back to the sender about their commands (not the panel's own invitations)."""
    return [o for o in bot.outbox() if sender in o.recipients and o.event.startswith("command")]


def _in_folder(bot: Bot, folder: str) -> int:
    base = bot.tmp_path / "inbox" / folder
    return sum(1 for sub in ("new", "cur") if (base / sub).is_dir() for _ in (base / sub).iterdir())


def test_officers_reply_alerts_the_business_manager_at_once(bot: Bot) -> None:
    _officer_writes(bot)
    [alert] = bot.outbox("case_reply_alert")
    assert alert.recipients == [BM]
    assert alert.subject == (
        "[TSCP-2026-0001] New on your case: DC Morgan Invented "
        f"<{OFFICER}> (Greater Manchester Police)"
    )
    text = body_of(alert)
    assert "  | The child has deteriorated overnight and is back in intensive care." in text
    assert "  | Please call me urgently on 0161 496 0000 before the panel meets." in text
    assert "at the screening stage" in text
    # The signature is not what the officer wrote. The email quoted below it is one the bot
    # does not hold (no In-Reply-To), so what follows its header comes after a line saying so.
    assert "Kind regards" not in text and "Public Protection" not in text
    assert f"  | {UNCHECKED}\n  | Reply to this email with one line:" in text.replace("\r\n", "\n")
    # Filed and fully handled: no confirmation goes back, and it leaves the inbox.
    assert bot.outbox("command_result") == [] and _in_folder(bot, ".Processed") == 2


BOTTOM_POSTED = (
    "On Wed, 16 Dec 2026 at 09:05, TSCP <tscp@tameside.gov.uk> wrote:\n"
    "> Serious incident notification received: TSCP-2026-0001\n"
    "> The Screening Panel meets on Friday.\n"
    "\n"
    "The child has deteriorated overnight and is back in intensive care. Call me urgently.\n"
)


def test_a_reply_written_below_the_quoted_email_alerts_and_is_in_the_digest(bot: Bot) -> None:
    bot.at("2026-12-16T13:45").mail(OFFICER, reply("TSCP-2026-0001"), BOTTOM_POSTED)
    bot.run()
    [alert] = bot.outbox("case_reply_alert")
    said = "| The child has deteriorated overnight and is back in intensive care. Call me urgently."
    assert f"  {said}" in body_of(alert)
    assert "Screening Panel meets on Friday" not in body_of(alert)  # the quote is not theirs
    assert said in _digest(bot, "2026-12-17T08:05").split("NEW ON YOUR CASES", 1)[1]


def test_a_command_below_the_quoted_email_is_shown_but_not_obeyed(bot: Bot) -> None:
    bot.at("2026-12-16T11:00").mail(
        POLICE,
        reply("TSCP-2026-0001"),
        "On Wed, 16 Dec 2026 at 09:05, TSCP <tscp@tameside.gov.uk> wrote:\n"
        "> Reply with one line: Vote: rapid review\n\nVote: no further action\n",
    )
    bot.run()
    with bot.app.sessions() as s:
        assert s.scalars(select(Vote)).all() == []
    assert bot.outbox("command_result") == []
    [alert] = bot.outbox("case_reply_alert")
    assert "  | Vote: no further action" in body_of(alert)


def test_officers_reply_is_in_the_next_digest_only(bot: Bot) -> None:
    assert len(bot.outbox("daily_digest")) == 1  # this morning's went with the SIN's pass
    _officer_writes(bot)
    text = _digest(bot, "2026-12-17T08:05")
    section = text.split("NEW ON YOUR CASES", 1)[1].split("OVERDUE DEADLINES", 1)[0]
    assert f"TSCP-2026-0001  Wed 16 Dec 2026 13:45  DC Morgan Invented <{OFFICER}>" in section
    assert "      Greater Manchester Police\n" in section
    assert "      | The child has deteriorated overnight and is back in intensive care." in section
    assert "  New on your cases         1" in text
    tomorrow = _digest(bot, "2026-12-18T08:05")
    assert "since the last digest.\n\n  None.\n" in tomorrow


def test_the_digest_says_when_a_reply_reached_the_mailbox_not_when_it_was_read(bot: Bot) -> None:
    # Written at 13:45 on Wed 16 Dec; the bot, stopped that afternoon, read it at 07:30 next day.
    arrived = datetime(2026, 12, 16, 13, 45, tzinfo=UTC)
    drop_into_maildir(bot.tmp_path / "inbox", DETERIORATED.read_bytes(), arrived=arrived)
    bot.at("2026-12-17T07:30").run()
    section = _digest(bot, "2026-12-17T08:05").split("NEW ON YOUR CASES", 1)[1]
    section = section.split("SCREENING PANELS", 1)[0]
    assert f"TSCP-2026-0001  Wed 16 Dec 2026 13:45  DC Morgan Invented <{OFFICER}>" in section
    assert "07:30" not in section and "not known" not in section


def test_a_digest_refused_for_good_does_not_count_as_read(bot: Bot) -> None:
    _officer_writes(bot)
    assert "deteriorated overnight" in _digest(bot, "2026-12-17T08:05")
    with bot.app.sessions() as s:  # the mail server refused that digest for good (552)
        refused = s.get(OutboxMessage, bot.outbox("daily_digest")[-1].id)
        assert refused is not None
        refused.status, refused.last_error = "failed", "552 5.2.2 mailbox full"
        s.commit()
    assert "deteriorated overnight" in _digest(bot, "2026-12-18T08:05")


def test_alert_can_be_switched_off_and_the_digest_still_shows_it(
    bot: Bot, make_app: AppFactory
) -> None:
    moment = bot.clock.moment
    bot.app, bot.clock = make_app(**SECTIONS, digest={"alert_on_case_reply": False})
    bot.clock.moment = moment
    _officer_writes(bot)
    assert bot.outbox("case_reply_alert") == []
    assert "The child has deteriorated overnight" in _digest(bot, "2026-12-17T08:05")


BANNER = "CAUTION: This email came from outside Tameside Council. Think before you click."


def test_a_vote_under_tamesides_banner_is_not_news_once_the_banner_is_configured(
    bot: Bot, make_app: AppFactory
) -> None:
    moment = bot.clock.moment
    body = f"{BANNER}\n\nVote: rapid review\n\nThanks, Police DSP"
    bot.at("2026-12-16T11:00").mail(POLICE, reply("TSCP-2026-0001"), body)
    bot.run()
    [alert] = bot.outbox("case_reply_alert")  # without it, the banner reads as news
    assert "  | CAUTION: This email came from outside Tameside Council." in body_of(alert)
    bot.app, bot.clock = make_app(**SECTIONS, ingest={"gateway_banners": [BANNER]})
    bot.clock.moment = moment
    bot.at("2026-12-16T12:00").mail(POLICE, reply("TSCP-2026-0001"), body)
    bot.run()
    assert len(bot.outbox("case_reply_alert")) == 1 and len(bot.outbox("command_result")) == 2
    news = f"{BANNER}\n\nVote: rapid review\n\nMum has been arrested.\n\nThanks, Police DSP"
    bot.at("2026-12-16T13:00").mail(POLICE, reply("TSCP-2026-0001"), news)
    bot.run()
    shown = body_of(bot.outbox("case_reply_alert")[-1])
    assert "  | Mum has been arrested." in shown and "CAUTION" not in shown


def test_a_vote_alone_is_not_news_but_a_vote_with_a_message_is(bot: Bot) -> None:
    bot.at("2026-12-16T11:00").mail(
        POLICE, reply("TSCP-2026-0001"), "Hi,\n\nVote: rapid review\n\nThanks, Police DSP"
    )
    bot.run()
    assert bot.outbox("case_reply_alert") == []
    bot.mail(
        POLICE,
        reply("TSCP-2026-0001"),
        "Vote: rapid review\n\nThe child has deteriorated, call me urgently.\n\nThanks, Police DSP",
    )
    bot.run()
    [alert] = bot.outbox("case_reply_alert")
    assert "  | The child has deteriorated, call me urgently." in body_of(alert)
    assert "Vote: rapid review" not in body_of(alert)
    assert len(bot.outbox("command_result")) == 2  # the sender's confirmations, as before


def test_short_news_beside_a_vote_reaches_her_and_the_vote_counts(bot: Bot) -> None:
    bot.at("2026-12-16T11:00").mail(
        POLICE, reply("TSCP-2026-0001"), "Vote: rapid review\n\nChild now deceased.\n\nPolice DSP"
    )
    bot.run()
    with bot.app.sessions() as s:
        assert [(v.role, v.choice) for v in s.scalars(select(Vote))] == [("police", "rapid_review")]
    [alert] = bot.outbox("case_reply_alert")
    assert "  | Child now deceased." in body_of(alert)
    assert "Vote: rapid review" not in body_of(alert)
    section = _digest(bot, "2026-12-17T08:05").split("NEW ON YOUR CASES", 1)[1]
    assert "      | Child now deceased." in section


def test_news_in_capitalised_words_beside_a_vote_reaches_her(bot: Bot) -> None:
    bot.at("2026-12-16T11:00").mail(
        POLICE, reply("TSCP-2026-0001"), "Vote: rapid review\n\nChild Deceased\n\nPolice DSP"
    )
    bot.run()
    [alert] = bot.outbox("case_reply_alert")
    assert "  | Child Deceased" in body_of(alert)
    section = _digest(bot, "2026-12-17T08:05").split("NEW ON YOUR CASES", 1)[1]
    assert "      | Child Deceased" in section


def _answering_the_invitation(bot: Bot, written: str, inline: str) -> None:
    """POLICE votes above an Outlook quote of the bot's invitation, and writes `inline` below
    its first paragraph, as Outlook users answer "in red"."""
    [invitation] = bot.outbox("screening_invitation")
    quoted = body_of(invitation).replace("\r\n", "\n")
    quoted = quoted.replace("for your agency.\n", f"for your agency.\n\n{inline}\n", 1)
    header = (
        "From: Tameside Safeguarding Children Partnership <tscp@tameside.gov.uk>\n"
        f"Sent: 16 December 2026 09:00\nTo: {POLICE}\nSubject: {invitation.subject}\n"
    )
    bot.at("2026-12-16T11:00").mail(
        POLICE,
        f"RE: {invitation.subject}",
        f"{written}\n\nKind regards\nPolice DSP\n\n{'_' * 32}\n{header}\n{quoted}",
        headers={"In-Reply-To": f"<{invitation.message_id}>"},
    )
    bot.run()


def test_news_written_inside_an_outlook_quote_reaches_her_without_the_quote(bot: Bot) -> None:
    _answering_the_invitation(bot, "Vote: rapid review", "The child died in hospital last night.")
    with bot.app.sessions() as s:
        assert [(v.role, v.choice) for v in s.scalars(select(Vote))] == [("police", "rapid_review")]
    [alert] = bot.outbox("case_reply_alert")
    text = body_of(alert)
    assert "  | The child died in hospital last night." in text
    assert "Screening Panel members" not in text and "Vote: rapid review" not in text
    section = _digest(bot, "2026-12-17T08:05").split("NEW ON YOUR CASES", 1)[1]
    assert "      | The child died in hospital last night." in section


def test_a_vote_above_an_outlook_quote_of_the_invitation_alone_is_not_news(bot: Bot) -> None:
    _answering_the_invitation(bot, "Vote: rapid review", "")
    assert bot.outbox("case_reply_alert") == [] and len(bot.outbox("command_result")) == 1


def test_a_command_written_inside_an_outlook_quote_is_shown_but_not_obeyed(bot: Bot) -> None:
    _answering_the_invitation(bot, "Noted.", "Vote: no further action")
    with bot.app.sessions() as s:
        assert s.scalars(select(Vote)).all() == []
    [alert] = bot.outbox("case_reply_alert")
    assert "  | Noted.\n  | Vote: no further action" in body_of(alert).replace("\r\n", "\n")


def test_news_below_an_outlook_quote_of_a_partners_email_reaches_her(bot: Bot) -> None:
    concern = "The school has raised new concerns about the\nsibling this morning."
    bot.at("2026-12-16T11:00").mail(POLICE, reply("TSCP-2026-0001"), concern)
    bot.run()
    quoted = concern.replace("\n", " ")  # as Outlook quotes it: rewrapped
    bot.at("2026-12-16T12:00").mail(
        OFFICER,
        reply("TSCP-2026-0001"),
        f"From: {POLICE}\nSent: 16 December 2026 11:00\nSubject: {reply('TSCP-2026-0001')}\n\n"
        f"{quoted}\n\nMum has now been arrested.\n",
        headers={"In-Reply-To": f"<m{bot.counter}@test>"},  # the concern, stored
    )
    bot.run()
    alert = body_of(bot.outbox("case_reply_alert")[-1])
    assert "  | Mum has now been arrested." in alert and "school" not in alert


def test_a_vote_with_a_sign_off_and_name_is_not_news(bot: Bot) -> None:
    bot.at("2026-12-16T11:00").mail(
        POLICE, reply("TSCP-2026-0001"), "Kind regards, Dana\n\nVote: rapid review\n\nPolice DSP"
    )
    bot.run()
    assert bot.outbox("case_reply_alert") == [] and len(bot.outbox("command_result")) == 1


def _attached(
    bot: Bot,
    sender: str,
    files: list[tuple[str, str, bytes]],
    text: str = "",
    *,
    logo: bool = False,
) -> None:
    """A reply on the case from `sender` with these (name, MIME type, bytes) attached; `logo`:
    written in HTML whose signature shows a logo by its Content-ID, as Outlook sends it."""
    from email.message import EmailMessage

    msg = EmailMessage()
    msg["From"], msg["To"] = sender, "tscp@tameside.gov.uk"
    bot.counter += 1
    msg["Subject"], msg["Message-ID"] = reply("TSCP-2026-0001"), f"<att-{bot.counter}@test>"
    msg.set_content(text)
    if logo:
        msg.add_alternative(f"<p>{text}</p><img src='cid:{LOGO_ID}'>", subtype="html")
        html = msg.get_body(("html",))
        assert html is not None
        html.add_related(
            LOGO[2], "image", "png", cid=f"<{LOGO_ID}>", disposition="inline", filename=LOGO[0]
        )
        msg.make_mixed()
    for name, ctype, data in files:
        maintype, _, subtype = ctype.partition("/")
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    drop_into_maildir(bot.tmp_path / "inbox", delivered(msg.as_bytes(), sender))
    bot.run()


MINUTES = ("strategy-meeting-minutes.pdf", "application/pdf", b"%PDF-1.4\n" + b"0" * 4000)
LOGO = ("image001.png", "image/png", b"\x89PNG\r\n" + b"0" * 2000)
LOGO_ID = "image001.png@01DB4F2A.6C1E3B70"


def test_a_reply_with_only_an_attachment_is_named_in_an_alert_and_the_digest(bot: Bot) -> None:
    bot.at("2026-12-16T13:45")
    _attached(bot, OFFICER, [MINUTES], logo=True)
    [alert] = bot.outbox("case_reply_alert")
    text = body_of(alert).replace("\r\n", "\n")
    assert "THEY WROTE\n\n  | Attached: strategy-meeting-minutes.pdf\n\n" in text
    assert "image001" not in text  # the signature's logo is not a document
    section = _digest(bot, "2026-12-17T08:05").split("NEW ON YOUR CASES", 1)[1]
    assert "      | Attached: strategy-meeting-minutes.pdf" in section


def test_a_reply_with_only_a_logo_attached_is_not_alerted_but_is_in_the_digest(bot: Bot) -> None:
    # Nothing written and no document: sent in error, or a return whose document a gateway
    # removed (the signature's logo left behind). Not worth an email now; not silent either.
    bot.at("2026-12-16T13:45")
    _attached(bot, OFFICER, [], logo=True)
    assert bot.outbox("case_reply_alert") == []
    section = _digest(bot, "2026-12-17T08:05").split("NEW ON YOUR CASES", 1)[1]
    assert "      | (nothing written and no document attached: if one was meant" in section


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def test_a_form_with_no_text_on_the_case_is_recorded_not_alerted_as_news(bot: Bot) -> None:
    # A return and a corrected SIN form have their own effects and digest sections.
    bot.at("2026-12-17T09:00").mail(
        BM, reply("TSCP-2026-0001"), "Decision: rapid review\nAgencies: gmp\nReturn by: 24/12/2026"
    )
    bot.run()
    chronology = [("01/07/2026", "Home visit", "HV", "Visit", "Advice given")]
    _attached(bot, POLICE, [("Appendix B.docx", DOCX, appendix_b_docx("GMP", chronology))])
    _attached(bot, POLICE, [("SIN form.docx", DOCX, sin_docx())])
    with bot.app.sessions() as s:
        request = s.scalars(select(AgencyRequest).where(AgencyRequest.agency_key == "gmp")).one()
        assert request.received_at is not None
    assert bot.outbox("case_reply_alert") == []


def test_news_on_a_closed_case_is_alerted_saying_it_is_closed_and_in_the_digest(
    bot: Bot,
) -> None:
    # Written on a duplicate's thread, it belongs on the live case: waiting for the next
    # digest could be a weekend or a closure late.
    bot.at("2026-12-16T10:00").mail(
        BM,
        reply("TSCP-2026-0001"),
        "Notifiable: no because a duplicate\nClose case: duplicate of another",
    )
    bot.run()
    assert bot.case().stage == "closed"
    _officer_writes(bot)
    [alert] = bot.outbox("case_reply_alert")
    text = body_of(alert)
    assert "The child has deteriorated overnight" in text
    assert "The case is closed." in text
    assert "The child has deteriorated overnight" in _digest(bot, "2026-12-17T08:05")


def test_news_on_a_live_case_is_alerted_without_the_closed_note(bot: Bot) -> None:
    _officer_writes(bot)
    [alert] = bot.outbox("case_reply_alert")
    assert "The case is closed." not in body_of(alert)


def test_unknown_senders_refused_vote_gets_one_short_note(bot: Bot) -> None:
    stranger = "someone.else@gmp.police.uk"
    bot.at("2026-12-16T11:00").mail(stranger, reply("TSCP-2026-0001"), "Vote: no further action")
    bot.run()
    [note] = _told(bot, stranger)
    assert note.event == "command_refused_to_sender"
    text = body_of(note)
    assert "They were NOT carried out: not from a configured address for that role." in text
    # By its label alone: the address may be forged, and the line may give the child.
    assert "  > Vote: ... (what followed is left out of this email)" in text
    # Nothing that helps a forger: no case reference, no initials, no names of roles or people.
    assert "TSCP-2026" not in text + note.subject and "initials" not in text
    assert "representative" not in text and "authentication" not in text.lower()
    [told_bm] = bot.outbox("command_rejected")
    assert told_bm.recipients == [BM]


def test_forged_partner_vote_tells_the_real_partner_once(bot: Bot) -> None:
    bot.at("2026-12-16T11:00").mail(
        POLICE, reply("TSCP-2026-0001"), "Vote: rapid review", auth=False
    )
    bot.run()
    [note] = _told(bot, POLICE)
    assert note.event == "command_refused_to_sender"
    assert "not from a configured address for that role" in body_of(note)


def test_partner_refused_for_role_is_told_why_in_the_one_confirmation(bot: Bot) -> None:
    bot.at("2026-12-16T11:00").mail(POLICE, reply("TSCP-2026-0001"), "Decision: rapid review")
    bot.run()
    [result] = _told(bot, POLICE)
    assert result.event == "command_result"
    assert "Business Manager" in body_of(result)


def test_mail_for_a_person_stays_in_the_inbox_and_is_not_counted_again(bot: Bot) -> None:
    bot.at("2026-12-16T11:00").mail(
        "someone.else@gmp.police.uk", reply("TSCP-2026-0001"), "Vote: no further action"
    )
    bot.run()
    assert _in_folder(bot, "") == 1 and _in_folder(bot, ".Processed") == 1
    bot.at("2026-12-16T11:05").run()
    bot.at("2026-12-16T11:10").run()
    with bot.app.sessions() as s:
        row = s.scalars(
            select(StoredMessage).where(StoredMessage.from_addr == "someone.else@gmp.police.uk")
        ).one()
        assert (row.needs_triage, row.duplicate_deliveries, row.attempts) == (True, 0, 0)
    assert len(bot.outbox("command_rejected")) == 1
    assert _in_folder(bot, "") == 1


def test_a_needs_attention_folder_takes_it_out_of_the_inbox_once(
    bot: Bot, make_app: AppFactory
) -> None:
    moment = bot.clock.moment
    mailbox = {
        "backend": "maildir",
        "maildir_path": str(bot.tmp_path / "inbox"),
        "needs_attention_folder": "Needs attention",
    }
    bot.app, bot.clock = make_app(**SECTIONS, mailbox=mailbox)
    bot.clock.moment = moment
    bot.at("2026-12-16T11:00").mail(
        "someone.else@gmp.police.uk", reply("TSCP-2026-0001"), "Vote: no further action"
    )
    bot.run()
    assert _in_folder(bot, "") == 0 and _in_folder(bot, ".Needs attention") == 1
    bot.at("2026-12-16T11:05").run()
    with bot.app.sessions() as s:
        row = s.scalars(select(StoredMessage).where(StoredMessage.needs_triage.is_(True))).one()
        row_id = row.id
    assert release_now(bot.app, row_id) == "left where it is"  # not marked done yet
    with bot.app.sessions() as s:
        stored = s.get(StoredMessage, row_id)
        assert stored is not None
        stored.needs_triage = False  # what `triage done` records
        s.commit()
    assert release_now(bot.app, row_id) == "moved to Processed"
    assert _in_folder(bot, ".Needs attention") == 0 and _in_folder(bot, ".Processed") == 2


def test_more_said_on_a_complaints_or_an_escalations_own_thread_reaches_her(
    bot: Bot,
) -> None:
    # The `bot` fixture's SIN is TSCP-2026-0001; the complaint and the escalation come next.
    bot.at("2026-12-16T14:00").mail(
        "pat.public@example.org",
        "Complaint about the partnership",
        "I wish to make a formal complaint.",
        auth=False,
    )
    bot.mail(
        "sam.invented@tameside.gov.uk",
        "Escalation: challenge to the screening decision for TSCP-2026-0001",
        "We wish to challenge the decision under the resolving professional differences policy.",
    )
    bot.run()
    bot.at("2026-12-17T10:00").mail(
        "pat.public@example.org",
        "RE: [TSCP-2026-0002] We have received your complaint",
        "I am writing to complain again: nobody has called me back.",
        auth=False,
    )
    bot.mail(
        "sam.invented@tameside.gov.uk",
        "RE: [TSCP-2026-0003] Escalation",
        "We disagree with the decision: the child's sibling has now been harmed too.",
    )
    bot.run()

    alerts = {a.subject.split("]")[0] + "]": body_of(a) for a in bot.outbox("case_reply_alert")}
    assert (
        "  | I am writing to complain again: nobody has called me back."
        in (alerts["[TSCP-2026-0002]"])
    )
    assert (
        "  | We disagree with the decision: the child's sibling has now been harmed too."
        in (alerts["[TSCP-2026-0003]"])
    )
    text = _digest(bot, "2026-12-18T08:05")
    section = text.split("NEW ON YOUR CASES", 1)[1].split("OVERDUE DEADLINES", 1)[0]
    assert "nobody has called me back" in section and "has now been harmed too" in section


def test_an_escalation_after_the_christmas_eve_digest_is_in_every_digest_until_closed(
    bot: Bot,
) -> None:
    bot.at("2026-12-24T08:30").run()  # the day's digest has gone
    bot.at("2026-12-24T16:00").mail(
        "sam.invented@tameside.gov.uk",
        "Escalation: challenge to the screening decision for TSCP-2026-0001",
        "We wish to challenge the decision under the resolving professional differences policy.",
    )
    bot.run()
    for day in ("2026-12-29", "2026-12-30", "2027-01-15"):
        text = _digest(bot, f"{day}T08:30")
        section = text.split("OPEN ESCALATIONS", 1)[1].split("NEW CASES", 1)[0]
        assert (
            "TSCP-2026-0002  Thu 24 Dec 2026 16:00  TSCP-2026-0001  sam.invented@tameside.gov.uk"
        ) in section, day
        assert "  Open escalations          1" in text
        new = text.split("NEW CASES", 1)[1]
        # New since the last digest (Christmas Eve's), whatever the gap: then not new.
        assert ("TSCP-2026-0002" in new) is (day == "2026-12-29"), day
    bot.at("2027-01-15T10:00").mail(BM, reply("TSCP-2026-0002"), "Close: resolved at the meeting")
    bot.run()
    assert "OPEN ESCALATIONS\n\n  None." in _digest(bot, "2027-01-18T08:30")


def test_a_reply_whose_gateway_asks_for_no_automatic_answers_still_reaches_her(bot: Bot) -> None:
    bot.at("2026-12-16T13:45").mail(
        OFFICER,
        reply("TSCP-2026-0001"),
        "The child has deteriorated overnight and is back in intensive care. Call me urgently.",
        headers={"X-Auto-Response-Suppress": "All"},
    )
    bot.run()
    [alert] = bot.outbox("case_reply_alert")
    assert "deteriorated overnight" in body_of(alert)


def test_a_sin_its_records_system_labels_automatic_is_triaged_not_filed(
    make_app: AppFactory, tmp_path: Path
) -> None:
    b = Bot(make_app, tmp_path, "2026-12-16T09:00")
    b.mail(
        OFFICER,
        "Serious Incident Notification - GM SIN form",
        "Please find the GM SIN form for the Screening Panel.",
        headers={"Auto-Submitted": "auto-generated"},
    )
    b.run()
    with b.app.sessions() as s:
        [row] = s.scalars(select(StoredMessage)).all()
        assert row.needs_triage and "reads like a sin: a person decides" in (
            row.triage_reason or ""
        )
    assert b.outbox("sin_acknowledgement") == []  # never answered: it may loop


def test_a_command_in_a_reply_to_the_digest_closes_no_case_and_goes_to_her(bot: Bot) -> None:
    bot.at("2026-12-16T10:00").mail(
        "casey.invented@gmp.police.uk", "Serious Incident Notification - GM SIN form", "Form 2."
    )
    bot.run()
    bot.at("2026-12-17T09:00").mail(
        BM,
        "RE: TSCP daily digest",
        "Close: duplicate\n\n> TSCP-2026-0001  Screening Panel due Fri 18 Dec 2026\n"
        "> TSCP-2026-0002  Screening Panel due Fri 18 Dec 2026\n",
    )
    bot.run()
    assert [bot.case(r).status for r in ("TSCP-2026-0001", "TSCP-2026-0002")] == ["open", "open"]
    with bot.app.sessions() as s:
        row = s.scalars(select(StoredMessage).where(StoredMessage.from_addr == BM)).one()
        assert row.needs_triage and row.case_id is None  # which case? a person says


def test_a_persons_email_titled_out_of_office_reaches_her_at_once(bot: Bot) -> None:
    # Only its subject says "automatic": she typed it, news and all.
    bot.at("2026-12-16T11:00").mail(
        POLICE,
        "Out of office 24-31 Dec - cover for TSCP-2026-0001",
        "I am away from 24 December. DS Sample will vote for the police.\n\n"
        "The stepfather was arrested last night.",
    )
    bot.run()
    [alert] = bot.outbox("case_reply_alert")
    assert "  | The stepfather was arrested last night." in body_of(alert)
    section = _digest(bot, "2026-12-17T08:05").split("NEW ON YOUR CASES", 1)[1]
    assert "(automatic reply)" in section and "The stepfather was arrested" in section
    assert not _told(bot, POLICE)  # never answered


def test_an_out_of_office_on_a_case_waits_in_the_digest_and_is_never_answered(bot: Bot) -> None:
    # The agency's officer is away while the panel waits: she needs to know, not at once.
    bot.at("2026-12-16T11:00").mail(
        POLICE,
        f"Automatic reply: {reply('TSCP-2026-0001')}",
        "I am out of the office until 11 January 2027 and not reading email.\n"
        "Please send anything urgent to DI Sample instead.",
        headers={"Auto-Submitted": "auto-replied"},
    )
    bot.run()
    assert bot.outbox("case_reply_alert") == [] and not _told(bot, POLICE)
    section = _digest(bot, "2026-12-17T08:05").split("NEW ON YOUR CASES", 1)[1]
    assert "(automatic reply)" in section
    assert "      | I am out of the office until 11 January 2027" in section

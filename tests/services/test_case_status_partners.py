"""`Status` to a statutory partner carries no free text: of the case history, each event's date,
a fixed phrase for its kind and who acted by role; the Business Manager's own view keeps the
detail. A complaint or escalation record is shown to the Business Manager only. Through the
real ingest path (Maildir in, outbox out), on SQLite and PostgreSQL; invented people only."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fixtures.app import AppFactory
from tests.fixtures.forms_docx import SIN_INCIDENT, sin_docx
from tests.fixtures.mail import drop_into_maildir
from tests.fixtures.mail import email as make_email
from tests.services.test_lifecycle import BM, POLICE, SCRUTINEER, Bot, body_of, reply
from tests.services.test_personal_data_outgoing import whole

REF = "TSCP-2026-0001"
REFERRER = "casey.invented@gmp.police.uk"
PUBLIC = "sam.sample.mum1985@example.org"


def views(bot: Bot, ref: str = REF) -> tuple[str, str]:
    """The view the police representative and then the Business Manager get, each asking by a
    new email: (what the police read, what the Business Manager reads)."""
    got = []
    for asker in (POLICE, BM):
        bot.mail(asker, f"Status {ref}", "")
        bot.run()
        row = bot.outbox("case_status")[-1]
        assert row.recipients == [asker]
        got.append(row)
    return whole(got[0]), body_of(got[1])


def last_events(text: str) -> str:
    """The plain text's LAST EVENTS section, up to the footer."""
    start = text.index("LAST EVENTS")
    return text[start : text.index("\n----", start)]


def sin_with_attachment(bot: Bot, name: str, content: bytes) -> None:
    raw = make_email(
        "GM SIN form attached",
        "Serious incident notification: please find the GM SIN form attached.",
        sender=REFERRER,
        message_id="<sin@test>",
        attachment=(name, content),
    )
    drop_into_maildir(bot.tmp_path / "inbox", raw)
    bot.run()


def test_form_answers_the_bot_could_not_place_are_not_repeated_to_a_partner(
    make_app: AppFactory, tmp_path: Path
) -> None:
    bot = Bot(make_app, tmp_path, "2026-12-23T09:00")
    child = (
        ("Name", "Jamie Example"),
        ("Date of birth", "01/02/2015"),
        ("Sex", "Male"),
        ("Legal status", "Child in need"),
        ("Mother's name", "Sam Zzmother"),
        ("Father", "Lee Zzfather, 4 Other Street, EX9 9ZZ, born 05/06/1988"),
    )
    sin_with_attachment(bot, "SIN form.docx", sin_docx(child=child, incident=SIN_INCIDENT))
    police, bm = views(bot.at("2026-12-23T10:00"))

    for words in ("Zzmother", "Zzfather", "Other Street", "EX9 9ZZ", "05/06/1988"):
        assert words not in police, words
    assert "a form could not be read in full (the bot)" in last_events(police)
    # The Business Manager, who must sort the answers out, still reads them.
    assert "form problem (tscp-bot)" in bm and "'Sam Zzmother'" in bm


def test_a_damaged_attachments_file_name_is_not_repeated_to_a_partner(
    make_app: AppFactory, tmp_path: Path
) -> None:
    bot = Bot(make_app, tmp_path, "2026-12-23T09:00")
    sin_with_attachment(bot, "SIN Jamie Example DOB 01.02.2015.docx", b"PK\x03\x04 not a zip")
    police, bm = views(bot.at("2026-12-23T10:00"))

    assert "Jamie" not in police and "01.02.2015" not in police
    assert "a form could not be read in full (the bot)" in last_events(police)
    assert "SIN Jamie Example DOB 01.02.2015.docx: damaged" in bm


def test_an_emails_subject_is_not_repeated_to_a_partner_by_the_possible_repeat_note(
    make_app: AppFactory, tmp_path: Path
) -> None:
    bot = Bot(make_app, tmp_path, "2026-12-16T09:00")
    bot.mail(
        REFERRER,
        "Serious Incident Notification - Jamie Example",
        "Please find the GM SIN form for the Screening Panel.",
    )
    bot.run()
    bot.at("2026-12-16T10:00").mail(
        REFERRER,
        "FW: Serious Incident Notification - Jamie Example",
        "Sending again in case it did not arrive.\n\n"
        "Please find the GM SIN form for the Screening Panel.",
    )
    bot.run()
    police, bm = views(bot.at("2026-12-16T11:00"), "TSCP-2026-0002")

    assert "Jamie" not in police
    assert "possibly a repeat of an earlier email (the bot)" in last_events(police)
    assert "possible repeat (tscp-bot)" in bm and "Jamie Example" in bm


def test_a_reason_the_business_manager_gave_is_not_repeated_to_a_partner(bot: Bot) -> None:
    bot.at("2026-12-16T11:00").mail(BM, reply(REF), "Decision: rapid review\nNotified: 16/12/2026")
    bot.mail(BM, reply(REF), "Agencies: gmp\nReview period: 1 June 2026 to 15 December 2026")
    bot.run()
    bot.at("2026-12-16T12:30").mail(
        BM, reply(REF), "Withdraw request: gmp because Sam Sample (mother) is not known to GMP"
    )
    bot.run()
    police, bm = views(bot.at("2026-12-17T09:00"))

    assert "Sam Sample" not in police and "not known to GMP" not in police
    events = last_events(police)
    assert "command: Withdraw request (the Business Manager)" in events
    assert "Appendix B request withdrawn (the Business Manager)" in events
    assert "return request withdrawn (tscp.business.manager@tameside.gov.uk)" in bm
    assert "Sam Sample (mother) is not known to GMP" in bm


def test_the_scrutineers_reason_for_agreeing_is_not_repeated(bot: Bot) -> None:
    bot.at("2026-12-16T11:00").mail(BM, reply(REF), "Decision: rapid review")
    bot.run()
    bot.at("2026-12-16T14:00").mail(
        SCRUTINEER, reply(REF), "Agree: given the mother Sam Sample's history at 4 Other Street"
    )
    bot.run()
    police, bm = views(bot.at("2026-12-17T09:00"))

    assert "Sam Sample" not in police and "Other Street" not in police
    events = last_events(police)
    assert "command: Agree (the Independent Scrutineer)" in events
    assert "Independent Scrutineer agrees (the Independent Scrutineer)" in events
    # "Agree:" takes a reason like "Disagree:": the Business Manager's email keeps it out too
    # (it is on the case record), but shows the event.
    assert "Agree: (words not repeated) -> recorded" in bm and "Sam Sample" not in bm
    assert f"scrutineer agrees ({SCRUTINEER})" in bm


def test_a_partners_view_lists_every_event_by_kind_and_role_and_no_address(bot: Bot) -> None:
    bot.at("2026-12-16T11:00").mail(POLICE, reply(REF), "Vote: rapid review")
    bot.run()
    police, bm = views(bot.at("2026-12-16T12:00"))

    events = last_events(police)
    lines = [line.strip() for line in events.splitlines() if line.startswith("  Wed")]
    assert len(lines) == 10  # the last ten, as the Business Manager's view has
    assert "Each event by its kind only" in events
    assert "Wed 16 Dec 2026 11:00  vote recorded (the police representative)" in lines
    assert "Wed 16 Dec 2026 11:00  command: Vote (the police representative)" in lines
    assert "Wed 16 Dec 2026 09:00  SIN email checked for its form (the bot)" in lines
    # Nobody by address, no email's subject, no counts read from what arrived.
    assert "@" not in events and "#" not in events and "tscp-bot" not in events
    assert BM not in police and REFERRER not in police
    # The Business Manager reads the same events as recorded, with their detail.
    assert f"vote recorded ({POLICE})" in bm and "Vote: rapid review -> " in bm
    assert "Each event by its kind only" not in bm


@pytest.mark.parametrize(
    ("sender", "subject", "body", "kind"),
    [
        (
            PUBLIC,
            "Complaint",
            "I wish to make a formal complaint about how my concerns were handled.",
            "a complaint record",
        ),
        (
            "sam.invented@tameside.gov.uk",
            "Escalation: challenge to the screening decision for TSCP-2026-0001",
            "We wish to challenge the decision under the resolving professional differences "
            "policy and ask for the Independent Scrutineer to be involved.",
            "an escalation record",
        ),
    ],
)
def test_a_partner_asking_about_a_complaint_or_escalation_record_is_refused(
    bot: Bot, sender: str, subject: str, body: str, kind: str
) -> None:
    bot.at("2026-12-16T10:00").mail(sender, subject, body, auth=False)
    bot.run()
    record = "TSCP-2026-0002"
    assert bot.case(record).kind in kind
    bot.at("2026-12-16T11:00").mail(
        sender,
        f"RE: [{record}] Thank you",
        "Thank you, I also want to add that my son was let down.",
        auth=False,
    )
    bot.run()
    bot.at("2026-12-16T12:00").mail(POLICE, f"Status {record}", "")
    bot.run()

    assert bot.outbox("case_status") == []
    [told] = [r for r in bot.outbox("command_result") if r.recipients == [POLICE]]
    said = " ".join(body_of(told).split())
    assert f"{kind} is shown to the Business Manager only" in said
    assert "ask the Business Manager where it stands" in said
    assert sender not in whole(told) and "let down" not in whole(told)
    # Kept on the record for the digest, as any refused line is.
    refused = [e for e in bot.case(record).events if e.what == "command_refused"]
    assert [e.actor for e in refused] == [POLICE]

    bot.at("2026-12-16T13:00").mail(BM, f"Status {record}", "")
    bot.run()
    [view] = bot.outbox("case_status")
    assert view.recipients == [BM]
    assert f"new on case ({sender})" in body_of(view)

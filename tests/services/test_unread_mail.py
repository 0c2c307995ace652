"""Mail the bot cannot take as written (an Outlook recall, sealed S/MIME) stays before a
person, in the inbox and in the digest, whatever else the bot did with it."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from bot.adapters.db.models import Case, StoredMessage
from bot.core.message_plan import UNREAD_FORM
from tests.fixtures.app import ROOT, AppFactory
from tests.fixtures.mail import drop_into_maildir, email
from tests.services.test_lifecycle import Bot, body_of

CORPUS = ROOT / "tests" / "corpus"
RECALL = (CORPUS / "recall-outlook-of-sin-notification.eml").read_bytes()
SEALED = (CORPUS / "smime-encrypted-sin-subject.eml").read_bytes()


def _digest(b: Bot) -> str:
    b.at("2026-12-01T08:30").run()
    [digest] = b.outbox("daily_digest")
    return " ".join(body_of(digest).split())


def _waiting(b: Bot) -> dict[str, str]:
    with b.app.sessions() as s:
        rows = s.scalars(select(StoredMessage).where(StoredMessage.needs_triage)).all()
        return {r.subject: r.triage_reason or "" for r in rows}


def test_a_recall_opens_no_case_and_is_put_to_a_person(
    make_app: AppFactory, tmp_path: Path
) -> None:
    b = Bot(make_app, tmp_path, "2026-12-01T07:00")
    drop_into_maildir(tmp_path / "inbox", RECALL)
    b.run()
    with b.app.sessions() as s:
        assert s.scalars(select(Case)).all() == []  # no second SIN case from its subject
    assert b.outbox() == []  # no acknowledgement, no panel invitation
    reason = _waiting(b)["Recall: Serious Incident Notification - GM SIN form"]
    assert reason.startswith("an Outlook recall of an earlier email")
    assert list((tmp_path / "inbox" / "new").iterdir())  # still in the inbox
    assert "an Outlook recall of an earlier email" in _digest(b)


def test_a_recall_on_a_case_stays_on_the_triage_list(bot: Bot) -> None:
    bot.at("2026-12-16T10:00").mail(
        "casey.invented@gmp.police.uk",
        "Recall: [TSCP-2026-0001] update - the child moved address",
        'Casey Invented would like to recall the message, "[TSCP-2026-0001] update".',
    )
    bot.run()
    reason = _waiting(bot)["Recall: [TSCP-2026-0001] update - the child moved address"]
    assert "the sender wants it withdrawn" in reason


def test_a_sealed_sin_opens_its_case_and_stays_before_a_person(
    make_app: AppFactory, tmp_path: Path
) -> None:
    b = Bot(make_app, tmp_path, "2026-12-01T07:00")
    drop_into_maildir(tmp_path / "inbox", SEALED)
    b.run()
    assert b.case().ref == "TSCP-2026-0001"  # its clock runs from arrival all the same
    reason = _waiting(b)["Serious Incident Notification - SIN form"]
    assert reason.startswith("encrypted or signed (S/MIME: smime.p7m)")
    assert list((tmp_path / "inbox" / "new").iterdir())
    digest = _digest(b)
    assert "MESSAGES TO TRIAGE" in digest
    assert "the bot could not read what was written or attached" in digest


def test_a_zipped_form_is_put_to_a_person_saying_the_archive_was_not_opened(
    make_app: AppFactory, tmp_path: Path
) -> None:
    b = Bot(make_app, tmp_path, "2026-12-01T07:00")
    drop_into_maildir(tmp_path / "inbox", (CORPUS / "form-inside-zip-attachment.eml").read_bytes())
    b.run()
    reason = _waiting(b)["Documents for you"]
    assert reason == (
        "attached archive not opened (documents.zip): a form or document inside it was not "
        "read; open it and deal with it by hand"
    )
    assert "attached archive not opened (documents.zip)" in _digest(b)


def test_a_message_with_no_sender_or_subject_says_so_in_the_digest(
    make_app: AppFactory, tmp_path: Path
) -> None:
    b = Bot(make_app, tmp_path, "2026-12-01T07:00")
    words = b"A pupil told us she is being hit at home. Please call.\r\n"
    raw = b"To: tscp@tameside.gov.uk\r\n\r\n" + words
    drop_into_maildir(tmp_path / "inbox", raw)
    b.run()
    digest = _digest(b)
    assert "from (no sender address)" in digest and "Subject: (no subject)" in digest


def _sin_with(name: str, data: bytes) -> bytes:
    return email(
        "Serious Incident Notification - SIN form",
        "Please find our SIN form attached.",
        attachment=(name, data),
        date="2026-12-01T06:50",
    )


def test_a_sin_whose_form_cannot_be_opened_stays_before_a_person(
    make_app: AppFactory, tmp_path: Path
) -> None:
    b = Bot(make_app, tmp_path, "2026-12-01T07:00")
    reason = _opened_and_waiting(b, _sin_with("SIN form.docx", b"PK\x03\x04 torn off"))
    assert reason.startswith(f"{UNREAD_FORM}: SIN form.docx: ")
    assert "a document that may hold a form could not be read" in _digest(b)


def _opened_and_waiting(b: Bot, raw: bytes) -> str:
    """`raw`, a SIN, through a pass: its case opened (its clock runs from arrival all the
    same), and the email still in the inbox for a person; the reason it waits."""
    drop_into_maildir(b.tmp_path / "inbox", raw)
    b.run()
    assert b.case().ref == "TSCP-2026-0001"
    assert list((b.tmp_path / "inbox" / "new").iterdir())
    return _waiting(b)["Serious Incident Notification - SIN form"]


def test_a_picture_that_cannot_be_read_puts_nothing_on_the_triage_list(
    make_app: AppFactory, tmp_path: Path
) -> None:
    # A signature or a logo is no form unseen: every signed email would wait for a person.
    b = Bot(make_app, tmp_path, "2026-12-01T07:00")
    drop_into_maildir(tmp_path / "inbox", _sin_with("smime.p7s", b"\x30\x82 not a signature"))
    b.run()
    assert b.case().ref == "TSCP-2026-0001"
    assert not any(r.startswith(UNREAD_FORM) for r in _waiting(b).values())


def test_a_sin_cut_short_before_its_form_opens_its_case_and_says_the_form_may_be_missing(
    make_app: AppFactory, tmp_path: Path
) -> None:
    """A gateway cut the email off after its text: the form it says is attached never came.
    The case opens on the subject (its clock runs from arrival), and the Business Manager is
    told the email arrived damaged, not left to wonder why a SIN came without its form."""
    b = Bot(make_app, tmp_path, "2026-12-01T07:00")
    whole = _sin_with("SIN form.docx", b"PK\x03\x04" + b"\x00" * 3000)
    raw = whole[: whole.index(b"\n--", whole.index(b"Please find our SIN form attached."))]
    reason = _opened_and_waiting(b, raw)
    assert reason.startswith("arrived damaged (cut short, or the boundaries between its parts")
    assert "an attachment or the end of its text may be missing" in reason
    assert "ask the sender to send it again" in _digest(b)


def test_a_bounce_whose_copy_of_the_email_is_cut_short_is_not_called_damaged(
    make_app: AppFactory, tmp_path: Path
) -> None:
    """Delivery reports often return only the start of the email: that loses nothing."""
    b = Bot(make_app, tmp_path, "2026-12-01T07:00")
    copy = (
        b"From: tscp@tameside.gov.uk\r\nTo: lead@nhs.net\r\nSubject: Appendix B request\r\n"
        b'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="in"\r\n\r\n'
        b"--in\r\nContent-Type: text/plain\r\n\r\nPlease return\r\n--in\r\n"
        b"Content-Type: application/pdf\r\n\r\nJVBERi0xLjQK"
    )
    raw = (
        b"From: MAILER-DAEMON@mx.nhs.net\r\nTo: tscp@tameside.gov.uk\r\n"
        b"Subject: Undelivered Mail Returned to Sender\r\nMessage-ID: <bounce-cut@mx.nhs.net>\r\n"
        b"Date: Tue, 01 Dec 2026 06:50:00 +0000\r\nAuto-Submitted: auto-replied\r\n"
        b"MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status;"
        b' boundary="out"\r\n\r\n--out\r\nContent-Type: text/plain\r\n\r\nCould not deliver.\r\n'
        b"--out\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.nhs.net"
        b"\r\n\r\nFinal-Recipient: rfc822; lead@nhs.net\r\nAction: failed\r\nStatus: 5.1.1\r\n"
        b"\r\n--out\r\nContent-Type: message/rfc822\r\n\r\n" + copy + b"\r\n--out--\r\n"
    )
    drop_into_maildir(tmp_path / "inbox", raw)
    b.run()
    with b.app.sessions() as s:
        [row] = s.scalars(select(StoredMessage)).all()
        assert row.status == "processed"
        assert "broken MIME: CloseBoundaryNotFoundDefect" in row.flags  # the copy's damage
        assert "arrived damaged" not in (row.triage_reason or "")

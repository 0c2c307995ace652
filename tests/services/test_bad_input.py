"""Bad mail in one batch with good mail: everything is kept, the good mail still flows."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from bot.adapters.db.models import Case, StoredMessage
from bot.adapters.maildir_source import MaildirSource
from bot.services.ingest import ingest_pass
from bot.services.repeats import FINGERPRINT, Content, possible_repeat
from tests.fixtures.app import ROOT, AppFactory
from tests.fixtures.mail import drop_into_maildir, sin

CORPUS = ROOT / "tests" / "corpus"
BAD = {
    "garbage": b"\x00\x01\x02 this is not an email at all \xff\xfe",
    "headers only": b"From: a@nhs.net\r\nSubject: nothing below\r\n",
    "no headers at all": b"\r\n\r\njust a body with no headers\r\n",
    "broken mime": (CORPUS / "sin-broken-mime-no-closing-boundary.eml").read_bytes(),
    "unknown charset": (CORPUS / "sin-unknown-charset.eml").read_bytes(),
    "empty body": (CORPUS / "empty-body-no-subject.eml").read_bytes(),
    "html only": (CORPUS / "sin-health-html-only.eml").read_bytes(),
    "iso-8859-1": (CORPUS / "complaint-iso-8859-1-body.eml").read_bytes(),
}


def test_bad_mail_is_kept_and_never_blocks_good_mail(make_app: AppFactory, tmp_path: Path) -> None:
    app, _ = make_app()
    good = sin("<good@gmp.police.uk>", sender="lee.invented@gmp.police.uk")
    drop_into_maildir(tmp_path / "inbox", *BAD.values(), good)
    source = MaildirSource(tmp_path / "inbox")
    for _ in range(app.config.ingest.max_attempts):
        ingest_pass(app, source)
    with app.sessions() as s:
        rows = s.scalars(select(StoredMessage)).all()
        stored = {r.raw for r in rows}
        # Every message is held byte for byte, whatever state it is in.
        assert set(BAD.values()) | {good} <= stored
        assert all(r.status in ("processed", "quarantined") for r in rows)
        quarantined = [r for r in rows if r.status == "quarantined"]
        # Mail with nothing usable is quarantined and shown to a person, with the reason.
        assert {r.raw for r in quarantined} >= {BAD["garbage"], BAD["no headers at all"]}
        assert all(r.needs_triage and r.last_error for r in quarantined)
        refs = {c.referrer_email for c in s.scalars(select(Case))}
        for_a_person = {r.source_key for r in rows if r.needs_triage}
    assert "lee.invented@gmp.police.uk" in refs  # the good SIN opened its case
    # Nothing left stuck: what stays in the inbox is exactly what a person must look at.
    left = {p.name.split(":")[0] for p in (tmp_path / "inbox" / "new").iterdir()}
    assert left == for_a_person


def test_bytes_that_are_not_an_email_are_shown_on_the_first_pass(
    make_app: AppFactory, tmp_path: Path
) -> None:
    # No retry mends them: waiting for the third pass kept them out of that day's digest.
    app, _ = make_app()
    drop_into_maildir(tmp_path / "inbox", b"", BAD["garbage"])
    ingest_pass(app, MaildirSource(tmp_path / "inbox"))
    with app.sessions() as s:
        rows = s.scalars(select(StoredMessage)).all()
        assert [r.status for r in rows] == ["quarantined", "quarantined"]
        assert all(r.needs_triage and r.attempts == 1 for r in rows)
        assert all(str(r.triage_reason).startswith("cannot be read as an email: ") for r in rows)


def test_a_complaint_the_bot_cannot_answer_is_put_before_a_person(
    make_app: AppFactory, tmp_path: Path
) -> None:
    # The record and its 20-working-day clock open, but no acknowledgement can go: triaged.
    from bot.services.passes import run_once
    from tests.fixtures.mail import email

    app, _ = make_app(now="2026-12-23T09:00")
    raw = email(
        "Complaint about how my concern was handled",
        "I wish to make a formal complaint about the safeguarding partnership.",
        sender="",
        message_id="<complaint-no-from@example.net>",
    )
    drop_into_maildir(tmp_path / "inbox", raw)
    run_once(app)
    with app.sessions() as s:
        [row] = s.scalars(select(StoredMessage)).all()
        [record] = s.scalars(select(Case)).all()
        assert record.kind == "complaint" and row.needs_triage
        assert str(row.triage_reason).startswith("not acknowledged (no usable From address)")


def test_a_sin_sent_again_under_a_new_message_id_is_flagged_as_a_likely_repeat(
    make_app: AppFactory, tmp_path: Path
) -> None:
    # A new Message-ID and Date, so not a duplicate delivery: a second case opens (merging on
    # a guess could hide a second child), but a person is told which case it may repeat.
    from bot.services.passes import run_once

    app, clock = make_app(now="2026-12-23T09:00")
    drop_into_maildir(tmp_path / "inbox", sin("<sin-first@gmp.police.uk>"))
    run_once(app)
    clock.set("2026-12-23T11:00")
    drop_into_maildir(tmp_path / "inbox", sin("<sin-again@gmp.police.uk>"))
    other = sin("<sin-other@gmp.police.uk>", sender="lee.invented@gmp.police.uk")
    drop_into_maildir(tmp_path / "inbox", other)  # the same words from someone else
    run_once(app)
    with app.sessions() as s:
        rows = {r.message_id: r for r in s.scalars(select(StoredMessage))}
        again, elsewhere = rows["sin-again@gmp.police.uk"], rows["sin-other@gmp.police.uk"]
        assert again.needs_triage and str(again.triage_reason).startswith(
            "possibly the same notification as TSCP-2026-0001, opened Wed 23 Dec 2026 (the same "
            "referrer, words and attachments): if it is, close this case with Notifiable: no "
            "because duplicate of TSCP-2026-0001, then Close: duplicate of TSCP-2026-0001"
        )
        assert not elsewhere.needs_triage
        second = s.scalars(select(Case).where(Case.ref == "TSCP-2026-0002")).one()
        assert "possible_repeat" in [e.what for e in second.events]


def test_a_repeat_of_a_sin_stored_before_fingerprints_is_still_flagged(
    make_app: AppFactory, tmp_path: Path
) -> None:
    # A case opened by an earlier version kept no fingerprint: its message is read again.
    from bot.services.passes import run_once

    app, clock = make_app(now="2026-12-23T09:00")
    drop_into_maildir(tmp_path / "inbox", sin("<sin-first@gmp.police.uk>"))
    run_once(app)
    with app.sessions() as s:
        first = s.scalars(select(StoredMessage)).one()
        assert FINGERPRINT in first.classification
        first.classification = {k: v for k, v in first.classification.items() if k != FINGERPRINT}
        s.commit()
    clock.set("2026-12-23T11:00")
    drop_into_maildir(tmp_path / "inbox", sin("<sin-again@gmp.police.uk>"))
    run_once(app)
    with app.sessions() as s:
        again = s.scalars(
            select(StoredMessage).where(StoredMessage.message_id == "sin-again@gmp.police.uk")
        ).one()
        assert str(again.triage_reason).startswith(
            "possibly the same notification as TSCP-2026-0001"
        )


def test_two_children_from_one_referrer_in_the_same_words_are_not_repeats(
    make_app: AppFactory, tmp_path: Path
) -> None:
    from bot.services.passes import run_once
    from tests.fixtures.forms_docx import SIN_CHILD, sin_docx
    from tests.fixtures.mail import email

    app, _ = make_app(now="2026-12-23T09:00")
    for n, name in enumerate(("Quinn Zed Invented", "Avery Bee Example")):
        child = tuple((k, name if k == "Name" else v) for k, v in SIN_CHILD)
        drop_into_maildir(
            tmp_path / "inbox",
            email(
                "GM SIN form attached",
                "Please find the notification form attached.",
                sender="robin.example@gmp.police.uk",
                message_id=f"<sin-child-{n}@gmp.police.uk>",
                attachment=("SIN form.docx", sin_docx(child=child)),
            ),
        )
    run_once(app)
    with app.sessions() as s:
        assert sorted(c.initials for c in s.scalars(select(Case))) == ["A.B.E.", "Q.Z.I."]
        assert not any(r.needs_triage for r in s.scalars(select(StoredMessage)))
        # Even were the forms the same size to the byte: different initials, different children.
        second = s.scalars(select(Case).where(Case.ref == "TSCP-2026-0002")).one()
        same: Content = ("Please find the notification form attached.", (("SIN form.docx", 1),))
        now = app.clock.now()
        assert possible_repeat(s, second, same, now, lambda _: same) is None
        second.initials = ""  # a form that gave no name: the words decide
        for row in s.scalars(select(StoredMessage)):  # read, as if kept before fingerprints
            row.classification = {k: v for k, v in row.classification.items() if k != FINGERPRINT}
        found = possible_repeat(s, second, same, now, lambda _: same)
        assert found is not None and found[0].ref == "TSCP-2026-0001"
        s.rollback()


def test_a_sin_from_an_address_no_reply_can_be_written_to_opens_its_case(
    make_app: AppFactory, tmp_path: Path
) -> None:
    """A From address a gateway damaged (a comma in it) cannot take an acknowledgement: the
    SIN still opens its case, and a person is told why it was not acknowledged, rather than
    its processing failing three times and the SIN being set aside (found by the fuzz soak)."""
    raw = sin().replace(
        b"From: casey.invented@gmp.police.uk", b'From: Alex Invented" <alex,invented@nhs.net>'
    )
    assert b"alex,invented" in raw
    row = _opens_its_case(make_app, tmp_path, raw)
    assert row.needs_triage
    assert str(row.triage_reason).startswith("not acknowledged (no usable From address)")


def test_a_sin_cut_short_inside_a_boundary_opens_its_case(
    make_app: AppFactory, tmp_path: Path
) -> None:
    """An email cut short in its inner part's boundary (a gateway's damage, found by the fuzz
    soak) is read with what it has, not set aside as unreadable: its subject and sender open
    the case, so the clock runs from its arrival, and a person is told it arrived damaged."""
    raw = (
        b"From: Casey Invented <casey.invented@gmp.police.uk>\r\nTo: tscp@tameside.gov.uk\r\n"
        b"Subject: Serious Incident Notification - GM SIN form\r\n"
        b"Message-ID: <cut-short@gmp.police.uk>\r\nDate: Wed, 23 Dec 2026 08:30:00 +0000\r\n"
        b'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="===outer=="\r\n\r\n'
        b'--===outer==\r\nContent-Type: multipart/alternative;\r\n boundary="===inn'
    )
    row = _opens_its_case(make_app, tmp_path, raw)
    assert "broken MIME: StartBoundaryNotFoundDefect" in row.flags
    assert row.needs_triage and str(row.triage_reason).startswith("arrived damaged")


def _opens_its_case(make_app: AppFactory, tmp_path: Path, raw: bytes) -> StoredMessage:
    """`raw` alone through a pass: processed, not failed or set aside, its case opened."""
    from bot.services.passes import run_once

    app, _ = make_app(now="2026-12-23T09:00")
    drop_into_maildir(tmp_path / "inbox", raw)
    report = run_once(app)
    assert report.ingest.failed == report.ingest.quarantined == report.outbox.failed == 0
    with app.sessions(expire_on_commit=False) as s:
        [row] = s.scalars(select(StoredMessage)).all()
        [case] = s.scalars(select(Case)).all()
        assert row.status == "processed" and case.kind == "review"
        return row

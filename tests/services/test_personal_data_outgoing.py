"""What the forms recorded of the child and family does not leave the partnership: mail to the
agencies, the panel, the National Panel and the Scrutineer carries the reference and initials,
and the log carries neither. Invented people only, through the real ingest path."""

from __future__ import annotations

import email
from email import policy
from pathlib import Path

import pytest

from bot.adapters.db.models import OutboxMessage
from tests.fixtures.app import AppFactory
from tests.fixtures.mail import drop_into_maildir
from tests.services.test_lifecycle import BM, HEALTH, LA, POLICE, SCRUTINEER, Bot, body_of, reply

REF = "TSCP-2026-0001"
GMP_DSP = "dsp.tameside@gmp.police.uk"
NAME, FIRST, LAST = "Jamie Example", "Jamie", "Example"
DOB = "01/02/2015"
ADDRESS = "12 Invented Road, Exampletown, EX1 2AB"
SCHOOL = "Invented Primary School"
CHILD = (
    ("Name", NAME),
    ("Date of birth", DOB),
    ("Sex", "Male"),
    ("Address", ADDRESS),
    ("School", SCHOOL),
    ("Legal status", "Child in need"),
)


def whole(row: OutboxMessage) -> str:
    """Every text part of the email (plain, HTML, calendar), decoded, and its headers."""
    msg = email.message_from_bytes(row.raw, policy=policy.default)
    out = [str(msg["Subject"] or "")]
    for part in msg.walk():
        if part.get_content_maintype() == "multipart":
            continue
        try:
            out.append(str(part.get_content()))
        except (KeyError, LookupError):
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)  # a leaf part's payload, decoded
            out.append(payload.decode("utf-8", "replace"))
    return "\n".join(out)


def unfolded(text: str) -> str:
    """Calendar lines unfolded, HTML-ish whitespace collapsed: what a reader sees."""
    return " ".join(text.replace("\r\n ", "").replace("\n ", "").split())


def _told(bot: Bot) -> str:
    """The last confirmation the Business Manager was sent, as one line."""
    return " ".join(body_of(bot.outbox("command_result")[-1]).split())


def _fields(bot: Bot) -> dict[str, str]:
    from sqlalchemy import select

    from bot.adapters.db.models import CaseField

    with bot.app.sessions() as s:
        return {f.name: f.value for f in s.scalars(select(CaseField))}


# --- 1. Cancel meeting: the reason goes to the police and health representatives


def test_a_cancel_meeting_reason_naming_the_child_is_refused(named: Bot) -> None:
    named.at("2026-12-23T10:00").mail(
        BM, reply(REF), f"Cancel meeting: {NAME} (DOB {DOB}) has been moved out of area"
    )
    named.run()
    assert named.outbox("screening_cancelled") == []  # the panel is not told the name
    told = " ".join(body_of(named.outbox("command_result")[-1]).split())
    assert "the reason gives the child's name, and it goes to every partner invited" in told
    named.at("2026-12-23T10:30").mail(BM, reply(REF), "Cancel meeting: moved out of area")
    named.run()
    [cancel] = named.outbox("screening_cancelled")
    assert POLICE in cancel.recipients and HEALTH in cancel.recipients
    assert "moved out of area" in unfolded(whole(cancel))


# --- 2. Review period: what the forms recorded, however it is written, goes to no agency


@pytest.mark.parametrize(
    ("period", "found"),
    [
        ("from birth (01-02-2015) to 15/12/2026", "the child's date of birth"),
        (f"from admission to {SCHOOL} (Sept 2019) to 15/12/2026", "the child's school"),
        ("from the family's move to EX1 2AB (June 2026) to 15/12/2026", "the child's address"),
    ],
)
def test_a_review_period_giving_what_the_forms_recorded_is_refused(
    named: Bot, period: str, found: str
) -> None:
    assert _fields(named).get("school") == SCHOOL  # the form recorded it
    named.at("2026-12-23T11:00").mail(
        BM, reply(REF), "Decision: rapid review\nNotified: 23/12/2026"
    )
    named.run()
    named.at("2026-12-23T12:00").mail(BM, reply(REF), f"Agencies: gmp\nReview period: {period}")
    named.run()
    assert named.outbox("appendix_b_request") == []
    assert f"the review period gives {found}" in _told(named)


# --- 3. The escalation alert does not copy the sender's subject to the Scrutineer


def test_the_escalation_alert_does_not_copy_the_senders_subject_to_the_scrutineer(bot: Bot) -> None:
    bot.at("2026-12-16T12:00").mail(
        "headteacher@invented-primary.tameside.sch.uk",
        f"Challenge to screening decision - {NAME} DOB {DOB}",
        "I wish to challenge the partnership's screening decision under the escalation policy. "
        "I disagree with the decision and want it escalated.",
    )
    bot.run()
    alerts = bot.outbox("escalation_alert")
    assert alerts, [r.event for r in bot.outbox()]
    [alert] = alerts
    assert SCRUTINEER in alert.recipients
    text = whole(alert)
    assert NAME not in text and DOB not in text


# --- 4. Status to a partner does not repeat what a person wrote on the case


def test_status_to_the_police_does_not_repeat_the_scrutineers_words(bot: Bot) -> None:
    bot.at("2026-12-16T11:00").mail(BM, reply(REF), "Decision: rapid review")
    bot.run()
    bot.at("2026-12-16T14:00").mail(
        SCRUTINEER,
        reply(REF),
        "Disagree: the panel did not hear from the mother, Sam Sample, at 12 Invented Road",
    )
    bot.run()
    bot.at("2026-12-17T09:00").mail(POLICE, reply(REF), "Status")
    bot.run()
    [view] = bot.outbox("case_status")
    assert view.recipients == [POLICE]
    text = whole(view)
    assert "Sam Sample" not in text and "12 Invented Road" not in text


def test_status_to_the_police_does_not_repeat_the_close_reason(bot: Bot) -> None:
    bot.at("2026-12-16T11:00").mail(
        BM, reply(REF), "Close: duplicate - Sam Sample's son already open under the police"
    )
    bot.run()
    bot.at("2026-12-17T09:00").mail(POLICE, reply(REF), "Status")
    bot.run()
    [view] = bot.outbox("case_status")
    assert "Sam Sample" not in whole(view)


def test_an_aware_reason_reaches_no_partner_whoever_it_names(bot: Bot) -> None:
    # On a case with no form a child's name passes every check on typed words; the clock's
    # explanation, which the reminders and `Status` print, says only whose date it is.
    bot.at("2026-12-16T10:00").mail(
        BM, reply(REF), "Aware: 14/12/2026 because Jamie Example's school rang the duty team"
    )
    bot.run()
    assert bot.due("panel_notification").isoformat() == "2026-12-21"
    bot.at("2026-12-18T09:00").mail(LA, reply(REF), "Status")
    bot.run()
    shown = ("deadline_reminder", "case_status")  # the clock and its explanation
    to_la = [r for r in bot.outbox() if LA in r.recipients and r.event in shown]
    assert sorted({r.event for r in to_la}) == sorted(shown)
    for row in to_la:
        text = " ".join(whole(row).split())
        assert "Jamie" not in text and "duty team" not in text
        assert (
            "a correction given with Aware:, Mon 14 Dec 2026 (the reason is kept in the "
            "case record)" in text
        )


# --- 5. Delay: a reason naming the school is refused before the Panel sees it


def test_a_delay_reason_naming_the_school_is_refused(named: Bot) -> None:
    panel = named.app.config.people.national_panel.email
    named.at("2026-12-23T11:00").mail(
        BM, reply(REF), "Decision: rapid review\nNotified: 23/12/2026"
    )
    named.run()
    named.at("2027-01-12T10:00").mail(
        BM, reply(REF), f"Delay: {SCHOOL} has not sent its records; expected 05/02/2027"
    )
    named.run()
    assert named.outbox("panel_delay_notice") == []  # nothing drafted for the Panel
    assert "the reason for the delay gives the child's school" in _told(named)
    named.at("2027-01-12T10:30").mail(
        BM, reply(REF), "Delay: the school has not sent its records; expected 05/02/2027"
    )
    named.run()
    [draft] = named.outbox("panel_delay_notice")
    assert panel in draft.recipients and SCHOOL not in whole(draft)


def test_a_delay_reason_naming_the_street_without_its_number_is_refused(named: Bot) -> None:
    # "12 Invented Road" was refused; "Invented Road" reached the National Panel.
    named.at("2026-12-23T11:00").mail(
        BM, reply(REF), "Decision: rapid review\nNotified: 23/12/2026"
    )
    named.run()
    named.at("2027-01-12T10:00").mail(
        BM, reply(REF), "Delay: the home on Invented Rd is not yet searched; expected 05/02/2027"
    )
    named.run()
    assert named.outbox("panel_delay_notice") == []
    assert "the reason for the delay gives the child's address" in _told(named)


# --- 6. Logs: a damaged header is not quoted whole


def _sin_raw(subject: bytes, filename: bytes = b"form.txt") -> bytes:
    return (
        b"From: robin.example@gmp.police.uk\r\nTo: tscp@tameside.gov.uk\r\n"
        b"Subject: " + subject + b"\r\n"
        b"Message-ID: <sin-log@gmp.police.uk>\r\nDate: Wed, 23 Dec 2026 08:30:00 +0000\r\n"
        b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
        b"--b\r\nContent-Type: text/plain\r\n\r\n"
        b"Serious incident notification, please see the attached form.\r\n"
        b'--b\r\nContent-Type: text/plain; name="' + filename + b'"\r\n'
        b'Content-Disposition: attachment; filename="' + filename + b'"\r\n\r\n'
        b"see case record\r\n--b--\r\n"
    )


@pytest.mark.parametrize(
    ("subject", "filename"),
    [
        # An encoded word a gateway cut short, at the end of the subject the police wrote.
        (b"SIN for Jamie Example DOB 01/02/2015 =?utf-8?b?A?=", b"form.txt"),
        # The same damage in the attachment's file name.
        (b"Serious incident notification", b"=?utf-8?b?A?= SIN Jamie Example 01.02.2015.txt"),
    ],
)
def test_a_damaged_header_does_not_put_the_childs_name_in_the_log(
    make_app: AppFactory,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    subject: bytes,
    filename: bytes,
) -> None:
    import logging

    from bot.logs import QUIET

    b = Bot(make_app, tmp_path, "2026-12-23T09:00")
    for name, level in QUIET.items():  # as bot.logs.setup leaves them, without -v
        logging.getLogger(name).setLevel(level)
    caplog.set_level(logging.WARNING)
    drop_into_maildir(b.tmp_path / "inbox", _sin_raw(subject, filename))
    b.run()
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "Jamie" not in logged and "01/02/2015" not in logged and "01.02.2015" not in logged

"""Forms arriving by email fill the case record: SIN fields, Appendix B returns, chronology."""

from __future__ import annotations

import email
from datetime import date
from email import policy
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.adapters.db.models import Case, CaseField, ChronologyEntry, OutboxMessage, StoredMessage
from bot.app import App
from bot.services.passes import run_once
from tests.fixtures.app import AppFactory, Clock
from tests.fixtures.documents import zip_bomb_docx
from tests.fixtures.forms_docx import (
    SIN_INCIDENT,
    SIN_REFERRER,
    appendix_b_docx,
    blank_sin_docx,
    rows_docx,
    sin_docx,
    sin_pdf_without_colons,
)
from tests.fixtures.mail import drop_into_maildir
from tests.fixtures.mail import email as make_email
from tests.fixtures.word97.build import form_word97
from tests.wording_lint import text_faults

POLICE = "robin.example@gmp.police.uk"
BM = "tscp.business.manager@tameside.gov.uk"
SECTIONS = {"commands": {"auth_mode": "off"}}


def _alerts(s: Session) -> list[OutboxMessage]:
    """The "triage now" emails to the Business Manager."""
    return list(s.scalars(select(OutboxMessage).where(OutboxMessage.event == "triage_alert")))


def _alert_to_bm(s: Session) -> str:
    """The one "triage now" email's words, on one line; it goes to the Business Manager."""
    [alert] = _alerts(s)
    assert alert.recipients == [BM]
    return " ".join(text_of(alert).split())


def send_form(
    tmp_path: Path,
    data: bytes,
    *,
    sender: str = POLICE,
    n: int = 1,
    subject: str = "GM SIN form attached",
    name: str = "SIN form.docx",
    body: str = "Please find the notification form attached.",
) -> None:
    raw = make_email(
        subject,
        body,
        sender=sender,
        message_id=f"<form{n}@test>",
        attachment=(name, data),
    )
    drop_into_maildir(tmp_path / "inbox", raw)


def fields(app, scope: str = "sin") -> dict[str, str]:  # type: ignore[no-untyped-def]
    with app.sessions() as s:
        return {
            f.name: f.value for f in s.scalars(select(CaseField).where(CaseField.scope == scope))
        }


def text_of(row: OutboxMessage) -> str:
    msg = email.message_from_bytes(row.raw, policy=policy.default)
    return str(msg.get_body(preferencelist=("plain",)).get_content())  # type: ignore[union-attr]


def test_sin_form_fills_the_case_and_starts_the_clock_from_la_awareness(
    make_app: AppFactory, tmp_path: Path
) -> None:
    app, _ = make_app(now="2026-12-23T09:00", **SECTIONS)
    send_form(tmp_path, sin_docx())
    run_once(app)
    with app.sessions() as s:
        case = s.scalars(select(Case)).one()
        assert case.initials == "Q.Z.I." and case.la_aware_on == date(2026, 12, 21)
        deadline = next(d for d in case.deadlines if d.name == "panel_notification")
        # 5 working days from Mon 21 Dec 2026, not from the SIN's arrival on the 23rd.
        assert deadline.due == date(2026, 12, 30) and deadline.assumption is None
        outgoing = list(s.scalars(select(OutboxMessage)))
    assert fields(app)["referrer_email"] == POLICE
    assert fields(app, "child:1")["date_of_birth"] == "2020-04-03"
    for row in outgoing:  # data minimisation: initials only, never the name or birth date
        msg = email.message_from_bytes(row.raw, policy=policy.default)
        parts = [str(p.get_content()) for p in msg.walk() if p.get_content_maintype() == "text"]
        text = "\n".join([*parts, str(msg["Subject"])])
        for secret in ("Quinn", "03/04/2020", "3 April 2020", "2020-04-03", "Example Street"):
            assert secret not in text
    ack = next(r for r in outgoing if r.event == "sin_acknowledgement")
    assert "Q.Z.I." in text_of(ack) and "could not read" not in text_of(ack).lower()


def test_an_answer_no_field_reads_reaches_the_business_manager_and_no_one_else(
    make_app: AppFactory, tmp_path: Path
) -> None:
    app, _ = make_app(now="2026-12-23T09:00", **SECTIONS)
    sibling = "A sibling, aged 4, was also injured and is in hospital."
    incident = (*SIN_INCIDENT, ("Other relevant information", sibling))
    send_form(tmp_path, sin_docx(incident=incident))
    run_once(app)
    with app.sessions() as s:
        case = s.scalars(select(Case)).one()
        problems = [e.detail for e in case.events if e.what == "form_problem"]
        outgoing = {row.event: text_of(row) for row in s.scalars(select(OutboxMessage))}
    assert [p for p in problems if sibling in p] == [
        "an answer not read into any field (SIN form.docx, table 4, row 9): "
        f"'Other relevant information': {sibling!r}"
    ]
    assert sibling in outgoing.pop("daily_digest")  # to the Business Manager alone
    assert outgoing and not [event for event, text in outgoing.items() if "sibling" in text]


def test_an_old_word_sin_form_fills_the_case_as_the_docx_does(
    make_app: AppFactory, tmp_path: Path
) -> None:
    app, _ = make_app(now="2026-12-23T09:00", **SECTIONS)
    saved = Path(__file__).resolve().parents[1] / "fixtures" / "word97" / "sin-form.doc"
    send_form(tmp_path, saved.read_bytes(), name="SIN form.doc")
    run_once(app)
    with app.sessions() as s:
        case = s.scalars(select(Case)).one()
        assert case.initials == "Q.Z.I." and case.la_aware_on == date(2026, 12, 21)
        deadline = next(d for d in case.deadlines if d.name == "panel_notification")
        assert deadline.due == date(2026, 12, 30)
        ack = s.scalars(select(OutboxMessage).where(OutboxMessage.event == "sin_acknowledgement"))
        text = text_of(ack.one())
    assert fields(app)["referrer_email"] == POLICE and fields(app)["abuse_or_neglect"] == "yes"
    assert fields(app, "child:1")["date_of_birth"] == "2020-04-03"
    assert "Q.Z.I." in text and "could not read" not in text.lower()


def test_an_old_word_form_s_tick_box_is_flagged_on_the_case_not_answered(
    make_app: AppFactory, tmp_path: Path
) -> None:
    app, _ = make_app(now="2026-12-23T09:00", **SECTIONS)
    rows = [*SIN_REFERRER, *SIN_INCIDENT[:4], ("Abuse or neglect known or suspected", "{?}")]
    form = form_word97("Incident details", rows)  # "{?}": a tick box whose data is unreadable
    send_form(tmp_path, form, name="SIN form.doc", subject="GM SIN form: serious incident")
    run_once(app)
    with app.sessions() as s:
        case = s.scalars(select(Case)).one()
        problems = [e.detail for e in case.events if e.what == "form_problem"]
    assert fields(app).get("abuse_or_neglect") in (None, "")
    unread = "a tick box or list in an old Word form, not read"
    assert f"abuse_or_neglect: cannot tell Yes or No from {unread!r}" in problems
    assert (
        "SIN form.doc: some tick boxes, lists or symbols in an old Word form could not be read: "
        "check the answers they give by hand"
    ) in problems  # the document named once


def test_a_pdf_read_as_label_value_lines_gives_the_childs_own_initials(
    make_app: AppFactory, tmp_path: Path
) -> None:
    """ "First name Kai" / "Surname Invented": the initials are K.I., not those of the
    next line's "Surname Invented"."""
    app, _ = make_app(now="2026-12-23T09:00", **SECTIONS)
    send_form(tmp_path, sin_pdf_without_colons(), name="SIN form.pdf")
    run_once(app)
    with app.sessions() as s:
        case = s.scalars(select(Case)).one()
        assert case.initials == "K.I." and case.la_aware_on == date(2026, 12, 21)
        outgoing = list(s.scalars(select(OutboxMessage)))
    ack = next(r for r in outgoing if r.event == "sin_acknowledgement")
    assert "K.I." in text_of(ack) and "S.I." not in text_of(ack)
    assert "could not read" not in text_of(ack).lower()
    assert fields(app)["child_died"] == "no"
    assert fields(app, "child:1")["forename"] == "Kai"


def test_missing_facts_are_asked_for_and_a_corrected_form_updates_the_case(
    make_app: AppFactory, tmp_path: Path
) -> None:
    app, _ = make_app(now="2026-12-23T09:00", **SECTIONS)
    no_aware = tuple(r for r in SIN_INCIDENT if "became aware" not in r[0])
    send_form(tmp_path, sin_docx(incident=no_aware))
    run_once(app)
    with app.sessions() as s:
        ack = s.scalars(
            select(OutboxMessage).where(OutboxMessage.event == "sin_acknowledgement")
        ).one()
        case = s.scalars(select(Case)).one()
        assert next(d for d in case.deadlines if d.name == "panel_notification").assumption
    assert "date the local authority became aware" in text_of(ack)
    send_form(tmp_path, sin_docx(), n=2, subject="RE: [TSCP-2026-0001] corrected SIN form")
    run_once(app)
    with app.sessions() as s:
        case = s.scalars(select(Case)).one()
        assert case.la_aware_on == date(2026, 12, 21)
        assert next(d for d in case.deadlines if d.name == "panel_notification").due == date(
            2026, 12, 30
        )
        updates = [e for e in case.events if e.what == "form_fields_updated"]
        assert len(updates) == 1 and "la_aware_date" in updates[0].detail
        assert len(list(s.scalars(select(Case)))) == 1  # the correction opened no new case


OTHER_CHILD = (
    ("Name", "Riley Yew Example"),
    ("Date of birth", "09/09/2019"),
    ("Sex", "Male"),
)


def test_a_new_child_s_sin_sent_on_an_old_case_thread_changes_nothing_and_alerts_her(
    make_app: AppFactory, tmp_path: Path
) -> None:
    """A referrer replies on an old acknowledgement with a SIN form for another child: the old
    case keeps its child, and the Business Manager is told now that it may be a new
    notification whose screening clock is running."""
    app, _ = make_app(now="2026-12-23T09:00", **SECTIONS)
    send_form(tmp_path, sin_docx())
    run_once(app)
    before = fields(app, "child:1")
    subject = "RE: [TSCP-2026-0001] Serious incident notification received"
    send_form(tmp_path, sin_docx(child=OTHER_CHILD), n=2, subject=subject)
    run_once(app)
    assert fields(app, "child:1") == before
    with app.sessions() as s:
        case = s.scalars(select(Case)).one()
        assert case.initials == "Q.Z.I."
        assert not [e for e in case.events if e.what == "form_fields_updated"]
        row = s.scalars(select(StoredMessage).where(StoredMessage.message_id == "form2@test")).one()
        assert row.needs_triage
        assert (row.triage_reason or "").startswith(
            "a SIN form naming a different child or incident on TSCP-2026-0001 (the child's "
            "name, the child's date of birth not the case's): a new notification or a correction?"
        )
        alert = _alert_to_bm(s)
    assert "the bot has not acted on it, and a statutory clock may be running" in alert
    assert "2-working-day screening clock may be running" in alert
    assert "WHAT THE BOT DID" not in alert


def test_a_corrected_form_for_the_same_child_written_another_way_still_corrects_the_case(
    make_app: AppFactory, tmp_path: Path
) -> None:
    app, _ = make_app(now="2026-12-23T09:00", **SECTIONS)
    send_form(tmp_path, sin_docx())
    run_once(app)
    same = (("Name", "INVENTED, Quinn Zed"), ("Date of birth", "03/04/2020"), ("GP", "Dr Example"))
    subject = "RE: [TSCP-2026-0001] corrected SIN form"
    send_form(tmp_path, sin_docx(child=same), n=2, subject=subject)
    run_once(app)
    with app.sessions() as s:
        case = s.scalars(select(Case)).one()
        assert [e for e in case.events if e.what == "form_fields_updated"]
        assert not _alerts(s)


SIBLING = (
    "Please find attached a new SIN form. This child is the younger sibling of the child "
    "already notified to you under TSCP-2026-0001; this is a separate incident."
)


def test_a_new_sin_that_mentions_an_earlier_case_in_its_text_opens_its_own_case(
    make_app: AppFactory, tmp_path: Path
) -> None:
    """A sibling's SIN naming the earlier case in its words, not its subject or thread: a new
    case with its own screening clock and acknowledgement, flagged on both cases."""
    app, _ = make_app(now="2026-12-23T09:00", **SECTIONS)
    send_form(tmp_path, sin_docx())
    run_once(app)
    subject = "GM SIN form - new notification (sibling)"
    send_form(tmp_path, sin_docx(child=OTHER_CHILD), n=2, subject=subject, body=SIBLING)
    run_once(app)
    with app.sessions() as s:
        first, second = s.scalars(select(Case).order_by(Case.id))  # the first keeps its child
        assert (first.initials, second.ref, second.initials) == (
            "Q.Z.I.",
            "TSCP-2026-0002",
            "R.Y.E.",
        )
        assert [d.name for d in second.deadlines if d.name == "screening_meeting"]
        assert [e.detail for e in first.events if e.what == "mentioned_by"] == [
            "TSCP-2026-0002's SIN mentions TSCP-2026-0001"
        ]
        row = s.scalars(select(StoredMessage).where(StoredMessage.message_id == "form2@test")).one()
        assert row.case_id == second.id and row.needs_triage
        assert (row.triage_reason or "").startswith(
            "a new SIN whose text mentions TSCP-2026-0001: opened as TSCP-2026-0002, as a "
            "notification of its own; if it is about TSCP-2026-0001, close TSCP-2026-0002 with "
            "Notifiable: no because duplicate of TSCP-2026-0001, then Close: duplicate of "
            "TSCP-2026-0001"
        )
        acks = s.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.event == "sin_acknowledgement")
            .order_by(OutboxMessage.id)
        )
        assert [a.case_id for a in acks] == [first.id, second.id]


def test_a_sin_form_for_the_case_s_own_child_that_mentions_the_case_corrects_it(
    make_app: AppFactory, tmp_path: Path
) -> None:
    app, _ = make_app(now="2026-12-23T09:00", **SECTIONS)
    send_form(tmp_path, sin_docx())
    run_once(app)
    same = (("Name", "INVENTED, Quinn Zed"), ("Date of birth", "03/04/2020"), ("GP", "Dr Example"))
    body = "Corrected SIN form for TSCP-2026-0001 attached: the GP was missing."
    send_form(tmp_path, sin_docx(child=same), n=2, subject="GM SIN form (corrected)", body=body)
    run_once(app)
    with app.sessions() as s:
        case = s.scalars(select(Case)).one()  # no second case
        assert [e for e in case.events if e.what == "form_fields_updated"]


SECOND_INCIDENT = (
    ("Date of incident", "22/12/2026"),
    ("Date the local authority became aware", "19/12/2026"),
    ("Description of the incident", "Found unresponsive at home."),
    ("Child seriously harmed", "☒"),
)


def send_forms(tmp_path: Path, *documents: tuple[str, bytes]) -> None:
    body = "Two SIN forms, two separate incidents."
    raw = make_email("GM SIN forms x2", body, sender=POLICE, message_id="<two-forms@test>")
    msg = email.message_from_bytes(raw, policy=policy.default)
    for name, data in documents:
        msg.add_attachment(data, maintype="application", subtype="octet-stream", filename=name)
    drop_into_maildir(tmp_path / "inbox", msg.as_bytes())


def test_two_sin_forms_in_one_email_open_a_case_from_the_first_and_she_is_told_now(
    make_app: AppFactory, tmp_path: Path
) -> None:
    """Two incidents, two forms, one email: the case is opened from the first form alone (its
    child, its awareness date: the second form's earlier date is not taken), the second form's
    child is not made the case's second child, and the Business Manager is told now to send the
    second form on by itself."""
    app, _ = make_app(now="2026-12-23T09:00", **SECTIONS)
    second = sin_docx(child=OTHER_CHILD, incident=SECOND_INCIDENT)
    send_forms(tmp_path, ("SIN child 1.docx", sin_docx()), ("SIN child 2.docx", second))
    run_once(app)
    assert fields(app)["la_aware_date"] == "2026-12-21"
    assert fields(app)["incident_date"] == "2026-12-18"
    assert fields(app, "child:2") == {}
    with app.sessions() as s:
        case = s.scalars(select(Case)).one()
        assert case.initials == "Q.Z.I." and case.la_aware_on == date(2026, 12, 21)
        assert not [e for e in case.events if e.what == "form_problem"]
        row = s.scalars(select(StoredMessage)).one()
        assert row.needs_triage and row.triage_reason == (
            "two SIN forms in one email (SIN child 1.docx, SIN child 2.docx): the case was opened "
            "from SIN child 1.docx; if SIN child 2.docx is another incident, run tscp-bot triage "
            "new-case 1 to open it as a new case, counted from the day it arrived"
        )
        alert = _alert_to_bm(s)
    # What was done, and what is left for her: not "the bot has not acted on it".
    assert "has not acted" not in alert
    assert "It opened case TSCP-2026-0001 from SIN child 1.docx, the first form" in alert
    assert (
        "WHAT YOU NEED TO DO SIN child 2.docx was not read. If it is another incident, run "
        "tscp-bot triage new-case 1 to open it as a new case, counted from the day it arrived: "
        "its 2-working-day screening clock may be running." in alert
    )


def test_the_same_sin_form_attached_twice_is_one_notification(
    make_app: AppFactory, tmp_path: Path
) -> None:
    app, _ = make_app(now="2026-12-23T09:00", **SECTIONS)
    send_forms(tmp_path, ("SIN form.docx", sin_docx()), ("SIN form (copy).docx", sin_docx()))
    run_once(app)
    with app.sessions() as s:
        assert not s.scalars(select(StoredMessage)).one().needs_triage
        assert not _alerts(s)


def test_blank_template_is_not_a_notification(make_app: AppFactory, tmp_path: Path) -> None:
    app, _ = make_app(now="2026-12-23T09:00", **SECTIONS)
    send_form(tmp_path, blank_sin_docx())
    run_once(app)
    with app.sessions() as s:
        assert list(s.scalars(select(Case))) == []
        row = s.scalars(select(StoredMessage)).one()
        assert row.needs_triage and "blank" in (row.triage_reason or "")


def test_zip_bomb_is_flagged_and_the_case_still_opens(make_app: AppFactory, tmp_path: Path) -> None:
    app, _ = make_app(now="2026-12-23T09:00", **SECTIONS)
    raw = make_email(
        "GM SIN form",
        "SIN form attached, and a second copy.",
        sender=POLICE,
        message_id="<bomb@test>",
        attachment=("SIN copy.docx", zip_bomb_docx(60)),
    )
    drop_into_maildir(tmp_path / "inbox", raw)
    run_once(app)
    with app.sessions() as s:
        case = s.scalars(select(Case)).one()
        problems = [e.detail for e in case.events if e.what == "form_problem"]
        assert any("SIN copy.docx" in p for p in problems)


def test_a_zip_bombed_form_is_not_called_complete_and_a_readable_copy_is_asked_for(
    make_app: AppFactory, tmp_path: Path
) -> None:
    """Refused as a zip bomb, the form gave nothing: the case, the acknowledgement and the
    digest say it could not be read and which required facts are therefore missing."""
    app, _ = make_app(now="2026-12-23T09:00", **SECTIONS)
    bomb = zip_bomb_docx(60)
    assert len(bomb) < 1_000_000  # small on disk, 60 MB expanded: past the 50 MB limit
    send_form(tmp_path, bomb)
    run_once(app)
    with app.sessions() as s:
        case = s.scalars(select(Case)).one()
        [read] = [e for e in case.events if e.what == "form_read"]
        outgoing = list(s.scalars(select(OutboxMessage)))
    assert read.detail == "SIN form could not be read from message #1"
    assert read.why.startswith("the form could not be read (SIN form.docx); missing: ")
    assert "la_aware_date" in read.why and "all required fields read" not in read.why
    ack = text_of(next(r for r in outgoing if r.event == "sin_acknowledgement"))
    flat = " ".join(ack.split())
    assert "We could not open the notification form attached to your email" in flat
    assert "date the local authority became aware" in ack
    assert "send the completed form again" in flat
    assert text_faults(ack) == []
    digest = text_of(next(r for r in outgoing if r.event == "daily_digest"))
    gaps = digest.split("NEEDS YOUR ATTENTION")[1].split("APPENDIX B RETURNS")[0]
    assert "form gaps" in gaps and "the form could not be read (SIN form.docx)" in gaps
    # Issue 13: the Business Manager reads the form's own words, not the bot's field keys.
    assert "date the local authority became aware" in gaps and "la_aware_date" not in gaps


def _returns_asked_of_police_and_health(make_app: AppFactory, tmp_path: Path) -> tuple[App, Clock]:
    """A case opened on 16 Dec 2026 whose Business Manager, the next day, decided on a Rapid
    Review and asked the police and health for their returns by 24 Dec 2026."""
    app, clock = make_app(now="2026-12-16T09:00", **SECTIONS)
    send_form(tmp_path, sin_docx())
    run_once(app)
    clock.set("2026-12-17T09:00")
    bm = make_email(
        "RE: [TSCP-2026-0001] Screening",
        "Decision: rapid review\nAgencies: gmp, icb\nReturn by: 24/12/2026",
        sender=BM,
        message_id="<bm@t>",
    )
    drop_into_maildir(tmp_path / "inbox", bm)
    run_once(app)
    return app, clock


def test_appendix_b_fills_the_return_and_the_merged_chronology(
    make_app: AppFactory, tmp_path: Path
) -> None:
    app, clock = _returns_asked_of_police_and_health(make_app, tmp_path)
    health = appendix_b_docx(
        "NHS Tameside",
        [
            ("02/07/2026", "Home visit", "Health visitor", "Routine check", "No concerns"),
            ("15/06/2026", "Clinic", "GP", "Immunisation", "Given"),
        ],
    )
    police = appendix_b_docx(
        "Greater Manchester Police",
        [("20/06/2026", "Call", "PC", "Domestic incident report", "DASH completed")],
    )
    send_form(
        tmp_path,
        health,
        sender="dsp.tameside@nhs.net",
        n=3,
        name="Appendix B.docx",
        subject="RE: [TSCP-2026-0001] Appendix B return",
    )
    send_form(
        tmp_path,
        police,
        sender="dsp.tameside@gmp.police.uk",
        n=4,
        name="Appendix B GMP.docx",
        subject="Appendix B return TSCP-2026-0001",
    )
    clock.set("2026-12-22T10:00")
    run_once(app)
    with app.sessions() as s:
        rows = s.scalars(select(ChronologyEntry).order_by(ChronologyEntry.on)).all()
        assert [(r.on, r.agency_key) for r in rows] == [
            (date(2026, 6, 15), "icb"),
            (date(2026, 6, 20), "gmp"),
            (date(2026, 7, 2), "icb"),
        ]
    assert fields(app, "appendix_b:icb")["involved"] == "yes"


def test_a_nil_return_of_two_rows_is_the_agency_s_return(
    make_app: AppFactory, tmp_path: Path
) -> None:
    """An agency's own short document, not the form: its agency and its No are the whole
    return. Taken for no form at all, it was filed for the Business Manager and the agency
    went on being chased for a return it had made."""
    app, clock = _returns_asked_of_police_and_health(make_app, tmp_path)
    send_form(
        tmp_path,
        rows_docx("Nil return", [("Agency", "NHS Tameside"), ("Involvement", "No")]),
        sender="dsp.tameside@nhs.net",
        n=3,
        name="Return.docx",
        subject="RE: [TSCP-2026-0001] Appendix B return",
        body="Our nil return is attached.",
    )
    clock.set("2026-12-18T09:00")
    run_once(app)
    assert fields(app, "appendix_b:icb")["involved"] == "no"
    clock.set("2026-12-30T09:00")  # past the return date: the late are chased
    run_once(app)
    with app.sessions() as s:
        chased = [
            r.idempotency_key
            for r in s.scalars(
                select(OutboxMessage).where(OutboxMessage.event == "deadline_reminder")
            )
        ]
    assert any(":appendix_b:gmp:" in k for k in chased)
    assert not any(":appendix_b:icb:" in k for k in chased)


def test_case_view_shows_what_was_read_and_from_where(make_app: AppFactory, tmp_path: Path) -> None:
    from bot.services.queries import case_detail

    app, _ = make_app(now="2026-12-23T09:00", **SECTIONS)
    send_form(tmp_path, sin_docx())
    run_once(app)
    with app.sessions() as s:
        detail = case_detail(s, s.scalars(select(Case)).one(), date(2026, 12, 23), {})
    read = {(f["scope"], f["name"]): f for f in detail["fields"]}
    aware = read[("sin", "la_aware_date")]
    assert aware["value"] == "2026-12-21" and "SIN form.docx" in aware["where"]
    assert read[("child:1", "sex")]["value"] == "female"


def test_a_sin_with_no_form_at_all_is_not_called_read_and_the_form_is_asked_for(
    make_app: AppFactory, tmp_path: Path
) -> None:
    """A SIN by its subject, with no form attached or written in (say, encrypted): nothing was
    read, so the case, the digest and the acknowledgement say the form is missing, never that
    every required field was read."""
    app, _ = make_app(now="2026-12-23T09:00", **SECTIONS)
    raw = make_email(
        "Serious Incident Notification - GM SIN form", "Form to follow.", sender=POLICE
    )
    drop_into_maildir(tmp_path / "inbox", raw)
    run_once(app)
    with app.sessions() as s:
        case = s.scalars(select(Case)).one()
        [read] = [e for e in case.events if e.what == "form_read"]
        outgoing = list(s.scalars(select(OutboxMessage)))
    assert read.detail == "No SIN form found in message #1"
    assert read.why.startswith("missing: ") and "la_aware_date" in read.why
    ack = " ".join(text_of(next(r for r in outgoing if r.event == "sin_acknowledgement")).split())
    assert "We did not find a notification form in your email" in ack
    assert "Please send the completed notification form as a Word or PDF file" in ack
    digest = text_of(next(r for r in outgoing if r.event == "daily_digest"))
    gaps = digest.split("NEEDS YOUR ATTENTION")[1].split("APPENDIX B RETURNS")[0]
    assert "form gaps" in gaps and "date the local authority became aware" in gaps


def test_the_business_manager_s_forward_of_a_new_child_s_sin_opens_its_case(
    make_app: AppFactory, tmp_path: Path
) -> None:
    """As the triage list advises for a new child's SIN sent on an old thread: she forwards it
    with the tag taken out of the subject; her forward quotes the tag in its body, and still
    opens a case of its own."""
    app, _ = make_app(now="2026-12-23T09:00", **SECTIONS)
    send_form(tmp_path, sin_docx())
    run_once(app)
    quoted = (
        "New notification, please open.\n\n-----Original Message-----\nFrom: Alex Placeholder\n"
        "Subject: RE: [TSCP-2026-0001] Serious incident notification received\n\n"
        "Please find attached a new SIN form (different child)."
    )
    subject = "FW: RE: Serious incident notification received"
    send_form(tmp_path, sin_docx(child=OTHER_CHILD), sender=BM, n=2, subject=subject, body=quoted)
    run_once(app)
    with app.sessions() as s:
        assert [c.initials for c in s.scalars(select(Case).order_by(Case.id))] == [
            "Q.Z.I.",
            "R.Y.E.",
        ]

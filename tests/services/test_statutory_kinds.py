"""Statutory kinds win over threading, and mail is read before it is given up on.

Each message is an invented corpus file delivered into the mailbox and run through the real
ingest path: a complaint or a challenge written on a case thread opens its own record linked
to the case, a return pasted into a reply is recorded, a SIN sent as "Doc1.docx" with
"please see attached" opens a case, and a form naming another case is flagged.
"""

from __future__ import annotations

import email
from email import policy
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bot.adapters.db.models import AgencyRequest, Case, CaseField, OutboxMessage, StoredMessage
from bot.app import App
from bot.core.message_plan import FORM_READER_SIN
from bot.services.passes import run_once
from tests.fixtures.app import AppFactory, Clock, example_data
from tests.fixtures.forms_docx import sin_docx
from tests.fixtures.mail import drop_into_maildir
from tests.fixtures.mail import email as make_email

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
BM = "tscp.business.manager@tameside.gov.uk"
SCRUTINEER = "tscp.scrutineer@tameside.gov.uk"


def _app(make_app: AppFactory, now: str = "2026-12-16T09:00") -> tuple[App, Clock]:
    # The example configuration's "Tameside schools" covers the headteacher's school.
    agencies: Any = example_data()["agencies"]
    return make_app(now=now, commands={"auth_mode": "off"}, agencies=agencies)


def _deliver(tmp_path: Path, *raw: bytes) -> None:
    drop_into_maildir(tmp_path / "inbox", *raw)


def _corpus(name: str) -> bytes:
    return (CORPUS / name).read_bytes()


def _open_case(app: App, clock: Clock, tmp_path: Path, *, decide: bool = False) -> None:
    """TSCP-2026-0001 from a police SIN; with `decide`, a rapid review asking police and
    health for their Appendix B returns."""
    sin = make_email("GM SIN form", "Form attached.", message_id="<sin@t>",
                     attachment=("SIN form.docx", sin_docx()))  # fmt: skip
    _deliver(tmp_path, sin)
    run_once(app)
    if decide:
        clock.set("2026-12-17T09:00")
        decision = "Decision: rapid review\nAgencies: gmp, icb\nReturn by: 24/12/2026"
        _deliver(tmp_path, make_email("RE: [TSCP-2026-0001] Screening", decision, sender=BM,
                                      message_id="<bm@t>"))  # fmt: skip
        run_once(app)


def _text(row: OutboxMessage) -> str:
    msg = email.message_from_bytes(row.raw, policy=policy.default)
    return str(msg.get_body(preferencelist=("plain",)).get_content())  # type: ignore[union-attr]


def _outbox(app: App, event: str) -> list[OutboxMessage]:
    with app.sessions() as s:
        return list(s.scalars(select(OutboxMessage).where(OutboxMessage.event == event)))


def _message(app: App, message_id: str) -> StoredMessage:
    with app.sessions() as s:
        return s.scalars(select(StoredMessage).where(StoredMessage.message_id == message_id)).one()


def test_a_complaint_replying_on_a_case_opens_its_own_record_linked_to_the_case(
    make_app: AppFactory, tmp_path: Path
) -> None:
    app, clock = _app(make_app)
    _open_case(app, clock, tmp_path)
    clock.set("2026-12-18T11:00")
    _deliver(tmp_path, _corpus("complaint-public-reply-on-case-thread.eml"))
    run_once(app)
    with app.sessions() as s:
        case = s.scalars(select(Case).where(Case.ref == "TSCP-2026-0001")).one()
        complaint = s.scalars(select(Case).where(Case.kind == "complaint")).one()
        assert complaint.ref == "TSCP-2026-0002" and complaint.parent_id == case.id
        due = next(d.due for d in complaint.deadlines)
        assert any(e.what == "complaint_raised" and "TSCP-2026-0002" in e.detail
                   for e in case.events)  # fmt: skip
    (ack,) = _outbox(app, "complaint_acknowledgement")
    assert ack.recipients == ["dana.brightwell@example.com"]
    body = _text(ack)
    # 20 working days from Friday 18 December 2026, over Christmas and New Year.
    assert str(due) == "2027-01-20" and "20 January 2027" in body
    assert "Local Government and Social Care Ombudsman" in body


def test_a_headteacher_challenging_a_decision_on_a_case_thread_is_an_escalation(
    make_app: AppFactory, tmp_path: Path
) -> None:
    app, clock = _app(make_app)
    _open_case(app, clock, tmp_path)
    clock.set("2026-12-18T11:00")
    _deliver(tmp_path, _corpus("escalation-headteacher-challenge-on-case-thread.eml"))
    run_once(app)
    with app.sessions() as s:
        case = s.scalars(select(Case).where(Case.ref == "TSCP-2026-0001")).one()
        escalation = s.scalars(select(Case).where(Case.kind == "escalation")).one()
        assert escalation.parent_id == case.id
        assert any(e.what == "escalation_raised" for e in case.events)
    (alert,) = _outbox(app, "escalation_alert")
    assert sorted(alert.recipients) == sorted([BM, SCRUTINEER])
    assert "TSCP-2026-0001" in _text(alert)


def test_an_appendix_b_pasted_into_a_reply_is_recorded_as_the_return(
    make_app: AppFactory, tmp_path: Path
) -> None:
    app, clock = _app(make_app)
    _open_case(app, clock, tmp_path, decide=True)
    clock.set("2026-12-22T10:00")
    _deliver(tmp_path, _corpus("appendix-b-pasted-in-reply-body.eml"))
    run_once(app)
    with app.sessions() as s:
        police = s.scalars(select(AgencyRequest).where(AgencyRequest.agency_key == "gmp")).one()
        assert police.received_at is not None
        read = {f.name: f.value for f in s.scalars(
            select(CaseField).where(CaseField.scope == "appendix_b:gmp"))}  # fmt: skip
    assert read["involved"] == "yes" and read["author_role"] == "Detective Sergeant"
    row = _message(app, "corpus-103.return@gmp.police.uk")
    assert not row.needs_triage and row.case_id is not None


def test_a_sin_sent_as_doc1_with_please_see_attached_opens_a_case(
    make_app: AppFactory, tmp_path: Path
) -> None:
    app, _ = _app(make_app, now="2026-12-23T09:00")
    _deliver(tmp_path, _corpus("sin-doc1-please-see-attached.eml"))
    run_once(app)
    row = _message(app, "corpus-104.doc1@gmp.police.uk")
    assert (row.kind, row.rule, row.needs_triage) == ("sin", FORM_READER_SIN, False)
    assert FORM_READER_SIN in row.classification["hits"]  # type: ignore[operator]
    (ack,) = _outbox(app, "sin_acknowledgement")
    assert ack.recipients == ["robin.example@gmp.police.uk"] and "Q.Z.I." in _text(ack)


def test_a_return_whose_form_names_another_case_is_flagged(
    make_app: AppFactory, tmp_path: Path
) -> None:
    app, clock = _app(make_app)
    _open_case(app, clock, tmp_path, decide=True)
    clock.set("2026-12-22T12:00")
    _deliver(tmp_path, _corpus("appendix-b-form-names-another-case.eml"))
    run_once(app)
    row = _message(app, "corpus-105.return@nhs.net")
    assert row.needs_triage
    assert "the form names TSCP-2026-0002 but the message is on TSCP-2026-0001" in str(
        row.triage_reason
    )
    with app.sessions() as s:
        case = s.scalars(select(Case).where(Case.ref == "TSCP-2026-0001")).one()
        assert any(e.what == "form_names_other_case" for e in case.events)

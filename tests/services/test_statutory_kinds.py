"""Statutory kinds win over threading, and mail is read before it is given up on.

Each message is an invented corpus file delivered into the mailbox and run through the real
ingest path: a complaint or a challenge written on a case thread opens its own record linked
to the case, a return pasted into a reply is recorded, a SIN sent as "Doc1.docx" with
"please see attached" opens a case, and a form naming another case is flagged. A challenge or
complaint with a line that reads like a command ("Disagree with the panel's decision") opens
its record all the same when its sender gives no commands; the Scrutineer's is still hers.
"""

from __future__ import annotations

import email
from datetime import UTC, datetime
from email import policy
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bot.adapters.db.models import AgencyRequest, Case, CaseField, OutboxMessage, StoredMessage
from bot.app import App
from bot.core.message_plan import FORM_READER_SIN
from bot.services.daily_digest import send_digest_if_due
from bot.services.passes import run_once
from tests.fixtures.app import AppFactory, Clock, example_data
from tests.fixtures.forms_docx import sin_docx
from tests.fixtures.mail import drop_into_maildir
from tests.fixtures.mail import email as make_email
from tests.services.test_lifecycle import Bot, body_of, decide_rapid_review

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


# --- A line that reads like a command, from someone who gives none, is their own words ---

HEADTEACHER = "head@hollowbrook-primary.tameside.sch.uk"
CHALLENGE = (
    "Dear Business Manager,\n\n"
    "Disagree with the panel's decision: the school logged eleven concerns over the summer "
    "term that the panel has not seen. I would ask the panel to reconsider.\n\n"
    "Sam Oakridge\nHeadteacher\n"
)
GRANDPARENT = "dana.brightwell@example.com"


def _told_of_commands(bot: Bot, after: int = 0) -> list[OutboxMessage]:
    """Confirmations and refusals of command lines, to anyone, queued after outbox row `after`."""
    return [o for o in bot.outbox() if o.event.startswith("command") and o.id > after]


def _last_queued(bot: Bot) -> int:
    return max((o.id for o in bot.outbox()), default=0)


def _events(bot: Bot, ref: str = "TSCP-2026-0001") -> set[str]:
    return {e.what for e in bot.case(ref).events}


def test_a_headteacher_writing_disagree_with_the_panels_decision_opens_an_escalation(
    bot: Bot,
) -> None:
    decide_rapid_review(bot, "2026-12-17T09:00")
    before = _last_queued(bot)
    bot.at("2026-12-18T10:15").mail(
        HEADTEACHER, "RE: [TSCP-2026-0001] Screening Panel outcome", CHALLENGE
    )
    bot.run()
    escalation = bot.case("TSCP-2026-0002")
    assert escalation.kind == "escalation" and escalation.parent_id == bot.case().id
    [alert] = bot.outbox("escalation_alert")
    assert sorted(alert.recipients) == sorted([BM, SCRUTINEER])
    assert [a.recipients for a in bot.outbox("escalation_acknowledgement")] == [[HEADTEACHER]]
    # Not the Scrutineer's Disagree: nothing recorded as hers, and no "not carried out" to
    # the headteacher or the Business Manager.
    assert not _told_of_commands(bot, before)
    assert not {"scrutineer_disagrees", "commands_not_carried_out"} & _events(bot)
    # The Business Manager sees it in the digest as an escalation, not as refused commands.
    bot.at("2026-12-21T08:30")
    assert send_digest_if_due(bot.app)
    digest = body_of(bot.outbox("daily_digest")[-1])
    escalations = digest.split("OPEN ESCALATIONS", 1)[1].split("NEW CASES", 1)[0]
    assert "TSCP-2026-0002" in escalations
    assert "commands not carried out" not in digest.lower()


def test_the_digest_gives_the_time_an_escalation_arrived_not_when_it_was_read(
    bot: Bot,
) -> None:
    decide_rapid_review(bot, "2026-12-17T09:00")
    arrived = datetime(2026, 12, 18, 10, 15, tzinfo=UTC)  # GMT: London's time too
    bot.at("2026-12-18T10:30").mail(
        HEADTEACHER, "RE: [TSCP-2026-0001] Screening Panel outcome", CHALLENGE, arrived=arrived
    )
    bot.run()
    bot.at("2026-12-21T08:30")
    assert send_digest_if_due(bot.app)
    digest = body_of(bot.outbox("daily_digest")[-1])
    section = digest.split("OPEN ESCALATIONS", 1)[1].split("NEW CASES", 1)[0]
    [line] = [x for x in section.splitlines() if "TSCP-2026-0002" in x]
    assert "Fri 18 Dec 2026 10:15" in line  # as the alert said; 10:30 is when it was read


def test_the_scrutineers_disagree_on_the_case_is_still_her_command(bot: Bot) -> None:
    decide_rapid_review(bot, "2026-12-17T09:00")
    before = _last_queued(bot)
    bot.at("2026-12-18T10:15").mail(
        SCRUTINEER,
        "RE: [TSCP-2026-0001] Screening Panel outcome",
        "Disagree with the panel's decision: the school's concerns were not considered.",
    )
    bot.run()
    assert "scrutineer_disagrees" in _events(bot)
    assert bot.outbox("escalation_alert") == []
    [confirmation] = _told_of_commands(bot, before)
    assert confirmation.event == "command_result" and confirmation.recipients == [SCRUTINEER]
    assert "the Scrutineer disagrees" in body_of(confirmation)


def test_a_complaint_on_a_case_thread_with_lines_like_commands_opens_a_complaint(
    bot: Bot,
) -> None:
    bot.at("2026-12-18T11:00").mail(
        GRANDPARENT,
        "Re: TSCP-2026-0001 my grandson",
        "I wish to make a formal complaint about how my grandson's case has been handled.\n\n"
        "Close the case? No: nobody has spoken to the family yet.\n"
        "Disagree with the way we have been kept in the dark.\n\n"
        "Dana Brightwell\n",
        auth=False,
    )
    bot.run()
    complaint = bot.case("TSCP-2026-0002")
    assert complaint.kind == "complaint" and complaint.parent_id == bot.case().id
    [ack] = bot.outbox("complaint_acknowledgement")
    assert ack.recipients == [GRANDPARENT] and "20 January 2027" in body_of(ack)
    assert not _told_of_commands(bot)
    assert "commands_not_carried_out" not in _events(bot)

    # More on the complaint's own thread is read whole, the "Disagree" line with the rest.
    bot.at("2026-12-21T11:00").mail(
        GRANDPARENT,
        "RE: [TSCP-2026-0002] We have received your complaint",
        "I am writing to complain again.\nDisagree with your letter: nobody has called me back.",
        auth=False,
    )
    bot.run()
    assert not _told_of_commands(bot)
    [alert] = bot.outbox("case_reply_alert")
    assert "Disagree with your letter: nobody has called me back." in body_of(alert)

"""Which awareness date starts panel_notification, and bad dates that refuse one line only.

Everything goes in by email through the Maildir inbox and the real ingest path; assertions are
on the deadline the Business Manager sees, the case view, the confirmation and the digest.
"""

from __future__ import annotations

import email
from datetime import date
from email import policy
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.adapters.db.models import AgencyRequest, Case, CaseField, OutboxMessage, StoredMessage
from bot.services.passes import run_once
from bot.services.queries import case_detail
from tests.fixtures.app import AppFactory
from tests.fixtures.forms_docx import SIN_INCIDENT, sin_docx
from tests.fixtures.mail import drop_into_maildir
from tests.fixtures.mail import email as make_email

POLICE = "robin.example@gmp.police.uk"
BM = "tscp.business.manager@tameside.gov.uk"
LA, HEALTH = "dsp.children@tameside.gov.uk", "dsp.tameside@nhs.net"
SECTIONS = {"commands": {"auth_mode": "off"}}
REF = "TSCP-2026-0001"


def incident(aware: str | None, happened: str | None = None) -> tuple[tuple[str, str], ...]:
    rows = [r for r in SIN_INCIDENT if "became aware" not in r[0]]
    if aware is not None:
        rows.insert(1, ("Date the local authority became aware", aware))
    if happened is not None:
        rows = [("Date of incident", happened) if "incident" in r[0] else r for r in rows]
    return tuple(rows)


class Mailbox:
    def __init__(self, make_app: AppFactory, tmp_path: Path, now: str) -> None:
        self.app, self.clock = make_app(now=now, **SECTIONS)
        self.tmp_path, self.n = tmp_path, 0

    def at(self, when: str) -> Mailbox:
        self.clock.set(when)
        return self

    def form(
        self, aware: str | None, subject: str = "GM SIN form attached", happened: str | None = None
    ) -> None:
        self.n += 1
        raw = make_email(
            subject,
            "Please find the notification form attached.",
            sender=POLICE,
            message_id=f"<form{self.n}@test>",
            attachment=("SIN form.docx", sin_docx(incident=incident(aware, happened))),
        )
        drop_into_maildir(self.tmp_path / "inbox", raw)
        run_once(self.app)

    def corrected_form(self, aware: str, happened: str | None = None) -> None:
        """The referrer's corrected form, on the case's thread, at 11:00 on the day it arrived."""
        self.at("2026-12-23T11:00").form(aware, f"RE: [{REF}] corrected SIN form", happened)

    def reply(self, sender: str, body: str) -> None:
        self.n += 1
        raw = make_email(
            f"RE: [{REF}] Screening Panel", body, sender=sender, message_id=f"<r{self.n}@test>"
        )
        drop_into_maildir(self.tmp_path / "inbox", raw)
        run_once(self.app)

    def case(self) -> Case:
        with self.app.sessions() as s:
            case = s.scalars(select(Case)).one()
            _ = case.deadlines, case.events
            return case

    def notification(self) -> tuple[date, date, str]:
        row = next(d for d in self.case().deadlines if d.name == "panel_notification")
        return row.start, row.due, row.explanation

    def events(self, what: str) -> list[str]:
        return [e.detail for e in self.case().events if e.what == what]

    def last(self, event: str) -> str:
        with self.app.sessions() as s:
            rows = s.scalars(
                select(OutboxMessage).where(OutboxMessage.event == event).order_by(OutboxMessage.id)
            ).all()
        msg = email.message_from_bytes(rows[-1].raw, policy=policy.default)
        return str(msg.get_body(preferencelist=("plain",)).get_content())  # type: ignore[union-attr]


@pytest.fixture
def mailbox(make_app: AppFactory, tmp_path: Path) -> Mailbox:
    return Mailbox(make_app, tmp_path, "2026-12-23T09:00")


def test_a_form_date_the_same_as_the_receipt_sets_nothing_aside(mailbox: Mailbox) -> None:
    mailbox.form("23/12/2026")  # the SIN arrives on Wed 23 Dec, the day the form gives
    start, _, why = mailbox.notification()
    assert start == date(2026, 12, 23)
    assert why.endswith(
        "\nStart: the SIN form's date Wed 23 Dec 2026, the earliest plausible date known."
    )
    invitation = " ".join(mailbox.last("screening_invitation").split())
    assert "the SIN form's date Wed 23 Dec 2026" in invitation
    assert "Set aside" not in invitation and "the same date" not in invitation


def test_form_aware_date_after_receipt_is_set_aside_and_flagged(mailbox: Mailbox) -> None:
    mailbox.form("30/12/2026")  # the SIN arrives on Wed 23 Dec
    start, due, why = mailbox.notification()
    # 5 working days from the receipt, not three working days later from the 30th.
    assert (start, due) == (date(2026, 12, 23), date(2027, 1, 4))
    assert "Start: the date the SIN form was received Wed 23 Dec 2026" in why
    assert (
        "Set aside: the SIN form's date Wed 30 Dec 2026: it is in the future; it is later than "
        "the SIN form was received (Wed 23 Dec 2026)." in why
    )
    [flag] = mailbox.events("awareness_flag")
    assert "Wed 30 Dec 2026 not used" in flag and "Aware: <date> because <reason>" in flag
    with mailbox.app.sessions() as s:
        detail = case_detail(s, s.scalars(select(Case)).one(), date(2026, 12, 23), {})
    fields = {f["name"]: f for f in detail["fields"]}
    assert "not used for panel_notification" in fields["la_aware_date"]["problem"]  # type: ignore[operator]
    digest = mailbox.last("daily_digest")
    attention = digest.split("NEEDS YOUR ATTENTION")[1].split("APPENDIX B RETURNS")[0]
    assert REF in attention and "awareness flag" in attention and "Wed 30 Dec 2026" in attention


def test_a_corrected_form_never_overrides_an_earlier_date(mailbox: Mailbox) -> None:
    mailbox.form(None)
    assert mailbox.notification()[0] == date(2026, 12, 23)  # receipt, until a date is known
    mailbox.at("2026-12-23T10:00").reply(BM, "Local authority aware: 19/12/2026")
    assert mailbox.notification()[:2] == (date(2026, 12, 19), date(2026, 12, 29))
    mailbox.corrected_form("22/12/2026")
    start, due, why = mailbox.notification()
    assert (start, due) == (date(2026, 12, 19), date(2026, 12, 29))
    assert "Start: the date given with Aware: Sat 19 Dec 2026" in why
    assert "Set aside: the SIN form's date Tue 22 Dec 2026: later than the date used." in why


def test_a_later_form_date_does_not_move_a_recorded_start(mailbox: Mailbox) -> None:
    mailbox.form("19/12/2026")
    mailbox.corrected_form("22/12/2026")
    start, due, why = mailbox.notification()
    assert (start, due) == (date(2026, 12, 19), date(2026, 12, 29))
    assert "Start: the SIN form's date Sat 19 Dec 2026 (as recorded earlier)" in why
    [flag] = mailbox.events("awareness_flag")
    assert "Tue 22 Dec 2026 not used: later than the start already recorded" in flag


def test_a_corrected_incident_date_after_the_start_does_not_move_it_later(
    mailbox: Mailbox,
) -> None:
    """The first form gave no incident date; the corrected one gives one after the awareness
    date the clock started from: that date is flagged for the Business Manager, and the clock
    stays where it started rather than moving to the SIN's arrival."""
    mailbox.form("19/12/2026", happened="")
    mailbox.corrected_form("19/12/2026", happened="20/12/2026")
    start, due, why = mailbox.notification()
    assert (start, due) == (date(2026, 12, 19), date(2026, 12, 29))
    assert "Start: the SIN form's date Sat 19 Dec 2026 (as recorded earlier)" in why
    assert (
        "Set aside: the SIN form's date Sat 19 Dec 2026: it is before the incident date on the "
        "form (Sun 20 Dec 2026)." in why
    )
    [problem] = mailbox.events("form_problem")
    assert "incident date Sun 20 Dec 2026 is after the date the local authority became" in problem


def test_the_chronology_shows_only_dates_that_were_in_force(mailbox: Mailbox) -> None:
    def notification_events() -> list[tuple[str, str]]:
        events = mailbox.case().events
        return [(e.detail, e.why) for e in events if e.detail.startswith("panel_notification ")]

    mailbox.form("21/12/2026")  # arrives Wed 23 Dec
    # The date from the receipt (Mon 4 Jan) was replaced by the form's, earlier, while the SIN
    # was being handled: it was never in force, so it is not in the case's history.
    [(detail, why)] = notification_events()
    assert detail == "panel_notification due Wed 30 Dec 2026"
    assert "Start: the SIN form's date Mon 21 Dec 2026" in why
    assert len([d for d in mailbox.events("deadline_set") if "screening_meeting" in d]) == 1
    mailbox.at("2026-12-23T10:00").reply(BM, "Local authority aware: 19/12/2026")
    # A later change is history: added, the earlier date kept.
    assert [d for d, _ in notification_events()] == [
        "panel_notification due Wed 30 Dec 2026",
        "panel_notification due Tue 29 Dec 2026",
    ]


def test_a_later_aware_needs_a_reason_and_the_chronology_keeps_both(mailbox: Mailbox) -> None:
    mailbox.form("21/12/2026")
    assert mailbox.notification()[:2] == (date(2026, 12, 21), date(2026, 12, 30))
    mailbox.at("2026-12-31T09:00").reply(BM, "Aware: 30/12/2026")
    assert mailbox.notification()[:2] == (date(2026, 12, 21), date(2026, 12, 30))
    refused = mailbox.last("command_result")
    assert "was not recorded: it is later than the SIN form was received" in refused
    assert "Aware: Wed 30 Dec 2026 because <reason>" in refused
    mailbox.at("2026-12-31T10:00").reply(BM, "Aware: 30/12/2026 because the form date was a typo")
    start, due, why = mailbox.notification()
    assert (start, due) == (date(2026, 12, 30), date(2027, 1, 7))
    assert "Start: a correction given with Aware:, Wed 30 Dec 2026 (the reason is kept" in why
    [moved] = mailbox.events("awareness_corrected")
    assert "from the SIN form's date Mon 21 Dec 2026 to Wed 30 Dec 2026" in moved
    assert BM in moved and moved.endswith(": the form date was a typo")
    said = mailbox.last("command_result")
    assert "replacing Mon 21 Dec 2026 (the SIN form's date)" in said
    assert "now due Thu 7 Jan 2027, later than the Wed 30 Dec 2026 counted before" in said
    with mailbox.app.sessions() as s:
        detail = case_detail(s, s.scalars(select(Case)).one(), date(2026, 12, 31), {})
    assert (detail["aware_source"], detail["bm_aware_reason"]) == (
        "business_manager",
        "the form date was a typo",
    )


@pytest.mark.parametrize("year", [2062, 2002])
def test_a_form_date_the_calendar_cannot_count_still_opens_the_case(
    mailbox: Mailbox, year: int
) -> None:
    mailbox.form(f"21/12/{year}")
    with mailbox.app.sessions() as s:
        row = s.scalars(select(StoredMessage)).one()
        assert (row.status, row.attempts, row.needs_triage) == ("processed", 0, False)
        aware = s.scalars(select(CaseField).where(CaseField.name == "la_aware_date")).one()
        assert aware.value == f"{year}-12-21" and aware.problem
    start, _, why = mailbox.notification()
    assert start == date(2026, 12, 23) and "Assumption:" in why
    [flag] = mailbox.events("awareness_flag")
    assert f"the working calendar cannot count from {year}" in flag
    assert "Q.Z.I." in mailbox.last("sin_acknowledgement")


def decided(make_app: AppFactory, tmp_path: Path) -> Mailbox:
    box = Mailbox(make_app, tmp_path, "2026-12-16T09:00")
    box.form("15/12/2026")
    box.at("2026-12-16T11:00").reply(LA, "Vote: rapid review")
    box.reply(HEALTH, "Vote: rapid review")
    assert box.case().decision == "rapid_review"
    return box


def test_a_past_return_date_refuses_that_line_and_the_rest_is_done(
    make_app: AppFactory, tmp_path: Path
) -> None:
    box = decided(make_app, tmp_path)
    box.at("2026-12-17T09:30").reply(
        BM, "Agencies: gmp, icb\nReturn by: 01/12/2026\nNotifiable: yes\n\n-- \nTSCP BM"
    )
    assert box.case().notifiable is True
    with box.app.sessions() as s:
        assert s.scalars(select(AgencyRequest)).all() == []
        assert all(r.status == "processed" for r in s.scalars(select(StoredMessage)))
    confirmation = box.last("command_result")
    assert "Notifiable: yes" in confirmation.split("NOT UNDERSTOOD")[0]
    assert (
        "the return date Tue 1 Dec 2026 is before the request, which goes out today "
        "(Thu 17 Dec 2026)" in confirmation
    )
    [refused] = box.events("command_refused")
    assert refused.startswith("Agencies: gmp, icb / Return by: 01/12/2026:")
    attention = box.last("daily_digest").split("NEEDS YOUR ATTENTION")[1]
    assert "command refused" in attention and "Return by: 01/12/2026" in attention


def test_a_date_outside_the_calendar_refuses_only_its_line(
    make_app: AppFactory, tmp_path: Path
) -> None:
    box = decided(make_app, tmp_path)
    box.at("2026-12-17T09:30").reply(BM, "Action: check the pathway; owner: gmp; due: 05/01/2062")
    box.reply(BM, "Notifiable: yes\nAction: audit; owner: icb; due: 01/12/2026")
    assert box.case().notifiable is True
    refused = box.events("command_refused")
    assert "Thu 5 Jan 2062 is in 2062, and working days can only be counted for" in refused[0]
    assert "the due date Tue 1 Dec 2026 is before today (Thu 17 Dec 2026)" in refused[1]


def test_a_sin_written_in_the_body_starts_from_its_awareness_date(mailbox: Mailbox) -> None:
    # No form attached, no title in the body: the subject says it is a SIN, and the body's
    # labels fit an Appendix B as well. Read as one, its awareness date was dropped.
    body = (
        "Dear TSCP,\n\nChild initials: K.L.\n"
        "Date the local authority became aware: 22/12/2026\n"
        "Criteria: child seriously harmed; abuse or neglect suspected.\n\nRegards,\nDS Casey"
    )
    raw = make_email("Serious Incident Notification - GM SIN form", body, sender=POLICE)
    drop_into_maildir(mailbox.tmp_path / "inbox", raw)
    run_once(mailbox.app)
    start, due, _ = mailbox.notification()
    assert (start, due) == (date(2026, 12, 22), date(2026, 12, 31))
    assert mailbox.case().la_aware_on == date(2026, 12, 22)


def test_a_form_date_its_weekday_contradicts_starts_early_and_reaches_her(
    mailbox: Mailbox,
) -> None:
    # 22 December 2026 is a Tuesday: Monday the 21st may be meant. Read as the 22nd, unflagged,
    # the National Panel's notification was due a day later than it may be.
    mailbox.form("Monday 22 December 2026")
    start, due, why = mailbox.notification()
    assert (start, due) == (date(2026, 12, 21), date(2026, 12, 30))
    assert "Start: the SIN form's date Mon 21 Dec 2026" in why
    digest = mailbox.last("daily_digest")
    attention = digest.split("NEEDS YOUR ATTENTION")[1].split("APPENDIX B RETURNS")[0]
    assert REF in attention and "doubtful: date the local authority became aware" in attention
    with mailbox.app.sessions() as s:
        detail = case_detail(s, s.scalars(select(Case)).one(), date(2026, 12, 23), {})
    [field] = [f for f in detail["fields"] if f["name"] == "la_aware_date"]
    assert "22 December 2026 is a Tuesday, not a Monday" in str(field["problem"])


def test_a_date_the_local_authority_gives_is_not_credited_to_the_business_manager(
    mailbox: Mailbox,
) -> None:
    """The explanation the partners read names the command, not a person who did not give it."""
    mailbox.form(None)
    mailbox.at("2026-12-23T10:00").reply(LA, "Aware: 19/12/2026")
    start, due, why = mailbox.notification()
    assert (start, due) == (date(2026, 12, 19), date(2026, 12, 29))
    assert "Start: the date given with Aware: Sat 19 Dec 2026" in why
    assert "Business Manager" not in why

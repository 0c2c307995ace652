"""What the bot tells outside bodies, and the statutory notices it chases, driven by email.

The death of a looked-after child or care leaver has its own clock to the Secretary of State and
Ofsted; the publication, reviewer and delay notices say only what is true.
"""

from __future__ import annotations

import email
from datetime import date
from email import policy
from pathlib import Path

import pytest

from bot.adapters.db.models import OutboxMessage
from bot.services.digest import send_digest_if_due
from tests.fixtures.app import AppFactory
from tests.fixtures.forms_docx import SIN_CHILD, SIN_INCIDENT, sin_docx
from tests.fixtures.mail import drop_into_maildir
from tests.fixtures.mail import email as make_email
from tests.services.test_lifecycle import BM, LA, Bot, body_of, reply, signed

REF = "TSCP-2026-0001"
CLOCK = "looked_after_death_notification"
PANEL = "mailbox.nationalreviewpanel@education.gov.uk"


def send_sin(bot: Bot, child: tuple[tuple[str, str], ...], incident: tuple[tuple[str, str], ...]):  # type: ignore[no-untyped-def]
    raw = make_email(
        "GM SIN form attached",
        "Please find the notification form attached.",
        sender="robin.example@gmp.police.uk",
        message_id="<sin@test>",
        attachment=("SIN form.docx", sin_docx(child=child, incident=incident)),
    )
    drop_into_maildir(bot.tmp_path / "inbox", raw)
    bot.run()


def with_rows(rows: tuple[tuple[str, str], ...], **changes: str) -> tuple[tuple[str, str], ...]:
    """The fixture rows with some values replaced ("" drops the row) or rows added."""
    kept = [(k, changes.pop(k, v)) for k, v in rows]
    return tuple((k, v) for k, v in [*kept, *changes.items()] if v)


DIED = with_rows(
    tuple(SIN_INCIDENT),
    **{"Child died": "☒", "Child seriously harmed": "☐", "Abuse or neglect known or suspected": "☐"},
)


def cc_of(row: OutboxMessage) -> str:
    return str(email.message_from_bytes(row.raw, policy=policy.default)["Cc"] or "")


def digest_text(bot: Bot, when: str) -> str:
    bot.at(when)
    assert send_digest_if_due(bot.app)
    return body_of(bot.outbox("daily_digest")[-1])


@pytest.fixture
def fresh(make_app: AppFactory, tmp_path: Path) -> Bot:
    return Bot(make_app, tmp_path, "2026-12-23T09:00")


# --- item 5: deaths of looked-after children and care leavers ------------------------------


def test_death_of_a_looked_after_child_has_its_own_clock_reminders_and_command(
    fresh: Bot,
) -> None:
    child = with_rows(tuple(SIN_CHILD), **{"Legal status": "Looked after child"})
    send_sin(fresh, child, DIED)
    # 5 working days from the LA's awareness on Mon 21 Dec 2026, skipping Christmas.
    assert fresh.due(CLOCK) == date(2026, 12, 30)
    case = fresh.case()
    [opened] = [e for e in case.events if e.what == "looked_after_death"]
    assert opened.detail == (
        "The form reports the death of a looked-after child: the local authority must notify "
        "the Secretary of State and Ofsted, whether or not abuse or neglect is known or "
        "suspected, by Wed 30 Dec 2026"
    )
    # The Screening Panel finds it not notifiable to the National Panel: this clock stays.
    fresh.at("2026-12-23T11:00").mail(BM, reply(REF), "Notifiable: no")
    fresh.run()
    deadlines = {d.name: d for d in fresh.case().deadlines}
    assert deadlines["panel_notification"].state == "not_required"
    assert deadlines[CLOCK].met_at is None and deadlines[CLOCK].state == "open"
    digest = digest_text(fresh, "2026-12-24T08:30")
    assert (
        f"{REF}  Wed 30 Dec 2026  Local authority notifies the Secretary of State and Ofsted "
        "of the death of a looked-after child"
    ) in digest
    assert f"{REF}  looked after death\r\n      The form reports the death" in digest
    # One working day before: the LA's representative is reminded, the Business Manager copied.
    fresh.at("2026-12-29T10:00").run()
    [reminder] = [r for r in fresh.outbox("deadline_reminder") if f":{CLOCK}:" in r.idempotency_key]
    assert reminder.recipients == [LA, BM] and cc_of(reminder) == BM
    assert reminder.subject == (
        f"[{REF}] Reminder: Notice of death to the Secretary of State and Ofsted due Wed 30 Dec 2026"
    )
    assert "reply SoS and Ofsted notified: <date> once it" in body_of(reminder)
    # The LA's representative records it, as the reminder says.
    fresh.at("2026-12-29T15:00").mail(LA, f"RE: {reminder.subject}", "SoS and Ofsted notified: 29/12/2026")
    fresh.run()
    [confirmation] = [r for r in fresh.outbox("command_result") if r.recipients == [LA]]
    assert "Secretary of State and Ofsted notified on 29/12/2026" in body_of(confirmation)
    assert next(d for d in fresh.case().deadlines if d.name == CLOCK).state == "met"
    fresh.at("2026-12-31T10:00").run()
    chased = [r.id for r in fresh.outbox() if f":{CLOCK}:" in r.idempotency_key]
    assert chased == [reminder.id]  # met: no due-day reminder, no escalation


def test_care_leaver_of_unknown_age_opens_the_clock_and_asks_a_person(fresh: Bot) -> None:
    child = with_rows(tuple(SIN_CHILD), **{"Date of birth": "", "Legal status": "Care leaver"})
    incident = with_rows(DIED, **{"Death of a care leaver": "☒"})
    send_sin(fresh, child, incident)
    assert fresh.due(CLOCK) == date(2026, 12, 30)
    [check] = [e for e in fresh.case().events if e.what == "looked_after_death_check"]
    assert check.detail.startswith(
        "the form reports the death of a care leaver but their age cannot be worked out"
    )
    assert "care leaver but their age cannot be worked out" in digest_text(
        fresh, "2026-12-24T08:30"
    )
    fresh.at("2026-12-24T10:00").mail(
        BM, reply(REF), "SoS and Ofsted notified: not required - aged 27 at death"
    )
    fresh.run()
    assert next(d for d in fresh.case().deadlines if d.name == CLOCK).state == "not_required"


def test_care_leaver_aged_25_or_over_opens_no_clock(fresh: Bot) -> None:
    child = with_rows(tuple(SIN_CHILD), **{"Date of birth": "01/01/2000", "Legal status": "Care leaver"})
    send_sin(fresh, child, DIED)
    assert CLOCK not in [d.name for d in fresh.case().deadlines]


def test_a_death_without_looked_after_status_opens_no_clock(fresh: Bot) -> None:
    send_sin(fresh, tuple(SIN_CHILD), DIED)
    case = fresh.case()
    assert CLOCK not in [d.name for d in case.deadlines]
    fresh.at("2026-12-23T11:00").mail(BM, reply(REF), "SoS and Ofsted notified: 23/12/2026")
    fresh.run()
    [result] = fresh.outbox("command_result")
    assert "no notice to the Secretary of State and Ofsted is open on this case" in body_of(result)


# --- item 8: never tell an outside body something false -------------------------------------

"""The National Panel's notification is owed whatever the Screening Panel decided: the outcome
email names it, `Close:` waits for it, the digest keeps an overdue one on a closed case in Act
now, and the Board's timeliness report counts one never made as late.

Through the Maildir inbox and the real ingest path, on SQLite and PostgreSQL. The case (the
`bot` fixture) arrived on Wed 16 Dec 2026: its National Panel notification is due Wed 23 Dec.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from bot.adapters.db.models import Case
from bot.core.timeliness_figures import LateCase, MeasureFigures
from bot.services.timeliness import timeliness
from tests.services.test_lifecycle import BM, HEALTH, POLICE, Bot, body_of, reply

REF = "TSCP-2026-0001"
NOTIFIED_LABEL = "National Panel notified within 5 working days"


def unwrap(text: str) -> str:
    return " ".join(text.split())


def decided_no_further_action(bot: Bot) -> None:
    bot.at("2026-12-17T10:00").mail(POLICE, reply(REF), "Vote: no further action")
    bot.mail(HEALTH, reply(REF), "Vote: no further action")
    bot.run()
    assert bot.case().stage == "no_further_action"


@pytest.mark.parametrize("choice", ["no further action", "local learning review", "rapid review"])
def test_every_outcome_email_names_the_national_panel_notification(bot: Bot, choice: str) -> None:
    bot.at("2026-12-17T10:00").mail(POLICE, reply(REF), f"Vote: {choice}")
    bot.mail(HEALTH, reply(REF), f"Vote: {choice}")
    bot.run()
    [outcome] = bot.outbox("screening_outcome")
    text = unwrap(body_of(outcome))
    assert "Business Manager: reply with Notified: <date> when the local authority" in text
    assert "notification is due by Wed 23 Dec 2026, whatever the panel decided." in text
    assert "Notifiable: no because <reason>" in text


def test_the_outcome_email_leaves_out_a_notification_already_made(bot: Bot) -> None:
    bot.at("2026-12-16T15:00").mail(BM, reply(REF), "Notified: 16/12/2026")
    bot.run()
    decided_no_further_action(bot)
    [outcome] = bot.outbox("screening_outcome")
    text = unwrap(body_of(outcome))
    assert "Notified: <date>" not in text
    assert "reply Close: <reason> when the case is done." in text


def test_close_is_refused_while_the_national_panel_notification_is_open(bot: Bot) -> None:
    decided_no_further_action(bot)
    bot.at("2026-12-17T11:00").mail(BM, reply(REF), "Close: no further action agreed")
    bot.run()
    case = bot.case()
    assert (case.status, case.stage) == ("open", "no_further_action")
    [result] = bot.outbox("command_result")[-1:]
    assert result.recipients == [BM]
    assert (
        "Close: no further action agreed not accepted yet: the National Panel notification "
        "(due Wed 23 Dec 2026) is still open, and it is owed whatever the Screening Panel "
        "decided: reply Notified: <date> once the local authority has notified the National "
        "Panel, or Notifiable: no because <reason>"
    ) in unwrap(body_of(result))
    # The Business Manager sees the refusal in the next digest too.
    bot.at("2026-12-18T08:30").run()
    [digest] = [r for r in bot.outbox("daily_digest") if "18 Dec" in r.subject]
    assert "Close: no further action agreed: not accepted yet: the National Panel" in unwrap(
        body_of(digest)
    )


def test_close_goes_through_once_the_notification_is_settled_in_the_same_reply(
    bot: Bot,
) -> None:
    decided_no_further_action(bot)
    bot.at("2026-12-17T11:00").mail(
        BM, reply(REF), "Notifiable: no because no abuse or neglect suspected\nClose: NFA"
    )
    bot.run()
    case = bot.case()
    assert (case.status, case.stage) == ("closed", "closed")
    notice = next(d for d in case.deadlines if d.name == "panel_notification")
    assert notice.state == "not_required"


def closed_before_the_change(bot: Bot) -> None:
    """A case closed with its notification open, as `Close:` allowed before it waited."""
    decided_no_further_action(bot)
    with bot.app.sessions() as s:
        case = s.scalars(select(Case).where(Case.ref == REF)).one()
        case.status, case.stage, case.closed_reason = "closed", "closed", "NFA"
        s.commit()


def test_an_overdue_notification_on_a_closed_case_stays_in_act_now(bot: Bot) -> None:
    closed_before_the_change(bot)
    bot.at("2026-12-24T08:30").run()
    [digest] = [r for r in bot.outbox("daily_digest") if "24 Dec" in r.subject]
    act_now = unwrap(body_of(digest)).partition("ACT NOW")[2].partition("DUE WITHIN")[0]
    assert f"{REF} OVERDUE by 1 working day (was due Wed 23 Dec 2026)" in act_now
    assert "The case is closed, but this notification is still owed: reply Notified:" in act_now
    # Recorded on the closed case, it leaves the list; the case stays closed.
    bot.at("2026-12-24T10:00").mail(BM, reply(REF), "Notified: 22/12/2026")
    bot.run()
    assert bot.case().status == "closed"
    bot.at("2026-12-29T08:30").run()
    [later] = [r for r in bot.outbox("daily_digest") if "29 Dec" in r.subject]
    assert "still owed" not in unwrap(body_of(later))


def notified_figures(bot: Bot) -> MeasureFigures:
    with bot.app.sessions() as s:
        report = timeliness(
            s, bot.app.config, date(2026, 12, 1), date(2026, 12, 31), date(2027, 1, 4)
        )
    return next(m for m in report.whole.measures if m.label == NOTIFIED_LABEL)


def test_the_report_counts_a_notification_never_made_on_a_closed_case_as_late(
    bot: Bot,
) -> None:
    closed_before_the_change(bot)
    figures = notified_figures(bot)
    assert (figures.due, figures.on_time, figures.closed_unmet) == (1, 0, ())
    # Due Wed 23 Dec, still not made by Thu 31 Dec: late by 24, 29, 30 and 31 Dec (the bank
    # holidays of 25 and 28 Dec skipped).
    assert figures.late == (LateCase(REF, date(2026, 12, 23), None, 4),)

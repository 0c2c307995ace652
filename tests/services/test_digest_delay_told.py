"""The digest's Rapid Review row says when the National Panel was told of its delay, so the
Business Manager reading "OVERDUE" knows whether the Panel has been told, and what it was told."""

from __future__ import annotations

import email
from email import policy
from pathlib import Path

from bot.services.daily_digest import send_digest_if_due
from tests.fixtures.app import AppFactory
from tests.services.test_lifecycle import BM, Bot, approve_last_draft, body_of, reply

REF = "TSCP-2026-0001"
TOLD = "Delay notified to the National Panel on Fri 8 Jan 2027: now expected by Fri 12 Feb 2027."


def _late_rapid_review(make_app: AppFactory, tmp_path: Path) -> Bot:
    b = Bot(make_app, tmp_path, "2026-12-16T09:00")
    b.mail("casey.invented@gmp.police.uk", "Serious Incident Notification - GM SIN form", "Form.")
    b.run()
    b.at("2026-12-16T11:00").mail(BM, reply(REF), "Decision: rapid review")
    b.at("2026-12-18T10:00").mail(BM, reply(REF), "Notified: 18/12/2026")
    b.run()
    b.at("2027-01-08T10:00").run()
    [ask] = b.outbox("rapid_review_delay_check")
    b.at("2027-01-08T11:00").mail(
        BM, f"RE: {ask.subject}", "Delay: The coroner's report is awaited.; expected 12/02/2027"
    )
    b.run()
    return b


def _digest(b: Bot, when: str) -> str:
    b.at(when)
    assert send_digest_if_due(b.app)
    return " ".join(body_of(b.outbox("daily_digest")[-1]).split())


def test_an_overdue_rapid_review_names_the_delay_notice_the_panel_was_sent(
    make_app: AppFactory, tmp_path: Path
) -> None:
    b = _late_rapid_review(make_app, tmp_path)
    approve_last_draft(b, "panel_delay_notice", "2027-01-08T15:00")
    digest = _digest(b, "2027-01-14T08:00")
    assert f"{REF} OVERDUE by 1 working day (was due Wed 13 Jan 2027)" in digest
    assert TOLD in digest


def test_a_delay_notice_still_awaiting_approval_is_not_called_notified(
    make_app: AppFactory, tmp_path: Path
) -> None:
    b = _late_rapid_review(make_app, tmp_path)
    digest = _digest(b, "2027-01-14T08:00")
    assert f"{REF} OVERDUE by 1 working day" in digest
    assert "Delay notified" not in digest


def test_an_earlier_notification_day_after_the_delay_notice_went_is_flagged(
    make_app: AppFactory, tmp_path: Path
) -> None:
    b = _late_rapid_review(make_app, tmp_path)
    approve_last_draft(b, "panel_delay_notice", "2027-01-08T15:00")
    b.at("2027-01-11T10:00").mail(BM, reply(REF), "Notified: 17/12/2026")
    b.run()
    answer = " ".join(body_of(b.outbox("command_result")[-1]).split())
    assert "gave the notification as sent on Fri 18 Dec 2026: tell the National Panel" in answer
    assert "it is now Thu 17 Dec 2026, with the Rapid Review due Tue 12 Jan 2027" in answer
    assert any(e.what == "sent_notice_outdated" for e in b.case().events)


def test_the_day_a_delay_notice_gave_once_passed_is_said_to_have_passed(
    make_app: AppFactory, tmp_path: Path
) -> None:
    # The National Panel was told Fri 12 Feb; on the Monday after, with no review recorded,
    # "now expected by" a day gone by would read as a promise still standing.
    b = _late_rapid_review(make_app, tmp_path)
    approve_last_draft(b, "panel_delay_notice", "2027-01-08T15:00")
    on_the_day = _digest(b, "2027-02-12T08:00")
    assert TOLD in on_the_day
    after = _digest(b, "2027-02-15T08:00")
    assert TOLD not in after
    assert (
        "Delay notified to the National Panel on Fri 8 Jan 2027, expecting the review by "
        "Fri 12 Feb 2027: THAT DAY HAS PASSED. Tell the National Panel when to expect it now "
        "(Delay: <reason>; expected <date>), or record it sent (Report submitted: <date>)."
    ) in after
    html = email.message_from_bytes(b.outbox("daily_digest")[-1].raw, policy=policy.default)
    part = html.get_body(preferencelist=("html",))
    assert part is not None and "that day has passed.</strong>" in str(part.get_content())

"""The digest stays readable with many cases: what needs the Business Manager is listed, what
is settled (a return in, an action done, a complaint answered, a closed case) or far off (an
action due in months) is counted, and nothing is silent."""

from __future__ import annotations

from datetime import UTC, date, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage

from sqlalchemy import select

from bot.adapters.db.models import (
    ActionItem,
    AgencyRequest,
    Case,
    Deadline,
    OutboxMessage,
    StoredMessage,
)
from bot.services.daily_digest import send_digest_if_due
from bot.services.digest_messages import TRIAGE_LISTED
from bot.services.store import store_raw
from tests.fixtures.app import AppFactory
from tests.fixtures.mail import email
from tests.services.test_lifecycle import body_of

OPENED = datetime(2026, 11, 2, 9, tzinfo=UTC)


def _html(row: OutboxMessage) -> str:
    found = message_from_bytes(row.raw, policy=policy.default)
    assert isinstance(found, EmailMessage)
    part = found.get_body(preferencelist=("html",))
    assert part is not None
    return str(part.get_content()).replace("\r\n", "\n")


def _case(number: int, *, kind: str = "review", status: str = "open", stage: str = "") -> Case:
    return Case(
        ref=f"TSCP-2026-{number:04d}",
        year=2026,
        number=number,
        status=status,
        opened_at=OPENED,
        sin_received_on=OPENED.date(),
        kind=kind,
        stage=stage
        or ("closed" if status == "closed" else {"review": "action_plan"}.get(kind, kind)),
        rr_report_on=date(2026, 11, 20),
    )


def _records(app_factory: AppFactory) -> str:
    app, _ = app_factory(now="2026-12-23T09:00")
    with app.sessions() as session:
        plan = _case(1)
        plan.deadlines.append(
            Deadline(
                name="rapid_review",
                start=date(2026, 11, 3),
                due=date(2026, 11, 24),
                explanation="met",
                met_at=OPENED,
            )
        )
        session.add_all([plan, _case(2, status="closed"), _case(3, status="closed"), _case(4)])
        complaint, answered = _case(5, kind="complaint"), _case(6, kind="complaint")
        for c, met in ((complaint, None), (answered, OPENED)):
            c.deadlines.append(
                Deadline(
                    name="complaint_response",
                    start=date(2026, 12, 1),
                    due=date(2026, 12, 29),
                    explanation="x",
                    met_at=met,
                )
            )
        session.add_all([complaint, answered])
        session.flush()
        session.add_all(
            [
                AgencyRequest(
                    case_id=plan.id,
                    agency_key="gmp",
                    requested_on=date(2026, 11, 3),
                    return_by=date(2026, 11, 17),
                ),
                AgencyRequest(
                    case_id=plan.id,
                    agency_key="icb",
                    requested_on=date(2026, 11, 3),
                    return_by=date(2026, 11, 17),
                    received_at=OPENED,
                ),
                ActionItem(
                    case_id=plan.id,
                    number=1,
                    text="Share the learning brief",
                    owner_key="schools",
                    due=date(2026, 12, 28),
                ),
                ActionItem(
                    case_id=plan.id,
                    number=2,
                    text="Audit the referral pathway",
                    owner_key="icb",
                    due=date(2027, 3, 31),
                ),
                ActionItem(
                    case_id=plan.id,
                    number=3,
                    text="Train the front door team",
                    owner_key="gmp",
                    due=date(2026, 12, 1),
                    done_at=OPENED,
                ),
            ]
        )
        session.commit()
    assert send_digest_if_due(app)
    with app.sessions() as session:
        row = session.scalar(select(OutboxMessage).where(OutboxMessage.event == "daily_digest"))
        assert row is not None
        return body_of(row)


def test_settled_and_far_off_work_is_counted_and_what_needs_action_listed(
    make_app: AppFactory,
) -> None:
    text = _records(make_app)
    # Listed: the return still awaited, the action due within the week, the open complaint.
    # Changed for issue 13: the agency's name, not its key "gmp".
    assert "TSCP-2026-0001  Tue 17 Nov 2026  OVERDUE    Greater Manchester Police" in text
    assert "gmp" not in text
    # An owner is named as the agency is ("schools" is the key of "Tameside schools").
    assert "open       Tameside schools\n" in text.replace("\r\n", "\n")
    assert "Share the learning brief" in text
    assert "TSCP-2026-0005" in text.split("COMPLAINTS", 1)[1].split("NEW CASES", 1)[0]
    # Counted: the return that came in, the action done, the one due in March, the answer.
    assert "  Appendix B returns        1 (1 overdue); 1 received earlier, not listed" in text
    assert "  Actions                   1; 1 due after Mon 4 Jan 2027, not listed; " in text
    assert "1 done, not listed" in text
    assert "Audit the referral pathway" not in text and "Train the front door" not in text
    assert "  1 more due after Mon 4 Jan 2027, listed here once they fall due." in text
    assert "  Complaints                1; 1 answered, not listed" in text
    assert "TSCP-2026-0006" not in text
    # Closed cases and the open case with nothing to do are counted, not named.
    assert "  Open                      4: action plan 2, complaint 2" in text
    # Changed for issue 13: the case counts moved to the end, after what must be acted on.
    assert "  Open, not named above     2 (nothing overdue, due soon or flagged)" in text
    assert "  Closed                    2" in text
    assert "TSCP-2026-0002" not in text and "TSCP-2026-0004" not in text


def test_a_large_triage_backlog_is_counted_and_the_longest_waiting_listed(
    make_app: AppFactory,
) -> None:
    app, _ = make_app(now="2026-12-23T09:00")
    waiting = TRIAGE_LISTED + 7
    with app.sessions() as session:
        for n in range(waiting):
            raw = email(
                f"Question {n}", "Hello.", sender="sam.invented@example.org", message_id=None
            )
            row = session.get(StoredMessage, store_raw(session, raw, f"t{n}", OPENED).id)
            assert row is not None
            row.status, row.needs_triage, row.triage_reason = "processed", True, "unclassified"
            row.subject = f"Question {n}"  # what processing would have recorded
        session.commit()
    assert send_digest_if_due(app)
    with app.sessions() as session:
        digest = session.scalar(select(OutboxMessage).where(OutboxMessage.event == "daily_digest"))
        assert digest is not None
        text = body_of(digest)
    assert f"  Messages to triage        {waiting}" in text
    section = text.split("MESSAGES TO TRIAGE", 1)[1].split("QUARANTINED MESSAGES", 1)[0]
    assert section.count("Reason:  unclassified") == TRIAGE_LISTED
    assert "Subject: Question 0\n" in section.replace("\r\n", "\n")
    assert f"Subject: Question {waiting - 1}" not in section
    assert '... and 7 more, newer than these:\n  "tscp-bot triage list" shows them all.' in (
        section.replace("\r\n", "\n")
    )


def test_a_flood_of_quarantined_messages_is_counted_and_the_longest_waiting_listed(
    make_app: AppFactory,
) -> None:
    # Listed as the triage backlog is: the 100 waiting longest, the rest counted.
    listed, flood = 100, 100 + 5
    app, _ = make_app(now="2026-12-23T09:00")
    with app.sessions() as session:
        for n in range(flood):
            raw = email(f"Bounce {n}", "x", sender="mailer@example.org", message_id=None)
            row = session.get(StoredMessage, store_raw(session, raw, f"q{n}", OPENED).id)
            assert row is not None
            row.status, row.needs_triage, row.last_error = "quarantined", True, "unreadable"
        session.commit()
    assert send_digest_if_due(app)
    with app.sessions() as session:
        digest = session.scalar(select(OutboxMessage).where(OutboxMessage.event == "daily_digest"))
        assert digest is not None
        text = body_of(digest).replace("\r\n", "\n")
        html = _html(digest)
    assert f"  Quarantined messages      {flood}\n" in text
    section = text.split("QUARANTINED MESSAGES", 1)[1].split("EMAILS NOT DELIVERED", 1)[0]
    assert section.count("Reason:  unreadable") == listed
    assert "Subject: Bounce 0\n" in section and f"Subject: Bounce {flood - 1}\n" not in section
    assert '... and 5 more, newer than these:\n  "tscp-bot triage list" shows them all.' in section
    assert f"<tr><th>Quarantined messages</th><td>{flood}</td></tr>" in html
    quarantined = html.split("<h2>Quarantined messages</h2>", 1)[1].split("<h2>", 1)[0]
    assert quarantined.count("unreadable</td>") == listed and "and 5 more" in quarantined

"""A complaint's acknowledgement already sent gave the complainant the day its written
response is due by; when the deadline tick counts that day earlier (a closure taken out of the
configuration), the acknowledgement is put before the Business Manager, as the SIN
acknowledgement and the panel's invitation are, unless a later day agreed with the complainant
since still stands."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from bot.adapters.db.models import CaseEvent
from tests.fixtures.app import AppFactory
from tests.services.test_complaint_answered import CLOCK, DUE, FIRST, answer, clock, complain
from tests.services.test_complaint_extended import AGREED, LINE
from tests.services.test_lifecycle import Bot
from tests.services.test_recount import CLOSED, _digest, _partnership, _with

# The council's 29-31 Dec closure counted: 20 working days from Wed 23 Dec 2026 end Thu 28 Jan.
COUNTED_OVER_CLOSURE = date(2027, 1, 28)


def _complained(make_app: AppFactory, tmp_path: Path) -> tuple[Bot, int]:
    """A complaint read on Wed 23 Dec 2026, acknowledged the same day with the response due by
    Thu 28 Jan 2027; the acknowledgement's outbox id."""
    b = Bot(make_app, tmp_path, "2026-12-23T10:00", partnership=_partnership(**CLOSED))
    complain(b, "pat.public@example.org")
    b.run()
    assert clock(b, FIRST).due == COUNTED_OVER_CLOSURE
    [ack] = [r for r in b.outbox("complaint_acknowledgement") if r.status == "sent"]
    return b, ack.id


def _flagged(b: Bot) -> list[CaseEvent]:
    return [e for e in b.case(FIRST).events if e.what == "sent_notice_outdated"]


def test_a_closure_taken_out_flags_the_acknowledgement_that_gave_the_old_reply_day(
    make_app: AppFactory, tmp_path: Path
) -> None:
    b, ack = _complained(make_app, tmp_path)
    _with(b, _partnership())  # the office opened after all
    b.at("2026-12-29T10:00").run()
    assert clock(b, FIRST).due == DUE
    [told] = _flagged(b)
    assert told.detail == (
        f"Complaint acknowledgement (#{ack}), already sent, gave a written response date the "
        f"working calendar now counts earlier ({CLOCK} Thu 28 Jan 2027, now "
        "Mon 25 Jan 2027): tell the complainant when the written response is now due"
    )
    attention = _digest(b, "Tue 29 Dec 2026").split("NEEDS YOUR ATTENTION", 1)[1]
    attention = attention.split("AWAITING YOUR APPROVAL", 1)[0]
    assert f"{FIRST} sent notice outdated Complaint acknowledgement (#{ack})" in attention
    assert "Thu 28 Jan 2027, now Mon 25 Jan 2027): tell the complainant" in attention


def test_a_reply_day_agreed_with_the_complainant_since_is_not_flagged(
    make_app: AppFactory, tmp_path: Path
) -> None:
    b, _ = _complained(make_app, tmp_path)
    answer(b, "2027-01-05T10:00", FIRST, LINE.replace("18/01/2027", "04/01/2027"))
    _with(b, _partnership())
    b.at("2027-01-06T10:00").run()
    d = clock(b, FIRST)
    assert (d.due, d.first_due) == (AGREED, DUE)
    assert [e.what for e in b.case(FIRST).events if e.what == "deadline_moved_earlier"]
    assert _flagged(b) == []

"""A new case: deadlines, the acknowledgement and the Screening Panel invitation."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import cast
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.adapters.db.models import Case, Meeting, StoredMessage
from bot.app import App
from bot.core import deadlines
from bot.core.arrival import with_assumption
from bot.core.lifecycle import Stage
from bot.core.stated_acks import key_dates_on
from bot.core.stated_dates import Stated
from bot.core.working_days import day_zero
from bot.services.cases import (
    add_event,
    key_dates,
    next_reference,
    screening_overdue,
    set_deadline,
)
from bot.services.held_rows import hold_rows
from bot.services.intake import forwarded_note, unsure_note
from bot.services.mailout import queue_email
from bot.services.screening_booking import deadline_context, meeting_context
from bot.services.store import FETCH_TIME, receipt_note

log = logging.getLogger(__name__)


def open_case(
    session: Session,
    app: App,
    row: StoredMessage,
    now: datetime,
    why: str | None = None,
    *,
    counted_from: date | None = None,
    doubt: str | None = None,
) -> Case:
    """A review case opened from message `row`, its clocks counted from the day it arrived.
    `why`: what opened it, when not the rule that classified the message as a SIN;
    `counted_from`: a forwarded SIN's earlier day, when the forwarded email was sent;
    `doubt`: why it is counted from its arrival instead, when the zone letters are the cause."""
    tz = app.config.partnership.time_zone
    arrived = day_zero(row.received_at, tz)
    received_on = counted_from or arrived
    ref, number = next_reference(session, app.config.partnership.reference_prefix, received_on.year)
    case = Case(
        kind="review",
        stage=Stage.SCREENING.value,
        status="open",
        ref=ref,
        year=received_on.year,
        number=number,
        opened_at=now,
        sin_received_on=received_on,
        referrer_email=row.from_addr,
    )
    session.add(case)
    hold_rows(session, case)
    add_event(
        session,
        case,
        now,
        "case_opened",
        f"Opened from message #{row.id}",
        why=why or f"classified as a SIN by rule {row.rule}",
    )
    note = (
        forwarded_note(counted_from, arrived, "the referrer")
        if counted_from
        else receipt_note(row, tz)
    )
    if doubt is not None:
        unsure = unsure_note(arrived, doubt)
        note = f"{note} Also, {unsure}" if note else unsure
    meeting = deadlines.screening_meeting(received_on, app.calendar)
    set_deadline(session, case, with_assumption(meeting, note), now)
    set_deadline(
        session,
        case,
        with_assumption(
            deadlines.panel_notification(app.calendar, sin_received=received_on, la_aware=None),
            note,
        ),
        now,
    )
    return case


@dataclass(frozen=True)
class Acknowledgement:
    """What the referrer's acknowledgement says beyond the case, its clocks and its panel."""

    # Field names only (never values): what the referrer is asked to send again.
    missing: tuple[str, ...] = ()
    # The attached form could not be opened at all: ask for a readable copy.
    form_unread: bool = False
    # No form was found at all (a SIN by its subject, with none attached or written in).
    form_absent: bool = False
    # The referrer who wrote the email the Business Manager forwarded, told instead of her.
    writer: str | None = None
    # A forward whose first day was unread, so no key dates are stated.
    start_unsure: bool = False
    # Its idempotency key, when the message has another notification acknowledged under the
    # usual one (bot.services.triage_new_case).
    key: str | None = None


def acknowledge(
    session: Session,
    app: App,
    case: Case,
    row: StoredMessage,
    meeting: Meeting | None,
    now: datetime,
    ack: Acknowledgement,
) -> None:
    """Queue the referrer's acknowledgement of message `row`, which opened `case`."""
    today = now.astimezone(app.config.partnership.time_zone).date()
    if ack.writer is not None:
        case.referrer_email = ack.writer  # the outcome goes to the referrer too
    stated = _stated(app, case, row, meeting, ack, today)
    queue_email(
        session,
        app,
        key=ack.key or f"ack:{row.sha256}",
        for_message=row,
        event="sin_acknowledgement",
        to=[ack.writer or row.from_addr],
        context=ack_context(app, case, meeting, stated),
        now=now,
        case=case,
        in_reply_to=f"<{row.message_id}>",
        stated=stated,
    )
    add_event(
        session,
        case,
        now,
        "acknowledged",
        "Acknowledgement queued to the referrer",
        why="SIN received (RFC 3834 checks passed)",
    )


def _stated(
    app: App,
    case: Case,
    row: StoredMessage,
    meeting: Meeting | None,
    ack: Acknowledgement,
    today: date,
) -> Stated:
    """The days it states as of `today`, with the receipt day it counts from (a correction
    since makes it write the email again), and the rest of its words."""
    tz = app.config.partnership.time_zone
    start = meeting.start.astimezone(tz) if meeting is not None else None
    dates = () if ack.start_unsure else key_dates_on(key_dates(case), today)
    kept = _kept(case, row, ack, tz, today)
    return Stated(
        today, received=case.sin_received_on, meeting_at=start, key_dates=dates, kept=kept
    )


def _kept(
    case: Case, row: StoredMessage, ack: Acknowledgement, tz: ZoneInfo, today: date
) -> dict[str, object]:
    """What it says that is not about time, kept to write it again as of the day it goes."""
    arrived = day_zero(row.received_at, tz)
    sent_on = case.sin_received_on if case.sin_received_on < arrived else None
    overdue = screening_overdue(case, today)
    return {
        # Passed on by the Business Manager: it reached this mailbox when she forwarded it,
        # and its clocks count from the day the referrer sent it, when that was read.
        "passed_on": ack.writer is not None,
        "sent_on": sent_on.isoformat() if sent_on is not None else None,
        # Forwarded, and the day it was first sent unread: its clocks count from the forward,
        # perhaps later than the real ones, so it states none (the Business Manager will).
        "start_unsure": ack.start_unsure,
        "received_at": row.received_at.astimezone(tz).isoformat(),
        # Never tell the referrer a read time as if it were the arrival time.
        "arrival_unknown": row.received_source == FETCH_TIME,
        # The panel's 2 working days ran out before the case was opened (read late, or opened
        # from the triage list): never booked "after the 2 working days" as if none was free.
        "screening_overdue": overdue.isoformat() if overdue is not None else None,
        "missing": list(ack.missing),
        "form_unread": ack.form_unread,
        "form_absent": ack.form_absent,
    }


def ack_context(app: App, case: Case, meeting: Meeting | None, stated: Stated) -> dict[str, object]:
    """The acknowledgement's words as of `stated.written_on`: its panel and key dates as they
    stand that day (a panel time gone by is said to be), the rest as first written."""
    kept = stated.kept
    received_at = datetime.fromisoformat(str(kept["received_at"]))
    overdue = kept.get("screening_overdue")
    if stated.received is not None:  # kept with its receipt day, which may be corrected since
        overdue = _overdue_when_opened(app, case)
    unsure = bool(kept.get("start_unsure"))
    return {
        "passed_on": bool(kept.get("passed_on")),
        "sent_on": _counted_from(case, kept, received_at.date()),
        "start_unsure": unsure,
        "case": {"ref": case.ref, "initials": case.initials},
        "received_at": received_at,
        "arrival_unknown": bool(kept.get("arrival_unknown")),
        "screening": meeting_context(app, meeting, gone=stated.meeting_gone),
        "screening_overdue": date.fromisoformat(str(overdue)) if overdue else None,
        "deadlines": [] if unsure else deadline_context(case, stated.written_on),
        "missing": list(cast("list[str]", kept.get("missing", []))),
        "form_unread": bool(kept.get("form_unread")),
        "form_absent": bool(kept.get("form_absent")),
    }


def _counted_from(case: Case, kept: Mapping[str, object], arrived: date) -> date | None:
    """The earlier day a forwarded SIN's deadlines count from, as the case stands when the
    acknowledgement is written: a receipt corrected since (`Correct Received:`) is the one
    it gives, never the day first read."""
    if not (kept.get("sent_on") or kept.get("passed_on")):
        return None
    return case.sin_received_on if case.sin_received_on < arrived else None


def _overdue_when_opened(app: App, case: Case) -> str | None:
    """The Screening Panel's due day, as the case stands, when it had gone by before the case
    was opened: what the acknowledgement apologises for."""
    opened = case.opened_at.astimezone(app.config.partnership.time_zone).date()
    row = next((d for d in case.deadlines if d.name == "screening_meeting"), None)
    return row.due.isoformat() if row is not None and row.due < opened else None

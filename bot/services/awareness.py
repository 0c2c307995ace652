"""Gather the known awareness dates of a case, let bot.core.awareness choose, apply the choice.

Used when a SIN form is read and when the Business Manager gives `Aware:`; both paths re-time
`panel_notification` only through `retime`, so its explanation always names the date that won
and every date that was set aside.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.adapters.db.models import Case, CaseField, StoredMessage
from bot.app import App
from bot.core import deadlines
from bot.core.arrival import with_assumption
from bot.core.awareness import Candidate, Choice, Facts, Source, choose
from bot.services.cases import add_event, set_deadline
from bot.services.held_rows import held_fields
from bot.services.store import receipt_note

NAME = "panel_notification"


_FORM_DATES = ("la_aware_date", "incident_date")


def _sin_dates(session: Session, case: Case) -> dict[str, date | None]:
    """The dates the SIN form gave, as stored on the case (one read for both)."""
    held = held_fields(session, case)
    if held is not None:  # a case opened by this message: its fields are not written yet
        values = {f["name"]: f["value"] for f in held if f["scope"] == "sin"}
        return {name: _date(values.get(name)) for name in _FORM_DATES}
    found = session.execute(
        select(CaseField.name, CaseField.value).where(
            CaseField.case_id == case.id,
            CaseField.scope == "sin",
            CaseField.name.in_(_FORM_DATES),
        )
    )
    values = {name: value for name, value in found}
    return {name: _date(values.get(name)) for name in _FORM_DATES}


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def recorded(case: Case) -> Candidate | None:
    """The start panel_notification runs from now, and where it came from."""
    row = next((d for d in case.deadlines if d.name == NAME), None)
    if row is None:
        return None
    source = Source(case.aware_source) if case.aware_source else None
    if source is None:  # a case from before sources were recorded
        source = Source.RECEIPT if case.la_aware_on is None else Source.FORM
    return Candidate(source, row.start)


def facts_for(session: Session, app: App, case: Case, now: datetime) -> Facts:
    form = _sin_dates(session, case)
    return Facts(
        received=case.sin_received_on,
        today=now.astimezone(app.config.partnership.time_zone).date(),
        covered_years=app.calendar.years,
        form=form["la_aware_date"],
        business_manager=case.bm_aware_on,
        reason=case.bm_aware_reason or "",
        incident=form["incident_date"],
        recorded=recorded(case),
    )


def retime(
    session: Session,
    app: App,
    case: Case,
    now: datetime,
    form: StoredMessage | None = None,
    *,
    opening: bool = False,
    corrected: str | None = None,
) -> Choice:
    """Choose the start from what is known now and store panel_notification if it changed.
    `opening`: the case was opened by the message being handled, which set panel_notification
    from its receipt a moment ago (see set_deadline's `restate`). `corrected`: the receipt was
    just corrected (`Correct Received:`), as this note says; a start taken from the old receipt
    is then no candidate, as the correction replaces that fact (a form's or an `Aware:` date
    still is, and the earliest plausible still wins)."""
    facts = facts_for(session, app, case, now)
    if corrected is not None and facts.recorded and facts.recorded.source is Source.RECEIPT:
        facts = replace(facts, recorded=None)
    choice = choose(facts)
    chosen = choice.chosen
    case.la_aware_on = None if chosen.source is Source.RECEIPT else chosen.on
    case.aware_source = chosen.source.value
    deadline = deadlines.compute(
        NAME, chosen.on, app.calendar, assumption=choice.assumption, basis=choice.explanation()
    )
    if chosen.source is Source.RECEIPT:
        note = corrected or _opening_receipt_note(session, app, case, form)
        deadline = with_assumption(deadline, note)
    row = next((d for d in case.deadlines if d.name == NAME), None)
    if row is None or (row.start, row.explanation) != (deadline.start, deadline.explain()):
        set_deadline(session, case, deadline, now, restate=opening)
    return choice


def _opening_receipt_note(
    session: Session, app: App, case: Case, form: StoredMessage | None
) -> str | None:
    """What the receipt date admits, from the message that opened the case (see store).

    While the SIN that opens the case is being processed it is not yet filed on it: `form`.
    """
    if held_fields(session, case) is not None:  # opened by `form`: nothing else is filed on it
        return receipt_note(form, app.config.partnership.time_zone) if form else None
    first = session.scalar(
        select(StoredMessage)
        .where(StoredMessage.case_id == case.id)
        .order_by(StoredMessage.id)
        .limit(1)
    )
    first = first or form
    return receipt_note(first, app.config.partnership.time_zone) if first else None


def after_form(
    session: Session,
    app: App,
    case: Case,
    row: StoredMessage,
    form_date_changed: bool,
    now: datetime,
    *,
    opening: bool = False,
) -> None:
    """Re-time from a SIN form just stored; a new form date that was set aside is flagged."""
    choice = retime(session, app, case, now, row, opening=opening)
    if not form_date_changed:
        return
    for aside in choice.flags():
        if aside.candidate.source is not Source.FORM:
            continue
        reasons = "; ".join(aside.reasons)
        _mark_field(session, case, reasons)
        add_event(
            session,
            case,
            now,
            "awareness_flag",
            f"{aside.candidate.label()} not used: {reasons}. panel_notification runs from "
            f"{choice.chosen.label()}; to correct it reply Aware: <date> because <reason>",
            why=f"message #{row.id}",
        )


def _mark_field(session: Session, case: Case, reasons: str) -> None:
    """The set-aside form date shows as a field to check in the case view."""
    held = held_fields(session, case)
    if held is not None:
        for kept in held:
            if (kept["scope"], kept["name"], kept["problem"]) == ("sin", "la_aware_date", None):
                kept["problem"] = f"not used for panel_notification: {reasons}"
        return
    field = session.scalar(
        select(CaseField).where(
            CaseField.case_id == case.id,
            CaseField.scope == "sin",
            CaseField.name == "la_aware_date",
        )
    )
    if field is not None and field.problem is None:
        field.problem = f"not used for panel_notification: {reasons}"

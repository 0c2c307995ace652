"""Facts read from SIN forms and Appendix B returns, stored on the case with their source.

Values are kept only in the database (the case record). Events name which fields were read or
changed, never their values, and nothing here is logged.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from bot.adapters.db.models import Case, CaseField, ChronologyEntry, StoredMessage
from bot.app import App
from bot.core.form_summary import unreadable
from bot.core.forms import Extraction, Field
from bot.services.awareness import after_form
from bot.services.cases import add_event
from bot.services.review.looked_after import apply_looked_after_death


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _store(
    session: Session,
    case: Case,
    scope: str,
    fields: Mapping[str, Field],
    row: StoredMessage,
    now: datetime,
) -> list[str]:
    """Upsert one scope's fields; returns the names that are new or whose value changed."""
    existing = {
        f.name: f
        for f in session.scalars(
            select(CaseField).where(CaseField.case_id == case.id, CaseField.scope == scope)
        )
    }
    changed = []
    new: list[dict[str, object]] = []
    for name, field in fields.items():
        old = existing.get(name)
        value = _text(field.value) if field.value is not None else ""
        if old is None:
            changed.append(name)
            new.append(
                {
                    "case_id": case.id,
                    "scope": scope,
                    "name": name,
                    "value": value,
                    "where": field.where,
                    "confidence": field.confidence,
                    "problem": field.problem,
                    "message_id": row.id,
                    "updated_at": now,
                }
            )
            continue
        if old.value != value:
            changed.append(name)
        old.value, old.where, old.confidence = value, field.where, field.confidence
        old.problem, old.message_id, old.updated_at = field.problem, row.id, now
    if new:
        # One statement for the form's new fields: added one by one, SQLite would insert them
        # one statement each (the ORM asks each for its id, which nothing here needs). Fields
        # are only ever read back by query, which sees them.
        session.execute(insert(CaseField), new)
    return changed


def apply_sin_form(
    session: Session,
    app: App,
    case: Case,
    row: StoredMessage,
    extraction: Extraction,
    now: datetime,
) -> None:
    first = not session.scalar(
        select(CaseField.id).where(CaseField.case_id == case.id, CaseField.scope == "sin").limit(1)
    )
    changed = _store(session, case, "sin", extraction.fields, row, now)
    for n, child in enumerate(extraction.children, start=1):
        changed += [f"child {n}: {c}" for c in _store(session, case, f"child:{n}", child, row, now)]
    if extraction.initials():
        case.initials = extraction.initials()
    after_form(session, app, case, row, "la_aware_date" in changed, now)
    # After the awareness date is chosen: the looked-after clock counts from it too.
    apply_looked_after_death(session, app, case, row, extraction, now)
    read = len(extraction.fields) + sum(len(c) for c in extraction.children)
    if first:
        add_event(
            session,
            case,
            now,
            "form_read",
            f"SIN form could not be read from message #{row.id}"
            if unreadable(extraction)
            else f"SIN form read from message #{row.id}: {read} fields",
            why=_gaps_text(extraction),
        )
    elif changed:
        add_event(
            session,
            case,
            now,
            "form_fields_updated",
            f"Corrected form in message #{row.id} changed: {', '.join(sorted(changed))}",
            why=_gaps_text(extraction),
        )
    for problem in extraction.flags:
        add_event(session, case, now, "form_problem", problem, why=f"message #{row.id}")


def _gaps_text(extraction: Extraction) -> str:
    parts = []
    if unreadable(extraction):
        parts.append(f"the form could not be read ({', '.join(extraction.unread)})")
    if extraction.missing:
        parts.append("missing: " + ", ".join(extraction.missing))
    if extraction.doubtful:
        parts.append("doubtful: " + ", ".join(extraction.doubtful))
    return "; ".join(parts) or "all required fields read"


def apply_return(
    session: Session,
    case: Case,
    agency_key: str,
    row: StoredMessage,
    extraction: Extraction,
    now: datetime,
) -> None:
    _store(session, case, f"appendix_b:{agency_key}", extraction.fields, row, now)
    # The latest return replaces the agency's chronology: a corrected return is a full copy.
    session.execute(
        delete(ChronologyEntry).where(
            ChronologyEntry.case_id == case.id, ChronologyEntry.agency_key == agency_key
        )
    )
    for entry in extraction.chronology:
        session.add(
            ChronologyEntry(
                case_id=case.id,
                agency_key=agency_key,
                on=entry.date,
                raw_date=entry.raw_date,
                contact=entry.contact,
                practitioner=entry.practitioner,
                event=entry.event,
                outcome=entry.outcome,
                where=entry.where,
                message_id=row.id,
            )
        )
    add_event(
        session,
        case,
        now,
        "return_read",
        f"Appendix B from {agency_key}: {len(extraction.fields)} fields, "
        f"{len(extraction.chronology)} chronology rows",
        why=_gaps_text(extraction),
    )
    for problem in extraction.flags:
        add_event(session, case, now, "form_problem", problem, why=f"message #{row.id}")


def missing_labels(extraction: Extraction) -> list[str]:
    """Readable names of what the referrer should send again."""
    return [name.replace("_", " ") for name in (*extraction.missing, *extraction.doubtful)]

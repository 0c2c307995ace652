"""Facts read from SIN forms and Appendix B returns, stored on the case with their source.

Values are kept only in the database (the case record). Events name which fields were read or
changed, never their values, and nothing here is logged.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import date, datetime

from sqlalchemy import delete, insert, inspect, select
from sqlalchemy.orm import Session

from bot.adapters.db.models import Case, CaseField, ChronologyEntry, StoredMessage
from bot.app import App
from bot.core.doctext import DocumentText
from bot.core.form_identity import CHILD_FIELDS, INCIDENT_FIELDS, Identity, Recorded, compare
from bot.core.form_summary import unreadable
from bot.core.forms import Extraction, Field, extract
from bot.core.message import MailMessage
from bot.core.separate_forms import one_notification
from bot.services.awareness import after_form
from bot.services.cases import add_event
from bot.services.digest_names import plain
from bot.services.held_rows import hold_fields
from bot.services.review.common import FORM_PROBLEM
from bot.services.review.looked_after import apply_looked_after_death

# The chronology's words for an agency's return, read or not: the digest finds the latest of
# the two for each agency ("Appendix B from gmp: ...") until a readable copy replaces it.
RETURN_READ, RETURN_UNREADABLE = "return_read", "return_unreadable"
log = logging.getLogger(__name__)

RETURN_FROM = "Appendix B from "


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


_Scopes = list[tuple[str, Mapping[str, Field]]]


def _store(
    session: Session, case: Case, scopes: _Scopes, row: StoredMessage, now: datetime
) -> list[tuple[str, str]]:
    """Upsert the scopes' fields; returns the (scope, name) pairs that are new or changed.

    A case opened by this very message is not in the database yet, so it has no fields to
    read back: its fields are only inserted, with its other rows (bot.services.held_rows).
    """
    if inspect(case).pending:
        existing: dict[tuple[str, str], CaseField] = {}
    else:
        names = [scope for scope, _ in scopes]
        found = session.scalars(
            select(CaseField).where(CaseField.case_id == case.id, CaseField.scope.in_(names))
        )
        existing = {(f.scope, f.name): f for f in found}
    changed = []
    new: list[dict[str, object]] = []
    for scope, fields in scopes:
        for name, field in fields.items():
            old = existing.get((scope, name))
            value = _text(field.value) if field.value is not None else ""
            if old is None:
                changed.append((scope, name))
                new.append(_new_field(case, scope, name, value, field, row, now))
                continue
            if old.value != value:
                changed.append((scope, name))
            old.value, old.where, old.confidence = value, field.where, field.confidence
            old.problem, old.message_id, old.updated_at = field.problem, row.id, now
    if new and not hold_fields(session, case, new):
        # One statement for every new field: added one by one, SQLite would insert them one
        # statement each (the ORM asks each for its id, which nothing here needs). Fields are
        # only ever read back by query, which sees them.
        if case.id is None:
            session.flush()
        session.execute(insert(CaseField), [{**v, "case_id": case.id} for v in new])
    return changed


def _new_field(
    case: Case, scope: str, name: str, value: str, field: Field, row: StoredMessage, now: datetime
) -> dict[str, object]:
    return {
        "scope": scope,
        "name": name,
        "value": value,
        "where": field.where,
        "confidence": field.confidence,
        "problem": field.problem,
        "message_id": row.id,
        "updated_at": now,
    }


def _had_sin_fields(session: Session, case: Case) -> bool:
    if inspect(case).pending:  # opened by this message: nothing of it is stored yet
        return False
    found = session.scalar(
        select(CaseField.id).where(CaseField.case_id == case.id, CaseField.scope == "sin").limit(1)
    )
    return found is not None


def sin_identity(session: Session, case: Case | None, form: Extraction | None) -> Identity:
    """How a SIN form's child and incident compare with what `case` holds."""
    if case is None or form is None or form.form != "sin" or inspect(case).pending:
        return Identity()
    return compare(recorded_identity(session, case), form)


def recorded_identity(session: Session, case: Case) -> Recorded:
    """The child and incident `case` holds, as bot.core.form_identity compares them."""
    held = session.execute(
        select(CaseField.scope, CaseField.name, CaseField.value).where(
            CaseField.case_id == case.id, CaseField.name.in_([*CHILD_FIELDS, *INCIDENT_FIELDS])
        )
    )
    return {(scope, name): value for scope, name, value in held}


def apply_sin_form(
    session: Session,
    app: App,
    case: Case,
    row: StoredMessage,
    extraction: Extraction,
    now: datetime,
) -> None:
    opening = inspect(case).pending  # this message opened the case: nothing of it is stored
    first = not _had_sin_fields(session, case)
    scopes: _Scopes = [("sin", extraction.fields)]
    scopes += [(f"child:{n}", child) for n, child in enumerate(extraction.children, start=1)]
    changed = [
        name if scope == "sin" else f"child {scope.partition(':')[2]}: {name}"
        for scope, name in _store(session, case, scopes, row, now)
    ]
    after_form(session, app, case, row, "la_aware_date" in changed, now, opening=opening)
    # After the awareness date is chosen: the looked-after clock counts from it too.
    apply_looked_after_death(session, app, case, row, extraction, now)
    # Set after the awareness queries, which read no initials: set before, it would be
    # flushed on its own by the first of them.
    initials = extraction.initials()
    if initials:
        case.initials = initials
    read = len(extraction.fields) + sum(len(c) for c in extraction.children)
    if first:
        add_event(
            session,
            case,
            now,
            "form_read",
            _read_text(extraction, row, read),
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
        add_event(session, case, now, FORM_PROBLEM, problem, why=f"message #{row.id}")


def _read_text(extraction: Extraction, row: StoredMessage, read: int) -> str:
    if unreadable(extraction):
        return f"SIN form could not be read from message #{row.id}"
    if extraction.form is None:
        return f"No SIN form found in message #{row.id}"
    return f"SIN form read from message #{row.id}: {read} fields"


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
    _store(session, case, [(f"appendix_b:{agency_key}", extraction.fields)], row, now)
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
        RETURN_READ,
        f"{RETURN_FROM}{agency_key}: {len(extraction.fields)} fields, "
        f"{len(extraction.chronology)} chronology rows",
        why=_gaps_text(extraction),
    )
    for problem in extraction.flags:
        add_event(session, case, now, FORM_PROBLEM, problem, why=f"message #{row.id}")


def unreadable_return(
    session: Session,
    case: Case,
    agency_key: str,
    row: StoredMessage,
    extraction: Extraction,
    now: datetime,
) -> str:
    """A return that arrived (its deadline is met on the day it came) but could not be read as
    an Appendix B: what the agency returned before is kept, never replaced by nothing, and the
    digest names it every day until a readable copy comes. Returns the triage reason."""
    what = ", ".join(extraction.unread) or "no Appendix B form recognised"
    add_event(
        session,
        case,
        now,
        RETURN_UNREADABLE,
        f"{RETURN_FROM}{agency_key} could not be read (message #{row.id}: {what})",
        why="its earlier return, if any, is kept: ask for a readable copy",
    )
    return (
        f"Appendix B from {agency_key} could not be read ({what}): open it, and ask for a "
        "readable copy if it is the return"
    )


def missing_labels(extraction: Extraction, labels: Mapping[str, str]) -> list[str]:
    """What the referrer should send again, in the form's own words ("date the local authority
    became aware"), as the digest names them: never a field key."""
    names = (*extraction.missing, *extraction.doubtful)
    return [plain(name, labels).replace("_", " ") for name in names]


def form_in(app: App, documents: Sequence[DocumentText], expected: str | None) -> Extraction:
    """extract(documents, app.vocabulary, expected): as the reading process found it, when it
    read these documents, else matched here."""
    found = app.extracted(documents, app.vocabulary, expected)
    return found if found is not None else extract(documents, app.vocabulary, expected)


def read_form(app: App, msg: MailMessage, kind: str | None = None) -> Extraction:
    """The form in the message, if any; a reader failure never stops the message's processing."""
    try:
        expected = kind if kind in app.vocabulary.forms else None
        documents = app.read_documents(msg)
        found = form_in(app, documents, expected)
        return one_notification(found, documents, app.vocabulary, expected)
    except Exception as exc:
        log.warning("form could not be read (%s)", type(exc).__name__)
        return Extraction(
            None, {}, (), (), (), (), (f"form could not be read ({type(exc).__name__})",)
        )

"""Whether a SIN form sent on a case names that case's child and incident, or another's.

A corrected form fills gaps and mends details; a form whose child (name, date of birth) or
incident date differs from what the case holds may be a new notification sent on an old
thread, and applying it would silently put one child's details over another's. Only values
read on both sides are compared: a gap is never a difference.

And what another agency's form about the same child is found by (ChildKey), for the resend
check (bot.services.same_child).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from bot.core.forms import Extraction, Field

# (scope, field name) -> the value the case holds, as it is stored (a date as YYYY-MM-DD).
Recorded = Mapping[tuple[str, str], str]

CHILD_FIELDS = {"child_name": "name", "date_of_birth": "date of birth"}
INCIDENT_FIELDS = {"incident_date": "the incident date"}


@dataclass(frozen=True)
class Identity:
    differs: tuple[str, ...] = ()  # what differs, in words: "the child's name"
    same_child: bool = False  # a child's name or date of birth was read and is the case's


def _stored(value: object) -> str:
    if isinstance(value, date):
        return value.isoformat()
    return value.strip() if isinstance(value, str) else ""


def _same(name: str, theirs: str, ours: str) -> bool:
    if name == "child_name":
        # "INVENTED, Quinn" is "Quinn Invented": the words, in any order and case.
        return sorted(re.findall(r"\w+", theirs.casefold())) == sorted(
            re.findall(r"\w+", ours.casefold())
        )
    return theirs == ours


def _whose(n: int) -> str:
    return "the child's" if n == 1 else f"child {n}'s"


def compare(recorded: Recorded, form: Extraction) -> Identity:
    """What of the form's child and incident differs from the case's, and whether its child
    is the case's child (read and equal, nothing differing)."""
    differs: list[str] = []
    matched = False
    scopes = [
        (f"child:{n}", child, CHILD_FIELDS, _whose(n)) for n, child in enumerate(form.children, 1)
    ]
    scopes.append(("sin", form.fields, INCIDENT_FIELDS, ""))
    for scope, fields, names, whose in scopes:
        for name, words in names.items():
            field = fields.get(name)
            theirs = _stored(field.value) if field is not None else ""
            ours = recorded.get((scope, name), "").strip()
            if not theirs or not ours:
                continue  # a gap filled, or a value not read: never a difference
            if _same(name, theirs, ours):
                matched = matched or scope != "sin"
            else:
                differs.append(f"{whose} {words}".strip())
    return Identity(tuple(differs), matched and not differs)


def recorded_of(form: Extraction) -> Recorded:
    """What a case opened from `form` would hold of its child and incident, to compare another
    form with (two SIN forms in one email: bot.core.separate_forms)."""
    held: dict[tuple[str, str], str] = {}
    scopes = [(f"child:{n}", child, CHILD_FIELDS) for n, child in enumerate(form.children, 1)]
    scopes.append(("sin", form.fields, INCIDENT_FIELDS))
    for scope, fields, names in scopes:
        for name in names:
            field = fields.get(name)
            if field is not None and _stored(field.value):
                held[scope, name] = _stored(field.value)
    return held


@dataclass(frozen=True)
class ChildKey:
    """What another agency's SIN form about the same child is looked up by: the first child's
    date of birth, and its initials and the incident date when read ("" when not), each as
    the case's fields hold it (a date as YYYY-MM-DD)."""

    born: str
    initials: str
    incident: str


def _date(field: Field | None) -> str:
    """A date read from the form, as stored; "" when not read (a date that does not exist)."""
    return field.value.isoformat() if field is not None and isinstance(field.value, date) else ""


def child_key(form: Extraction | None) -> ChildKey | None:
    """None when the form gives no readable date of birth, or neither initials nor an incident
    date to go with it: a date of birth alone is any of the children born that day."""
    if form is None or form.form != "sin" or not form.children:
        return None
    key = ChildKey(
        _date(form.children[0].get("date_of_birth")),
        form.initials(),
        _date(form.fields.get("incident_date")),
    )
    return key if key.born and (key.initials or key.incident) else None


def shared_child(key: ChildKey, initials: str, incident: str) -> str:
    """What a form with `key` shares with an earlier one that gave `initials` and `incident`
    and the same date of birth, in words that may leave the partnership: the initials, never
    the date of birth."""
    same_initials = bool(key.initials) and key.initials == initials
    if same_initials and key.incident and key.incident == incident:
        return f"the same child's date of birth, initials ({initials}) and incident date"
    if same_initials:
        return f"the same child's date of birth and initials ({initials})"
    read = f"initials {key.initials} and {initials}" if key.initials and initials else ""
    return (
        f"the same child's date of birth and incident date ({read or 'initials not read on both'})"
    )

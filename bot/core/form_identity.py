"""Whether a SIN form sent on a case names that case's child and incident, or another's.

A corrected form fills gaps and mends details; a form whose child (name, date of birth) or
incident date differs from what the case holds may be a new notification sent on an old
thread, and applying it would silently put one child's details over another's. Only values
read on both sides are compared: a gap is never a difference.

And what another agency's form about the same child is found by (FormKey: each child it names,
by its date of birth or, unborn, its expected date of delivery), and which of the children
found is one of them, for the resend check (bot.services.same_child).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from bot.core.forms import Extraction, Field, name_initials

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
    """One child a SIN form names, as another agency's form about it is looked up: its date of
    birth, or for an unborn child (no date of birth) its expected date of delivery (`field`
    says which), and its initials ("" when not read); a date as the case's fields hold it."""

    field: str
    born: str
    initials: str


@dataclass(frozen=True)
class FormKey:
    """Every child of a form that can be looked up, and the form's incident date ("" when not
    read). A date alone is any of the children born (or due) that day, twins among them: a
    child is looked up only with its initials or the incident date to go with it."""

    children: tuple[ChildKey, ...]
    incident: str

    def dates(self) -> list[str]:
        return sorted({child.born for child in self.children})


# The dates a child is known by, in the order looked at: born, or (unborn) expected.
_CHILD_DATES = ("date_of_birth", "expected_date_of_delivery")


def _date(field: Field | None) -> str:
    """A date read from the form, as stored; "" when not read (a date that does not exist)."""
    return field.value.isoformat() if field is not None and isinstance(field.value, date) else ""


def _child_key(child: Mapping[str, Field]) -> ChildKey | None:
    name = child.get("child_name")
    initials = name_initials(name.value) if name and isinstance(name.value, str) else ""
    for field in _CHILD_DATES:
        born = _date(child.get(field))
        if born:
            return ChildKey(field, born, initials)
    return None


def form_key(form: Extraction | None) -> FormKey | None:
    """None when no child of the form can be looked up (above)."""
    if form is None or form.form != "sin":
        return None
    incident = _date(form.fields.get("incident_date"))
    keys = (_child_key(child) for child in form.children)
    children = tuple(k for k in keys if k is not None and (k.initials or incident))
    return FormKey(children, incident) if children else None


@dataclass(frozen=True)
class KnownChild:
    """A child an open case's form named on one of the dates looked up: the case (its
    reference, the day its SIN came, its referrer) and what its form gave of that child."""

    ref: str
    received_on: date
    referrer: str
    field: str
    born: str
    name: str
    incident: str


def match_child(
    key: FormKey, referrer: str, found: Sequence[KnownChild]
) -> tuple[KnownChild, str] | None:
    """The child in `found` (newest case first) that is one of the form's, with what they
    share in words: the same date, and the same initials or incident date; the same initials
    before the same incident alone. One referrer who wrote two names on one date has told us
    of two children (twins), so that pair is not one."""
    pairs = [
        (known, child)
        for known in found
        for child in key.children
        if _agrees(key, referrer, child, known)
    ]
    if not pairs:
        return None
    known, child = min(pairs, key=lambda p: 0 if _same_initials(p[1], p[0]) else 1)
    return known, shared_child(key, child, name_initials(known.name), known.incident)


def _same_initials(child: ChildKey, known: KnownChild) -> bool:
    return bool(child.initials) and child.initials == name_initials(known.name)


def _agrees(key: FormKey, referrer: str, child: ChildKey, known: KnownChild) -> bool:
    if (child.field, child.born) != (known.field, known.born):
        return False
    same_initials = _same_initials(child, known)
    theirs = name_initials(known.name)
    if referrer and referrer == known.referrer and child.initials and theirs:
        return same_initials
    return same_initials or (bool(key.incident) and key.incident == known.incident)


def shared_child(key: FormKey, child: ChildKey, initials: str, incident: str) -> str:
    """What the form's `child` shares with an earlier form's child of the same date, which gave
    `initials` and `incident`, in words that may leave the partnership: the initials, never
    the date."""
    when = "date of birth" if child.field == "date_of_birth" else "expected date of delivery"
    same_initials = bool(child.initials) and child.initials == initials
    if same_initials and key.incident and key.incident == incident:
        return f"the same child's {when}, initials ({initials}) and incident date"
    if same_initials:
        return f"the same child's {when} and initials ({initials})"
    read = f"initials {child.initials} and {initials}" if child.initials and initials else ""
    return f"the same child's {when} and incident date ({read or 'initials not read on both'})"

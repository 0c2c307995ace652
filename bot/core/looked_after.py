"""Does a SIN form report the death of a looked-after child or a care leaver?

The local authority must tell the Secretary of State and Ofsted of such a death whether or
not abuse or neglect is known or suspected (domain.md T4, T5), so this is decided from the
form alone, never from the Screening Panel's decision or `Notifiable:`.

Pure: an Extraction in, a finding out. Nothing is guessed: a doubtful "child has died" tick, a
legal status the reader could not place, or a care leaver whose age cannot be worked out,
opens the clock (missing a statutory notification is worse than a reminder too many) and
names what a person must check.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from bot.core.forms import Extraction, Field

CARE_LEAVER_MAX_AGE = 24  # "up to and including age 24"
_DEATH_TICKS = ("child_died", "lac_death", "care_leaver_death")
_EITHER = "died_or_seriously_harmed"  # one question for both: its Yes does not say which
_EITHER_CHECK = (
    'the form answers "has the child died or been seriously harmed" as one question, which '
    "does not say whether the child has died; check it. If not, reply SoS and Ofsted "
    "notified: not required - <reason>"
)
_AGE = re.compile(r"(\d{1,3})\s*(?:years?|yrs?|y)?(?:\s*old)?", re.IGNORECASE)


@dataclass(frozen=True)
class LookedAfterDeath:
    """`opens` says whether the clock starts; `who` names the person for the wording;
    `checks` are sentences for the Business Manager (empty when the form is clear)."""

    opens: bool
    who: str  # "a looked-after child", "a care leaver" or ""
    checks: tuple[str, ...]


NOT_REPORTED = LookedAfterDeath(False, "", ())


def looked_after_death(extraction: Extraction) -> LookedAfterDeath:
    """Any child of the form (a SIN may name up to four) may be the looked-after one."""
    fields, children = extraction.fields, extraction.children or ({},)
    looked_after = any(_ticked(fields, n) for n in ("lac_death", "looked_after")) or any(
        _status(c) == "LAC" for c in children
    )
    leavers = [c for c in children if _status(c) == "care leaver"]
    care_leaver = any(_ticked(fields, n) for n in ("care_leaver_death", "care_leaver"))
    care_leaver = care_leaver or bool(leavers)
    unclear = [_unclear_status_check(s) for c in children if (s := _unclear_status(c))]
    unclear += [_unclear_answer_check(n) for n in _STATUS_QUESTIONS if n in extraction.doubtful]
    if not (looked_after or care_leaver or unclear):
        return NOT_REPORTED
    died = any(_ticked(fields, name) for name in _DEATH_TICKS)
    doubtful = [n for n in _DEATH_TICKS if n in extraction.doubtful]
    # Read as a death only when the form does not answer the death and the harm apart.
    either = _ticked(fields, _EITHER) and not {"child_died", "serious_harm"} & fields.keys()
    if not (died or doubtful or either):
        return NOT_REPORTED
    checks = [_doubtful_death(doubtful)] if doubtful else []
    if either:
        checks.append(_EITHER_CHECK)
    if looked_after:
        return LookedAfterDeath(True, "a looked-after child", tuple(checks))
    if care_leaver:
        return _care_leaver(fields, (leavers or children)[0], checks)
    checks.append(unclear[0])
    return LookedAfterDeath(True, "a child who may have been looked after", tuple(checks))


# The form's own questions "Is the child looked after?" and "... a care leaver?".
_STATUS_QUESTIONS = {"looked_after": "looked after", "care_leaver": "a care leaver"}
_NEITHER = "If they were neither, reply SoS and Ofsted notified: not required - <reason>"


def _unclear_status_check(status: str) -> str:
    return (
        f"the form gives the child's legal status as {status!r}, which does not say "
        f"whether they were looked after or a care leaver; check it. {_NEITHER}"
    )


def _unclear_answer_check(name: str) -> str:
    return (
        f"the form's answer to whether the child was {_STATUS_QUESTIONS[name]} could not be "
        f"read with confidence; check it. {_NEITHER}"
    )


# The statuses the form's legal status is read as (forms/sin.toml's choices).
_STATUSES = frozenset({"CIN", "CP plan", "LAC", "care leaver", "none"})


def _unclear_status(child: Mapping[str, Field]) -> str | None:
    """A legal status the form gives that the reader could not place as any status ("Special
    guardianship order", "Former looked after child"): it may be looked after, so a death opens
    the clock and a person checks, as a doubtful tick does. Not one placed as another status
    ("CIN, previously CP plan"), which the form's own flag already shows."""
    found = child.get("legal_status")
    if found is None or found.problem is None or _status(child) in _STATUSES:
        return None
    return found.raw.strip() or None


def _care_leaver(
    fields: Mapping[str, Field], child: Mapping[str, Field], checks: list[str]
) -> LookedAfterDeath:
    age = age_at_death(fields, child)
    if age is not None and age > CARE_LEAVER_MAX_AGE:
        return NOT_REPORTED
    if age is None:
        checks.append(
            "the form reports the death of a care leaver but their age cannot be worked out; "
            "the Secretary of State and Ofsted must be told only if they were 24 or under. "
            "Check the age: if they were 25 or over, reply SoS and Ofsted notified: not "
            "required - <reason>"
        )
    return LookedAfterDeath(True, "a care leaver", tuple(checks))


def _doubtful_death(names: list[str]) -> str:
    return (
        f"the form's {', '.join(n.replace('_', ' ') for n in names)} could not be read "
        "with confidence; check whether the child has died. If not, reply SoS and Ofsted "
        "notified: not required - <reason>"
    )


def _ticked(fields: Mapping[str, Field], name: str) -> bool:
    found = fields.get(name)
    return found is not None and found.value is True


def _status(child: Mapping[str, Field]) -> str | None:
    found = child.get("legal_status")
    return found.value if found is not None and isinstance(found.value, str) else None


def age_at_death(fields: Mapping[str, Field], child: Mapping[str, Field]) -> int | None:
    """Whole years from the date of birth to the incident date, else the written age."""
    born, died = _date(child, "date_of_birth"), _date(fields, "incident_date")
    if born is not None and died is not None and born <= died:
        return died.year - born.year - ((died.month, died.day) < (born.month, born.day))
    written = child.get("age")
    if written is None or not isinstance(written.value, str):
        return None
    m = _AGE.fullmatch(written.value.strip())
    return int(m.group(1)) if m else None


def _date(fields: Mapping[str, Field], name: str) -> date | None:
    found = fields.get(name)
    if found is None or found.problem or not isinstance(found.value, date):
        return None
    return found.value

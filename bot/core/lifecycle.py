"""Questions about the case lifecycle table (bot.core.lifecycle_table): for each stage and
command, whether it is accepted, what stage follows, who may give it and which clocks it
starts, meets, or may not move.

Pure data and lookups, in the manner of a literal transition table: the services ask
`verdict` before carrying out a command and `next_stage` after it succeeded, and apply the
answer; nothing else sets a case's stage. Stages are stored by value in a string column.

A start date is "recorded" once its clock exists on the case. For the clocks a command
`keeps`, the command may give the same or an earlier start, never a later one: a later date
is refused with the reason and how to correct it, unless the entry is the explicit correction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType

from bot.core import commands as c
from bot.core.deadlines import STATUTORY_NOTICES, fmt_date
from bot.core.lifecycle_stages import PARTNERS, ROLE_NAMES, Next, Role, Stage, describe_stage
from bot.core.lifecycle_table import CHOICE_STAGE, RULES

__all__ = [
    "CHASED_WHEN_CLOSED",
    "PARTNERS",
    "ROLE_NAMES",
    "RULES",
    "Entry",
    "Next",
    "Role",
    "Stage",
    "acting_role",
    "chased_when_closed",
    "entry",
    "may_give",
    "moved_later",
    "next_stage",
    "role_refusal",
    "settled_on_closed",
    "stage_for_decision",
    "stage_of",
    "start_of",
    "starts_clock",
    "statutory_notice_owed",
    "verdict",
    "who_may",
]


@dataclass(frozen=True)
class Entry:
    """The table's answer for one (stage, command) pair."""

    accepted: bool
    reason: str  # "" when accepted
    then: Stage | Next
    roles: frozenset[Role]
    starts: tuple[str, ...]
    meets: tuple[str, ...]
    keeps: tuple[str, ...]
    corrects: bool


def entry(stage: Stage, command: type) -> Entry:
    rule = RULES[command]
    accepted = stage in rule.accepted_in
    moves = accepted and stage in (rule.accepted_in if rule.moves_from is None else rule.moves_from)
    return Entry(
        accepted,
        "" if accepted else rule.refusal[stage],
        rule.then if moves else Next.UNCHANGED,
        rule.roles,
        rule.starts,
        rule.meets,
        rule.keeps,
        rule.corrects,
    )


def stage_of(value: str) -> Stage:
    """The stored value read back; an unknown value is a bug, so it raises."""
    return Stage(value)


def stage_for_decision(decision: str | None) -> Stage:
    return CHOICE_STAGE[decision] if decision else Stage.SCREENING


def next_stage(
    stage: Stage, command: c.Command, decision: str | None, before_closing: Stage | None = None
) -> Stage:
    """The stage after `command` succeeded; `decision` is the panel's decision after it, and
    `before_closing` the stage a closed case was closed at (bot.core.reopening)."""
    nxt = entry(stage, type(command)).then
    if nxt is Next.UNCHANGED:
        return stage
    if nxt is Next.BY_DECISION:
        return stage_for_decision(decision)
    if nxt is Next.BEFORE_CLOSING:
        assert before_closing is not None and before_closing is not Stage.CLOSED
        return before_closing
    if nxt is Next.BY_CSPR:
        assert isinstance(command, c.CsprDecision)
        return Stage.CSPR if command.hold else Stage.ACTION_PLAN
    assert isinstance(nxt, Stage)
    return nxt


# Authorisation ----------------------------------------------------------------------------


def may_give(command: type, role: str) -> bool:
    return role in RULES[command].roles


def acting_role(command: type, roles: set[str] | frozenset[str]) -> str | None:
    """Which of the sender's roles gives `command`, or None when none may."""
    allowed = [r for r in Role if r in roles and r in RULES[command].roles]
    return allowed[0].value if allowed else None


def who_may(command: type) -> str:
    roles = RULES[command].roles
    if roles == PARTNERS:
        return "only the statutory partners (local authority, police, health) may"
    if roles == {Role.BUSINESS_MANAGER, *PARTNERS}:
        return (
            "only the Business Manager and the statutory partners' representatives "
            "(local authority, police, health) may"
        )
    names = [ROLE_NAMES[r] for r in Role if r in roles]
    return "only " + " or ".join(names) + " may"


def role_refusal(command: type, roles: set[str] | frozenset[str]) -> str:
    """Why a configured sender may not give `command`, as one sentence for the refusal."""
    sender = " and ".join(ROLE_NAMES[r] for r in Role if r in roles)
    return f"{sender} may not give `{RULES[command].keyword}`: {who_may(command)}"


# Recorded starts --------------------------------------------------------------------------


def _clock_names(pattern: str, started: Mapping[str, date]) -> list[str]:
    if pattern.endswith(":"):
        return [n for n in started if n.startswith(pattern)]
    return [pattern] if pattern in started else []


def moved_later(
    command: type, started: Mapping[str, date], new_start: date | None
) -> tuple[str, date] | None:
    """The kept clock (and its recorded start) that `new_start` would move later, if any."""
    rule = RULES[command]
    if rule.corrects or new_start is None:
        return None
    for pattern in rule.keeps:
        for name in _clock_names(pattern, started):
            if new_start > started[name]:
                return name, started[name]
    return None


def start_of(command: c.Command, today: date) -> date | None:
    """The start date a command gives the clocks it keeps (None: it starts none)."""
    if isinstance(command, c.LaAware):
        # bot.core.awareness.refusal keeps panel_notification: it alone knows the form's and
        # the receipt's dates, and lets the Business Manager move it later only with a reason.
        return None
    if isinstance(command, c.NotificationSent):
        return command.on or today
    if isinstance(command, c.CsprDecision):
        return (command.on or today) if command.hold else None
    if isinstance(command, c.Published):
        return command.on or today
    return None


# How the Business Manager moves each kept start later, named in the refusal.
_CORRECTION: Mapping[str, str] = MappingProxyType(
    {
        "panel_notification": "`Aware: <date> because <reason>`",
        "rapid_review": "`Correct Notified: <date> because <reason>`",
        "cspr_report": "`Correct CSPR: <date> because <reason>`",
        "publication_period_end": "`Correct Published: <date> because <reason>`",
    }
)


def verdict(
    stage: Stage,
    command: c.Command,
    started: Mapping[str, date],
    today: date,
    unmet: Mapping[str, date] | None = None,
) -> str | None:
    """None when the command may be carried out now; otherwise the sentence saying why not.
    `unmet` is each clock still running (neither met nor set aside) with its due date."""
    e = entry(stage, type(command))
    if not e.accepted:
        return f"not accepted at this stage ({describe_stage(stage)}): {e.reason}"
    settled = settled_on_closed(stage, type(command), unmet or {})
    if settled is not None:
        return f"not accepted at this stage ({describe_stage(stage)}): {settled}"
    owed = statutory_notice_owed(stage, command, unmet or {})
    if owed is not None:
        return owed
    moved = moved_later(type(command), started, start_of(command, today))
    if moved is not None:
        name, recorded = moved
        how = _CORRECTION.get(name, "an explicit correction with the reason")
        return (
            f"the {name.replace('_', ' ')} clock already started on {fmt_date(recorded)}, and a "
            "recorded start is never moved later; if that date is wrong, the Business Manager "
            f"corrects it with {how}"
        )
    return None


def settled_on_closed(stage: Stage, command: type, unmet: Mapping[str, date]) -> str | None:
    """Why a command the table takes on a closed case only while a statutory notice is owed
    (`Aware:`, `Notifiable:`) is refused now that none of its notices is; None otherwise."""
    rule = RULES[command]
    if stage is not Stage.CLOSED or not rule.while_owed:
        return None
    return None if any(name in unmet for name in rule.while_owed) else rule.settled


# The clocks still chased (reminders, escalations) on a closed case: only the statutory
# notifications, owed however the case ended (a case closed before `Close:` waited for them);
# every other clock stops with the case.
CHASED_WHEN_CLOSED: frozenset[str] = STATUTORY_NOTICES


def chased_when_closed(name: str) -> bool:
    return name in CHASED_WHEN_CLOSED


def starts_clock(stage: Stage, command: type, name: str, running: bool) -> bool:
    """Whether `command` given at `stage` starts (or re-times) the clock `name`. On a closed
    case it starts none that closing stops: a due day for work nobody will do (a Rapid Review
    after `Notified:` on a case closed as no further action) would be a wrong date, and could
    only be put right by hand. A clock already `running` (started before the case closed) is
    re-timed, so a correction still moves it."""
    if name not in RULES[command].starts:
        return False
    return running or stage is not Stage.CLOSED or chased_when_closed(name)


# The statutory notifications `Close:` may not leave behind, and how each is settled. The
# National Panel must be told of a notifiable incident whatever the Screening Panel decided, and
# closing stops every reminder, the digest's chasing and the report's count of it.
_SETTLE_BEFORE_CLOSING: Mapping[str, str] = MappingProxyType(
    {
        "panel_notification": (
            "the National Panel notification (due {due}) is still open, and it is owed whatever "
            "the Screening Panel decided: reply Notified: <date> once the local authority has "
            "notified the National Panel{or_not}"
        ),
        "looked_after_death_notification": (
            "the notification of the death to the Secretary of State and Ofsted (due {due}) is "
            "still open: reply SoS and Ofsted notified: <date>, or SoS and Ofsted notified: "
            "not required - <reason>"
        ),
    }
)


def statutory_notice_owed(
    stage: Stage, command: c.Command, unmet: Mapping[str, date]
) -> str | None:
    """Why `Close:` must wait while a statutory notification is neither made nor set aside;
    None when nothing is owed (or the command is not `Close:`). `Notifiable: no` is offered
    only at a stage that takes it (not once a CSPR decision is recorded)."""
    if not isinstance(command, c.Close):
        return None
    set_aside = entry(stage, c.Notifiable).accepted
    or_not = ", or Notifiable: no because <reason>" if set_aside else ""
    owed = [
        how.format(due=fmt_date(unmet[name]), or_not=or_not)
        for name, how in _SETTLE_BEFORE_CLOSING.items()
        if name in unmet
    ]
    if not owed:
        return None
    return (
        f"not accepted yet: {'; '.join(owed)}; the case stays open until then (that line may "
        "go above Close: in the same reply)"
    )

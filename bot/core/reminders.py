"""Reminder and escalation sequences for a deadline, and which step (if any) to send now.

Pure: no clock and no I/O. The caller passes the current local time and the keys of the
steps it has already sent, so a restarted daemon picks up exactly where it left off.

Planned sequence for a due date (``schedule``):

* ``before-N`` .. ``before-1``: N..1 working days before the day of the "due" step.
* ``due``: on the due date if it is a working day, otherwise on the last working day
  before it, so nobody is told "due today" on a Saturday or a bank holiday.
* ``overdue-1`` .. ``overdue-N``: on the 1st..Nth working days strictly after the due date.
* ``escalation``: on the (N+1)th working day after the due date (to the agency's
  safeguarding lead, Business Manager copied).

Sending rules (``due_now``): only on working days, only in working hours
(``start <= time < end``), at most one email per call, never a step twice. If the daemon
missed steps (it was down), only the latest due step is sent and the earlier ones are
reported as superseded. The escalation is never superseded, and once it has been sent the
sequence is finished. The caller stops calling ``due_now`` when the return arrives.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from enum import StrEnum

from bot.core.deadlines import fmt_date, working_days_late
from bot.core.working_days import WorkingCalendar

DUE_KEY = "due"
ESCALATION_KEY = "escalation"


@dataclass(frozen=True)
class ReminderPolicy:
    days_before: int = 1  # reminder N working days before due (0 = none)
    on_due_day: bool = True
    overdue_reminders: int = 3  # one per working day overdue, this many
    escalate: bool = True  # the working day after the last overdue reminder, once
    start: time = time(9, 0)  # working hours, local time: start <= t < end
    end: time = time(17, 0)

    def __post_init__(self) -> None:
        if self.days_before < 0:
            raise ValueError(f"days_before must be >= 0, got {self.days_before}")
        if self.overdue_reminders < 0:
            raise ValueError(f"overdue_reminders must be >= 0, got {self.overdue_reminders}")
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise ValueError("working hours are local wall-clock times; give naive times")
        if not self.start < self.end:
            raise ValueError(
                f"working hours must start before they end, got {_hhmm(self.start)}"
                f"-{_hhmm(self.end)}"
            )


class StepKind(StrEnum):
    REMINDER = "reminder"
    ESCALATION = "escalation"


@dataclass(frozen=True)
class Step:
    key: str  # stable, used in idempotency keys: "before-1", "due", "overdue-2", "escalation"
    kind: StepKind
    day: date  # the working day it belongs to
    label: str  # for the email: "due tomorrow (Thu 24 Dec 2026)", "1 working day overdue"
    working_days_overdue: int  # -N for before-N, 0 for due, k for overdue-k, N+1 escalation


@dataclass(frozen=True)
class StepDecision:
    send: Step | None  # at most one step to send now
    superseded: tuple[Step, ...]  # earlier unsent steps now pointless (record, don't send)
    reason: str  # for the audit trail


def _hhmm(t: time) -> str:
    return f"{t.hour:02d}:{t.minute:02d}"


def _days_text(n: int) -> str:
    return f"{n} working day{'' if n == 1 else 's'}"


def _ahead_label(day: date, due: date) -> str:
    if day == due:
        return "due today"
    if (due - day).days == 1:
        return f"due tomorrow ({fmt_date(due)})"
    return f"due {fmt_date(due)}"


def schedule(due: date, calendar: WorkingCalendar, policy: ReminderPolicy) -> list[Step]:
    """The full planned sequence for a deadline on `due`, in strictly increasing day order.

    Every step falls on a working day. Raises CalendarRangeError if the sequence runs
    outside the years the calendar covers.
    """
    due_day = calendar.previous_working_day(due)
    steps: list[Step] = []
    for n in range(policy.days_before, 0, -1):
        day = calendar.add_working_days(due_day, -n)
        steps.append(Step(f"before-{n}", StepKind.REMINDER, day, _ahead_label(day, due), -n))
    if policy.on_due_day:
        steps.append(Step(DUE_KEY, StepKind.REMINDER, due_day, _ahead_label(due_day, due), 0))
    for k in range(1, policy.overdue_reminders + 1):
        day = calendar.add_working_days(due, k)
        steps.append(Step(f"overdue-{k}", StepKind.REMINDER, day, f"{_days_text(k)} overdue", k))
    if policy.escalate:
        k = policy.overdue_reminders + 1
        steps.append(
            Step(
                ESCALATION_KEY,
                StepKind.ESCALATION,
                calendar.add_working_days(due, k),
                f"escalated: {_days_text(k)} overdue",
                k,
            )
        )
    return steps


def last_due_to_look_at(
    today: date, calendar: WorkingCalendar, policy: ReminderPolicy, *, ahead: int = 1
) -> date:
    """The latest due date with anything to do by today: a deadline due after it has no step
    on or before today, nor anything else asked up to `ahead` working days before it falls due
    (a vote chase, a delay check). The tick reads only deadlines due by then (and the overdue
    ones): with years of records most open deadlines lie further ahead.

    The first step is `days_before` working days before the due date's working day; one more
    working day covers a due date or a today that is not a working day (tests/core/
    test_reminders.py checks every day of two years), and one more is margin that costs little.
    """
    return calendar.add_working_days(today, max(policy.days_before, ahead) + 2)


def as_sent(step: Step, due: date, today: date, calendar: WorkingCalendar) -> Step:
    """The step as it goes out today, its lateness counted from the due date to today.

    A step's own count is its place in the sequence ("overdue-3" is 3): after missed days
    the deadline is later than that, and the email must say by how much it really is.
    `calendar` is the one the deadline is counted on (bot.core.deadlines.counted_on): the
    sequence's days are the partnership's, but a national clock is late by the national count.
    """
    if step.working_days_overdue <= 0:
        return step
    late = working_days_late(due, today, calendar)
    label = f"{_days_text(late)} overdue"
    if step.kind is StepKind.ESCALATION:
        label = f"escalated: {label}"
    return replace(step, working_days_overdue=late, label=label)


def _keys(steps: Sequence[Step]) -> str:
    return ", ".join(f"'{s.key}'" for s in steps)


def due_now(
    steps: Sequence[Step],
    sent: Collection[str],
    local_now: datetime,
    calendar: WorkingCalendar,
    policy: ReminderPolicy,
    *,
    asked_on: date | None = None,
) -> StepDecision:
    """Which step to send at local_now, given the keys already sent.

    `sent` may also hold keys of superseded steps; keys not in `steps` are ignored. Steps
    up to and including the latest sent one are never sent (nor reported again), so a
    restart neither repeats a step nor resurrects a superseded one.

    `asked_on`: the day the request being chased went out (an Appendix B request). Steps on
    or before it are not part of its sequence: a reminder in the same pass as the request
    would reach the agency with it, one email telling it of a request and another chasing it.
    """
    if local_now.tzinfo is None or local_now.utcoffset() is None:
        raise ValueError(f"due_now needs a timezone-aware local time, got naive {local_now!r}")
    ordered = sorted(steps, key=lambda s: s.day)
    if asked_on is not None:
        ordered = [s for s in ordered if s.day > asked_on]
        if not ordered:
            return StepDecision(None, (), f"no steps after the request of {fmt_date(asked_on)}")
    if not ordered:
        return StepDecision(None, (), "no steps planned")
    done = [i for i, s in enumerate(ordered) if s.key in sent]
    if ESCALATION_KEY in sent:
        return StepDecision(None, (), "sequence finished: escalation already sent")
    if done and done[-1] == len(ordered) - 1:
        return StepDecision(None, (), "sequence finished: every step sent")

    today, now = local_now.date(), local_now.time()
    closure = calendar.closure_name(today)
    if closure is not None:
        return StepDecision(None, (), f"not a working day: {fmt_date(today)} is {closure}")
    if not policy.start <= now < policy.end:
        when = "before" if now < policy.start else "after"
        return StepDecision(
            None,
            (),
            f"outside working hours: {_hhmm(now)} is {when} "
            f"{_hhmm(policy.start)}-{_hhmm(policy.end)}",
        )

    pending = ordered[done[-1] + 1 :] if done else ordered
    ready = [s for s in pending if s.day <= today]
    if not ready:
        upcoming = pending[0]
        already = [ordered[i] for i in done if ordered[i].day == today]
        prefix = f"'{already[-1].key}' already sent today; " if already else ""
        return StepDecision(
            None,
            (),
            f"{prefix}nothing due: next step '{upcoming.key}' on {fmt_date(upcoming.day)}",
        )

    escalation = [s for s in ready if s.kind is StepKind.ESCALATION]
    chosen = escalation[0] if escalation else ready[-1]
    superseded = tuple(s for s in ready if s is not chosen)
    reason = f"sending '{chosen.key}' ({chosen.label}) for {fmt_date(chosen.day)}"
    if superseded:
        reason += f"; superseded {_keys(superseded)} (missed, not sent: one email, not a burst)"
    return StepDecision(chosen, superseded, reason)

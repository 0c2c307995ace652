"""Whether a chase email queued earlier may still go, looked at again just before it is sent.

Pure: no clock and no I/O. A reminder's words are written when it is queued; if the mail server
is down it waits in the outbox, and by the time it can go its deadline may have been met, set
aside (not required) or re-dated, or its case closed. A chase saying "due today" to an agency
whose return came yesterday is worse than none, so such an email is withdrawn, never sent.

A chase is named by its outbox idempotency key (bot.services.reminders writes them):

* ``reminder:<ref>:<deadline>:<due>:<step>``: a deadline reminder or escalation;
* ``vote-reminder:<ref>:<role>``: a partner asked for their screening vote (never once the
  decision's due day has passed: bot.services.vote_chases tells the Business Manager instead);
* ``rr-delay-check:<ref>:<due>``: the Business Manager asked whether the Rapid Review is late;
* ``send-by-reminder:<ref>:<report due>:<step>``: the Business Manager reminded of the day the
  CSPR report must reach the National Panel, the Secretary of State and Ofsted
  (bot.services.send_by), withdrawn as the report's own clock would be;
* ``votes-missing:<ref>``: the Business Manager told whose screening vote is missing
  (bot.services.vote_chases), withdrawn once the decision is recorded.

On a closed case a statutory notification's reminder still goes while it is owed (the case was
closed before `Close:` waited for it, bot.core.lifecycle.chased_when_closed); any other chase
of a closed case is withdrawn.

A reminder whose own working day has passed (the server was down that day) is withdrawn too
when a later step exists: the tick queues that one, worded for the day it goes, so nobody is
told "due today" days later, nor given yesterday's count beside today's. The last step (the
escalation) has none after it and still goes, as bot.core.reminders promises.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.core.deadlines import fmt_date
from bot.core.lifecycle import chased_when_closed
from bot.core.reminders import ReminderPolicy, schedule
from bot.core.resend_keys import original_key
from bot.core.send_by import cspr_send_by
from bot.core.working_days import CalendarRangeError, WorkingCalendar

REMINDER = "reminder:"
VOTE_REMINDER = "vote-reminder:"
DELAY_CHECK = "rr-delay-check:"
VOTES_MISSING = "votes-missing:"
SEND_BY = "send-by-reminder:"
SET_ASIDE = "withdrawn-"  # a chase withdrawn as its case closed (set_aside_key)


@dataclass(frozen=True)
class Chase:
    ref: str
    deadline: str  # the name of the deadline it chases
    due: date | None  # the due date it was written for; None when its key does not say
    step: str | None  # the reminder step ("due", "overdue-2"); None for the other chases
    role: str | None = None  # the partner a vote chase asks; None for the other chases
    send_by: bool = False  # the CSPR report's send-by day, not the report's own due date


@dataclass(frozen=True)
class DeadlineNow:
    """The chased deadline and its case as they stand when the email is about to go."""

    case_status: str
    exists: bool = True
    state: str = "open"  # open, overdue, met, not_required
    met_on: date | None = None
    met: bool = False
    due: date | None = None
    voted: bool = False  # the partner a vote chase asks has a standing vote on the case
    # Why the CSPR report's sending needs no chasing now (sent, or a publication date planned).
    report_in_hand: str | None = None


def read_key(key: str) -> Chase | None:
    """The chase an outbox idempotency key names (a copy's, the chase it copies); None for
    every other email."""
    key = original_key(key)
    if key.startswith(REMINDER):
        ref, _, rest = key.removeprefix(REMINDER).partition(":")
        # The deadline's own name may hold colons ("appendix_b:gmp"); the date and step do not.
        name, due, step = [*rest.rsplit(":", 2), "", ""][:3]
        when = _date(due)
        return Chase(ref, name, when, step) if name and when and step else None
    if key.startswith(VOTE_REMINDER):
        ref, _, role = key.removeprefix(VOTE_REMINDER).partition(":")
        return Chase(ref, "screening_meeting", None, None, role) if ref and role else None
    if key.startswith(VOTES_MISSING):
        ref = key.removeprefix(VOTES_MISSING)
        return Chase(ref, "screening_meeting", None, None) if ref else None
    if key.startswith(DELAY_CHECK):
        ref, _, due = key.removeprefix(DELAY_CHECK).partition(":")
        when = _date(due)
        return Chase(ref, "rapid_review", when, None) if ref and when else None
    if key.startswith(SEND_BY):
        ref, _, rest = key.removeprefix(SEND_BY).partition(":")
        when = _date(rest.partition(":")[0])
        return Chase(ref, "cspr_report", when, None, send_by=True) if ref and when else None
    return None


def for_closing(chase: Chase, now: DeadlineNow) -> bool:
    """Whether the chase stops only because its case is closed: `Reopen:` sets its clock
    running again, so the chase is not done, and its key must not stop the tick queuing it
    again (set_aside_key); while the case stays closed the tick chases none of it."""
    return now.case_status != "open" and not chased_when_closed(chase.deadline)


def set_aside_key(key: str, row_id: int) -> str:
    """The key a chase withdrawn for its case's closing keeps: its own, freed for the chase the
    tick queues if the case is reopened (unique by the row's id); read_key() reads no chase
    from it, as the email is finished."""
    return f"{SET_ASIDE}{row_id}:{key}"


def _send_by_because(
    chase: Chase, now: DeadlineNow, today: date, calendar: WorkingCalendar
) -> str | None:
    """A send-by reminder goes only while the report still has to be sent by that day: once
    the day has passed it would say "due today" of a day gone (the digest says what is left)."""
    if now.report_in_hand:
        return now.report_in_hand
    if chase.due is None:
        return None
    try:
        by = cspr_send_by(chase.due, today, calendar)
    except CalendarRangeError:
        return None
    return f"the day to send the report, {fmt_date(by)}, has passed" if today > by else None


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def withdraw_because(
    chase: Chase,
    now: DeadlineNow,
    today: date,
    calendar: WorkingCalendar,
    policy: ReminderPolicy,
) -> str | None:
    """Why the chase must not go now (said on the case), or None when it still may."""
    if for_closing(chase, now):
        return f"the case is {now.case_status}"
    if not now.exists:
        return "the deadline is no longer one of the case's"
    if now.state == "not_required":
        return "the deadline was set aside (not required)"
    if now.met:
        on = f" on {fmt_date(now.met_on)}" if now.met_on else ""
        return f"the deadline was met{on}"
    if chase.role is not None and now.voted:
        return "the partner has voted since it was queued"
    if chase.role is not None and now.due is not None and today > now.due:
        # "Your vote is needed by" a day gone: the Business Manager is told whose vote is
        # missing instead (bot.core.screening_vote.unvoted_past_due).
        return f"the decision was due {fmt_date(now.due)}, which has passed"
    if chase.due is not None and now.due is not None and now.due != chase.due:
        return f"the deadline was re-dated from {fmt_date(chase.due)} to {fmt_date(now.due)}"
    if chase.send_by:
        return _send_by_because(chase, now, today, calendar)
    if chase.step is not None and chase.due is not None:
        return _overtaken(chase.step, chase.due, today, calendar, policy)
    return None


def _overtaken(
    key: str, due: date, today: date, calendar: WorkingCalendar, policy: ReminderPolicy
) -> str | None:
    """Why a reminder whose own day has passed gives way to the next step, or None."""
    try:
        steps = schedule(due, calendar, policy)
    except CalendarRangeError:
        return None  # no calendar to say which day it belonged to: it goes as written
    place = next((i for i, s in enumerate(steps) if s.key == key), None)
    if place is None or place == len(steps) - 1 or steps[place].day >= today:
        return None  # a step the policy no longer plans, the last one, or still its day
    later = steps[place + 1]
    return (
        f"its day, {fmt_date(steps[place].day)}, has passed; "
        f"the '{later.key}' step is sent instead, worded for its own day"
    )

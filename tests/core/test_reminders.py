"""Reminder sequences: expected dates below were worked out by hand from a printed calendar.

Christmas 2026: Fri 25 Dec Christmas Day, Mon 28 Dec Boxing Day (substitute day),
Fri 1 Jan 2027 New Year's Day. Mon 31 Aug 2026 Late Summer Bank Holiday.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.adapters.bank_holidays import working_calendar
from bot.core.reminders import (
    ReminderPolicy,
    Step,
    StepDecision,
    StepKind,
    due_now,
    last_due_to_look_at,
    schedule,
)
from bot.core.screening_vote import vote_chase_day
from bot.core.working_days import CalendarRangeError

CAL = working_calendar(range(2025, 2030))
LONDON = ZoneInfo("Europe/London")
DEFAULT = ReminderPolicy()
XMAS_DUE = date(2026, 12, 24)  # Thursday

R, E = StepKind.REMINDER, StepKind.ESCALATION


def at(d: date, hh: int, mm: int = 0) -> datetime:
    return datetime(d.year, d.month, d.day, hh, mm, tzinfo=LONDON)


def plan(steps: Sequence[Step]) -> list[tuple[str, date]]:
    return [(s.key, s.day) for s in steps]


# --- schedule -----------------------------------------------------------------------------


def test_christmas_sequence_in_full() -> None:
    assert schedule(XMAS_DUE, CAL, DEFAULT) == [
        Step("before-1", R, date(2026, 12, 23), "due tomorrow (Thu 24 Dec 2026)", -1),
        Step("due", R, date(2026, 12, 24), "due today", 0),
        Step("overdue-1", R, date(2026, 12, 29), "1 working day overdue", 1),
        Step("overdue-2", R, date(2026, 12, 30), "2 working days overdue", 2),
        Step("overdue-3", R, date(2026, 12, 31), "3 working days overdue", 3),
        Step("escalation", E, date(2027, 1, 4), "escalated: 4 working days overdue", 4),
    ]


@pytest.mark.parametrize(
    ("due", "policy", "expected"),
    [
        pytest.param(
            date(2026, 11, 7),  # Saturday: "due" falls on the Friday
            DEFAULT,
            [
                ("before-1", date(2026, 11, 5)),
                ("due", date(2026, 11, 6)),
                ("overdue-1", date(2026, 11, 9)),
                ("overdue-2", date(2026, 11, 10)),
                ("overdue-3", date(2026, 11, 11)),
                ("escalation", date(2026, 11, 12)),
            ],
            id="due-saturday",
        ),
        pytest.param(
            date(2026, 8, 31),  # bank holiday Monday: "due" on Fri 28 Aug
            DEFAULT,
            [
                ("before-1", date(2026, 8, 27)),
                ("due", date(2026, 8, 28)),
                ("overdue-1", date(2026, 9, 1)),
                ("overdue-2", date(2026, 9, 2)),
                ("overdue-3", date(2026, 9, 3)),
                ("escalation", date(2026, 9, 4)),
            ],
            id="due-bank-holiday",
        ),
        pytest.param(
            date(2026, 12, 26),  # Saturday after Christmas: "due" on Thu 24 Dec
            ReminderPolicy(overdue_reminders=1),
            [
                ("before-1", date(2026, 12, 23)),
                ("due", date(2026, 12, 24)),
                ("overdue-1", date(2026, 12, 29)),
                ("escalation", date(2026, 12, 30)),
            ],
            id="due-boxing-day-saturday",
        ),
        pytest.param(
            XMAS_DUE,
            ReminderPolicy(overdue_reminders=0),
            [
                ("before-1", date(2026, 12, 23)),
                ("due", date(2026, 12, 24)),
                ("escalation", date(2026, 12, 29)),
            ],
            id="no-overdue-reminders",
        ),
        pytest.param(
            XMAS_DUE,
            ReminderPolicy(escalate=False),
            [
                ("before-1", date(2026, 12, 23)),
                ("due", date(2026, 12, 24)),
                ("overdue-1", date(2026, 12, 29)),
                ("overdue-2", date(2026, 12, 30)),
                ("overdue-3", date(2026, 12, 31)),
            ],
            id="no-escalation",
        ),
        pytest.param(
            XMAS_DUE,
            ReminderPolicy(days_before=0),
            [
                ("due", date(2026, 12, 24)),
                ("overdue-1", date(2026, 12, 29)),
                ("overdue-2", date(2026, 12, 30)),
                ("overdue-3", date(2026, 12, 31)),
                ("escalation", date(2027, 1, 4)),
            ],
            id="no-advance-reminder",
        ),
        pytest.param(
            date(2027, 1, 4),
            ReminderPolicy(days_before=2, overdue_reminders=2),
            [
                ("before-2", date(2026, 12, 30)),
                ("before-1", date(2026, 12, 31)),
                ("due", date(2027, 1, 4)),
                ("overdue-1", date(2027, 1, 5)),
                ("overdue-2", date(2027, 1, 6)),
                ("escalation", date(2027, 1, 7)),
            ],
            id="two-days-before-across-new-year",
        ),
        pytest.param(
            XMAS_DUE,
            ReminderPolicy(days_before=0, on_due_day=False, overdue_reminders=0),
            [("escalation", date(2026, 12, 29))],
            id="escalation-only",
        ),
        pytest.param(
            XMAS_DUE,
            ReminderPolicy(days_before=0, on_due_day=False, overdue_reminders=0, escalate=False),
            [],
            id="nothing",
        ),
    ],
)
def test_schedule(due: date, policy: ReminderPolicy, expected: list[tuple[str, date]]) -> None:
    assert plan(schedule(due, CAL, policy)) == expected


@pytest.mark.parametrize(
    ("due", "key", "label", "overdue"),
    [
        (date(2026, 11, 7), "due", "due tomorrow (Sat 7 Nov 2026)", 0),
        (date(2026, 11, 7), "before-1", "due Sat 7 Nov 2026", -1),
        (date(2026, 11, 7), "overdue-1", "1 working day overdue", 1),
        (date(2027, 1, 4), "before-1", "due Mon 4 Jan 2027", -1),
        (date(2026, 12, 26), "due", "due Sat 26 Dec 2026", 0),
    ],
)
def test_labels(due: date, key: str, label: str, overdue: int) -> None:
    step = {s.key: s for s in schedule(due, CAL, DEFAULT)}[key]
    assert (step.label, step.working_days_overdue) == (label, overdue)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"days_before": -1},
        {"overdue_reminders": -1},
        {"start": time(17, 0), "end": time(9, 0)},
        {"start": time(9, 0), "end": time(9, 0)},
    ],
)
def test_bad_policy_rejected(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        ReminderPolicy(**kwargs)  # type: ignore[arg-type]


def test_schedule_outside_calendar_years_raises() -> None:
    with pytest.raises(CalendarRangeError):
        schedule(date(2029, 12, 31), CAL, DEFAULT)


# --- due_now ------------------------------------------------------------------------------

XMAS = schedule(XMAS_DUE, CAL, DEFAULT)


def decide(sent: set[str], now: datetime, steps: Sequence[Step] = XMAS) -> StepDecision:
    return due_now(steps, sent, now, CAL, DEFAULT)


def sent_key(decision: StepDecision) -> str | None:
    return decision.send.key if decision.send else None


@pytest.mark.parametrize(
    ("sent", "now", "send", "superseded", "reason_has"),
    [
        pytest.param(
            {"before-1"}, at(XMAS_DUE, 8, 59), None, [], "before 09:00-17:00", id="before-hours"
        ),
        pytest.param({"before-1"}, at(XMAS_DUE, 9), "due", [], "sending 'due'", id="due-0900"),
        pytest.param({"before-1"}, at(XMAS_DUE, 16, 59), "due", [], "sending 'due'", id="due-1659"),
        pytest.param(
            {"before-1"}, at(XMAS_DUE, 17), None, [], "after 09:00-17:00", id="after-hours"
        ),
        pytest.param(
            {"before-1", "due"},
            at(date(2026, 12, 25), 10),
            None,
            [],
            "Fri 25 Dec 2026 is Christmas Day",
            id="christmas-day",
        ),
        pytest.param(
            {"before-1", "due"},
            at(date(2026, 12, 28), 10),
            None,
            [],
            "Boxing Day (substitute day)",
            id="boxing-day-substitute",
        ),
        pytest.param(
            {"before-1", "due"},
            at(date(2026, 12, 26), 10),
            None,
            [],
            "Sat 26 Dec 2026 is Saturday",
            id="saturday",
        ),
        pytest.param(
            {"before-1", "due"},
            at(date(2026, 12, 29), 10),
            "overdue-1",
            [],
            "sending 'overdue-1' (1 working day overdue)",
            id="restart-sends-overdue-1",
        ),
        pytest.param(
            {"before-1", "due", "overdue-1"},
            at(date(2026, 12, 29), 10),
            None,
            [],
            "'overdue-1' already sent today; nothing due: next step 'overdue-2' on Wed 30 Dec",
            id="restart-again-idempotent",
        ),
        pytest.param(
            {"before-1", "due"},
            at(date(2027, 1, 4), 10),
            "escalation",
            ["overdue-1", "overdue-2", "overdue-3"],
            "superseded 'overdue-1', 'overdue-2', 'overdue-3'",
            id="down-until-escalation",
        ),
        pytest.param(
            {"before-1", "due"},
            at(date(2026, 12, 31), 10),
            "overdue-3",
            ["overdue-1", "overdue-2"],
            "sending 'overdue-3'",
            id="down-two-days-one-email",
        ),
        pytest.param(
            set(),
            at(date(2026, 12, 22), 10),
            None,
            [],
            "nothing due: next step 'before-1' on Wed 23 Dec 2026",
            id="too-early",
        ),
        pytest.param(
            set(),
            at(XMAS_DUE, 10),
            "due",
            ["before-1"],
            "superseded 'before-1'",
            id="started-on-due-day",
        ),
        pytest.param(
            {"escalation"},
            at(date(2027, 1, 5), 10),
            None,
            [],
            "sequence finished",
            id="finished",
        ),
        pytest.param(
            {"before-1", "due", "overdue-1", "overdue-2", "overdue-3", "escalation"},
            at(date(2027, 3, 1), 10),
            None,
            [],
            "sequence finished",
            id="finished-months-later",
        ),
        pytest.param(
            {"escalation"},
            at(date(2027, 1, 9), 10),  # a Saturday: finished wins over the day check
            None,
            [],
            "sequence finished",
            id="finished-at-weekend",
        ),
        pytest.param(
            {"due"},  # superseded before-1 not recorded in sent: still never sent
            at(date(2026, 12, 29), 10),
            "overdue-1",
            [],
            "sending 'overdue-1'",
            id="superseded-not-in-sent",
        ),
        pytest.param(
            {"before-1", "due", "overdue-2"},  # overdue-1 superseded earlier, not recorded
            at(date(2026, 12, 30), 16),
            None,
            [],
            "'overdue-2' already sent today",
            id="superseded-not-resurrected",
        ),
        pytest.param(
            {"before-1", "due", "unknown-old-key"},
            at(date(2026, 12, 29), 10),
            "overdue-1",
            [],
            "sending 'overdue-1'",
            id="unknown-keys-ignored",
        ),
    ],
)
def test_due_now(
    sent: set[str], now: datetime, send: str | None, superseded: list[str], reason_has: str
) -> None:
    decision = decide(sent, now)
    assert sent_key(decision) == send
    assert [s.key for s in decision.superseded] == superseded
    assert reason_has in decision.reason


def test_escalation_is_sent_even_if_bot_was_down_long_after() -> None:
    decision = decide({"before-1"}, at(date(2027, 2, 15), 11))
    assert sent_key(decision) == "escalation"
    assert [s.key for s in decision.superseded] == ["due", "overdue-1", "overdue-2", "overdue-3"]


def test_no_escalation_policy_ends_after_last_reminder() -> None:
    policy = ReminderPolicy(escalate=False)
    steps = schedule(XMAS_DUE, CAL, policy)
    all_sent = {"before-1", "due", "overdue-1", "overdue-2", "overdue-3"}
    decision = due_now(steps, all_sent, at(date(2027, 1, 4), 10), CAL, policy)
    assert decision.send is None
    assert "every step sent" in decision.reason


def test_escalation_recipient_kind() -> None:
    decision = decide(
        {"before-1", "due", "overdue-1", "overdue-2", "overdue-3"}, at(date(2027, 1, 4), 9)
    )
    assert decision.send is not None
    assert decision.send.kind is StepKind.ESCALATION
    assert decision.send.label == "escalated: 4 working days overdue"


def test_empty_sequence() -> None:
    assert decide(set(), at(XMAS_DUE, 10), steps=[]) == StepDecision(None, (), "no steps planned")


def test_naive_time_rejected() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        decide(set(), datetime(2026, 12, 24, 10, 0))


def test_custom_working_hours() -> None:
    policy = ReminderPolicy(start=time(8, 30), end=time(12, 0))
    assert sent_key(due_now(XMAS, {"before-1"}, at(XMAS_DUE, 8, 30), CAL, policy)) == "due"
    assert sent_key(due_now(XMAS, {"before-1"}, at(XMAS_DUE, 12), CAL, policy)) is None


# --- properties ---------------------------------------------------------------------------


def policy_strategy(
    starts: st.SearchStrategy[int], ends: st.SearchStrategy[int]
) -> st.SearchStrategy[ReminderPolicy]:
    """Random policies with whole-hour working hours (end hour 24 means 23:59)."""
    hours = starts.flatmap(lambda s: st.tuples(st.just(s), ends.filter(lambda e: e > s)))
    return st.builds(
        lambda before, on_due, overdue, escalate, span: ReminderPolicy(
            days_before=before,
            on_due_day=on_due,
            overdue_reminders=overdue,
            escalate=escalate,
            start=time(span[0]),
            end=time(span[1]) if span[1] < 24 else time(23, 59),
        ),
        st.integers(0, 4),
        st.booleans(),
        st.integers(0, 6),
        st.booleans(),
        hours,
    )


policies = policy_strategy(st.integers(0, 23), st.integers(1, 24))
due_dates = st.dates(date(2026, 1, 1), date(2028, 12, 31))


@settings(max_examples=300, deadline=None)
@given(due_dates, policies)
def test_schedule_shape(due: date, policy: ReminderPolicy) -> None:
    steps = schedule(due, CAL, policy)
    days = [s.day for s in steps]
    assert days == sorted(set(days))  # strictly increasing
    assert all(CAL.is_working_day(d) for d in days)
    assert len({s.key for s in steps}) == len(steps)
    expected = policy.days_before + policy.on_due_day + policy.overdue_reminders + policy.escalate
    assert len(steps) == expected
    assert [s.working_days_overdue for s in steps] == sorted(
        {s.working_days_overdue for s in steps}
    )
    assert all((s.day <= due) == (s.working_days_overdue <= 0) for s in steps)
    assert [s.kind for s in steps].count(StepKind.ESCALATION) == int(policy.escalate)
    if policy.escalate:
        assert steps[-1].kind is StepKind.ESCALATION


@dataclass
class Run:
    sends: list[tuple[datetime, Step]] = field(default_factory=list)
    superseded: list[Step] = field(default_factory=list)


def simulate(
    steps: Sequence[Step], policy: ReminderPolicy, hours: Sequence[int], down: frozenset[date]
) -> Run:
    """Call due_now at each given hour of every day the bot is up, recording like the daemon."""
    run, sent = Run(), set[str]()
    if not steps:
        return run
    day, last = steps[0].day - timedelta(days=3), steps[-1].day + timedelta(days=7)
    while day <= last:
        if day not in down:
            for hour in hours:
                now = at(day, hour)
                decision = due_now(steps, frozenset(sent), now, CAL, policy)
                if decision.send is not None:
                    assert CAL.is_working_day(day)
                    assert policy.start <= now.time() < policy.end
                    run.sends.append((now, decision.send))
                    sent.add(decision.send.key)
                run.superseded.extend(decision.superseded)
        day += timedelta(days=1)
    return run


@settings(max_examples=150, deadline=None)
@given(due_dates, policies)
def test_hourly_bot_that_never_misses_sends_every_step_once_on_its_day(
    due: date, policy: ReminderPolicy
) -> None:
    steps = schedule(due, CAL, policy)
    run = simulate(steps, policy, range(24), frozenset())
    assert [s for _, s in run.sends] == steps
    assert all(now.date() == s.day for now, s in run.sends)
    assert run.superseded == []


@settings(max_examples=150, deadline=None)
@given(due_dates, policy_strategy(st.integers(0, 9), st.integers(17, 24)))
def test_twice_daily_bot_sends_every_step_once(due: date, policy: ReminderPolicy) -> None:
    steps = schedule(due, CAL, policy)
    run = simulate(steps, policy, (9, 16), frozenset())
    assert [s for _, s in run.sends] == steps
    assert all(now.hour == 9 for now, _ in run.sends)


@settings(max_examples=200, deadline=None)
@given(due_dates, policies, st.data())
def test_bot_that_misses_days_escalates_exactly_once(
    due: date, policy: ReminderPolicy, data: st.DataObject
) -> None:
    steps = schedule(due, CAL, policy)
    if steps:
        # The bot may be down on any day up to the last step, but is up afterwards.
        span = (steps[-1].day - steps[0].day).days + 3
        offsets = data.draw(st.sets(st.integers(0, span)))
        down = frozenset(steps[0].day - timedelta(days=3 - o) for o in offsets)
    else:
        down = frozenset()
    run = simulate(steps, policy, range(24), down)
    keys = [s.key for _, s in run.sends]
    # never a step twice, never out of order, never two emails on one day
    assert len(keys) == len(set(keys))
    assert [s for _, s in run.sends] == [s for s in steps if s.key in keys]
    days_sent = [now.date() for now, _ in run.sends]
    assert len(days_sent) == len(set(days_sent))
    assert all(now.date() >= s.day for now, s in run.sends)
    # every step is accounted for exactly once: sent or superseded, not both
    superseded = [s.key for s in run.superseded]
    assert sorted(keys + superseded) == sorted(s.key for s in steps)
    assert keys.count("escalation") == int(policy.escalate)
    if steps:
        assert keys[-1] == steps[-1].key  # the last step (escalation if any) is never skipped


@pytest.mark.parametrize(("days_before", "ahead"), [(0, 1), (1, 1), (1, 2), (3, 5)])
def test_nothing_is_due_today_for_a_deadline_due_after_the_last_one_looked_at(
    days_before: int, ahead: int
) -> None:
    """The tick reads only deadlines due by last_due_to_look_at: one due later must have no
    reminder step, vote chase or delay check on or before today, whatever the day (weekends,
    bank holidays and Christmas included), or it would never be sent."""
    policy = ReminderPolicy(days_before=days_before)
    for today in (date(2026, 1, 1) + timedelta(days=n) for n in range(2 * 365)):
        last = last_due_to_look_at(today, CAL, policy, ahead=ahead)
        for due in (last + timedelta(days=n) for n in range(1, 8)):
            assert min(s.day for s in schedule(due, CAL, policy)) > today
            assert vote_chase_day(due, CAL) > today
            assert CAL.add_working_days(due, -ahead) > today


def test_no_step_falls_on_or_before_the_day_of_the_request_it_chases() -> None:
    """Asked on Wed 23 Dec for Thu 24 Dec: the 'before-1' reminder falls on the day of the
    request itself, so it is not sent with it; the next step follows on its own day."""
    asked = date(2026, 12, 23)
    on_request_day = due_now(XMAS, set(), at(asked, 10), CAL, DEFAULT, asked_on=asked)
    assert on_request_day.send is None and not on_request_day.superseded
    next_day = due_now(XMAS, set(), at(XMAS_DUE, 10), CAL, DEFAULT, asked_on=asked)
    assert sent_key(next_day) == "due" and not next_day.superseded

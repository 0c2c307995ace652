"""An invented partnership's records at scale, for bench/records.py: rows only, no timing.

Ten years of cases, most of them closed; the open ones spread over the stages with their
deadlines due from a month ago to two months ahead, and the reminders a bot running every few
minutes would already have sent for them. Everyone in it is invented: initials are two letters
drawn at random, addresses are the example config's and example.org.

The chronology holds what the digest's "Needs your attention" reads (bot.services.raised_flags),
drawn from a second seeded rng so that every other row is as it was before they were added (but
for `closed_from` on the closed cases, which `Close:` records too):

- a `case_closed` event on each closed case at its closing, a month to ten months after it
  opened (sooner for a recent case: before now), as `Close:` writes it; one closed case in 40
  was closed, reopened within a fortnight and closed again, and one older open case in 40 was
  closed and then reopened (`case_reopened`), so the query's closings and reopenings both have
  rows: 9,448 closings and 255 reopenings with 10,000 cases (seed 11);
- flags (FLAG_EVENTS, the ordinary kinds: a form problem, a meeting not booked, a command not
  recognised or refused, an email not delivered, an awareness flag, a Scrutineer disagreeing):
  on one open case in eight, and on one in twelve of the cases closed in the last 40 days
  raised before it closed;
  `closed_with_clocks_open`, written by the closing just after it, on one in four of those. The
  digest's query reads 120 of them at bench/records.py's NOW: it lists 49, and counts 59 as
  older than its 20 working days;
- and the flags of ten years: one older closed case in 50 had a flag while it was open (about
  330 flags in all with the rest). The digest lists none of them, but the query's grouping of
  closings (`closings()`) takes every case that ever had a flag, so they are what keeps that
  honest.

Those rates are a guess at an ordinary partnership's (the 1,000-message backlog of
bench/digest_cost.py, all new cases, has 295 flags: a bad week, not ten years).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from bot.app import App
from bot.core.reminders import due_now, schedule
from bot.services.recount import calendar_row, counter_of
from bot.services.reminder_facts import policy

# Stage of an open review case, how often, and which deadlines it has reached (the last unmet).
OPEN_STAGES = (
    ("screening", 0.30, ("screening_meeting",)),
    ("rapid_review", 0.30, ("screening_meeting", "panel_notification", "rapid_review")),
    ("cspr", 0.15, ("screening_meeting", "panel_notification", "rapid_review", "cspr_report")),
    ("action_plan", 0.25, ("screening_meeting", "panel_notification", "rapid_review")),
)
AGENCIES = ("tameside-council", "gmp", "icb", "tg-icft", "nwas", "schools")
EVENTS = ("case_opened", "deadline_set", "form_read", "command", "reminded", "note")
# The flags a case ordinarily gathers (raised_flags.FLAG_EVENTS), by who raises them.
BOT_FLAGS = ("form_problem", "no_command_recognised", "mail_not_delivered", "awareness_flag")
PEOPLE_FLAGS = ("command_refused", "scrutineer_disagrees")
MANAGER = "business.manager@example.org"


@dataclass
class Rows:
    """Rows per table, in insertion order (parents first)."""

    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def add(self, table: str, **row: Any) -> int:
        rows = self.tables.setdefault(table, [])
        row.setdefault("id", len(rows) + 1)
        rows.append(row)
        return int(row["id"])

    def count(self, table: str) -> int:
        return len(self.tables.get(table, []))


def plan(
    app: App, now: datetime, cases: int, outbox_rows: int, *, seed: int = 11, span_days: int = 3650
) -> Rows:
    """The rows of `cases` cases opened over the span_days before now, and outbox_rows emails."""
    rng = random.Random(seed)
    rows = Rows()
    today = now.astimezone(app.config.partnership.time_zone).date()
    per_year: dict[int, int] = {}
    for i in range(cases):
        # Oldest first; those opened in the last 120 days are mostly still open.
        opened = now - timedelta(days=span_days * (cases - i) / cases, hours=rng.random())
        year = opened.year
        per_year[year] = per_year.get(year, 0) + 1
        recent = (now - opened).days < 120
        is_open = rng.random() < (0.85 if recent else 0.06)
        _case(app, rows, rng, now, today, opened, year, per_year[year], is_open)
    rows.tables["case_counters"] = [
        {"year": year, "last_number": last} for year, last in per_year.items()
    ]
    _pad_outbox(rows, rng, now, outbox_rows)
    _chronology(rows, random.Random(seed + 1), now)
    # A bot that has been running: its deadlines were counted on today's calendar (their
    # invented starts would otherwise be counted again, and moved, at the first pass).
    rows.tables["calendar_state"] = [calendar_row(app.calendar, now, counter_of(app.config))]
    return rows


def _case(
    app: App,
    rows: Rows,
    rng: random.Random,
    now: datetime,
    today: date,
    opened: datetime,
    year: int,
    number: int,
    is_open: bool,
) -> None:
    kind = rng.choices(("review", "complaint", "escalation"), (90, 7, 3))[0]
    stage, names, left = _stage(rng, kind, is_open)
    ref = f"TSCP-{year}-{number:04d}"
    case_id = rows.add(
        "cases",
        ref=ref,
        year=year,
        number=number,
        status="open" if is_open else "closed",
        opened_at=opened,
        sin_received_on=opened.date(),
        initials=f"{chr(65 + rng.randrange(26))}.{chr(65 + rng.randrange(26))}.",
        referrer_email=f"referrer{rng.randrange(50)}@example.org",
        kind=kind,
        stage=stage,
        decision="rapid_review" if stage in ("rapid_review", "cspr", "action_plan") else None,
        notification_sent_on=opened.date() + timedelta(days=5) if len(names) > 1 else None,
        # The Rapid Review went to the National Panel on every case past that stage.
        rr_report_on=opened.date() + timedelta(days=25) if _past_review(stage, names) else None,
        closed_reason=None if is_open else "completed",
        # What `Close:` records, for `Reopen:`.
        closed_from=None if is_open else left,
    )
    for n, name in enumerate(names):
        last = n == len(names) - 1
        due = _due(rng, today, opened.date(), n, is_open and last)
        met = None if is_open and last else opened + timedelta(days=3 * n + 2)
        state = "open" if met is not None or due >= today else "overdue"
        rows.add(
            "deadlines",
            case_id=case_id,
            name=name,
            start=due - timedelta(days=7),
            due=due,
            explanation=f"Due {due.isoformat()}: counted in working days from "
            f"{(due - timedelta(days=7)).isoformat()}, weekends and bank holidays skipped.",
            state=state,
            met_at=met,
            met_on=met.date() if met else None,
        )
        if met is None:
            _reminders_sent(app, rows, rng, now, case_id, ref, name, due)
        if met is None and name == "rapid_review":
            _delay_asked(app, rows, today, case_id, ref, due)
    _around(rows, rng, now, case_id, ref, opened, stage, is_open)


def _past_review(stage: str, names: tuple[str, ...]) -> bool:
    return "rapid_review" in names and stage in ("closed", "cspr", "action_plan")


def _stage(rng: random.Random, kind: str, is_open: bool) -> tuple[str, tuple[str, ...], str]:
    """The case's stage, its deadlines, and the stage it was at (closed from)."""
    if kind == "complaint":
        return "complaint", ("complaint_response",), "complaint"
    if kind == "escalation":
        return "escalation", (), "escalation"
    stage, _, names = rng.choices(OPEN_STAGES, [s[1] for s in OPEN_STAGES])[0]
    return (stage if is_open else "closed"), names, stage


def _due(rng: random.Random, today: date, opened: date, n: int, unmet: bool) -> date:
    if not unmet:
        return opened + timedelta(days=4 + 10 * n)
    return today + timedelta(days=rng.randint(-30, 60))


def _reminders_sent(
    app: App,
    rows: Rows,
    rng: random.Random,
    now: datetime,
    case_id: int,
    ref: str,
    name: str,
    due: date,
) -> None:
    """What a bot running all along has sent; one deadline in fifty still has today's step."""
    local = now.astimezone(app.config.partnership.time_zone)
    steps = schedule(due, app.calendar, policy(app))
    prefix = f"reminder:{ref}:{name}:{due.isoformat()}:"
    sent: set[str] = set()
    behind = rng.random() < 0.02
    for step in sorted(steps, key=lambda s: s.day):
        if step.day > local.date() or (behind and step.day == local.date()):
            break
        decision = due_now(steps, sent, local, app.calendar, policy(app))
        if decision.send is None:
            break
        sent.add(decision.send.key)
        at = datetime.combine(step.day, datetime.min.time(), UTC) + timedelta(hours=9)
        _outbox(rows, prefix + decision.send.key, "deadline_reminder", case_id, min(at, now))


def _delay_asked(app: App, rows: Rows, today: date, case_id: int, ref: str, due: date) -> None:
    """The Business Manager was asked, in time, whether the Rapid Review will be late."""
    before = app.config.review.delay_notice_working_days_before
    asked = app.calendar.add_working_days(due, -before)
    if asked <= today:
        at = datetime.combine(asked, datetime.min.time(), UTC) + timedelta(hours=9)
        key = f"rr-delay-check:{ref}:{due.isoformat()}"
        _outbox(rows, key, "rapid_review_delay_check", case_id, at)


def _around(
    rows: Rows,
    rng: random.Random,
    now: datetime,
    case_id: int,
    ref: str,
    opened: datetime,
    stage: str,
    is_open: bool,
) -> None:
    """The messages, events, mail, returns, actions and votes a case gathers."""
    message = rows.add(
        "messages",
        sha256=f"{case_id:064x}",
        message_id=f"<sin-{case_id}@example.org>",
        size=622,
        received_at=opened,
        fetched_at=opened,
        status="processed",
        processed_at=opened,
        released_at=opened,
        kind="sin",
        subject=f"Serious incident notification [{ref}]",
        from_addr="referrer@example.org",
        case_id=case_id,
    )
    raw = b"Subject: invented\r\n\r\n" + b"x" * 600
    rows.tables.setdefault("message_raw", []).append({"message_id": message, "data": raw})
    _outbox(rows, f"ack:{message}", "sin_acknowledgement", case_id, opened)
    for n, what in enumerate(EVENTS[: 3 + rng.randrange(4)]):
        rows.add(
            "case_events",
            case_id=case_id,
            at=opened + timedelta(hours=n),
            actor="tscp-bot",
            what=what,
            detail=f"{what.replace('_', ' ')} on {ref}",
            why="all required fields read" if what == "form_read" else "invented",
        )
    if stage in ("rapid_review", "cspr", "action_plan", "closed") and rng.random() < 0.7:
        for agency in rng.sample(AGENCIES, 3):
            # Returns come in within weeks: only a recent case still awaits some.
            awaited = is_open and (now - opened).days < 60 and rng.random() < 0.4
            received = None if awaited else opened + timedelta(days=12)
            rows.add(
                "agency_requests",
                case_id=case_id,
                agency_key=agency,
                requested_on=opened.date() + timedelta(days=3),
                return_by=opened.date() + timedelta(days=13),
                received_at=received,
            )
            _outbox(rows, f"appendix-b:{ref}:{agency}", "appendix_b_request", case_id, opened)
    if stage == "action_plan":
        for number in range(1, 3):
            rows.add(
                "action_items",
                case_id=case_id,
                number=number,
                text=f"Recommendation {number}: invented for the benchmark",
                owner_key=rng.choice(AGENCIES),
                due=(now + timedelta(days=rng.randint(-20, 90))).date(),
                done_at=None if rng.random() < 0.7 else now - timedelta(days=1),
            )
    if stage == "screening" and is_open:
        for role in rng.sample(("local_authority", "police", "health"), rng.randrange(3)):
            rows.add(
                "votes",
                case_id=case_id,
                role=role,
                voter=f"{role}@example.org",
                choice="rapid_review",
                at=opened + timedelta(hours=5),
                superseded=False,
            )


def _chronology(rows: Rows, rng: random.Random, now: datetime) -> None:
    """Closings, reopenings and flags (see the module's docstring), after every other row."""
    events = rows.tables["case_events"]
    for case in rows.tables["cases"]:
        start = len(events)
        _case_chronology(rows, rng, now, case)
        # Drawn in the order they depend on each other, written in time order as the bot would
        # (ids too); a closing's own flag, at the same time, stays after it.
        events[start:] = sorted(events[start:], key=lambda e: e["at"])
        for n, row in enumerate(events[start:], start + 1):
            row["id"] = n


def _case_chronology(rows: Rows, rng: random.Random, now: datetime, case: dict[str, Any]) -> None:
    opened, ref, case_id = case["opened_at"], case["ref"], case["id"]
    age = now - opened
    if case["status"] == "open":
        if age.days > 120 and rng.random() < 1 / 40:
            closed = _closing(rows, rng, now, case_id, ref, opened)
            _event(
                rows,
                case_id,
                closed + timedelta(days=rng.randint(1, 14)),
                MANAGER,
                "case_reopened",
                "closed in error; back to its stage",
                "Reopen:",
            )
        if rng.random() < 1 / 8:
            # After the case's own first events (its first hours).
            raised = opened + timedelta(hours=6) + min(age, timedelta(days=rng.randint(0, 20))) / 2
            _flag(rows, rng, case_id, ref, raised, case["stage"])
        return
    closed = _closing(rows, rng, now, case_id, ref, opened)
    if rng.random() < 1 / 40:
        back = closed + timedelta(days=rng.randint(1, 14))
        if back < now - timedelta(days=1):
            _event(rows, case_id, back, MANAGER, "case_reopened", "more to do", "Reopen:")
            closed = back + (now - back) * rng.uniform(0.1, 0.5)
            _event(rows, case_id, closed, MANAGER, "case_closed", "completed", "Close:")
    if now - closed < timedelta(days=40):
        if rng.random() < 1 / 12:
            _flag(rows, rng, case_id, ref, opened + (closed - opened) / 2, "closed")
        if rng.random() < 1 / 4:
            _event(
                rows,
                case_id,
                closed,
                "tscp-bot",
                "closed_with_clocks_open",
                f"closed with a clock still open on {ref}",
                "invented",
            )
    elif rng.random() < 1 / 50:
        _flag(rows, rng, case_id, ref, opened + (closed - opened) / 3, "closed")


def _closing(
    rows: Rows, rng: random.Random, now: datetime, case_id: int, ref: str, opened: datetime
) -> datetime:
    """A case closed a month to ten months after it opened, or, if that is to come, before now."""
    closed = opened + timedelta(days=rng.randint(30, 300), hours=rng.randint(1, 8))
    if closed >= now:
        closed = opened + (now - opened) * rng.uniform(0.5, 0.98)
    _event(rows, case_id, closed, MANAGER, "case_closed", "completed", "Close:")
    return closed


def _flag(rows: Rows, rng: random.Random, case_id: int, ref: str, at: datetime, stage: str) -> None:
    if stage == "screening" and rng.random() < 0.5:
        what, actor = "screening_not_booked", "tscp-bot"
    elif rng.random() < 0.75:
        what, actor = rng.choice(BOT_FLAGS), "tscp-bot"
    else:
        what, actor = rng.choice(PEOPLE_FLAGS), f"partner{rng.randrange(20)}@example.org"
    _event(rows, case_id, at, actor, what, f"{what.replace('_', ' ')} on {ref}", "invented")


def _event(
    rows: Rows, case_id: int, at: datetime, actor: str, what: str, detail: str, why: str
) -> None:
    # A command's event says the line that caused it, as bot.services.review.common.note does.
    said = f"email: {why} {detail}" if why.endswith(":") else why
    rows.add("case_events", case_id=case_id, at=at, actor=actor, what=what, detail=detail, why=said)


def _outbox(
    rows: Rows,
    key: str,
    event: str,
    case_id: int | None,
    at: datetime,
    status: str = "sent",
) -> None:
    n = rows.count("outbox") + 1
    rows.add(
        "outbox",
        idempotency_key=key,
        message_id=f"{n}.bench@tameside.gov.uk",
        case_id=case_id,
        event=event,
        sender="tscp@tameside.gov.uk",
        recipients=["someone@example.org"],
        subject=f"{event.replace('_', ' ')} #{n}",
        raw=b"Subject: invented\r\n\r\n" + b"y" * 700,
        created_at=at,
        status=status,
        attempts=1 if status == "sent" else 0,
        next_attempt_at=at,
        sent_at=at if status == "sent" else None,
        requires_approval=False,
    )


def _pad_outbox(rows: Rows, rng: random.Random, now: datetime, total: int) -> None:
    """Command results and replies spread over the cases, up to `total` rows; a few failed."""
    cases = rows.tables["cases"]
    for n in range(rows.count("outbox"), total):
        case = cases[rng.randrange(len(cases))]
        at = case["opened_at"] + timedelta(days=rng.randint(0, 60))
        status = "failed" if n % 5000 == 0 else "sent"
        _outbox(rows, f"command-result:{case['ref']}:{n}", "command_result", case["id"], at, status)


def chunks(items: list[dict[str, Any]], size: int = 2000) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]

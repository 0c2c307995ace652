"""Named statutory and local deadlines, computed on a WorkingCalendar and explained in words.

Day 0 is the trigger date itself; "N working days after" is the N-th working day strictly
after it. Rolling a trigger that arrives on a non-working day is the caller's decision.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from bot.core.dates import fmt_date
from bot.core.deadline_rules import (
    ACTION,
    APPENDIX_B,
    COUNTED_BY,
    NATIONAL_CLOCKS,
    QUALIFIED,
    RULES,
    STATUTORY_NOTICES,
    DeadlineRule,
    RuleKind,
    counted_on,
    is_national,
)
from bot.core.return_dates import Redating, counted_span, how_returned
from bot.core.working_days import WorkingCalendar, add_months, is_weekend

# The rules are kept in bot.core.deadline_rules; callers find them here beside what they make.
__all__ = [
    "ACTION",
    "APPENDIX_B",
    "COUNTED",
    "NATIONAL_CLOCKS",
    "QUALIFIED",
    "RULES",
    "STATUTORY_NOTICES",
    "Deadline",
    "DeadlineRule",
    "RuleKind",
    "appendix_b",
    "complaint_response",
    "compute",
    "counted_on",
    "cspr_report",
    "fmt_date",
    "is_national",
    "looked_after_death_notification",
    "may_promise",
    "panel_notification",
    "publication_notice",
    "publication_period_end",
    "rapid_review",
    "screening_meeting",
    "working_days_late",
    "working_days_late_met",
]

_ONE_DAY = timedelta(days=1)
# How the line naming the local closure days a national clock counts begins (see recount).
COUNTED = "Counted as working days, as "


def working_days_late(due: date, today: date, calendar: WorkingCalendar) -> int:
    """How late a deadline still unmet after `due` is on `today`, in working days: at least
    one, as a Friday deadline asked about on Saturday is late though no working day has passed
    ("OVERDUE by 0 working days" would read as on time)."""
    return max(1, calendar.working_days_between(due, today))


def working_days_late_met(due: date, done: date, calendar: WorkingCalendar) -> int:
    """How late a deadline met after `due` on `done` was, as the Board's timeliness report
    counts it: an event on a closed day counts as on the next working day, so a notification
    due Wednesday and made on Sunday is as late as one made on Monday. Said the same wherever
    it is said, or the reply and the report disagree about one event."""
    return max(1, calendar.working_days_between(due, calendar.next_working_day(done)))


@dataclass(frozen=True)
class Deadline:
    name: str
    due: date
    start: date
    rule: DeadlineRule
    skipped: tuple[tuple[date, str], ...]
    assumption: str | None = None
    # Why this start date, when several sources gave one (which won, which were set aside).
    basis: str | None = None
    # Who a qualified deadline is owed by, as people know them ("Greater Manchester Police"),
    # where its name carries only the key ("appendix_b:gmp").
    party: str = ""
    # The partnership's own closure days a national clock counts as working days, as the
    # outside body does: named, or a reader sees the date "skip" only the bank holidays and
    # may "correct" it later, past the body's date.
    counted: tuple[tuple[date, str], ...] = ()
    # A date-set deadline whose date the bot counted itself (an Appendix B request with no
    # `Return by:`): the working days it counted, which the explanation gives as the rule.
    default_days: int = 0
    # An Appendix B request that went later than the day it was written for: its start is the
    # day it went, and its return date was counted again from it (bot.core.return_dates).
    redating: Redating | None = None

    def explain(self) -> str:
        lines = [f"Due {fmt_date(self.due)}: {self._how()}{self._skipped_text()}"]
        if self.counted:
            lines.append(self.counted_text())
        if self.assumption:
            lines.append(f"Assumption: {self.assumption}")
        if self.basis:
            lines.append(self.basis)
        return "\n".join(lines)

    def counted_text(self) -> str:
        """ "Counted as working days, as the National Panel counts them: Tue 29 to Thu 31 Dec
        2026 (Council office closure)." """
        who = COUNTED_BY.get(self.rule.name, "the National Panel counts")
        return f"{COUNTED}{who} them: {_runs_words(self.counted)}."

    def _how(self) -> str:
        rule, kind = self.rule, self.rule.kind
        label = f"{rule.start_label} (assumed)" if self.assumption else rule.start_label
        started = f"{label} on {fmt_date(self.start)} ({rule.source})"
        if kind is RuleKind.FIXED_DATE:
            agency = self.party or self.name.partition(":")[2]
            label = f"{label} from {agency}" if agency else label
            return how_returned(label, self.start, rule.source, self.default_days, self.redating)
        if kind is RuleKind.WORKING_DAYS_AFTER:
            return f"{rule.amount} working days after {started}."
        if kind is RuleKind.WORKING_DAYS_BEFORE:
            return f"{rule.amount} working days before {started}."
        text = f"{rule.amount} calendar months after {started}"
        nominal = add_months(self.start, rule.amount)
        clamped = nominal.day != self.start.day
        if nominal == self.due:
            return text + (", clamped to the month end." if clamped else ".")
        way = "back to the previous" if nominal > self.due else "forward to the next"
        clamp_note = " (clamped to the month end)" if clamped else ""
        return (
            f"{text} is {fmt_date(nominal)}{clamp_note}, not a working day, "
            f"so moved {way} working day."
        )

    def _skipped_text(self) -> str:
        names = [f"{fmt_date(d)} {name}" for d, name in self.skipped]
        if self._passes_weekend():
            names.append("weekends" if not names else "and weekends")
        if not names:
            return ""
        return " Skipped: " + ", ".join(names) + "."

    def _passes_weekend(self) -> bool:
        """Whether any weekend day was passed over on the way from start (or nominal) to due."""
        kind = self.rule.kind
        if kind is RuleKind.FIXED_DATE:
            span = counted_span(self.start, self.due, self.default_days, self.redating)
            return span is not None and _weekend_within(*span)
        if kind in (RuleKind.WORKING_DAYS_AFTER, RuleKind.WORKING_DAYS_BEFORE):
            return _weekend_within(*sorted((self.start, self.due)))
        nominal = add_months(self.start, self.rule.amount)
        lo, hi = sorted((nominal, self.due))
        return any(is_weekend(lo + k * _ONE_DAY) for k in range((hi - lo).days + 1))


def _weekend_within(lo: date, hi: date) -> bool:
    """Whether a weekend day lies strictly between `lo` and `hi`."""
    return any(is_weekend(lo + k * _ONE_DAY) for k in range(1, (hi - lo).days))


def _runs_words(days: tuple[tuple[date, str], ...]) -> str:
    """Named days, consecutive ones of one name as a run: "Tue 29 to Thu 31 Dec 2026 (Council
    office closure) and Mon 4 Jan 2027 (Council office closure)"."""
    runs: list[tuple[date, date, str]] = []
    for d, name in days:
        if runs and runs[-1][2] == name and runs[-1][1] + _ONE_DAY == d:
            runs[-1] = (runs[-1][0], d, name)
        else:
            runs.append((d, d, name))
    words = [f"{_span(first, last)} ({name})" for first, last, name in runs]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _span(first: date, last: date) -> str:
    if first == last:
        return fmt_date(first)
    if (first.year, first.month) == (last.year, last.month):
        return f"{fmt_date(first)[:3]} {first.day} to {fmt_date(last)}"
    return f"{fmt_date(first)} to {fmt_date(last)}"


def _counted_closures(
    rule: DeadlineRule, start: date, due: date, cal: WorkingCalendar
) -> tuple[tuple[date, str], ...]:
    """The local closure days a national clock counted from start to due (day 0 is not one):
    the days its explanation must name, as it skips them for no one."""
    if not rule.national or rule.kind not in (
        RuleKind.WORKING_DAYS_AFTER,
        RuleKind.WORKING_DAYS_BEFORE,
    ):
        return ()
    lo, hi = sorted((start, due))
    return tuple((d, cal.closed[d]) for d in sorted(cal.local) if lo <= d <= hi and d != start)


def _closed_from(cal: WorkingCalendar, first: date, last: date) -> list[tuple[date, str]]:
    """Non-weekend closed days in [first, last]."""
    name = cal.closure_name(first)
    head = [(first, name)] if name is not None and not is_weekend(first) else []
    return head + cal.skipped(first, last)


def _due_and_skipped(
    rule: DeadlineRule, start: date, cal: WorkingCalendar
) -> tuple[date, list[tuple[date, str]]]:
    kind = rule.kind
    if kind is RuleKind.WORKING_DAYS_AFTER:
        due = cal.add_working_days(start, rule.amount)
        return due, cal.counted_over(start, due)
    if kind is RuleKind.WORKING_DAYS_BEFORE:
        due = cal.add_working_days(start, -rule.amount)
        return due, cal.counted_over(start, due)
    nominal = cal.add_months(start, rule.amount)
    if kind is RuleKind.MONTHS_AFTER_ROLL_BACK:
        # A "within" deadline must never move later than the rule allows.
        due = cal.previous_working_day(nominal)
        return due, cal.skipped(due, nominal)
    # MONTHS_AFTER_ROLL_FORWARD: this is a minimum period (the report must stay up at
    # least a year), so rolling back would shorten it; roll forward instead.
    due = cal.next_working_day(nominal)
    return due, _closed_from(cal, nominal, due)


def compute(
    name: str,
    start: date,
    calendar: WorkingCalendar,
    *,
    due: date | None = None,
    assumption: str | None = None,
    basis: str | None = None,
) -> Deadline:
    """Compute the named deadline from its start date.

    "appendix_b:<agency>" takes the return date agreed at request time as due=.
    """
    base, _, agency = name.partition(":")
    rule = RULES.get(base)
    if rule is None or (base in QUALIFIED) != bool(agency.strip()):
        raise ValueError(f"unknown deadline name {name!r}")
    if rule.kind is RuleKind.FIXED_DATE:
        if due is None:
            raise ValueError(f"deadline {name!r} needs the return date given as due=")
        if due < start:
            raise ValueError(f"deadline {name!r}: return date {due} is before request {start}")
        calendar.is_working_day(due)  # range check only
        return Deadline(name, due, start, rule, (), assumption, basis)
    if due is not None:
        raise ValueError(f"deadline {name!r} is computed from its rule; due= is not accepted")
    counted = calendar.national() if rule.national else calendar
    computed, skipped = _due_and_skipped(rule, start, counted)
    kept_open = _counted_closures(rule, start, computed, calendar)
    return Deadline(
        name, computed, start, rule, tuple(skipped), assumption, basis, counted=kept_open
    )


def screening_meeting(sin_received: date, cal: WorkingCalendar) -> Deadline:
    return compute("screening_meeting", sin_received, cal)


def panel_notification(
    cal: WorkingCalendar, *, sin_received: date, la_aware: date | None
) -> Deadline:
    if la_aware is not None:
        return compute("panel_notification", la_aware, cal)
    assumption = (
        "the date the local authority became aware is not known, so the SIN form receipt "
        f"date ({fmt_date(sin_received)}) was used instead; the real deadline may be earlier."
    )
    return compute("panel_notification", sin_received, cal, assumption=assumption)


def looked_after_death_notification(
    cal: WorkingCalendar, *, sin_received: date, la_aware: date | None
) -> Deadline:
    if la_aware is not None:
        return compute("looked_after_death_notification", la_aware, cal)
    assumption = (
        "the date the local authority became aware of the death is not known, so the SIN form "
        f"receipt date ({fmt_date(sin_received)}) was used instead; the real deadline may be "
        "earlier."
    )
    return compute("looked_after_death_notification", sin_received, cal, assumption=assumption)


def rapid_review(notification_sent: date, cal: WorkingCalendar) -> Deadline:
    return compute("rapid_review", notification_sent, cal)


def appendix_b(
    agency: str,
    requested: date,
    return_by: date,
    cal: WorkingCalendar,
    *,
    named: str = "",
    default_days: int = 0,
    redating: Redating | None = None,
) -> Deadline:
    """`agency` is its key, for the deadline's name; `named` what its explanation calls it;
    `default_days`: the working days the bot counted to `return_by` when none was given (the
    explanation then gives that rule and the days it skipped); `redating`: how the return
    date of a request that went later than written for (on `requested`) was counted again."""
    found = compute(f"{APPENDIX_B}:{agency}", requested, cal, due=return_by)
    found = replace(found, party=named) if named else found
    span = counted_span(requested, return_by, default_days, redating)
    skipped = tuple(cal.skipped(*span)) if span is not None else ()
    return replace(found, default_days=default_days, redating=redating, skipped=skipped)


def cspr_report(decision: date, cal: WorkingCalendar) -> Deadline:
    return compute("cspr_report", decision, cal)


def publication_notice(planned_publication: date, cal: WorkingCalendar) -> Deadline:
    return compute("publication_notice", planned_publication, cal)


def publication_period_end(published: date, cal: WorkingCalendar) -> Deadline:
    return compute("publication_period_end", published, cal)


def complaint_response(received: date, cal: WorkingCalendar) -> Deadline:
    return compute("complaint_response", received, cal)


def may_promise(due: date, today: date) -> bool:
    """Whether `due` may be given to an outside person as the day we will answer by: only a
    day still to come. One already past (mail read late, after an outage or a retry) would
    be untrue, and today is as good as past by the time the email is read."""
    return due > today

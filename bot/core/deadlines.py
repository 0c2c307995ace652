"""Named statutory and local deadlines, computed on a WorkingCalendar and explained in words.

Day 0 is the trigger date itself; "N working days after" is the N-th working day strictly
after it. Rolling a trigger that arrives on a non-working day is the caller's decision.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum
from types import MappingProxyType

from bot.core.working_days import WorkingCalendar, add_months, is_weekend

_ONE_DAY = timedelta(days=1)
_DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
APPENDIX_B = "appendix_b"
ACTION = "action"
# Rules whose deadline name carries a qualifier after a colon: appendix_b:<agency>, action:<n>.
QUALIFIED = frozenset({APPENDIX_B, ACTION})


class RuleKind(StrEnum):
    WORKING_DAYS_AFTER = "working_days_after"
    WORKING_DAYS_BEFORE = "working_days_before"
    MONTHS_AFTER_ROLL_BACK = "months_after_roll_back"
    MONTHS_AFTER_ROLL_FORWARD = "months_after_roll_forward"
    FIXED_DATE = "fixed_date"


@dataclass(frozen=True)
class DeadlineRule:
    name: str
    kind: RuleKind
    amount: int
    summary: str
    source: str
    start_label: str

    @property
    def national(self) -> bool:
        """Owed to an outside body that counts only weekends and bank holidays: counted
        forward, the partnership's closure days would put the date after theirs; counted back
        from publication, they would say notice fell short when it did not."""
        return self.name in NATIONAL_CLOCKS


# Working days counted as the National Panel, the Secretary of State and Ofsted count them.
NATIONAL_CLOCKS = frozenset(
    {"panel_notification", "looked_after_death_notification", "rapid_review", "publication_notice"}
)


def counted_on(name: str, calendar: WorkingCalendar) -> WorkingCalendar:
    """The calendar a deadline's days, lateness too, are counted on (national: closures count)."""
    return calendar.national() if is_national(name) else calendar


def working_days_late(due: date, today: date, calendar: WorkingCalendar) -> int:
    """How late a deadline still unmet after `due` is on `today`, in working days: at least
    one, as a Friday deadline asked about on Saturday is late though no working day has passed
    ("OVERDUE by 0 working days" would read as on time)."""
    return max(1, calendar.working_days_between(due, today))


def is_national(name: str) -> bool:
    """Whether the deadline `name` ("appendix_b:gmp" too) is a national clock."""
    rule = RULES.get(name.partition(":")[0])
    return rule is not None and rule.national


def _rule(
    name: str, kind: RuleKind, amount: int, summary: str, source: str, start_label: str
) -> tuple[str, DeadlineRule]:
    return name, DeadlineRule(name, kind, amount, summary, source, start_label)


RULES: Mapping[str, DeadlineRule] = MappingProxyType(
    dict(
        [
            _rule(
                "screening_meeting",
                RuleKind.WORKING_DAYS_AFTER,
                2,
                "Screening Panel meets within 2 working days of the SIN form being received",
                "TSCP CSPR procedure, Screening Panel",
                "SIN form received",
            ),
            _rule(
                "panel_notification",
                RuleKind.WORKING_DAYS_AFTER,
                5,
                "Local authority notifies the National Panel within 5 working days of becoming "
                "aware of the serious incident",
                "Working Together 2023; GOV.UK serious incident notification",
                "local authority became aware",
            ),
            _rule(
                "looked_after_death_notification",
                RuleKind.WORKING_DAYS_AFTER,
                5,
                "Local authority notifies the Secretary of State and Ofsted of the death of a "
                "looked-after child or a care leaver (aged 24 or under) within 5 working days "
                "of becoming aware, whether or not abuse or neglect is known or suspected",
                "GOV.UK Report a serious child safeguarding incident (death of a looked-after "
                "child, whether or not abuse or neglect is known or suspected); Working "
                "Together 2023 (death of a care leaver up to and including age 24)",
                "local authority became aware of the death",
            ),
            _rule(
                "rapid_review",
                RuleKind.WORKING_DAYS_AFTER,
                15,
                "Rapid review completed within 15 working days of the notification being sent "
                "to the National Panel",
                "National Panel guidance (non-statutory expectation)",
                "notification sent to the National Panel",
            ),
            _rule(
                APPENDIX_B,
                RuleKind.FIXED_DATE,
                0,
                "Agency returns its Appendix B information by the date set in the request",
                "TSCP rapid review procedure, Appendix B",
                "Appendix B requested",
            ),
            _rule(
                ACTION,
                RuleKind.FIXED_DATE,
                0,
                "Agency completes its action-plan recommendation by the agreed date",
                "TSCP CSPR procedure, action plan monitoring",
                "action agreed",
            ),
            _rule(
                "cspr_report",
                RuleKind.MONTHS_AFTER_ROLL_BACK,
                6,
                "Final CSPR report published within 6 months of the decision to hold the review",
                "Working Together 2023",
                "CSPR decision",
            ),
            _rule(
                "publication_notice",
                RuleKind.WORKING_DAYS_BEFORE,
                7,
                "Report sent to the National Panel, Secretary of State and Ofsted no later than "
                "7 working days before publication",
                "Working Together 2023",
                "planned publication",
            ),
            _rule(
                "publication_period_end",
                RuleKind.MONTHS_AFTER_ROLL_FORWARD,
                12,
                "Published report stays publicly available for at least 12 months",
                "Working Together 2023; TSCP website",
                "publication",
            ),
            _rule(
                "complaint_response",
                RuleKind.WORKING_DAYS_AFTER,
                20,
                "Written response to a complaint within 20 working days of receipt",
                "TSCP complaints procedure",
                "complaint received",
            ),
        ]
    )
)


def fmt_date(d: date) -> str:
    """Locale-independent "Tue 29 Dec 2026"."""
    return f"{_DAY_NAMES[d.weekday()]} {d.day} {_MONTH_NAMES[d.month - 1]} {d.year}"


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

    def explain(self) -> str:
        lines = [f"Due {fmt_date(self.due)}: {self._how()}{self._skipped_text()}"]
        if self.assumption:
            lines.append(f"Assumption: {self.assumption}")
        if self.basis:
            lines.append(self.basis)
        return "\n".join(lines)

    def _how(self) -> str:
        rule, kind = self.rule, self.rule.kind
        label = f"{rule.start_label} (assumed)" if self.assumption else rule.start_label
        started = f"{label} on {fmt_date(self.start)} ({rule.source})"
        if kind is RuleKind.FIXED_DATE:
            agency = self.party or self.name.partition(":")[2]
            label = f"{label} from {agency}" if agency else label
            return (
                f"return date set when the request was made ({label} on "
                f"{fmt_date(self.start)}; {rule.source})."
            )
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
            return False
        if kind in (RuleKind.WORKING_DAYS_AFTER, RuleKind.WORKING_DAYS_BEFORE):
            lo, hi = sorted((self.start, self.due))
            return any(is_weekend(lo + k * _ONE_DAY) for k in range(1, (hi - lo).days))
        nominal = add_months(self.start, self.rule.amount)
        lo, hi = sorted((nominal, self.due))
        return any(is_weekend(lo + k * _ONE_DAY) for k in range((hi - lo).days + 1))


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
        return due, cal.skipped(start, due)
    if kind is RuleKind.WORKING_DAYS_BEFORE:
        due = cal.add_working_days(start, -rule.amount)
        return due, [s for s in cal.skipped(due, start) if s[0] != start]
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
    return Deadline(name, computed, start, rule, tuple(skipped), assumption, basis)


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
    agency: str, requested: date, return_by: date, cal: WorkingCalendar, *, named: str = ""
) -> Deadline:
    """`agency` is its key, for the deadline's name; `named` what its explanation calls it."""
    found = compute(f"{APPENDIX_B}:{agency}", requested, cal, due=return_by)
    return replace(found, party=named) if named else found


def cspr_report(decision: date, cal: WorkingCalendar) -> Deadline:
    return compute("cspr_report", decision, cal)


def publication_notice(planned_publication: date, cal: WorkingCalendar) -> Deadline:
    return compute("publication_notice", planned_publication, cal)


def publication_period_end(published: date, cal: WorkingCalendar) -> Deadline:
    return compute("publication_period_end", published, cal)


def complaint_response(received: date, cal: WorkingCalendar) -> Deadline:
    return compute("complaint_response", received, cal)

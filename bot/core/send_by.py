"""The day a CSPR report must reach the National Panel, the Secretary of State and Ofsted to be
published by its 6-month date, and when to chase it.

Pure: no clock and no I/O. The report's own clock is listed only a few working days before its
due date, by when the 7 working days' notice of publishing on that date can no longer be given
(domain.md T15). So while no publication is planned and the report has not gone, the day it
must go is chased in its own right: in the digest from a few working days before it, and by
reminders to the Business Manager on the usual reminder days.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.core.deadlines import RULES, fmt_date, publication_notice
from bot.core.months_words import months_counted
from bot.core.publication import REQUIRED, report_send_by
from bot.core.reminders import ReminderPolicy, Step, schedule
from bot.core.working_days import WorkingCalendar, day_zero

BODIES = "the National Panel, the Secretary of State and Ofsted"
# The case events of `Publication delayed:` and `Not publishing:`: the bodies are told why.
DELAYED = ("publication_delayed", "publication_not_publishing")


def cspr_send_by(report_due: date, today: date, cal: WorkingCalendar) -> date:
    """The day the report must reach the three bodies to publish on its due date: REQUIRED of
    their working days before it, brought back to the partnership's last working day on or
    before that (bot.core.publication.report_send_by), never a later day."""
    notice = publication_notice(report_due, cal).due
    return report_send_by(notice, today, cal).day


@dataclass(frozen=True)
class CsprFacts:
    """A case whose CSPR report is owed, as the digest and the reminder tick read it."""

    ref: str
    decided_on: date  # the CSPR decision: the report's clock starts here
    report_due: date
    # Any of these means the report's sending is in hand or the bodies were told otherwise.
    publication_planned: bool = False
    report_sent: bool = False
    published: bool = False
    publication_delayed: bool = False  # `Publication delayed:` or `Not publishing:`
    # `Report extended:`: report_due is then the day agreed with the National Panel, and
    # first_due the 6 months' day, which every line still names beside it.
    first_due: date | None = None
    extension: str = ""


@dataclass(frozen=True)
class SendByLine:
    """A dated "Needs your attention" line."""

    ref: str
    what: str
    detail: str
    send_by: date


def delayed_since(decided_on: date, told_at: Iterable[datetime], tz: ZoneInfo) -> bool:
    """Whether `Publication delayed:` or `Not publishing:` was recorded since this decision
    (not before an earlier `CSPR: no`). Each is compared by its day in the partnership's time
    zone, as the decision's day is: by UTC, one recorded before 01:00 on a summer night would
    fall on the day before and the report be chased though the bodies were told."""
    return any(day_zero(at, tz) >= decided_on for at in told_at)


def chased(facts: CsprFacts) -> bool:
    """Whether the send-by day still needs chasing at all."""
    return not (
        facts.publication_planned
        or facts.report_sent
        or facts.published
        or facts.publication_delayed
    )


def send_by_line(
    facts: CsprFacts, today: date, cal: WorkingCalendar, ahead: int
) -> SendByLine | None:
    """The digest's line for the report, from `ahead` working days before its send-by day until
    its due date (after which the overdue report is listed in its own right); None otherwise."""
    if not chased(facts) or today > facts.report_due:
        return None
    by = cspr_send_by(facts.report_due, today, cal)
    if today < cal.add_working_days(by, -ahead):
        return None
    rule = (
        f"the report is due {_months(facts, cal)}, and must reach them {REQUIRED} working days "
        "before it is published"
    )
    if today <= by:
        detail = (
            f"CSPR report for {facts.ref}: send it to {BODIES} by {fmt_date(by)} to publish by "
            f"the due day, {fmt_date(facts.report_due)} ({rule}). Then reply Report sent: "
            "<date> and Publication: <date>; if it cannot be published by then, reply "
            "Publication delayed: <reason>."
        )
    else:
        detail = (
            f"CSPR report for {facts.ref}: the day to send it to {BODIES} to publish by the due "
            f"day, {fmt_date(facts.report_due)}, was {fmt_date(by)} and has passed ({rule}). "
            "Publishing by the due day now gives them late notice (Publication: <date> late "
            "notice); otherwise reply Publication delayed: <reason>."
        )
    return SendByLine(facts.ref, "CSPR report to send", detail, by)


def reminder_steps(
    report_due: date, today: date, cal: WorkingCalendar, policy: ReminderPolicy
) -> list[Step]:
    """The reminders for the send-by day: the usual days before it and the day itself. None
    after it: by then only late notice or a delay is left, which the digest says, and the
    report's own reminders follow its due date."""
    by = cspr_send_by(report_due, today, cal)
    return schedule(by, cal, replace(policy, overdue_reminders=0, escalate=False, on_due_day=True))


def _months(facts: CsprFacts, cal: WorkingCalendar) -> str:
    """How the report's due day was counted: "6 months from the CSPR decision on ...", and
    from which day it was brought forward when the months ended on a day nobody works (the
    words of the CSPR decision email, bot.core.months_words)."""
    amount = RULES["cspr_report"].amount
    event = f"the CSPR decision on {fmt_date(facts.decided_on)}"
    first = facts.first_due or facts.report_due
    counted = months_counted(amount, facts.decided_on, first, cal, event)
    if facts.first_due is None or not facts.extension:
        return counted
    return f"{counted} (first due {fmt_date(first)}), {facts.extension}"


def explanation(facts: CsprFacts, by: date, cal: WorkingCalendar) -> str:
    """Why the day is what it is, for the reminder email's "Why"."""
    return (
        f"The CSPR report is due by {fmt_date(facts.report_due)}, {_months(facts, cal)}. "
        f"The report must reach {BODIES} "
        f"{REQUIRED} working days before it is published, so to publish by the due day it "
        f"must reach them by {fmt_date(by)}."
    )


ACTION_HINT = (
    f"Send the report to {BODIES}, then reply Report sent: <date>, and Publication: <date> "
    "with the day it will be published. If it cannot be published by the due day, reply "
    "Publication delayed: <reason>."
)

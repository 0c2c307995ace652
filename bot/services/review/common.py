"""What every review command handler shares: who acted, refusals, small case helpers."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.adapters.db.models import Case, CaseEvent, CaseField, Deadline
from bot.app import App
from bot.config.model import Agency
from bot.core.deadlines import fmt_date
from bot.core.event_dates import EventDay, Repeat, earlier_note, event_day, later_refusal, repeat
from bot.core.moved_clocks import Clock, moved
from bot.core.personal_text import personal_in
from bot.services.cases import add_event
from bot.services.reminder_wording import SHORT_NAMES


class CommandRefused(Exception):
    """The command cannot be applied to this case as it stands."""


@dataclass(frozen=True)
class Actor:
    email: str
    role: str  # business_manager | independent_scrutineer | local_authority | police | health
    via: str  # "email" or "terminal"
    # When the command was given: its email's arrival in the mailbox, however late the bot
    # read it, or the moment it was typed at the terminal.
    said_at: datetime
    message_id: int | None = None


def today(app: App, now: datetime) -> date:
    return now.astimezone(app.config.partnership.time_zone).date()


def said_on(app: App, actor: Actor) -> date:
    """The day the command was given, which "no date", "today" and "yesterday" mean: a
    command the bot reads on Monday from an email that arrived on Friday means Friday."""
    return today(app, actor.said_at)


def met(case: Case, name: str, now: datetime, state: str = "met", on: date | None = None) -> None:
    """Mark a deadline met (or not required) at `now`, by an event that happened `on`."""
    for d in case.deadlines:
        if d.name == name and d.met_at is None:
            d.met_at, d.state = now, state
            d.met_on = on if state == "met" else None


def reopen(row: Deadline | None) -> None:
    """A clock marked not required (`Notifiable: no`, `CSPR: no`) set running again: the tick
    finds it overdue at once if its due date has passed."""
    if row is not None and row.state == "not_required":
        row.state, row.met_at, row.met_on = "open", None, None


def set_aside_note(case: Case, on: date) -> str:
    """`Notified: <date>` on a case whose National Panel notification was set aside
    (`Notifiable: no`, on a case maybe closed since): a notification was in fact made on `on`,
    so the clock is met on it, not left reading "not required". The words saying so to the
    sender, before it is recorded; "" when it was not set aside."""
    row = deadline_row(case, "panel_notification")
    if row is None or row.state != "not_required":
        return ""
    return (
        f"; it had been set aside as not required (Notifiable: no): it is now recorded as made "
        f"on {fmt_date(on)}, and the case as notifiable"
    )


def met_on_day(case: Case, name: str, now: datetime, on: date) -> None:
    """Mark a deadline met by an event that happened `on`; one already met is re-dated to `on`,
    because the event's day was corrected (or brought earlier) and the Board's timeliness report
    reads it. One set aside as not required stays so."""
    met(case, name, now, on=on)
    row = deadline_row(case, name)
    if row is not None and row.state == "met":
        row.met_on = on


def deadline_row(case: Case, name: str) -> Deadline | None:
    return next((d for d in case.deadlines if d.name == name), None)


def recorded_day(
    app: App, actor: Actor, given: date | None, what: str, *, began: Case | None = None
) -> EventDay:
    """The day an event command records; refused when it was in the future when given, or
    before the case `began` (for events no check of their own bounds: the Screening Panel's
    decision, the Rapid Review's meeting and submission, the CSPR decision)."""
    first = case_began(app, began) if began is not None else None
    found = event_day(given, said_on(app, actor), what, first)
    if isinstance(found, str):
        raise CommandRefused(found)
    return found


def case_began(app: App, case: Case) -> date:
    """The first day any event of the case can have happened: the local authority's awareness
    (the National Panel clock's start), or the day the case was opened if that is earlier."""
    opened = today(app, case.opened_at)
    aware = deadline_row(case, "panel_notification")
    return min(aware.start, opened) if aware is not None else opened


def short_hash(text: str) -> str:
    """A stable short key for free text (Python's hash() differs between processes)."""
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def case_ctx(case: Case) -> dict[str, object]:
    return {"ref": case.ref, "initials": case.initials}


def agency_addresses(agency: Agency) -> list[str]:
    people = [agency.dsp] if agency.dsp else []
    return [p.email for p in (*people, *agency.contacts)]


def note(
    session: Session, case: Case, now: datetime, what: str, detail: str, actor: Actor, line: str
) -> None:
    """Record a command's effect on the case's chronology, with the line that caused it."""
    add_event(session, case, now, what, detail, actor=actor.email, why=f"{actor.via}: {line}")


def resolve_agency(app: App, name: str) -> Agency:
    agency = app.config.agency(name)
    if agency is None:
        known = ", ".join(a.key for a in app.config.agencies)
        raise CommandRefused(f"unknown agency {name!r}; known: {known}")
    if not agency_addresses(agency):
        raise CommandRefused(f"agency {agency.key} has no DSP representative or contacts")
    return agency


@dataclass(frozen=True)
class Recorded:
    """An event that may already be on the case, and what hangs on its date."""

    what: str  # "the CSPR decision"
    on: date | None  # None: not recorded yet
    clock: str  # "the 6-month clock"
    correction: str  # the command that moves it later: "Correct CSPR"


def repeated(
    session: Session,
    case: Case,
    now: datetime,
    actor: Actor,
    line: str,
    recorded: Recorded,
    given: date,
) -> str | None:
    """None to go ahead and record `given`; the confirmation when it is the date already
    recorded. A later date is refused: only a correction with a reason moves it later."""
    prior = recorded.on
    match repeat(prior, given):
        case Repeat.LATER:
            assert prior is not None
            raise CommandRefused(
                later_refusal(recorded.what, prior, recorded.clock, recorded.correction)
            )
        case Repeat.SAME:
            return f"{recorded.what} is already recorded as {fmt_date(given)}; nothing changed"
        case Repeat.EARLIER:
            assert prior is not None
            detail = earlier_note(recorded.what, prior, given)
            note(session, case, now, "date_moved_earlier", detail, actor, line)
    return None


# The event keeping each flag of a form read (bot.services.forms), among them the answers no
# field read, which bot.core.unplaced reads back.
FORM_PROBLEM = "form_problem"
_OUTSIDE = "it goes outside the partnership, which is told the reference and initials only"


def refuse_personal(
    session: Session, case: Case, text: str, what: str, goes: str = _OUTSIDE
) -> None:
    """Refuse words for an outside body that give what the case's forms recorded of the child
    and family (name, date of birth, address, school, siblings, an answer no field read), or
    that look like personal data whatever the forms hold (a postcode, a date of birth, a
    parent named): mail that leaves the partnership carries the reference and initials only.
    `goes`: where the words would be read, as the refusal says it. The refusal names the kind
    of thing found, never the words."""
    found = personal_in(text, *personal_record(session, case))
    if found is not None:
        raise CommandRefused(f"the {what} {found}, and {goes}: write it without")


def personal_record(session: Session, case: Case) -> tuple[list[tuple[str, str]], list[str]]:
    """What the case's forms recorded of the child and family: the fields' (name, value) pairs
    and the form flags, which keep the answers no field read (for bot.core.personal_text)."""
    fields = session.execute(
        select(CaseField.name, CaseField.value).where(CaseField.case_id == case.id)
    ).all()
    flags = session.scalars(
        select(CaseEvent.detail).where(CaseEvent.case_id == case.id, CaseEvent.what == FORM_PROBLEM)
    ).all()
    return [(name, value) for name, value in fields], list(flags)


# Not a deadline anyone works to: the least time the report stays online (its end is listed
# under the case's deadlines, never chased), so a correction moving it is not news.
_NOT_TOLD = frozenset({"publication_period_end"})


def clocks_of(case: Case) -> dict[str, Clock]:
    """The case's clocks as they stand, to say afterwards which a correction (or `Aware:`)
    moved (bot.core.moved_clocks)."""
    return {
        d.name: Clock(
            SHORT_NAMES.get(d.name.partition(":")[0], d.name.replace("_", " ")),
            d.due,
            d.met_on if d.state == "met" else None,
            d.state in ("open", "overdue"),
        )
        for d in case.deadlines
        if d.name not in _NOT_TOLD
    }


def clocks_moved(
    app: App,
    case: Case,
    before: dict[str, Clock],
    now: datetime,
    because: dict[str, str] | None = None,
) -> str:
    """Each clock moved, or made late, since `before` (clocks_of), for the reply: a clock
    never moves unsaid (`because`: see bot.core.moved_clocks.moved)."""
    said = moved(before, clocks_of(case), today(app, now), because)
    return "".join(f"; {s}" for s in said)

"""Which date starts `panel_notification`: when the local authority became aware.

Pure: the known dates in, the chosen date with its explanation out. The candidates are the SIN
form's date, the Business Manager's `Aware:` and the date the SIN form was received (by then
the partnership, and so the local authority, knew). The earliest plausible one wins, because
starting late is the dangerous mistake. A date is implausible when it is in the future, later
than the receipt, before the incident, more than OLDEST_MONTHS months before the receipt, or in
a year the working calendar cannot count; it is doubtful when it is more than DOUBTFUL_MONTHS
months before the receipt (the 5-working-day clock would be long past before the SIN even
arrived), or a year back where the same day this year would fit (the new-year slip:
"04/01/2026" on a form received on 4 Jan 2027). Such a date is set aside and flagged for the
Business Manager, with the likely intended date and a "?", never used: the clock counts from
the receipt ("may be earlier") until `Aware:` confirms or corrects it. Only a correction
given with `Aware:` (by the Business Manager or the local authority's representative), which
carries a reason, may choose a later date; it then replaces every other candidate. The
explanation names the command, not who gave it: either may, and the partners read it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from bot.core.deadlines import fmt_date
from bot.core.working_days import add_months

# An awareness date a year before the SIN arrived would mean the notification is a year late:
# far more likely a mistyped year than a fact, so it is not used without a correction.
OLDEST_MONTHS = 12
# A form date this far back would make the notification overdue by months on the day the SIN
# arrives, and escalated at once to people outside: far likelier a mistyped date (a month or a
# year) than a fact, so it waits for `Aware:` like an unreadable date. A real late referral is
# then one `Aware: <date> because <reason>` away.
DOUBTFUL_MONTHS = 3


class Source(StrEnum):
    BUSINESS_MANAGER = "business_manager"
    FORM = "form"
    RECEIPT = "receipt"


LABELS = {
    Source.BUSINESS_MANAGER: "the date given with Aware:",
    Source.FORM: "the SIN form's date",
    Source.RECEIPT: "the date the SIN form was received",
}
# What the explanation says of the reason for a correction (Choice.explanation).
CORRECTION_REASON = "the reason is kept in the case record"
# On a tie the more specific statement is named as the start.
_PRIORITY = {Source.BUSINESS_MANAGER: 0, Source.FORM: 1, Source.RECEIPT: 2}


@dataclass(frozen=True)
class Candidate:
    source: Source
    on: date
    recorded: bool = False  # the start already recorded on the case

    def label(self) -> str:
        earlier = " (as recorded earlier)" if self.recorded else ""
        return f"{LABELS[self.source]} {fmt_date(self.on)}{earlier}"


@dataclass(frozen=True)
class Facts:
    received: date
    today: date
    covered_years: frozenset[int]
    form: date | None = None
    business_manager: date | None = None
    reason: str = ""  # the Business Manager's reason: makes their date a correction
    incident: date | None = None
    recorded: Candidate | None = None  # the start in use before this change


@dataclass(frozen=True)
class SetAside:
    candidate: Candidate
    reasons: tuple[str, ...]
    flagged: bool  # the Business Manager should look at it


@dataclass(frozen=True)
class Choice:
    chosen: Candidate
    set_aside: tuple[SetAside, ...]
    correction: str = ""

    @property
    def assumption(self) -> str | None:
        if self.chosen.source is not Source.RECEIPT:
            return None
        return (
            "no plausible date for when the local authority became aware is known, so the date "
            f"the SIN form was received ({fmt_date(self.chosen.on)}) was used instead; the real "
            "deadline may be earlier."
        )

    def flags(self) -> tuple[SetAside, ...]:
        return tuple(s for s in self.set_aside if s.flagged)

    def explanation(self) -> str:
        if self.correction:
            # Fixed words, never the reason typed: reminders, escalations, invitations and
            # `Status` print this to the partners, and a reason may name the family (or come to,
            # once a later form gives a name it holds).
            start = (
                f"Start: a correction given with Aware:, {fmt_date(self.chosen.on)} "
                f"({CORRECTION_REASON})."
            )
        else:
            start = f"Start: {self.chosen.label()}, the earliest plausible date known."
        # A date the same as the start was not set aside: saying so under every key-dates
        # block ("...: the same date.") reads as if something had been.
        rest = [
            f"Set aside: {s.candidate.label()}: {'; '.join(s.reasons)}."
            for s in self.set_aside
            if s.flagged or s.candidate.on != self.chosen.on
        ]
        return "\n".join([start, *rest])


def problems(facts: Facts, on: date) -> tuple[str, ...]:
    """Why `on` cannot be when the local authority became aware; empty when plausible."""
    found = []
    if on > facts.today:
        found.append("it is in the future")
    if on > facts.received:
        found.append(f"it is later than the SIN form was received ({fmt_date(facts.received)})")
    incident = facts.incident
    if incident is not None and incident <= facts.received and on < incident:
        found.append(f"it is before the incident date on the form ({fmt_date(incident)})")
    slip = year_slip(facts, on)
    if on < add_months(facts.received, -OLDEST_MONTHS):
        found.append(f"it is more than {OLDEST_MONTHS} months before the SIN form was received")
    elif slip is None and on < add_months(facts.received, -DOUBTFUL_MONTHS):
        found.append(
            f"it is more than {DOUBTFUL_MONTHS} months before the SIN form was received, so "
            "panel_notification would have been long overdue before the form arrived"
        )
    if slip is not None:
        found.append(
            f"the year looks mistyped: {fmt_date(slip)}? (as written, panel_notification "
            "would have been long overdue before the SIN form arrived)"
        )
    return tuple(found + _uncountable(facts, on))


def year_slip(facts: Facts, on: date) -> date | None:
    """The date `on` likely meant when its year is the arrival's written wrong (last year's
    number in early January, mostly), or None: the same day and month in the year the SIN form
    arrived, when that is not after the arrival. Only for a date a year or more back, which
    would put the clock long past; 29 February has no such day in most years."""
    if on.year >= facts.received.year or on > add_months(facts.received, -OLDEST_MONTHS):
        return None
    try:
        meant = on.replace(year=facts.received.year)
    except ValueError:
        return None
    return meant if meant <= facts.received else None


def _uncountable(facts: Facts, on: date) -> list[str]:
    if on.year in facts.covered_years:
        return []
    years = sorted(facts.covered_years)
    return [f"the working calendar cannot count from {on.year} (it covers {years[0]}-{years[-1]})"]


def choose(facts: Facts) -> Choice:
    """The start of panel_notification, and every other known date with why it was not used."""
    if facts.business_manager is not None and facts.reason and not _fixed_problems(facts):
        return _corrected(facts, facts.business_manager)
    checked = [(c, _checked(facts, c)) for c in _candidates(facts)]
    plausible = [c for c, found in checked if not found]
    chosen = min(plausible, key=lambda c: (c.on, _PRIORITY[c.source], not c.recorded))
    aside = [
        SetAside(c, found, True) if found else _later(c, chosen)
        for c, found in checked
        if c != chosen
    ]
    return Choice(chosen, tuple(sorted(aside, key=lambda s: _PRIORITY[s.candidate.source])))


def _candidates(facts: Facts) -> list[Candidate]:
    found = [Candidate(Source.RECEIPT, facts.received)]
    if facts.form is not None:
        found.append(Candidate(Source.FORM, facts.form))
    if facts.business_manager is not None:
        found.append(Candidate(Source.BUSINESS_MANAGER, facts.business_manager))
    recorded = facts.recorded
    if recorded is not None and not any(
        (c.source, c.on) == (recorded.source, recorded.on) and not _checked(facts, c) for c in found
    ):
        # Without a correction a start never moves later, so the old start stays a candidate:
        # beside the same date given again when that now looks wrong (a corrected form's later
        # incident), which is set aside and flagged while the start stays where it was.
        found.append(Candidate(recorded.source, recorded.on, recorded=True))
    return found


def _checked(facts: Facts, candidate: Candidate) -> tuple[str, ...]:
    # The receipt is a fact, and a recorded start was checked when it was recorded.
    if candidate.source is Source.RECEIPT or candidate.recorded:
        return ()
    return problems(facts, candidate.on)


def _later(candidate: Candidate, chosen: Candidate) -> SetAside:
    if candidate.on == chosen.on:
        return SetAside(candidate, ("the same date",), False)
    if chosen.recorded and candidate.source is not Source.RECEIPT:
        reason = (
            "later than the start already recorded; only a correction "
            f"(Aware: {fmt_date(candidate.on)} because <reason>) moves it later"
        )
        return SetAside(candidate, (reason,), True)
    return SetAside(candidate, ("later than the date used",), False)


def _fixed_problems(facts: Facts) -> tuple[str, ...]:
    """A correction may contradict the form and the receipt, but not the clock or calendar."""
    on = facts.business_manager
    assert on is not None
    found = ["it is in the future"] if on > facts.today else []
    return tuple(found + _uncountable(facts, on))


def _corrected(facts: Facts, on: date) -> Choice:
    chosen = Candidate(Source.BUSINESS_MANAGER, on)
    replaced = "replaced by a correction given with Aware:"
    aside = [SetAside(Candidate(Source.RECEIPT, facts.received), (replaced,), False)]
    if facts.form is not None and facts.form != on:
        # A form that disagrees with the correction is worth a second look.
        aside.insert(0, SetAside(Candidate(Source.FORM, facts.form), (replaced,), True))
    return Choice(chosen, tuple(aside), facts.reason)


def refusal(facts: Facts, on: date, reason: str) -> str | None:
    """Why the Business Manager's `Aware: <on> [because <reason>]` cannot be recorded, or None.

    Without a reason the date must be plausible and may not start the clock later than it
    starts now (`facts.recorded`); with one, only a date in the future or one the calendar
    cannot count is refused.
    """
    fixed = _fixed_problems(replace(facts, business_manager=on))
    if fixed:
        return f"{'; '.join(fixed)}."
    if reason:
        return None
    found = problems(facts, on)
    current = facts.recorded
    if not found and current is not None and on > current.on:
        found = (f"it is later than the date panel_notification runs from ({current.label()})",)
    if not found:
        return None
    return (
        f"{'; '.join(found)}. If the date is right, give the reason: "
        f"Aware: {fmt_date(on)} because <reason>"
    )

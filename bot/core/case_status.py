"""The case view sent by email in answer to `Status`: one frozen snapshot, rendered by a template.

Pure data and decisions. The service (bot.services.case_status) reads the case and fills
these values in; this module decides what the view may say. It goes to the Business Manager
and the statutory partners' representatives only, by email, so it names the child by initials
and nobody from the forms at all: every value read from a form that could identify a person
(names, addresses, dates of birth, contact details) is withheld from any free text the view
repeats (deadline explanations, warnings). Of the chronology, a partner reads only fixed words
(bot.core.status_events); a complaint or escalation record is shown to the Business Manager
only (`refusal`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from bot.core.closed_ahead import act_today_count
from bot.core.deadlines import RULES
from bot.core.lifecycle_stages import Role
from bot.core.return_rounds import agency_of, request_number
from bot.core.screening_vote import CHOICE_LABELS, ROLE_LABELS
from bot.core.status_events import EventLine

KIND_WORDS = {
    "review": "serious incident notification",
    "complaint": "complaint from the public",
    "escalation": "escalation",
}
KIND_RECORDS = {"complaint": "a complaint record", "escalation": "an escalation record"}


@dataclass(frozen=True)
class DeadlineLine:
    title: str  # what must happen, in words
    due: date
    state: str  # overdue, due_today, open, met, not_required
    # Working days late, when overdue; None when the calendar cannot count them (`uncounted`).
    days_overdue: int | None
    met_on: date | None
    explanation: str  # the rule, the start date, the holidays skipped
    uncounted: str = ""  # why no count of working days late is given
    # Due while the council is closed, no working day before it: the words the digest says
    # (bot.core.closed_ahead), ending ": act today"; None otherwise.
    while_closed: str | None = None
    closed_by: str | None = None  # with while_closed: "weekend" or "council closed"


@dataclass(frozen=True)
class VoteLine:
    partner: str
    choice: str
    at: datetime
    replaced: bool


@dataclass(frozen=True)
class ReturnLine:
    agency: str
    requested_on: date
    return_by: date
    overdue: bool


@dataclass(frozen=True)
class AnswerLine:
    partner: str
    said: str
    at: datetime | None


@dataclass(frozen=True)
class MeetingLine:
    purpose: str
    start: datetime
    end: datetime
    location: str
    state: str  # "cancelled", or whether the panel is quorate
    answers: tuple[AnswerLine, ...]


@dataclass(frozen=True)
class DraftLine:
    number: int
    what: str


@dataclass(frozen=True)
class CaseStatus:
    ref: str
    initials: str
    kind: str  # review (from a SIN), complaint or escalation
    status: str  # open or closed
    stage: str  # in words
    decision: str  # the Screening Panel's decision, or where the vote stands
    notifiable: str
    cspr: str
    today: date
    warnings: tuple[str, ...]
    deadlines: tuple[DeadlineLine, ...]
    votes: tuple[VoteLine, ...]
    returns: tuple[ReturnLine, ...]  # outstanding only
    meetings: tuple[MeetingLine, ...]
    drafts: tuple[DraftLine, ...]
    events: tuple[EventLine, ...]  # newest first
    # As recorded (the Business Manager), or each by a fixed phrase (bot.core.status_events).
    events_in_full: bool

    @property
    def overdue(self) -> int:
        return sum(d.state == "overdue" for d in self.deadlines)

    @property
    def act_today(self) -> str:
        """Due while the council is closed or at the weekend, with no working day before (today
        is the last), counted for the subject as the lines say it; "" for none."""
        return act_today_count(d.closed_by for d in self.deadlines if d.closed_by)

    @property
    def is_review(self) -> bool:
        """Only a review has a Screening Panel decision, a notification and a CSPR; saying
        "not recorded yet" of them on a complaint would suggest something is missing."""
        return self.kind == "review"

    @property
    def kind_words(self) -> str:
        return KIND_WORDS.get(self.kind, self.kind.replace("_", " "))


# --- Who may see it ----------------------------------------------------------------------------


def refusal(kind: str, asked_as: str) -> str | None:
    """Why `Status` on a record of `kind` is not answered for the role `asked_as`, or None.

    A complaint or escalation record is a member of the public's (or a professional's) own
    correspondence, answered by the Business Manager: no partner gives a command on it, and
    even its chronology would tell them who wrote and when. So it is refused, not trimmed.
    """
    if kind == "review" or asked_as == Role.BUSINESS_MANAGER:
        return None
    return (
        f"{KIND_RECORDS.get(kind, 'this record')} is shown to the Business Manager only (it "
        "holds what the person who raised it wrote); ask the Business Manager where it stands"
    )


# --- Deciding the lines ------------------------------------------------------------------------


def deadline_title(name: str, agency_names: dict[str, str]) -> str:
    """ "Agency returns its Appendix B ... (Greater Manchester Police)" for appendix_b:gmp."""
    base, _, qualifier = name.partition(":")
    rule = RULES.get(base)
    title = rule.summary if rule else base.replace("_", " ")
    if not qualifier:
        return title
    if (agency := agency_of(name)) is not None and (number := request_number(name)):
        # A request answered before the agency was asked again (bot.core.return_rounds).
        return f"{title} ({agency_names.get(agency, agency)}, request {number})"
    return f"{title} ({agency_names.get(qualifier, qualifier.replace('_', ' '))})"


def choice_words(choice: str | None) -> str:
    return CHOICE_LABELS.get(choice or "", (choice or "").replace("_", " "))


def partner_words(role: str) -> str:
    return ROLE_LABELS.get(role, role.replace("_", " "))


def yes_no(value: bool | None, unknown: str = "not recorded yet") -> str:
    return unknown if value is None else ("yes" if value else "no")


def outstanding(
    returns: Iterable[tuple[str, date, date, datetime | None]], today: date
) -> tuple[ReturnLine, ...]:
    """Returns (agency name, requested, return by, received) not yet in, soonest due first."""
    waiting = [r for r in returns if r[3] is None]
    waiting.sort(key=lambda r: (r[2], r[0]))
    return tuple(ReturnLine(a, asked, by, by < today) for a, asked, by, _ in waiting)


def uncounted_words(covered: frozenset[int]) -> str:
    """Said of an overdue deadline due in a year the working calendar does not cover (a case
    left open for years): a count of working days late would be a guess."""
    first, last = min(covered), max(covered)
    return (
        "how many working days late cannot be given: it is outside the years the working "
        f"calendar covers ({first}-{last}). Record what met it, or close the case if nothing "
        "more is owed"
    )


def deadline_order(lines: Iterable[DeadlineLine]) -> tuple[DeadlineLine, ...]:
    """What must be acted on first: overdue, due today (or today for want of a working day
    before it), then open by date, then the met ones."""
    rank = {"overdue": 0, "due_today": 1, "open": 2}

    def first(d: DeadlineLine) -> tuple[int, date, str]:
        return (1 if d.while_closed else rank.get(d.state, 3), d.due, d.title)

    return tuple(sorted(lines, key=first))

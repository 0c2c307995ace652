"""`tscp-bot triage new-case N`: a SIN form left on the triage list, opened as a case of its own.

A SIN form sent on a case's thread that names another child or incident, and the second of two
SIN forms in one email, are not applied: the message goes on the triage list and the Business
Manager is asked (bot.core.plan_forms). When she decides it is a new notification, its case is
opened as if the email had arrived unthreaded: its form read, its clocks counted from the day
the email arrived (never the day she decides; a Screening Panel clock already run out is said
to be overdue from the start), the panel invited and the referrer acknowledged; a forwarded
SIN as on arrival (bot.core.forwarded_sin), from the day it was first sent when that is sure.
The case the message was on and the new one name each other. A person has read it, so the
checks for a SIN sent again are not made: they would put it back on the list she clears.

Which form is opened:
- a form naming the child and incident of the case the message is filed on (read on both sides
  and equal, bot.core.form_identity) is that case's own: it opened or corrected that case;
- a form this command has opened a case from is done: a second run says which case;
- forms of one email naming the same child and incident (a .docx and its PDF) are one
  notification, read together.
The one notification left is opened. When several are left the bot cannot tell which a person
means, so it asks for one by its document (--form), and opens one case per run.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from bot.core import forwarded_sin
from bot.core.deadlines import fmt_date
from bot.core.form_identity import Recorded, compare, recorded_of
from bot.core.forms import Extraction
from bot.core.new_case_command import command
from bot.core.plan_effects import (
    Acknowledge,
    ApplySinForm,
    BookScreening,
    Effect,
    FileOnCase,
    OpenCase,
    Triage,
)

WHOLE = ""  # the message's SIN form read from all its documents together: one notification


@dataclass(frozen=True)
class FormRead:
    """One SIN form in the message: the document it was read from alone (WHOLE: the message's
    form, read from every document as ingest reads it) and what was read."""

    document: str
    form: Extraction


@dataclass(frozen=True)
class Facts:
    """Everything the decision reads about message `number`, gathered once."""

    number: int
    status: str  # stored | processed | quarantined
    on_triage: bool
    read: bool  # the mailbox gave its bytes: a placeholder has none
    filed_on: str | None  # the case the message is filed on
    # That case's child and incident as stored, when it is a review case (None otherwise).
    filed_record: Recorded | None
    forms: tuple[FormRead, ...]  # its SIN forms; none when no SIN form could be read
    no_form: str  # why not, in a few words, when there is none
    opened: Mapping[str, str]  # document (WHOLE for the whole form) -> the case opened from it
    wanted: str | None  # the document asked for (--form)
    arrived: date  # the day the email reached the mailbox: its clocks count from it...
    screening_due: date  # the Screening Panel's 2 working days, counted from that start
    today: date
    can_acknowledge: bool
    no_ack_reason: str
    # Its subject or text reads as a new SIN (bot.core.rules `reads_as_sin`), so it may be
    # opened with no form, as a new SIN by its subject is: "SIN form to follow".
    reads_as_sin: bool = False
    # ...unless it passes on an email someone else wrote, sent on a day read for sure
    # (bot.core.forwarded_sin.clocks_start).
    forward: forwarded_sin.Forward | None = None
    answer_to: str = ""  # where its acknowledgement goes (bot.core.autoreply.answer_address)


@dataclass(frozen=True)
class Refused:
    why: str  # one line


@dataclass(frozen=True)
class AlreadyOpened:
    said: str  # one line: the case (or cases) it opened before


@dataclass(frozen=True)
class LinkCases:
    """The case the message was filed on and the new case name each other."""

    other: str


@dataclass(frozen=True)
class MarkOpened:
    """Keep on the message which documents opened which case: a second run says so."""

    documents: tuple[str, ...]


@dataclass(frozen=True)
class OverdueFromStart:
    """The Screening Panel's 2 working days ran out before the case was opened."""

    due: date
    start: date  # the day its clocks count from
    today: date
    first_sent: bool = False  # `start` is the day a forwarded email was sent, not its arrival


@dataclass(frozen=True)
class NoteOnCase:
    """Something for a person about the case opened (a forwarded SIN's day to check): the
    triage list names the case, as the message may stay filed on the one it came on."""

    reason: str


Step = (
    OpenCase
    | ApplySinForm
    | FileOnCase
    | BookScreening
    | Acknowledge
    | Triage
    | LinkCases
    | MarkOpened
    | OverdueFromStart
    | NoteOnCase
)


@dataclass(frozen=True)
class Opening:
    documents: tuple[str, ...]  # read together to open the case; (WHOLE,): the message's form
    steps: tuple[Step, ...]


Notification = tuple[FormRead, ...]


def decide(f: Facts) -> Refused | AlreadyOpened | Opening:
    """The case to open and how, the case opened before, or why none is opened (one line)."""
    n = f.number
    state = _not_processed(f)
    if state is not None:
        return Refused(state)
    if not f.forms:
        return _without_form(f)
    found = notifications(f.forms)
    clash = _same_name(found)
    if clash is not None:
        start = forwarded_sin.clocks_start(f.forward, f.arrived)
        return Refused(
            f"message #{n} holds SIN forms of different notifications in documents both named "
            f"{clash}: the bot cannot tell them apart; forward each on its own to open its case "
            f"(its clocks then count from the forward, not from {fmt_date(start)})"
        )
    chosen = _chosen(f, found)
    if isinstance(chosen, Refused | AlreadyOpened):
        return chosen
    waiting = [g for g in found if g is not chosen and _waiting(f, g)]
    return Opening(documents(chosen), _steps(f, found, chosen, waiting))


def _without_form(f: Facts) -> Refused | AlreadyOpened | Opening:
    """A new notification by its words alone ("SIN form to follow"), opened as such a SIN's
    arrival opens one: the acknowledgement asks for the form."""
    n = f.number
    if not f.reads_as_sin:
        return Refused(f"message #{n} carries no SIN form the bot can read ({f.no_form})")
    if f.opened:
        refs = ", ".join(dict.fromkeys(f.opened.values()))
        return AlreadyOpened(f"message #{n} already opened {refs}: nothing more done")
    if not f.on_triage:
        where = f"filed on {f.filed_on}" if f.filed_on else "dealt with"
        return Refused(f"message #{n} is not on the triage list ({where}): nothing to open")
    # No form to name: the message itself is what was opened, so a second run says so.
    steps = (
        MarkOpened((WHOLE,)) if isinstance(s, MarkOpened) else s for s in _steps(f, [], (), [])
    )
    return Opening((WHOLE,), tuple(steps))


def _not_processed(f: Facts) -> str | None:
    n = f.number
    if not f.read:
        return f"message #{n} was never read from the mailbox: there is no form to open a case from"
    if f.status == "stored":
        return (
            f"message #{n} is waiting to be processed on the next pass; if it needs a person "
            "then, it will be on the triage list"
        )
    if f.status == "quarantined":
        return (
            f"message #{n} is quarantined: the bot could not finish reading it. Once IT has "
            f"looked, tscp-bot triage retry {n}"
        )
    return None


def _chosen(f: Facts, found: list[Notification]) -> Notification | Refused | AlreadyOpened:
    """The notification to open, or why none is."""
    n = f.number
    named = [g for g in found if f.wanted in documents(g)] if f.wanted is not None else []
    if f.wanted is not None and not named:
        listed = ", ".join(_listed(found))
        return Refused(
            f"message #{n} has no SIN form in a document named {f.wanted!r}"
            + (f"; its SIN forms: {listed}" if _named(found) else ": leave out --form")
        )
    waiting = [g for g in found if _waiting(f, g)]
    ref = _opened(f, named[0]) if named else None
    if ref is not None:
        return AlreadyOpened(f"{f.wanted} in message #{n} already opened {ref}: nothing done")
    if not named and not waiting and f.opened:
        refs = ", ".join(dict.fromkeys(f.opened.values()))
        return AlreadyOpened(f"message #{n} already opened {refs}: nothing more done")
    if not f.on_triage:
        where = f"filed on {f.filed_on}" if f.filed_on else "dealt with"
        return Refused(
            f"message #{n} is not on the triage list ({where}): only a SIN form a person is "
            "asked about is opened as a new case"
        )
    if named:
        return Refused(_own_form(f, f.wanted)) if _own(f, named[0]) else named[0]
    if not waiting:
        return Refused(_own_form(f, None))
    if len(waiting) > 1:
        return Refused(
            f"message #{n} holds SIN forms of {len(waiting)} notifications not yet opened as a "
            f"case ({', '.join(_listed(waiting))}): the bot cannot tell which you mean; name "
            f"one, as {command(n, documents(waiting[0])[0])}"
        )
    return waiting[0]


def _own_form(f: Facts, document: str | None) -> str:
    which = f"{document} in message #{f.number}" if document else f"message #{f.number}'s SIN form"
    return (
        f"{which} names {f.filed_on}'s own child and incident: it is that case's notification "
        "or its correction, not a new one; nothing to open"
    )


def _steps(
    f: Facts, found: list[Notification], chosen: Notification, waiting: list[Notification]
) -> tuple[Step, ...]:
    # The message moves to the new case unless its case keeps a form of it (the first of two
    # forms opened that case) or an earlier run moved it: a message is filed on one case.
    refile = f.filed_on is None or not (f.opened or any(_own(f, g) for g in found))
    opened = forwarded_sin.opened_from(f.forward)
    since = opened.counted_from
    steps: list[Step] = [opened, ApplySinForm()]
    if refile:
        steps.append(FileOnCase("opened as a case of its own from the triage list"))
    steps.append(BookScreening())
    ack = forwarded_sin.acknowledgement(f.forward, f.can_acknowledge)
    told = f.answer_to if any(isinstance(e, Acknowledge) for e in ack) else None
    steps += _on_new_case(ack) or [
        Triage(f"not acknowledged ({f.no_ack_reason}): answer the sender another way")
    ]
    if f.filed_on is not None:
        steps.append(LinkCases(f.filed_on))
    steps.append(MarkOpened(documents(chosen)))
    if f.screening_due < f.today:
        steps.append(
            OverdueFromStart(f.screening_due, since or f.arrived, f.today, since is not None)
        )
    steps += _on_new_case(forwarded_sin.forwarded_note(f.forward, told))
    if waiting:
        left = ", ".join(_listed(waiting))
        steps.append(
            Triage(
                f"SIN forms not yet opened as a case: {left}; for each that is a new "
                f"notification, run {command(f.number)} --form <document>"
            )
        )
    return tuple(steps)


def _on_new_case(effects: list[Effect]) -> list[Step]:
    """A new SIN's acknowledgement and notes for a person, as this command applies them."""
    steps: list[Step] = []
    for effect in effects:
        if isinstance(effect, Triage):
            steps.append(NoteOnCase(effect.reason))
        elif isinstance(effect, Acknowledge):
            steps.append(effect)
    return steps


def notifications(forms: Sequence[FormRead]) -> list[Notification]:
    """The forms grouped by notification: a form joins the first whose child and incident it
    does not contradict (bot.core.form_identity), in the order the documents came."""
    groups: list[list[FormRead]] = []
    for read in forms:
        same = next((g for g in groups if _same_notification(g[0], read)), None)
        if same is None:
            groups.append([read])
        else:
            same.append(read)
    return [tuple(g) for g in groups]


def _same_notification(one: FormRead, other: FormRead) -> bool:
    return not compare(recorded_of(one.form), other.form).differs


def documents(group: Notification) -> tuple[str, ...]:
    return tuple(dict.fromkeys(read.document for read in group))


def _listed(groups: Sequence[Notification]) -> list[str]:
    return [" and ".join(documents(g)) or "the SIN form" for g in groups]


def _named(found: Sequence[Notification]) -> bool:
    return any(read.document != WHOLE for g in found for read in g)


def _same_name(found: Sequence[Notification]) -> str | None:
    """A document name that stands for forms of two notifications: neither can be named."""
    seen: dict[str, int] = {}
    for index, group in enumerate(found):
        for name in documents(group):
            if seen.setdefault(name, index) != index:
                return name
    return None


def _own(f: Facts, group: Notification) -> bool:
    return f.filed_record is not None and not compare(f.filed_record, group[0].form).differs


def _opened(f: Facts, group: Notification) -> str | None:
    return next((f.opened[d] for d in documents(group) if d in f.opened), None)


def _waiting(f: Facts, group: Notification) -> bool:
    return _opened(f, group) is None and not _own(f, group)

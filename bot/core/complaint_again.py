"""A complaint from someone whose earlier complaint is still open: more of it, or a new one?

A fresh email (not on the complaint's thread, no reference in it) is filed on the open
complaint, as "I sent this last week, any news?" is more of it. But it may be a complaint
about another decision, owed its own written response within 20 working days of its
arrival: filed as a note, no clock would run and no one would be asked. So it is flagged
under "Needs your attention" and put on the triage list, with the day its response would be
due and the commands that settle it: `tscp-bot triage new-case N` opens it as its own
complaint record (its clock from the day it arrived, never the day she decides), `tscp-bot
triage done N` leaves it as more of the open one. A reply on the thread, or one quoting the
reference, is more of the same and is not asked about (bot.core.message_plan).

An email naming a reference no case has ("Complaint about TSCP-2026-0099") is filed on the
open complaint only as its likeliest home: she is told first that the reference is not a
known case, as for any email naming one, then the same question and the same two commands.
From someone with no open complaint it has no home at all: it goes on the triage list with
the day its response would be due, and `triage new-case N` opens it as a new complaint is
opened (counted from its arrival, acknowledged); `triage done N` if it is not one. A forwarded
one is opened as a forwarded complaint is on arrival: counted from the day its writer sent it
when that is read for sure, acknowledged to no one, so its would-be due day counts from that
day too. An escalation naming such a reference is opened, if a person says so, as one naming
no case is on arrival: its own record linked to no case, never to a guessed one.
"""

from __future__ import annotations

from datetime import date

from bot.core.deadlines import fmt_date
from bot.core.plan_effects import (
    Effect,
    FileOnCase,
    FlagMaybeNewComplaint,
    NoteHumanMail,
    Triage,
    TriageComplaintNotHeld,
    TriageEscalationNotHeld,
)
from bot.core.snapshot import Snapshot
from bot.core.triage_new_case import AlreadyOpened, Refused
from bot.core.would_be_due import due_words

MAYBE_NEW = "complaint_maybe_new"  # the case event, a digest flag (FLAG_EVENTS)


def complaint_again(snap: Snapshot) -> list[Effect]:
    """No second record, reference or acknowledgement on arrival; a person reads it on the
    complaint and decides whether it is a new one."""
    note = f"a complaint from the same person while their complaint {snap.case_ref} is open"
    named = snap.ref_not_held
    if named:
        note += f"; it names {named}, which is not a known case"
    flag = FlagMaybeNewComplaint(snap.case_ref or "", named)
    return [FileOnCase(note), NoteHumanMail(), flag]


def maybe_new_words(
    ref: str, number: int, arrived: date, due: date, not_held: str | None = None
) -> str:
    """The flag and the triage reason: what it may be, its would-be due day, what to run;
    first, when it names a reference no case has, that it does."""
    what = (
        f"message #{number} refers to {not_held}, which is not a known case (a mistyped "
        f"reference?); it is from the complainant of {ref}, which is open, and is filed there "
        "for now: it may be more of it, or a new complaint"
        if not_held
        else f"message #{number}, a fresh email from the complainant while {ref} is open, may "
        "be a new complaint"
    )
    counted = due_words(due, f"its arrival on {fmt_date(arrived)}", bracketed=True)
    return (
        f"{what}: if it is, its written response is {counted}); open it as its own complaint "
        f"record with tscp-bot triage new-case {number}, or if it is more of {ref}, "
        f"tscp-bot triage done {number}"
    )


def refusal(
    number: int, on_triage: bool, filed_on: str, flagged_on: str
) -> Refused | AlreadyOpened | None:
    """Why `triage new-case` opens no complaint from a message flagged on `flagged_on`, if it
    does not: once opened or marked done it is off the list, and a second record is wrong."""
    if filed_on != flagged_on:
        return AlreadyOpened(f"message #{number} already opened {filed_on}: nothing more done")
    if on_triage:
        return None
    return Refused(
        f"message #{number} is not on the triage list (filed on {filed_on}): nothing to open"
    )


def not_a_known_case(snap: Snapshot) -> list[Effect]:
    """An email naming a reference no case has, on no case: a complaint or an escalation among
    them is owed its own record if it is a new one, so the triage line says how to open it; a
    forwarded complaint as it would be opened on arrival, its clock from the day it was sent."""
    ref = snap.case_ref or ""
    if snap.kind == "complaint":
        if snap.forwarded:
            return [TriageComplaintNotHeld(ref, True, snap.first_written, snap.first_written_doubt)]
        return [TriageComplaintNotHeld(ref)]
    if snap.kind == "escalation":
        return [TriageEscalationNotHeld(ref)]
    return [Triage(f"refers to {ref}, which is not a known case")]


def not_held_words(
    e: TriageComplaintNotHeld, number: int, arrived: date, start: date | None, due: date
) -> str:
    """The triage reason of a complaint naming a reference no case has: its would-be due day,
    counted from the day its record would count from (`start`: a forward's earlier day), and
    the two commands."""
    how = (
        " as a forwarded complaint, acknowledged to no one (the forwarder is not the complainant)"
        if e.forwarded
        else ""
    )
    return (
        f"refers to {e.not_held}, which is not a known case: if it is a new complaint, "
        f"tscp-bot triage new-case {number} opens it{how} (its written response would be "
        f"{due_words(due, _since(e, arrived, start), bracketed=False)}); "
        f"tscp-bot triage done {number} if not"
    )


def _since(e: TriageComplaintNotHeld, arrived: date, start: date | None) -> str:
    if not e.forwarded:
        return f"its arrival on {fmt_date(arrived)}"
    if start is not None:
        return (
            f"{fmt_date(start)}, the day the forwarded email says the complainant sent it, not "
            f"{fmt_date(arrived)}, when the forward arrived"
        )
    unsure = (
        f", as the day the forwarded email was sent could not be read for sure: {e.doubt}"
        if e.doubt
        else ""
    )
    return f"{fmt_date(arrived)}, when the forward arrived{unsure}"


def escalation_not_held_words(not_held: str, number: int) -> str:
    """The triage reason of an escalation naming a reference no case has: opened, it is an
    escalation record linked to no case, as one naming none is on arrival (never linked to a
    case on a guess at a mistyped reference); it has no clock to give a day for."""
    return (
        f"refers to {not_held}, which is not a known case: if it is an escalation, tscp-bot "
        f"triage new-case {number} opens it as an escalation record linked to no case, as "
        "one naming no case is opened on arrival (the writer acknowledged if the bot can "
        "answer them, the Business Manager and the Independent Scrutineer alerted; an "
        f"escalation has no response clock); tscp-bot triage done {number} if not"
    )


def unfiled_refusal(
    number: int, on_triage: bool, opened: str | None
) -> Refused | AlreadyOpened | None:
    """Why `triage new-case` opens no record from a complaint filed on no case, if it does not:
    once opened a second record is wrong; once marked done a person has decided."""
    if opened is not None:
        return AlreadyOpened(f"message #{number} already opened {opened}: nothing more done")
    if on_triage:
        return None
    return Refused(f"message #{number} is not on the triage list (dealt with): nothing to open")

"""What a form on a case does to it: a SIN form corrects the case it names, unless it names
another child or incident; a form naming another case is flagged (bot.core.message_plan)."""

from __future__ import annotations

from bot.core.deadlines import fmt_date
from bot.core.forwarded_sin import counted_since, forward_of
from bot.core.new_case_command import command, typed
from bot.core.plan_effects import AlertNow, ApplySinForm, Effect, FlagFormCase, OpenCase, Triage
from bot.core.snapshot import Snapshot


def form_counts(snap: Snapshot) -> bool:
    """A reply's body quotes our own mail, words and all: only a form pasted in whole (every
    required field read) counts there; an attached form counts as it always has."""
    form = snap.form
    if form is None:
        return False
    return snap.kind != "case_reply" or snap.has_attachments or form.complete


def sin_form(snap: Snapshot) -> list[Effect]:
    """A SIN form arriving on a review case (a correction) updates the case's fields, unless
    it names another child or incident: then it may be a new notification, with its own
    screening clock, and a person decides."""
    form = snap.form
    is_sin = snap.kind == "sin" or (form is not None and form.form == "sin")
    on_review = snap.case_kind == "review"
    if not (form_counts(snap) and is_sin and on_review):
        return []
    if snap.form_differs:
        return _other_child(snap)
    return [ApplySinForm()]


def _other_child(snap: Snapshot) -> list[Effect]:
    ref = snap.case_ref
    what = ", ".join(snap.form_differs)
    question = (
        f"a SIN form naming a different child or incident on {ref} ({what} not the case's): "
        "a new notification or a correction?"
    )
    advice = (
        f"Nothing from it was recorded on {ref}. If it is a new notification (its 2-working-day "
        f"screening clock may be running), run {new_case(snap)} {_counted(snap)}; if it "
        "corrects this case, the case's details are unchanged: correct them with the sender"
    )
    return [Triage(f"{question} {advice}"), AlertNow(f"{question} {advice}.")]


def new_case(snap: Snapshot) -> str:
    """The command that opens the message's SIN form as a case of its own
    (bot.core.triage_new_case)."""
    return command(snap.stored_as if snap.stored_as is not None else "N")


_COUNT = {2: "two", 3: "three", 4: "four"}


def several_sin_forms(snap: Snapshot, effects: list[Effect]) -> list[Effect]:
    """SIN forms for more than one incident in one email: one notification per incident. The
    first form is read (a case opened from it, its clock running); the others are not merged
    into it, and the Business Manager is told now to send each on its own."""
    names = snap.sin_forms
    if len(names) < 2:
        return []
    first, rest = names[0], names[1:]
    opened = any(isinstance(e, OpenCase) for e in effects)
    applied = ApplySinForm() in effects
    if opened:
        read = f"the case was opened from {first}"
    elif applied:
        read = f"only {first} was read into {snap.case_ref}"
    else:
        read = f"only {first} was read"
    said = (
        f"{_COUNT.get(len(names), str(len(names)))} SIN forms in one email "
        f"({', '.join(names)}): {read}; {_advice(snap, rest if opened or applied else names)}"
    )
    if not (opened or applied):
        clock = "its 2-working-day screening clock may be running"
        return [Triage(said), AlertNow(f"{said} ({clock}).")]
    # The first form was acted on: the alert says so, and asks only about the others.
    return [Triage(said), AlertNow(_still_to_do(snap, rest), first, opened)]


def _counted(snap: Snapshot) -> str:
    """The day that command counts the new case's clocks from, as a new SIN's arrival would."""
    since = counted_since(forward_of(snap))
    when = "the day it arrived" if since is None else f"{fmt_date(since)}, when it was first sent"
    return f"to open it as a new case, counted from {when}"


def _advice(snap: Snapshot, unused: tuple[str, ...]) -> str:
    """How to open the forms not yet opened: one is named by the message alone; several are
    told apart by their document, one run each."""
    if len(unused) == 1:
        return f"if {unused[0]} is another incident, run {new_case(snap)} {_counted(snap)}"
    each = ", ".join(typed(name) for name in unused)
    return (
        f"run {new_case(snap)} --form <document> for each of {each} that is a new "
        f"notification, {_counted(snap)}"
    )


def _still_to_do(snap: Snapshot, rest: tuple[str, ...]) -> str:
    if len(rest) == 1:
        return (
            f"{rest[0]} was not read. If it is another incident, run {new_case(snap)} "
            f"{_counted(snap)}: its 2-working-day screening clock may be running."
        )
    return (
        f"{', '.join(rest)} were not read. For each that is another incident, run "
        f"{new_case(snap)} --form <document> {_counted(snap)}: each one's 2-working-day screening "
        "clock may be running."
    )


def form_case_mismatch(snap: Snapshot) -> list[Effect]:
    if not form_counts(snap):
        return []
    form_ref = snap.form.case_ref if snap.form is not None else None
    if form_ref is None or snap.case_ref is None or form_ref == snap.case_ref:
        return []
    return [FlagFormCase(form_ref, snap.case_ref)]

"""Mail a person wrote on a record: whether a person reads it, and what they are told of it.

Split from bot.core.message_plan, which calls these after deciding the message's effects.
"""

from __future__ import annotations

from bot.core.plan_effects import (
    AlertNow,
    ApplySinForm,
    Effect,
    FileOnCase,
    NoteHumanMail,
    OpenCase,
    RecordReturn,
    RunCommands,
    Triage,
)
from bot.core.snapshot import Snapshot

REVIEW_ASKED = (
    "the complainant has written again after it was closed: they may be asking for a review "
    "(procedure: the Business Manager arranges the review)"
)


def human_note(snap: Snapshot, effects: list[Effect]) -> list[Effect]:
    """A person's reply filed on a case may be news for the BM, and so may an automatic reply,
    which a person wrote ("away until 11 January; the child is back in hospital, contact DI
    Sample") unless it is mail returned by a machine.

    So may the email that brings a return or a corrected SIN form: the form is recorded by its
    own effects, but "Please also note the sibling was admitted to hospital last night" beside
    it is read as any reply is. So are the words written around a form pasted into the body
    ("Please note the father was released on bail this morning", above the return): the
    form's own lines are left out of them (bot.core.pasted_form).

    Whether it says anything worth a person's time is bot.core.attention's question.
    """
    kinds = {type(e) for e in effects}
    if FileOnCase not in kinds or AlertNow in kinds or OpenCase in kinds:
        return []
    answered = RunCommands in kinds
    if kinds & {RecordReturn, ApplySinForm}:
        return [NoteHumanMail(beside_form=True, commands_answered=answered)]
    # An automatic reply under a reused Message-ID waits on the triage list alone; a person's
    # reply so sent may be news told again (a copy by another route is not: see plan()).
    automatic = not snap.returned_mail and not snap.message_id_reused
    written = snap.kind == "case_reply" or (snap.kind == "auto_reply" and automatic)
    return [NoteHumanMail(commands_answered=answered)] if written else []


def complainant_after_closing(snap: Snapshot, effects: list[Effect]) -> list[Effect]:
    """The complainant writing on their complaint once it is closed: "I am not satisfied with
    the response" is how a review is asked for, and no clock would remind anyone of it."""
    filed = any(isinstance(e, FileOnCase) for e in effects)
    return [Triage(REVIEW_ASKED)] if snap.from_complainant and not snap.case_open and filed else []


def automatic_mail(snap: Snapshot) -> list[Effect]:
    """Mail labelled automatic: filed on its case and never answered, nor obeyed. Command lines
    in it ("Vote: rapid review" from a partner whose gateway marks every email Precedence:
    bulk) may be a person's, so they are put before one, who asks for them again; before, they
    were dropped and the email went to Processed."""
    if not snap.case_exists:
        return automatic_on_no_case(snap)
    filed: list[Effect] = [FileOnCase("automatic message: never answered")]
    # An out-of-office its headers mark as one was written before the email it answers: its
    # "Agencies: please contact the MASH" is no command given now.
    if not snap.automatic_commands or snap.returned_mail or snap.automatic_answer:
        return filed
    lines = "; ".join(f'"{line}"' for line in snap.automatic_commands)
    why = (
        f"labelled automatic ({snap.automatic or 'automatic mail'}) but it holds command lines, "
        f"not carried out: {lines}; if a person wrote them, ask them to send them again, or "
        f'give them yourself with tscp-bot command {snap.case_ref} "<line>"'
    )
    return [*filed, Triage(why)]


def automatic_on_no_case(snap: Snapshot) -> list[Effect]:
    """Mail labelled automatic that names no case is put before a person, unless surely no one
    wrote it now: a delivery report, a mail daemon, our own mail back (bot.services.delivery
    reads those), or an out-of-office its headers mark as answering mail sent from the mailbox.

    Anything else only a label says is automatic may be a person writing: a post to a list
    the mailbox is on ("a pupil disclosed she is being hit at home"), a records system's email
    written by a social worker, a subject typed "Out of office cover over Christmas". Filed
    nowhere and answered by nothing, it would reach no one; on the triage list it waits in the
    inbox and the digest, as any mail naming no case does.
    """
    if snap.returned_mail or snap.automatic_answer:
        return []
    label = snap.automatic or "automatic mail"
    return [
        Triage(
            f"labelled automatic ({label}) and names no case: a person may have written it; "
            "nothing was done with it and nobody was answered"
        )
    ]

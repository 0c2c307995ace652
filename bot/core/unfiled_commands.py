"""Commands that cannot be tied to one case: in mail that names no case, several (a reply to
the daily digest), or one in its subject and another in its thread. They are carried out on
none, a person is asked, and she who gave them is told so (bot.services.unfiled_commands).
"""

from __future__ import annotations

from bot.core.plan_effects import (
    OPENS_RECORD,
    Effect,
    FileOnCase,
    TellCommandsOnNewRecord,
    TellCommandsUnfiled,
    Triage,
)
from bot.core.snapshot import Snapshot


def commands_on_no_case(snap: Snapshot, effects: list[Effect]) -> list[Effect]:
    """Commands in mail that names no case, or several (a reply to the digest names every case
    it lists, bot.core.rules), are carried out nowhere, and she who gave them must not believe
    they were. Never said to a machine or to a forger: only to one who may give commands and
    passed their authentication, to whom a reference we do not hold tells nothing she could not
    ask. On a record being opened for the message, they are not carried out either, and she is
    told on its thread (TellCommandsOnNewRecord). Commands only below the signature are told
    the same way: the sender hears of each one, once (bot.services.signature_lines)."""
    if not ((snap.has_commands or snap.below_signature) and snap.commands_allowed):
        return []
    machine = snap.kind == "auto_reply" or not snap.can_acknowledge
    if machine or snap.case_exists or snap.message_id_reused:
        return []
    what = "commands" if snap.has_commands else "commands below the signature"
    if snap.case_ref is not None:
        return _told(what, f"its reference {snap.case_ref} names no case (a mistyped reference?)")
    if any(isinstance(e, OPENS_RECORD) for e in effects):
        why = "the email opened a new record"
        return [
            TellCommandsOnNewRecord(),
            Triage(f"{what} not carried out ({why}); the sender was told"),
        ]
    why = (
        "it answers the daily digest or names several cases"
        if snap.several_cases
        else "it names no case"
    )
    return _told(what, why)


def _told(what: str, why: str) -> list[Effect]:
    return [
        TellCommandsUnfiled(why),
        Triage(f"{what} not carried out ({why}); the sender was told"),
    ]


def crossed(snap: Snapshot) -> list[Effect]:
    """Its subject names one case and it answers an email about another: a vote or a decision
    carried out on the wrong one would be worse than none, so neither runs, and a person is
    asked. She who gave the commands is told, as when they name no case."""
    why = f"its subject names {snap.case_ref} while it answers an email about {snap.crossed_thread}"
    told = snap.commands_allowed and snap.can_acknowledge
    return [
        FileOnCase("commands not carried out: the subject and the thread name different cases"),
        *([TellCommandsUnfiled(why)] if told else []),
        Triage(f"commands not carried out ({why}){'; the sender was told' if told else ''}"),
    ]

"""`Status`: a read-only command. It records nothing but its own chronology entry (written by
bot.services.commands.run_command); the case view itself is sent once every line of the
email has been carried out, so it shows what the other lines changed. A partner asking about a
complaint or escalation record is refused (bot.core.case_status.refusal)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.adapters.db.models import Case
from bot.app import App
from bot.core import commands as c
from bot.core.case_status import refusal
from bot.services.review.common import Actor, CommandRefused


def status(
    session: Session, app: App, case: Case, cmd: c.StatusRequest, actor: Actor, now: datetime
) -> str:
    if cmd.ref is not None and cmd.ref != case.ref:
        raise CommandRefused(
            f"this email is about {case.ref}, not {cmd.ref}; ask for {cmd.ref} in a new email "
            f"with the subject: Status {cmd.ref}"
        )
    if (refused := refusal(case.kind, actor.role)) is not None:
        raise CommandRefused(refused)
    if actor.via == "email":
        return "nothing changed; the case as it stands is in a separate email to you"
    return f"nothing changed; the case as it stands: tscp-bot case {case.ref}"

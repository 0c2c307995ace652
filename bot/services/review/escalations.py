"""`About case: <ref>`: an escalation record opened with no case (it named none, or a reference
no case has) tied to the case the Business Manager learns it is about, as one naming the case
is on arrival: the case's history and the digest's list of open escalations then show it.

Accepted on a closed escalation record too: which case it was about is often learnt after it was
dealt with, and the case's history should still show it.

Linked once: moving an escalation from one case to another would leave the first case's
history saying something no longer true, so that is refused, and the same case again changes
nothing.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.adapters.db.models import Case
from bot.app import App
from bot.core import commands as c
from bot.core.lifecycle_stages import Stage
from bot.services.cases import find_case
from bot.services.review.common import Actor, CommandRefused, note


def about_case(
    session: Session, app: App, case: Case, cmd: c.AboutCase, actor: Actor, now: datetime
) -> str:
    if case.kind != "escalation":
        raise CommandRefused("this applies to escalation records only")
    target = _target(session, case, cmd.ref)
    if case.parent_id == target.id:
        return f"escalation {case.ref} is already linked to {target.ref}: nothing changed"
    if case.parent_id is not None:
        linked = session.get(Case, case.parent_id)
        named = linked.ref if linked is not None else "another case"
        raise CommandRefused(f"escalation {case.ref} is already linked to {named}")
    case.parent_id = target.id
    said = f"Escalation {case.ref} linked to {target.ref}"
    note(session, target, now, "escalation_linked", said, actor, cmd.line)
    note(session, case, now, "linked_to_case", said, actor, cmd.line)
    closed = case.stage == Stage.CLOSED
    shown = "its history shows it" if closed else "its history and the digest show it"
    return f"escalation {case.ref} linked to {target.ref}; {shown}"


def _target(session: Session, case: Case, ref: str) -> Case:
    target = find_case(session, ref)
    if target is None:
        raise CommandRefused(f"no case {ref}: check the reference; nothing linked")
    if target.id == case.id or target.kind == "escalation":
        raise CommandRefused(f"{ref} is an escalation record, not a case it can be about")
    return target

"""Lines like commands and not one command, from one who gives them, on a case: what the plan
needs to know of them, and the answer to her who wrote them (bot.core.near_commands decides).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.adapters.db.models import Case, StoredMessage
from bot.app import App
from bot.core.commands import ParsedCommands, new_text
from bot.core.message import MailMessage
from bot.core.near_commands import command_like
from bot.services.cases import add_event
from bot.services.mailout import queue_email

EVENT = "command_not_recognised"
# The case event the digest lists under "Needs your attention" (bot.services.digest_cases).
FLAG = "no_command_recognised"


def lines_like_commands(msg: MailMessage, parsed: ParsedCommands | None) -> tuple[str, ...]:
    """Asked of a command giver's mail on a case: none when a line was read as a command, or
    started like one and could not be read (that line is answered with its reason)."""
    if parsed is None or parsed.commands or parsed.errors:
        return ()
    return command_like(new_text(msg.written()))


def tell_no_command_recognised(
    session: Session,
    app: App,
    case: Case,
    row: StoredMessage,
    msg: MailMessage,
    lines: tuple[str, ...],
    nearest: tuple[str, ...],
    now: datetime,
) -> None:
    """Answer once per email, on the case's thread; the digest lists it for the Business
    Manager, whoever wrote it."""
    add_event(
        session,
        case,
        now,
        FLAG,
        f"no command recognised in an email from {msg.from_addr}: " + " / ".join(lines),
        actor=msg.from_addr,
        why="nearest: " + ", ".join(nearest) if nearest else "",
    )
    queue_email(
        session,
        app,
        key=f"command-not-recognised:{row.sha256}",
        for_message=row,
        event=EVENT,
        to=[msg.from_addr],
        now=now,
        case=case,
        in_reply_to=f"<{row.message_id}>",
        context={
            "case": {"ref": case.ref, "initials": case.initials},
            "lines": list(lines),
            "nearest": [f"{_shown(word)}:" for word in nearest],
            "sent_at": row.received_at,
        },
    )


def _shown(word: str) -> str:
    """The table's keyword as people write it: "meeting held" as "Meeting held"."""
    return word[:1].upper() + word[1:].replace("cspr", "CSPR").replace("sos ", "SoS ")

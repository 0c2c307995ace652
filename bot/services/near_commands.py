"""Lines like commands and not one command, from one who gives them, on a case: what the plan
needs to know of them, and the answer to her who wrote them (bot.core.near_commands decides).

Only the lines' labels are kept, told and flagged ("Notifed:"), never their values: the answer
goes by ordinary email, to a partner as much as to her, and a value may be a child's details.
The digest, for the Business Manager, names the labels and the message's number, which she
opens on the case to read the lines whole.
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
    """The labels of the lines like commands in a command giver's mail on a case: none when a
    line was read as a command, or started like one and could not be read (that line is
    answered with its reason)."""
    if parsed is None or parsed.commands or parsed.errors:
        return ()
    return command_like(new_text(msg.written()))


def tell_no_command_recognised(
    session: Session,
    app: App,
    case: Case,
    row: StoredMessage,
    msg: MailMessage,
    labels: tuple[str, ...],
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
        f"no command recognised in message #{row.id} from {msg.from_addr}, in lines "
        f"beginning {_listed(labels)}",
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
            "labels": list(labels),
            "nearest": [f"{_shown(word)}:" for word in nearest],
            "sent_at": row.received_at,
        },
    )


def _shown(word: str) -> str:
    """The table's keyword as people write it: "meeting held" as "Meeting held"."""
    return word[:1].upper() + word[1:].replace("cspr", "CSPR").replace("sos ", "SoS ")


def _listed(labels: tuple[str, ...]) -> str:
    return ", ".join(f'"{label}"' for label in labels)

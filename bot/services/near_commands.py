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
from bot.core.commands.keywords import label_of
from bot.core.message import MailMessage
from bot.core.near_commands import NearLine, command_like, mistyped, nearest_commands
from bot.core.plan_effects import TellNoCommandRecognised
from bot.services.cases import add_event
from bot.services.mailout import queue_email
from bot.services.signature_lines import told_key

EVENT = "command_not_recognised"
# The case event the digest lists under "Needs your attention" (bot.services.raised_flags).
FLAG = "no_command_recognised"


def lines_like_commands(
    app: App, msg: MailMessage, parsed: ParsedCommands | None, arrived: datetime
) -> tuple[NearLine, ...]:
    """The lines like commands in a command giver's mail on a case: none when a line was read
    as a command, or started like one and could not be read (that line is answered with its
    reason)."""
    if parsed is None or parsed.commands or parsed.errors:
        return ()
    today = arrived.astimezone(app.config.partnership.time_zone).date()
    return command_like(new_text(msg.written()), today)


def tell_no_command_recognised(
    session: Session,
    app: App,
    case: Case,
    row: StoredMessage,
    msg: MailMessage,
    unread: TellNoCommandRecognised,
    now: datetime,
    parsed: ParsedCommands | None = None,
) -> None:
    """Answer once per email, on the case's thread; the digest lists it for the Business
    Manager, whoever wrote it. `parsed`: the lines below the signature it tells of, named in
    its key so that none is told of again (bot.services.signature_lines)."""
    key = f"command-not-recognised:{row.sha256}"
    labels, nearest, below = unread.labels, unread.nearest, unread.below_signature
    add_event(
        session,
        case,
        now,
        FLAG,
        _what(f"message #{row.id} from {msg.from_addr}", labels, below),
        actor=msg.from_addr,
        why="nearest: " + ", ".join(nearest) if nearest else "",
    )
    queue_email(
        session,
        app,
        key=told_key(key, msg.from_addr, parsed) if parsed is not None else key,
        for_message=row,
        event=EVENT,
        to=[msg.from_addr],
        now=now,
        case=case,
        in_reply_to=f"<{row.message_id}>",
        context={
            "case": {"ref": case.ref, "initials": case.initials},
            "labels": list(labels),
            "nearest": [label_of(word) for word in nearest],
            "below_signature": list(below),
            "sent_at": row.received_at,
        },
    )


# Said of a command below the signature, by its label only ("Vote: ..."): a signature may
# carry old commands, so none there is obeyed, and its value may be a child's details.
BELOW_SIGNATURE = (
    "not carried out: it stood below your signature, where no command is read. If you meant "
    'it, send it again above your signature (or after "PS"). You are told of this line once: '
    "if it is part of your signature, it will not be mentioned again."
)


def below_signature_told(
    session: Session,
    case: Case,
    row: StoredMessage,
    msg: MailMessage,
    parsed: ParsedCommands,
    now: datetime,
) -> list[dict[str, str]]:
    """Beside commands carried out, those below the signature: the lines the confirmation
    gives as not carried out, by their labels; the digest lists them for the Business
    Manager, whoever wrote them."""
    below = parsed.below_signature
    what = _what(f"message #{row.id} from {msg.from_addr}", (), below)
    add_event(session, case, now, FLAG, what, actor=msg.from_addr)
    return [{"line": f"{label} ...", "message": BELOW_SIGNATURE} for label in below]


def near_beside_commands_told(
    session: Session,
    app: App,
    case: Case,
    row: StoredMessage,
    msg: MailMessage,
    arrived: datetime,
    now: datetime,
) -> list[dict[str, str]]:
    """Beside commands read, lines like a command that none reads ("Notifed: 16/12/2026"
    beside "Vote: rapid review"): she believes them recorded, and nothing was. The
    confirmation gives them as not carried out, by their labels, with the nearest commands;
    the digest lists them for the Business Manager, whoever wrote them."""
    today = arrived.astimezone(app.config.partnership.time_zone).date()
    near = mistyped(command_like(new_text(msg.written()), today))
    if not near:
        return []
    labels = tuple(line.label for line in near)
    nearest = nearest_commands(near)
    add_event(
        session,
        case,
        now,
        FLAG,
        _what(f"message #{row.id} from {msg.from_addr}", labels, ()),
        actor=msg.from_addr,
        why="nearest: " + ", ".join(nearest) if nearest else "",
    )
    hint = ", ".join(label_of(word) for word in nearest)
    # The label in what is said too: to a partner the line itself goes back as "A line ...".
    said = 'not carried out: no command reads a line beginning "{}" (the nearest: {}).'
    return [{"line": f"{label} ...", "message": said.format(label, hint)} for label in labels]


def _what(message: str, labels: tuple[str, ...], below: tuple[str, ...]) -> str:
    """What the digest says of the lines: how those like commands begin, and the commands
    not carried out because they stood below the signature."""
    unsigned = f"commands below the signature not carried out: {_listed(below)}"
    if not labels:
        return f"{unsigned}, in {message}"
    said = f"no command recognised in {message}, in lines beginning {_listed(labels)}"
    return f"{said}; {unsigned}" if below else said


def _listed(labels: tuple[str, ...]) -> str:
    return ", ".join(f'"{label}"' for label in labels)

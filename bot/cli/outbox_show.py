"""`outbox show N`: one outgoing email in full, for the Business Manager or IT asking what
became of it. Like `case REF`, it is the Business Manager's own terminal: addresses and the
email's text are shown, as `outbox list` and the case view show them; nothing is logged."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from datetime import datetime, tzinfo
from typing import Any, TextIO

from bot.cli.context import Context, NotFound, need_id
from bot.cli.output import print_json
from bot.core.dates import fmt_at


def show_outbox(ctx: Context) -> int:
    from bot.services.outbox_view import outbox_detail

    row_id = need_id(ctx)
    with ctx.session() as session:
        detail = outbox_detail(session, row_id)
    if detail is None:
        raise NotFound(f"no outbox email #{row_id} (`tscp-bot outbox list` lists them)")
    if ctx.args.json:
        print_json(detail, sys.stdout)
    else:
        print_email(detail, ctx.config.partnership.time_zone, sys.stdout)
    return 0


def print_email(d: Mapping[str, Any], tz: tzinfo, out: TextIO) -> None:
    def at(value: datetime | None, none: str = "-") -> str:
        return fmt_at(value.astimezone(tz)) if value is not None else none

    out.write(f"Email #{d['id']}: {d['what']}\n\n")
    lines = [
        ("Case", d["case"] or "- (none)"),
        ("What", f"{d['what']} ({d['event']})"),
        ("Status", d["status"]),
        ("From", d["from"]),
        ("To", ", ".join(d["to"]) or "-"),
        ("Cc", ", ".join(d["cc"]) or "-"),
        ("Subject", d["subject"]),
        ("Queued", at(d["queued_at"])),
        ("Sent", at(d["sent_at"], "not yet" if d["status"] in _WAITING else "-")),
        ("Failed tries", _tries(d, at)),
    ]
    if d["server_said"]:
        lines.append(("Server said", d["server_said"]))
    if d["last_error"]:  # on an email still to go, why it has not gone yet
        lines.append(("Why it waits" if d["status"] in _WAITING else "Last error", d["last_error"]))
    lines += [
        ("Put off", f"{_copy(c, at)}, sent again as email #{c['id']}") for c in d["sent_again"]
    ]
    if d["copy_of"]:
        first = d["copy_of"]
        lines.append(("A copy of", f"email #{first['id']}, {_copy(first, at)}"))
    lines += [
        ("Approval", _approval(d, at)),
        ("Key", d["idempotency_key"]),
        ("Message-ID", f"<{d['message_id']}>"),
    ]
    if d["attachments"]:
        lines.append(("Files", ", ".join(d["attachments"])))
    width = max(len(label) for label, _ in lines) + 2
    out.writelines(f"{label + ':':<{width}}{value}\n" for label, value in lines)
    if d["not_delivered"]:
        out.write("\nNot delivered (refused for good, or a delivery report)\n")
        out.writelines(f"  {line}\n" for line in d["not_delivered"])
    heading = f"Text ({d['text_is']})"
    out.write(f"\n{heading}\n{'-' * len(heading)}\n{d['text'] or '(no text)'}\n")


_WAITING = ("pending", "draft", "held")


def _tries(d: Mapping[str, Any], at: Any) -> str:
    tries = str(d["attempts"])
    if d["next_attempt_at"] is not None:
        return f"{tries}; next try {at(d['next_attempt_at'])}"
    return tries


def _copy(copy: Mapping[str, Any], at: Any) -> str:
    """A copy for those a server put off, or the email it copies: whom and what became of it."""
    sent = f" {at(copy['sent_at'])}" if copy["sent_at"] is not None else ""
    return f"{', '.join(copy['to'])} ({copy['status']}{sent})"


def _approval(d: Mapping[str, Any], at: Any) -> str:
    if d["approve"]:
        return f"waiting for you: {d['approve']}"
    if d["approved_by"]:
        return f"approved by {d['approved_by']} {at(d['approved_at'])}"
    return "needed" if d["requires_approval"] else "not needed"

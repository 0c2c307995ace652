"""`triage`: the messages waiting for a person, taken off the list or sent round again."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from bot.cli.context import Context, NotFound, UsageError, need_id
from bot.cli.output import print_json, print_table

if TYPE_CHECKING:
    from bot.adapters.db.models import StoredMessage


def register(sub: Any) -> None:
    p = sub.add_parser("triage", help="messages waiting for a person: list, done ID, retry ID")
    p.add_argument("action", choices=["list", "done", "retry"])
    p.add_argument("id", nargs="?", type=int)
    p.add_argument("--json", action="store_true", help="print the list as JSON")
    p.set_defaults(handler=triage)


def triage(ctx: Context) -> int:
    if ctx.args.action == "list":
        return _triage_list(ctx)
    from bot.adapters.db.models import StoredMessage
    from bot.services.ingest import release_now

    app = ctx.app()
    with app.sessions() as session:
        row = session.get(StoredMessage, need_id(ctx))
        if row is None:
            raise NotFound(f"no message #{ctx.args.id}")
        done = ctx.args.action == "done"
        if done:
            _may_take_off(row)
            row.needs_triage = False
        else:
            _may_retry(row)
            # Quarantined or mis-handled mail gets a fresh run through the current rules,
            # and a fresh reason if it needs a person again.
            row.status, row.attempts, row.needs_triage = "stored", 0, False
            row.triage_reason = None
        row_id = row.id
        # The mark is kept before the mailbox is touched: if the move fails, the next pass
        # finds a pending release and moves it then.
        session.commit()
    if done:
        print(f"message #{row_id} taken off the triage list; {release_now(app, row_id)}")
    else:
        print(f"message #{row_id} will be processed again on the next pass")
    return 0


def _may_take_off(row: StoredMessage) -> None:
    """Only a message on the list comes off it: saying so of any other would be untrue."""
    if row.status == "stored":
        raise UsageError(
            f"message #{row.id} is waiting to be processed on the next pass; if it needs a "
            f"person then, it will be on the triage list and can be taken off it"
        )
    if not row.needs_triage:
        where = f"filed on {row.case.ref}" if row.case is not None else "dealt with"
        raise UsageError(f"message #{row.id} is not on the triage list ({where}): nothing to do")


def _may_retry(row: StoredMessage) -> None:
    """Only mail a person is waiting on goes round again: handled mail would open its case,
    and invite the panel, a second time."""
    if row.case is not None:
        raise UsageError(
            f"message #{row.id} is filed on {row.case.ref}; processing it again would act on it "
            f"twice. If it needs nothing more, take it off the list: tscp-bot triage done {row.id}"
        )
    if row.status == "stored":
        raise UsageError(f"message #{row.id} is already waiting to be processed on the next pass")
    if not row.size:
        # A placeholder for mail the mailbox would not give: there are no bytes to go round.
        raise UsageError(
            f"message #{row.id} was never read from the mailbox; deal with it in Outlook, then "
            f"take it off the list: tscp-bot triage done {row.id}"
        )
    if row.status != "quarantined" and not row.needs_triage:
        raise UsageError(f"message #{row.id} was handled and is not waiting for a person")


def _triage_list(ctx: Context) -> int:
    from sqlalchemy import select

    from bot.adapters.db.models import StoredMessage

    with ctx.session() as session:
        rows = [
            {
                "id": r.id,
                "status": _waiting(r.status),
                "received_at": r.received_at,
                "kind": r.kind,
                "from": r.from_addr,
                "subject": r.subject,
                "reason": r.triage_reason,
            }
            for r in session.scalars(
                select(StoredMessage)
                .where(StoredMessage.needs_triage.is_(True))
                .order_by(StoredMessage.id)
            )
        ]
    if ctx.args.json:
        print_json(rows, sys.stdout)
    else:
        print_table(
            ["#", "Status", "Received", "From", "Reason"],
            [[r["id"], r["status"], r["received_at"], r["from"], r["reason"]] for r in rows],
            sys.stdout,
            tz=ctx.config.partnership.time_zone,
        )
    return 0


def _waiting(status: str) -> str:
    """Mail on the triage list whose pass is over is waiting for a person, not "processed"
    (the word for mail the bot has finished with); quarantined or failed mail says so."""
    return "waiting" if status == "processed" else status

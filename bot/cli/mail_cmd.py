"""`classify`, `outbox`, `triage`: looking at mail in and out, and dealing with what is stuck."""

from __future__ import annotations

import getpass
import sys
from typing import TYPE_CHECKING, Any

from bot.cli.context import Context, NotFound, UsageError, existing_file
from bot.cli.output import print_json, print_table

if TYPE_CHECKING:
    from bot.adapters.db.models import StoredMessage
    from bot.app import App
    from bot.core.message import MailMessage
    from bot.services.process import Gathered


OUTBOX_STATES = ("pending", "sent", "failed", "draft", "superseded", "withdrawn")
EXIT_REFUSED = 2  # a draft held: its words changed since they were approved


def register(sub: Any) -> None:
    p = sub.add_parser("classify", help="show how a message would be classified; changes nothing")
    p.add_argument("file", help="an .eml file")
    p.add_argument("--json", action="store_true", help="print the classification as JSON")
    p.set_defaults(handler=classify_file)
    p = sub.add_parser("outbox", help="outgoing mail: list, retry one now, approve a draft")
    p.add_argument("action", choices=["list", "retry", "approve"])
    p.add_argument("id", nargs="?", type=int)
    p.add_argument("--json", action="store_true", help="print the list as JSON")
    p.add_argument("--status", choices=OUTBOX_STATES, help="list: only emails in this state")
    p.add_argument("--case", metavar="REF", help="list: only emails about this case")
    p.set_defaults(handler=outbox)
    p = sub.add_parser("triage", help="messages waiting for a person: list, done ID, retry ID")
    p.add_argument("action", choices=["list", "done", "retry"])
    p.add_argument("id", nargs="?", type=int)
    p.add_argument("--json", action="store_true", help="print the list as JSON")
    p.set_defaults(handler=triage)


def classify_file(ctx: Context) -> int:
    from bot.adapters.parsing import ParseError
    from bot.core.message_plan import as_json, describe, plan

    path = existing_file(ctx.args.file)
    app = ctx.app(database=False)
    try:
        msg = app.parse(path.read_bytes())
    except ParseError as exc:
        raise UsageError(f"{path}: cannot be read as an email ({exc})") from exc
    found = _gather_without_changes(app, msg)
    result, effects = found.classification, plan(found.snapshot)
    data = {
        "kind": str(result.kind),
        "rule": result.rule,
        "reasons": list(result.reasons),
        "case_ref": result.case_ref,
        "hits": list(result.hits),
        "misses": list(result.misses),
        "plan": [as_json(e) for e in effects],
    }
    if ctx.args.json:
        print_json(data, sys.stdout)
    else:
        print(f"{data['kind']}  (rule: {data['rule'] or '-'}, case: {data['case_ref'] or '-'})")
        for reason in result.reasons:
            print(f"  - {reason}")
        print("The bot would:" if effects else "The bot would do nothing with it.")
        for effect in effects:
            print(f"  - {describe(effect)}")
    return 0


def _gather_without_changes(app: App, msg: MailMessage) -> Gathered:
    """What ingest would read for this message; every session is rolled back."""
    from sqlalchemy.exc import SQLAlchemyError

    from bot.core.rules import ClassifyContext, classify
    from bot.services.process import context_for, gather

    now = app.clock.now()
    with app.sessions() as session:
        try:
            result = classify(msg, app.rules, context_for(session, app, msg))
            return gather(session, app, msg, result, now)
        except SQLAlchemyError:
            # No database yet: plan as if no case exists rather than refuse.
            session.rollback()
        finally:
            session.rollback()
    context = ClassifyContext(
        app.config.partnership.reference_prefix,
        frozenset({app.config.partnership.mailbox}),
        app.config.agency_domains,
        None,
    )
    return gather(None, app, msg, classify(msg, app.rules, context), now)


def _need_id(ctx: Context) -> int:
    if ctx.args.id is None:
        raise UsageError(f"{ctx.args.action} needs an ID")
    if not 0 < ctx.args.id <= _LARGEST_ID:  # no row has it, and the database cannot hold it
        raise NotFound(f"no #{ctx.args.id}: numbers run from 1 (see the list)")
    return int(ctx.args.id)


_LARGEST_ID = 2**63 - 1


def outbox(ctx: Context) -> int:
    if ctx.args.action == "list":
        return _outbox_list(ctx)
    from bot.services.approvals import ApprovalError, approve, restater
    from bot.services.outbox import retry_now

    # Releasing a row reads no rule, template or holiday, so none is loaded: the command, and
    # the email its commit wakes the running bot to send, are a quarter of a second sooner.
    app = ctx.app(lazy=True)
    if ctx.args.action == "approve":
        with app.sessions() as session:
            try:
                done = approve(
                    session,
                    _need_id(ctx),
                    actor=f"terminal:{getpass.getuser()}",
                    now=app.clock.now(),
                    restate=restater(app),
                )
            except ApprovalError as exc:
                raise NotFound(str(exc)) from exc
            session.commit()
        if done.held is not None:
            from bot.services.review.publication_notice import not_sent

            how = f"tscp-bot outbox approve {done.row.id}"
            print(f"tscp-bot: {not_sent(done.row.id, done.held, how)}", file=sys.stderr)
            return EXIT_REFUSED
        print(f"email #{done.row.id} approved; {_who_sends(app)}")
        return 0
    if not retry_now(app, _need_id(ctx), app.clock.now()):
        raise NotFound(
            f"no unsent outbox email #{ctx.args.id} (a draft is released with `outbox approve`)"
        )
    print(f"outbox #{ctx.args.id} back in the queue; {_who_sends(app)}")
    return 0


def _who_sends(app: App) -> str:
    """What happens next, as it is: a running bot was woken by the commit; with none running
    (cron's `run --once`, or the daemon stopped) the email waits, and the person should know."""
    from bot.clock import SystemClock
    from bot.services.health import OUTBOX
    from bot.services.leases import running_job

    with app.sessions() as session:
        if running_job(session, OUTBOX, SystemClock().now()):
            return "the running bot has been woken to send it"
    return "no bot is running to send it: it goes out on the next `tscp-bot run` or `run --once`"


def _outbox_list(ctx: Context) -> int:
    from sqlalchemy import select

    from bot.adapters.db.models import Case, OutboxMessage
    from bot.services.case_view import failures_by_outbox

    query = (
        select(OutboxMessage, Case.ref)
        .outerjoin(Case, OutboxMessage.case_id == Case.id)
        .order_by(OutboxMessage.id)
    )
    if ctx.args.status:
        query = query.where(OutboxMessage.status == ctx.args.status)
    with ctx.session() as session:
        if ctx.args.case:
            ref = ctx.args.case.upper()
            if session.scalar(select(Case.id).where(Case.ref == ref)) is None:
                raise NotFound(f"no case {ref}")
            query = query.where(Case.ref == ref)
        undelivered = failures_by_outbox(session)
        rows: list[dict[str, Any]] = [
            {
                "id": r.id,
                "status": r.status,
                "case": case_ref,
                "event": r.event,
                "to": r.recipients,
                "subject": r.subject,
                # Failed attempts since it was queued (or last retried by hand): a sent email
                # that went first time has 0.
                "attempts": r.attempts,
                "last_error": r.last_error,
                "created_at": r.created_at,
                "sent_at": r.sent_at,
                "not_delivered": undelivered.get(r.id, []),
            }
            for r, case_ref in session.execute(query)
        ]
    if ctx.args.json:
        print_json(rows, sys.stdout)
    else:
        print_table(
            ["#", "Status", "Failed tries", "Case", "To", "Subject"],
            [
                [r["id"], r["status"], r["attempts"], r["case"], ", ".join(r["to"]), r["subject"]]
                for r in rows
            ],
            sys.stdout,
            tz=ctx.config.partnership.time_zone,
        )
        _print_not_delivered(rows)
    return 0


def _print_not_delivered(rows: list[dict[str, Any]]) -> None:
    """Bounces under the table: a sent email that did not arrive must not look delivered."""
    lines = [f"  #{r['id']} {line}" for r in rows for line in r["not_delivered"]]
    if lines:
        print("\nDelivery reports received\n" + "\n".join(lines))


def triage(ctx: Context) -> int:
    if ctx.args.action == "list":
        return _triage_list(ctx)
    from bot.adapters.db.models import StoredMessage
    from bot.services.ingest import release_now

    app = ctx.app()
    with app.sessions() as session:
        row = session.get(StoredMessage, _need_id(ctx))
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

"""`classify`, `outbox`: looking at mail in and out, and sending what is stuck (`triage`, for
mail waiting for a person, is bot.cli.triage_cmd)."""

from __future__ import annotations

import getpass
import sys
from datetime import tzinfo
from typing import TYPE_CHECKING, Any

from bot.cli.context import Context, NotFound, UsageError, existing_file, need_id
from bot.cli.output import print_json, print_table

if TYPE_CHECKING:
    from bot.app import App
    from bot.core.message import MailMessage
    from bot.services.gather import Gathered


OUTBOX_STATES = ("pending", "sent", "failed", "draft", "superseded", "withdrawn", "held")
EXIT_REFUSED = 2  # a draft held: its words changed since they were approved


def register(sub: Any) -> None:
    p = sub.add_parser("classify", help="show how a message would be classified; changes nothing")
    p.add_argument("file", help="an .eml file")
    p.add_argument("--json", action="store_true", help="print the classification as JSON")
    p.set_defaults(handler=classify_file)
    p = sub.add_parser(
        "outbox", help="outgoing mail: list, show one in full, retry one now, approve a draft"
    )
    p.add_argument("action", choices=["list", "show", "retry", "approve"])
    p.add_argument("id", nargs="?", type=int)
    p.add_argument("--json", action="store_true", help="print the list or the email as JSON")
    p.add_argument("--status", choices=OUTBOX_STATES, help="list: only emails in this state")
    p.add_argument("--case", metavar="REF", help="list: only emails about this case")
    p.set_defaults(handler=outbox)


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
    from bot.services.gather import context_for, gather

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


def outbox(ctx: Context) -> int:
    if ctx.args.action == "list":
        return _outbox_list(ctx)
    if ctx.args.action == "show":
        from bot.cli.outbox_show import show_outbox

        return show_outbox(ctx)
    from bot.services.approvals import ApprovalError, NotApprovable, approve, restater
    from bot.services.outbox_retry import retry_now

    # Releasing a row reads no rule, template or holiday, so none is loaded: the command, and
    # the email its commit wakes the running bot to send, are a quarter of a second sooner.
    app = ctx.app(lazy=True)
    if ctx.args.action == "approve":
        with app.sessions() as session:
            try:
                done = approve(
                    session,
                    need_id(ctx),
                    actor=f"terminal:{getpass.getuser()}",
                    now=app.clock.now(),
                    restate=restater(app),
                    tz=app.config.partnership.time_zone,
                )
            except NotApprovable as exc:  # it exists: refused, as README's exit 2 says
                print(f"tscp-bot: {exc}", file=sys.stderr)
                return EXIT_REFUSED
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
    if not retry_now(app, need_id(ctx), app.clock.now()):
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
    from bot.core.refusal_words import server_said
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
                # The refusal in the server's words, where the last error was one.
                "server_said": server_said(r.last_error),
                "next_attempt_at": r.next_attempt_at if r.status == "pending" else None,
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
        _print_waiting(rows, ctx.config.partnership.time_zone)
        _print_failed(rows)
    return 0


def _print_waiting(rows: list[dict[str, Any]], tz: tzinfo) -> None:
    """Why each email tried and not sent yet waits: a server's "try again later" in its own
    words (greylisting is not a full mailbox), cut to the terminal as the table above is."""
    waiting = [r for r in rows if r["status"] == "pending" and r["attempts"] and r["last_error"]]
    if not waiting:
        return
    print("\nWaiting to be tried again (tscp-bot outbox show N says more)")
    print_table(
        ["#", "Next try", "Why it waits"],
        [[r["id"], r["next_attempt_at"], r["server_said"] or r["last_error"]] for r in waiting],
        sys.stdout,
        tz=tz,
    )


def _print_not_delivered(rows: list[dict[str, Any]]) -> None:
    """Bounces under the table: a sent email that did not arrive must not look delivered."""
    lines = [f"  #{r['id']} {line}" for r in rows for line in r["not_delivered"]]
    if lines:
        print("\nDelivery reports received\n" + "\n".join(lines))


def _print_failed(rows: list[dict[str, Any]]) -> None:
    """Why each failed email was refused: "failed" alone does not say what to mend."""
    lines = [f"  #{r['id']} {r['last_error']}" for r in rows if r["status"] == "failed"]
    if lines:
        print("\nRefused for good (tscp-bot outbox retry N sends one again)\n" + "\n".join(lines))

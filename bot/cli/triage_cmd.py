"""`triage`: the messages waiting for a person, taken off the list, sent round again, or a SIN
form on it opened as a case of its own."""

from __future__ import annotations

import getpass
import sys
from collections.abc import Callable
from functools import cache, partial
from typing import TYPE_CHECKING, Any

from bot.cli.context import Context, NotFound, UsageError, need_id
from bot.cli.output import print_json, print_table

if TYPE_CHECKING:
    from bot.adapters.db.models import StoredMessage
    from bot.core.working_days import WorkingCalendar
    from bot.services.triage_new_case import Opened
    from bot.services.triage_new_complaint import Opened as OpenedComplaint


def register(sub: Any) -> None:
    p = sub.add_parser(
        "triage",
        help="messages waiting for a person: list, done ID, retry ID, new-case ID",
        description="Messages waiting for a person. new-case ID opens the SIN form of message "
        "ID (one naming another child or incident than its case, or a second SIN form in one "
        "email) as a new case, its clocks counted from the day the email arrived (a forwarded "
        "SIN's from the day it was first sent, when that can be read for sure); on a fresh "
        "complaint flagged as maybe a new one, or a complaint naming a reference no case has, "
        "it opens the complaint as its own record, its 20 working days from the day it arrived "
        "(a forwarded one's as on arrival); on an escalation naming a reference no case has, "
        "an escalation record linked to no case. Mail in Junk Email is listed too, with no "
        "number: no command applies to it (the bot never reads, moves or deletes junk); it "
        "leaves the list when it leaves that folder.",
    )
    p.add_argument("action", choices=["list", "done", "retry", "new-case"])
    p.add_argument("id", nargs="?", type=int)
    p.add_argument("--json", action="store_true", help="print the list as JSON")
    p.add_argument(
        "--form",
        metavar="DOCUMENT",
        help="new-case: the document whose SIN form to open, when the email holds several",
    )
    p.set_defaults(handler=triage)


def triage(ctx: Context) -> int:
    if ctx.args.action == "list":
        return _triage_list(ctx)
    if ctx.args.action == "new-case":
        return _new_case(ctx)
    if ctx.args.form is not None:
        raise UsageError("--form is for new-case: which SIN form of the message to open")
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
            row.begun = 0  # its stops are forgiven with its failures: a fresh run
            # Should it stop passes again, its hold counts from then: one noted before it was
            # quarantined would make it overdue at once, and counted without being held.
            row.triage_reason, row.held_since = None, None
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
    from bot.bootstrap import calendar_for
    from bot.services.junk_triage import junk_entries
    from bot.services.mail_names import names

    calendar = cache(partial(calendar_for, ctx.config, ctx.clock().now()))
    with ctx.session() as session:
        found = list(
            session.scalars(
                select(StoredMessage)
                .where(StoredMessage.needs_triage.is_(True))
                .order_by(StoredMessage.id)
            )
        )
        named = names(session, [(r.id, r.size, r.from_addr, r.subject) for r in found])
        rows = [
            {
                "id": r.id,
                "status": _waiting(r.status),
                "received_at": r.received_at,
                "kind": r.kind,
                "from": named[r.id][0],
                "subject": named[r.id][1],
                "reason": _reason_now(r.triage_reason, calendar),
            }
            for r in found
        ]
        rows += junk_entries(session, ctx.config)
    if ctx.args.json:
        print_json(rows, sys.stdout)
        return 0
    shown, left = _shown(rows)
    print_table(
        ["#", "Status", "Received", "From", "Subject", "Reason"],
        [
            [r["id"], r["status"], r["received_at"], r["from"], r["subject"], r["reason"]]
            for r in shown
        ],
        sys.stdout,
        tz=ctx.config.partnership.time_zone,
    )
    if left:
        print(
            f"and {left} more in Junk Email not listed here, none looking as if it may start a "
            "clock: look at the folder in Outlook (--json lists them all)"
        )
    return 0


def _shown(rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], int]:
    """The rows the table shows, and how many junk ones it leaves out: a junk folder holds
    hundreds of spam, which would bury the mail waiting for a person. Every junk message that
    may start a clock is shown (they come first); the rest up to MOST_LISTED junk lines."""
    from bot.core.junk import MOST_LISTED

    junk = [r for r in rows if r["kind"] == "junk"]
    keep = [r for i, r in enumerate(junk) if r["may_start_a_clock"] or i < MOST_LISTED]
    return [r for r in rows if r["kind"] != "junk"] + keep, len(junk) - len(keep)


def _reason_now(reason: str | None, calendar: Callable[[], WorkingCalendar]) -> str | None:
    """Its would-be due day counted now, as `triage new-case` would count it. The bank
    holidays are read only for such a line: the listing otherwise loads the database alone."""
    from bot.core.would_be_due import gives_due, recounted

    if reason is None or not gives_due(reason):
        return reason
    return recounted(reason, calendar())


def _waiting(status: str) -> str:
    """Mail on the triage list whose pass is over is waiting for a person, not "processed"
    (the word for mail the bot has finished with); quarantined or failed mail says so."""
    return "waiting" if status == "processed" else status


def _new_case(ctx: Context) -> int:
    from bot.core.triage_new_case import AlreadyOpened, Refused
    from bot.services.ingest import release_now
    from bot.services.triage_new_case import open_new_case

    number = need_id(ctx)
    app = ctx.app()
    actor = f"terminal:{getpass.getuser()}"
    if ctx.args.form is None and _new_complaint(app, number, actor):
        return 0
    done = open_new_case(app, number, ctx.args.form, actor)
    if done is None:
        raise NotFound(f"no message #{number}")
    if isinstance(done, Refused):
        raise UsageError(done.why)
    if isinstance(done, AlreadyOpened):
        print(done.said)
        return 0
    for line in _opened_lines(number, done, app.config.partnership.time_zone):
        print(line)
    if done.triage_reason is None:
        print(f"message #{number} taken off the triage list; {release_now(app, number)}")
    else:
        print(f"message #{number} stays on the triage list: {done.triage_reason}")
    return 0


def _opened_lines(number: int, done: Opened, tz: Any) -> list[str]:
    from bot.core.deadlines import fmt_date

    which = "its SIN form" if done.documents == ("",) else " and ".join(done.documents)
    lines = [f"message #{number}: {done.ref} opened from {which}, counted from {_since(done, tz)}"]
    if done.overdue:
        lines.append(
            f"{done.ref}: the Screening Panel was due {fmt_date(done.screening_due)}: it is "
            "overdue from the start (no email gives that day as one to come)"
        )
    else:
        lines.append(f"{done.ref}: the Screening Panel is due {fmt_date(done.screening_due)}")
    told = [
        "the Screening Panel invited"
        if done.invited
        else "no screening slot fits: book it by hand",
        "the referrer acknowledged" if done.acknowledged else "the referrer not acknowledged",
    ]
    if done.linked is not None:
        told.append(f"{done.linked} and {done.ref} name each other")
    lines.append("; ".join(told))
    return lines


def _since(done: Opened, tz: Any) -> str:
    """The day its clocks count from, and why that day."""
    from bot.core.deadlines import fmt_date

    arrived = done.arrived.astimezone(tz)
    at = f"{fmt_date(arrived.date())} {arrived:%H:%M}"
    if done.first_sent is not None:
        return (
            f"{fmt_date(done.first_sent)}, the day the forwarded email says it was sent "
            f"(the forward arrived {at})"
        )
    if not done.arrival_known:
        return f"{at}, when the bot read it (the mailbox gave no arrival time)"
    return f"{at}, when the email arrived"


def _new_complaint(app: Any, number: int, actor: str) -> bool:
    """A fresh complaint flagged as maybe a new one, or a complaint or escalation naming a
    reference no case has, opened as its own record; False: the message is no such complaint
    or escalation (its SIN form is what new-case opens)."""
    from bot.core.triage_new_case import AlreadyOpened, Refused
    from bot.services.ingest import release_now
    from bot.services.triage_new_complaint import OpenedEscalation, open_new_complaint

    done = open_new_complaint(app, number, actor)
    if done is None:
        return False
    if isinstance(done, Refused):
        raise UsageError(done.why)
    if isinstance(done, AlreadyOpened):
        print(done.said)
        return True
    if isinstance(done, OpenedEscalation):
        told = "the writer acknowledged" if done.acknowledged else "the writer not acknowledged"
        print(
            f"message #{number}: escalation {done.ref} opened, linked to no case (no response "
            f"clock); {told}; the Business Manager and the Independent Scrutineer alerted"
        )
    else:
        print(f"message #{number}: complaint {done.ref} opened, {_complaint_told(done)}")
    if done.waiting is None:
        print(f"message #{number} taken off the triage list; {release_now(app, number)}")
    else:
        print(f"message #{number} stays on the triage list: {done.waiting}")
    return True


def _complaint_told(done: OpenedComplaint) -> str:
    """The day its clock counts from and why, its due day, and who was acknowledged."""
    from bot.core.deadlines import fmt_date

    if done.counted != done.arrived:
        since = (
            f"counted from {fmt_date(done.counted)}, the day the forwarded email says the "
            f"complainant sent it (the forward arrived {fmt_date(done.arrived)})"
        )
    elif done.forwarded:
        since = f"counted from the forward's arrival on {fmt_date(done.arrived)}"
    else:
        since = f"counted from its arrival on {fmt_date(done.arrived)}"
    if done.forwarded:
        told = "no one acknowledged (the forwarder is not the complainant)"
    elif done.acknowledged:
        told = "the complainant acknowledged"
    else:
        told = "the complainant not acknowledged"
    return f"{since}; written response due {fmt_date(done.due)}; {told}"

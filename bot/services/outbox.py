"""Sending the outbox: claim a due row, send it, record the outcome; retry with backoff.

A row is claimed (an UPDATE that only succeeds if nobody else holds it), so several bot
instances sharing one database never send the same email at once; the claim outlasts any send
(bot.services.outbox_claim).

Sent exactly once, as near as SMTP allows: the start of each attempt is committed before the
SMTP transaction and cleared with its outcome. A row claimed with an attempt still open was
being sent when the process died (or the connection failed after the message had gone, so
the server may have it); before sending it again, the mailbox's Sent folder is searched for
its Message-ID, and if it is there the email is marked sent, not sent twice. Where the server
files it there only later (Graph), it is looked for again for a while, then put to a person
(bot.services.sent_look).

Never given up silently: a send that fails for a reason that can pass (server down, timeout,
4xx, login refused) is retried for as long as it takes, the wait doubling up to
retry_max_seconds; only a refusal for good (5xx for every recipient, or for the message
itself) marks it failed, kept and shown in the digest, and the Business Manager is told at
once (bot.services.undelivered). Recipients refused while others accepted:
bot.services.partly_sent.
"""

from __future__ import annotations

import logging
import re
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.adapters.db.models import OutboxMessage
from bot.adapters.outgoing import BatchingSender, MailSender, RecipientsRefusedError, SendError
from bot.app import App
from bot.core.backoff import retry_delay
from bot.core.unconfirmed_send import Looked
from bot.services.outbox_claim import ClaimLost, claim, close_as_sent, open_attempt
from bot.services.partly_sent import narrow_to_put_off, record_refusals
from bot.services.send_checks import Before, before_sending
from bot.services.sent_look import look_again_error, look_in_sent
from bot.services.undelivered import refused_for_good

log = logging.getLogger(__name__)
# An email address in a server's answer ("550 5.1.1 <jo@example.org>: no such user").
_ADDRESS = re.compile(r"[^\s<>(),;:\"']+@[^\s<>(),;:\"']+")
# Walks of the outbox in one `run --once` drain: the mail waiting, what sending it queued,
# and what that queued. A bound: nothing queued as mail is sent keeps the drain going.
DRAIN_ROUNDS = 3
_NEWEST = select(func.max(OutboxMessage.id))  # built once: a drain asks it each walk
Span = tuple[int, int]  # outbox ids: after the first, up to and including the second


@dataclass
class SendReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    # Of `sent`: found already in the Sent folder after an attempt cut short, so not re-sent.
    found_sent: int = 0
    # Chases, notices and requests no longer true when they could go: never sent.
    withdrawn: int = 0
    # Notices to outside bodies whose dates stopped being true while they waited: not sent,
    # held for the Business Manager (bot.services.send_checks).
    held: int = 0
    # Chases of an Appendix B request that has not gone yet: looked at again after it.
    waiting: int = 0
    # A full batch went out: more may be due now, without waiting for the next run.
    more: bool = False
    # Why the mail server could not be reached or refused the login (each reason once): every
    # email waits until someone mends it, which `run --once` reports with exit 1.
    server_trouble: list[str] = field(default_factory=list)


def send_due(app: App, sender: MailSender, *, limit: int = 200) -> SendReport:
    """Send up to `limit` due emails, oldest first (one run of the daemon's outbox job)."""
    report = SendReport()
    ids = _due_ids(app, limit)
    with _one_connection(sender):
        _send_each(app, sender, ids, report)
    done = report.sent + report.retrying + report.failed + report.withdrawn + report.held
    report.more = len(ids) == limit and done > 0
    return report


def send_all(app: App, sender: MailSender, *, batch: int = 200) -> SendReport:
    """Send every email that was due when called, `batch` rows at a time (`run --once`), then
    what that sending queued and is due at once, up to DRAIN_ROUNDS walks in all.

    Each walk takes the rows in id order up to the newest there was at its start, the next
    only those queued since: the drain ends however large the outbox, and a row another
    instance holds, or one waiting for its retry, is never read twice. Sending may queue mail
    due at once (a correction, a notice to the Business Manager that an email was held); from
    cron the next run may be an hour away, so it goes in this one.
    """
    report = SendReport()
    after = 0
    with _one_connection(sender):
        for _ in range(DRAIN_ROUNDS):
            upto = _newest_id(app)
            if upto <= after:
                break
            if not _walk(app, sender, report, batch, (after, upto)):
                break  # nothing was due, so nothing this drain did can have queued more
            after = upto
    return report


def _walk(app: App, sender: MailSender, report: SendReport, batch: int, span: Span) -> int:
    """Send what is due in `span`, `batch` rows at a time; how many rows were due."""
    after, upto = span
    walked = 0
    while True:
        ids = _due_ids(app, batch, after=after, upto=upto)
        _send_each(app, sender, ids, report)
        walked += len(ids)
        if len(ids) < batch:
            return walked
        after = ids[-1]


def _one_connection(sender: MailSender) -> AbstractContextManager[None]:
    """One connection for the whole drain where the sender can keep one (SMTP)."""
    return sender.batch() if isinstance(sender, BatchingSender) else nullcontext()


def _send_each(app: App, sender: MailSender, ids: list[int], report: SendReport) -> None:
    for row_id in ids:
        try:
            _send_one(app, sender, row_id, report)
        except SQLAlchemyError:
            raise  # the database is the job's problem, not this email's
        except Exception as exc:  # one email the sender cannot handle never blocks the rest
            log.error("outbox #%d could not be sent (%s)", row_id, type(exc).__name__)
            _unexpected(app, row_id, exc, report)


def _unexpected(app: App, row_id: int, exc: Exception, report: SendReport) -> None:
    with app.sessions() as session:
        row = session.get(OutboxMessage, row_id)
        if row is None:
            return
        error = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
        # Retried, never dropped; an attempt left open is looked up in Sent first, as after a crash.
        _schedule_retry(app, row, SendError(error), report)
        row.claimed_until = None
        session.commit()


def _due_ids(app: App, limit: int, *, after: int = 0, upto: int | None = None) -> list[int]:
    now = app.clock.now()
    query = (
        select(OutboxMessage.id)
        .where(
            OutboxMessage.status == "pending",
            OutboxMessage.next_attempt_at <= now,
            OutboxMessage.id > after,
        )
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    if upto is not None:
        query = query.where(OutboxMessage.id <= upto)
    with app.sessions() as session:
        return list(session.scalars(query))


def _newest_id(app: App) -> int:
    with app.sessions() as session:
        return session.scalar(_NEWEST) or 0


def _send_one(app: App, sender: MailSender, row_id: int, report: SendReport) -> None:
    with app.sessions() as session:
        claimed = claim(session, row_id, app.clock.now())
        if claimed is None:
            return
        row, held = claimed
        try:
            _send_claimed(app, session, sender, row, held, report)
        except ClaimLost:
            # Another instance took it while the Sent folder was searched: it is theirs now.
            session.rollback()
            log.warning("outbox #%d: its claim ran out before sending; left to the other", row_id)


def _send_claimed(
    app: App, session: Session, sender: MailSender, row: OutboxMessage, held: datetime,
    report: SendReport,
) -> None:  # fmt: skip
    if row.attempt_started_at is None:
        # The usual case: the claim is renewed and committed with the attempt's start
        # (_attempt), one commit before a byte reaches the server.
        _finish(session, row, _attempt_unless_stale(app, session, sender, row, held, report))
        return
    session.commit()  # the claim, before the Sent folder is searched (it may be slow)
    try:
        looked, folder = look_in_sent(app, session, row)
    except SendError as exc:
        # Cannot tell whether the cut-short attempt went: not sent again until we can.
        # The attempt stays open, so the next try looks again first.
        _schedule_retry(app, row, exc, report)
        row.claimed_until = None
        session.commit()
        return
    still_open = False
    if looked is Looked.FOUND:
        report.found_sent += 1
        _mark_sent(app, session, row, report)
    elif looked is Looked.NOT_SENT:
        still_open = _attempt_unless_stale(app, session, sender, row, held, report)
    elif looked is Looked.LOOK_AGAIN:
        _schedule_retry(app, row, look_again_error(app, row, folder), report)
        still_open = True
    else:  # Looked.ASK: failed, with what to do, and the Business Manager told (sent_look)
        report.failed += 1
        log.error("outbox #%d may have been sent; a person is asked, not sent again", row.id)
    _finish(session, row, still_open)


def _finish(session: Session, row: OutboxMessage, still_open: bool) -> None:
    """Record the outcome and give the lease back; an attempt whose outcome is unknown stays
    open, so the next try looks in the Sent folder first."""
    # Assigned only when set: assigning even the value it has makes the commit look the row
    # over for a write (close_as_sent has written an email that went).
    if not still_open and row.attempt_started_at is not None:
        row.attempt_started_at = None
    if row.claimed_until is not None:
        row.claimed_until = None
    session.commit()


def _attempt_unless_stale(
    app: App, session: Session, sender: MailSender, row: OutboxMessage, held: datetime,
    report: SendReport,
) -> bool:  # fmt: skip
    """_attempt, unless what the row says stopped being true while it waited (a chase's
    deadline met, a notice's promised day passed while the server was down): that is decided
    by bot.services.send_checks under this same claim, in the commit that would have recorded
    the attempt, and it is not sent. An Appendix B request re-dated there goes as re-dated."""
    before = before_sending(app, session, row)
    if before is Before.GO:
        return _attempt(app, session, sender, row, held, report)
    if before is Before.WAIT:
        report.waiting += 1
        log.info("outbox #%d waits: %s", row.id, row.last_error)
        return False
    if before is Before.WITHDRAWN:
        report.withdrawn += 1
    else:
        report.held += 1
    log.info("outbox #%d %s: no longer true as written, not sent", row.id, before.value)
    return False


def _attempt(
    app: App, session: Session, sender: MailSender, row: OutboxMessage, held: datetime,
    report: SendReport,
) -> bool:  # fmt: skip
    """Send once; True when the outcome is unknown (the server may have it), so the attempt
    stays open and the next try looks in the Sent folder first."""
    # The whole claim for the send, which ends well within it, and the attempt's start.
    open_attempt(session, row, held, app.clock.now())
    session.commit()  # on record before a byte reaches the server
    try:
        sender.send(row.raw, row.sender, list(row.recipients))
    except RecipientsRefusedError as exc:
        if exc.accepted:
            _partly_sent(app, session, row, exc, report)
            return False
        if not exc.permanent and any(code >= 500 for code in exc.refused.values()):
            narrow_to_put_off(app, session, row, exc)  # the 5xx failed now, not retried
        _schedule_retry(app, row, exc, report)
        _tell_if_failed(app, session, row, exc)
    except SendError as exc:
        _schedule_retry(app, row, exc, report)
        _tell_if_failed(app, session, row, exc)
        return exc.maybe_sent
    else:
        _mark_sent(app, session, row, report)
    return False


def _tell_if_failed(app: App, session: Session, row: OutboxMessage, exc: SendError) -> None:
    # Refused for good: the Business Manager is told now, in the commit that records it.
    if row.status == "failed":
        refused_for_good(app, session, row, exc)


def _mark_sent(app: App, session: Session, row: OutboxMessage, report: SendReport) -> None:
    # A decision told while it was at the server may need an email putting it right.
    from bot.services.decision_checks import after_sent, lock_to_mark_sent

    lock_to_mark_sent(session, row)
    close_as_sent(session, row, app.clock.now())
    report.sent += 1
    after_sent(app, session, row)


def _partly_sent(
    app: App, session: Session, row: OutboxMessage, exc: RecipientsRefusedError, report: SendReport
) -> None:
    """Some recipients have it: sending again would give them a second copy, so it counts as
    sent; each refused recipient is recorded as not reached (5xx) or sent a copy later (4xx)."""
    _mark_sent(app, session, row, report)
    row.last_error = str(exc)[:500]
    record_refusals(app, session, row, exc)
    log.error("outbox #%d reached only some recipients (%d refused)", row.id, len(exc.refused))


def _schedule_retry(app: App, row: OutboxMessage, exc: SendError, report: SendReport) -> None:
    settings = app.config.outgoing
    row.attempts += 1
    row.last_error = str(exc)[:500]
    if exc.permanent:
        row.status = "failed"
        report.failed += 1
        log.error("outbox #%d refused for good by the mail server; not retried", row.id)
        return
    delay = retry_delay(
        row.attempts,
        base_seconds=settings.retry_base_seconds,
        max_seconds=settings.retry_max_seconds,
    )
    row.next_attempt_at = app.clock.now() + delay
    report.retrying += 1
    # Past max_attempts it still goes on trying, louder: statutory mail is never dropped.
    if exc.server and str(exc) not in report.server_trouble:
        report.server_trouble.append(str(exc))
    level = logging.ERROR if row.attempts >= settings.max_attempts else logging.WARNING
    log.log(
        level,
        "outbox #%d not sent (attempt %d): %s; retrying in %s",
        row.id,
        row.attempts,
        _reason(exc),
        delay,
    )


def _reason(exc: SendError) -> str:
    """Why a send failed, for the log: the server's answer, with no email address in it (the
    recipients are personal data, and the outbox already records them)."""
    if isinstance(exc, RecipientsRefusedError):
        codes = ", ".join(str(code) for code in exc.refused.values())
        return f"recipient(s) refused ({codes})"
    return _ADDRESS.sub("<address>", str(exc))

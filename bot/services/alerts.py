"""Telling the Business Manager and the IT contact that the bot is in trouble, once per episode,
by whatever path still works.

An alert is queued in the outbox with an idempotency key naming the episode (so however many
instances and ticks see it, one email goes). When the database cannot take it, or the trouble
is the outbox itself, it is sent straight through the configured sender instead, and written to
the outbox as sent under the same key as soon as the database takes it: a restart, or another
instance, finds it there and does not send it again. Each episode is logged at ERROR once, and
its end once.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.adapters.db.models import OutboxMessage, StoredMessage
from bot.adapters.email_builder import build_email, make_message_id
from bot.adapters.outgoing import SendError
from bot.app import App
from bot.clock import Clock, SystemClock
from bot.core.error_words import describe
from bot.core.health import Judged, Problem, ended, ended_key, ended_sentence, unseen
from bot.core.unseen_ends import ALERT_KEY, seen_over, untold
from bot.services.alert_memory import AlertMemory, Remembered
from bot.services.mailout import base_context, queue_email
from bot.services.plain_alert import alert_text, ended_text, record_plain, send_plain, unwritten

log = logging.getLogger(__name__)
EVENT = "system_alert"
ENDED_EVENT = "system_recovered"


class Alerter:
    def __init__(
        self,
        app: App,
        instance: str,
        memory: AlertMemory | None = None,
        within: timedelta = timedelta(minutes=10),
        wall: Clock | None = None,
    ) -> None:
        """`memory`: the alerts sent while the database was away, kept on this machine;
        `within`: how long a trouble may go unseen (a restart) and still be the same one;
        `wall`: the clock the troubles' starts are on."""
        self.app, self.instance = app, instance
        self._memory, self._within = memory or AlertMemory(None), within
        self.wall = wall or SystemClock()
        # When each unrecorded alert's trouble was last seen going on (wall clock).
        self._seen: dict[str, datetime] = {}
        # (kind, job) -> the start of the trouble already alerted that a later start carries on.
        self._carry: dict[tuple[str, str], datetime] = {}
        self._delivered: set[str] = set()
        self._open: dict[str, Problem] = {}
        # Sent straight through the mail server, not yet written to the outbox: (problem, when).
        self._unrecorded: dict[str, tuple[Problem, datetime]] = {}
        # Alerted troubles not yet seen over (kept while a check cannot see them).
        self._watching: dict[str, Problem] = {}
        # Alerted troubles seen over, their email not yet queued (the database away): (problem,
        # when the bot saw it over).
        self._ending: dict[str, tuple[Problem, datetime]] = {}
        # Troubles an earlier run alerted and never told over (None: not read yet, the
        # database away): told over once this instance sees its job run well.
        self._untold: dict[str, Problem] | None = None
        # Episodes alerted in plain words, their template failing, while they go on: the
        # watchdog's own trouble (`trouble`), for `status` and the digest.
        self._plain: dict[str, str] = {}

    @property
    def trouble(self) -> str | None:
        """What went wrong writing an alert of a trouble still going on; None when none."""
        return unwritten(next(iter(self._plain.values()))) if self._plain else None

    def recipients(self) -> list[str]:
        it = self.app.config.daemon.it_contact
        return [self.app.config.people.business_manager.email, *([it] if it else [])]

    def check(
        self,
        found: list[Problem],
        judged: Judged | None = None,
        ran_well: dict[str, datetime] | None = None,
    ) -> None:
        """`found` now; an email is dated by the app's clock, like every other email.
        `judged`: what this check could see (None: everything); an alerted trouble it could
        not see is not taken for over. `ran_well`: the last good run of each job this
        instance holds, to tell over a trouble an earlier run alerted (None: not known)."""
        found = self._carried(found)
        current = {p.episode: p for p in found}
        self._plain = {e: said for e, said in self._plain.items() if e in current}
        if judged is not None and ran_well is not None:
            self._settle_untold(found, judged, ran_well)
        for episode, (problem, sent) in list(self._unrecorded.items()):
            if self._record_sent(problem, sent):
                del self._unrecorded[episode]
        for episode, problem in current.items():
            if episode not in self._open:
                log.error("needs attention: %s (since %s)", problem.sentence, problem.since)
            if episode not in self._delivered and self._deliver(problem, self.app.clock.now()):
                self._delivered.add(episode)
        # Out of sight (its job's lease lapsed, the database away) is not over: logged as over,
        # the same trouble would be logged again as new when next seen.
        gone = [p for e, p in self._open.items() if e not in current]
        hidden = unseen(gone, judged)
        for problem in gone:
            if problem not in hidden:
                log.warning("recovered: %s", problem.sentence)
        self._watching |= {e: p for e, p in current.items() if e in self._delivered}
        for problem in ended(list(self._watching.values()), found, judged):
            del self._watching[problem.episode]
            self._ending[problem.episode] = (problem, self.app.clock.now())
        for episode, (problem, at) in list(self._ending.items()):
            if self._queue_ended(problem, at):
                del self._ending[episode]
        self._open = current | {p.episode: p for p in hidden}
        self._memory.save(
            {e: Remembered(p, at, self._seen.get(e, at)) for e, (p, at) in self._unrecorded.items()}
        )

    def _carried(self, found: list[Problem]) -> list[Problem]:
        """`found`, a trouble already alerted but not yet recorded in the outbox (sent while
        the database was away, by this instance before a restart or another on this machine)
        dated from that alert's start: the same trouble, seen again soon enough, told once."""
        for episode, kept in self._memory.load().items():
            if episode not in self._unrecorded:
                self._unrecorded[episode] = (kept.problem, kept.sent)
                self._delivered.add(episode)
            self._seen[episode] = max(self._seen.get(episode, kept.seen), kept.seen)
        going = {(p.kind, p.job): p.since for p in found}
        self._carry = {k: v for k, v in self._carry.items() if k in going and v <= going[k]}
        for episode, (alerted, _) in self._unrecorded.items():
            key, seen = (alerted.kind, alerted.job), self._seen.get(episode, alerted.since)
            if key in going and alerted.since <= going[key] <= seen + self._within:
                self._carry[key] = min(self._carry.get(key, alerted.since), alerted.since)
                self._seen[episode] = self.wall.now()
        return [replace(p, since=self._carry.get((p.kind, p.job), p.since)) for p in found]

    def _settle_untold(
        self, found: list[Problem], judged: Judged, ran_well: dict[str, datetime]
    ) -> None:
        """Tell over, once, a trouble an earlier run alerted that ended while no bot ran."""
        if self._untold is None:
            self._untold = self._read_untold()
        if not self._untold:
            return
        for problem in found:  # going on still: this instance watches it as its own
            self._untold.pop(problem.episode, None)
        for problem in seen_over(list(self._untold.values()), found, judged, ran_well):
            del self._untold[problem.episode]
            self._ending[problem.episode] = (problem, self.app.clock.now())

    def _read_untold(self) -> dict[str, Problem] | None:
        """The alerts in the outbox with no "working again" email; None when the database is
        away (read on a later check)."""
        keys = OutboxMessage.idempotency_key
        try:
            with self.app.sessions() as session:
                alerts = session.scalars(
                    select(keys).where(OutboxMessage.event == EVENT, keys.like(f"{ALERT_KEY}%"))
                ).all()
                told = session.scalars(select(keys).where(OutboxMessage.event == ENDED_EVENT)).all()
        except SQLAlchemyError:
            return None
        return {p.episode: p for p in untold(alerts, told)}

    def _queue_ended(self, problem: Problem, at: datetime) -> bool:
        """Queue the email saying the alerted `problem` is over (seen so `at`); False when the
        database is away, to be tried on the next check. One that cannot be written goes in
        plain words, straight through the mail server."""
        try:
            return self._queue_ended_written(problem, at)
        except Exception as exc:  # a broken template, or anything else building it
            said = describe(exc)
            log.error("the working again email could not be written (%s): sent plain", said)
            sentence = ended_sentence(problem.kind, problem.job)
            subject, text = ended_text(self.app, problem, sentence, at, self.instance, said)
            key = ended_key(problem)
            return send_plain(self.app, self.recipients(), key, subject, text, at)

    def _queue_ended_written(self, problem: Problem, at: datetime) -> bool:
        try:
            with self.app.sessions() as session:
                context = {
                    **self._context(problem),
                    "ended": {"sentence": ended_sentence(problem.kind, problem.job), "at": at},
                    "waited": _waited(session),
                }
                queue_email(
                    session,
                    self.app,
                    key=ended_key(problem),
                    event=ENDED_EVENT,
                    to=self.recipients(),
                    context=context,
                    now=at,
                )
                session.commit()
        except SQLAlchemyError:
            return False
        return True

    def _deliver(self, problem: Problem, now: datetime) -> bool:
        """Alert `problem`; whether it went (or is queued). One whose email cannot be written
        goes in plain words, straight through the mail server: never only a log line."""
        try:
            # Written first, so a template broken is found (and shown) when the alert is
            # already in the outbox: sent in plain words by this bot before a restart.
            self.app.templates.render(EVENT, {**base_context(self.app), **self._context(problem)})
            return self._deliver_written(problem, now)
        except Exception as exc:  # a broken template, or anything else building it
            self._plain[problem.episode] = said = describe(exc)
            if self._already_sent(problem):
                return True
            log.error("an alert email could not be written (%s): sent in plain words", said)
            subject, text = alert_text(self.app, problem, self.instance, said)
            if not send_plain(self.app, self.recipients(), _key(problem), subject, text, now):
                return False
            if not self._record_sent(problem, now):
                self._unrecorded[problem.episode] = (problem, now)
                self._seen[problem.episode] = self.wall.now()
            return True

    def _deliver_written(self, problem: Problem, now: datetime) -> bool:
        if problem.job != "outbox" and self._queue(problem, now):
            return True
        if self._already_sent(problem):
            return True  # by an instance before a restart, or another
        if not self._send_directly(problem, now):
            return False
        if not self._record_sent(problem, now):
            self._unrecorded[problem.episode] = (problem, now)
            self._seen[problem.episode] = self.wall.now()
        return True

    def _already_sent(self, problem: Problem) -> bool:
        """Whether the outbox holds this episode's alert; False when the database is away."""
        try:
            with self.app.sessions() as session:
                found = session.scalar(
                    select(OutboxMessage.id).where(OutboxMessage.idempotency_key == _key(problem))
                )
        except SQLAlchemyError:
            return False
        return found is not None

    def _record_sent(self, problem: Problem, sent: datetime) -> bool:
        """Write the alert sent straight through the mail server to the outbox, as sent."""
        try:
            return self._write(problem, sent, sent=True)
        except Exception as exc:  # its template broken: it went in plain words, written so
            subject, text = alert_text(self.app, problem, self.instance, describe(exc))
            to, key = self.recipients(), _key(problem)
            return record_plain(self.app, EVENT, to, key, subject, text, sent)

    def _context(self, problem: Problem) -> dict[str, object]:
        return {
            "problem": {
                "kind": problem.kind,
                "job": problem.job,
                "sentence": problem.sentence,
                "since": problem.since,
            },
            "instance": self.instance,
        }

    def _queue(self, problem: Problem, now: datetime) -> bool:
        if self._write(problem, now, sent=False):
            return True
        log.warning("the database is away: sending the alert directly")
        return False

    def _write(self, problem: Problem, now: datetime, *, sent: bool) -> bool:
        """The alert's outbox row, to be sent or (`sent`) already sent straight through the mail
        server; False when the database is away."""
        try:
            with self.app.sessions() as session:
                row = queue_email(
                    session,
                    self.app,
                    key=_key(problem),
                    event=EVENT,
                    to=self.recipients(),
                    context=self._context(problem),
                    now=now,
                )
                if sent and row is not None:
                    row.status, row.sent_at, row.attempts = "sent", now, 1
                session.commit()
        except SQLAlchemyError:
            return False
        return True

    def _send_directly(self, problem: Problem, now: datetime) -> bool:
        partnership = self.app.config.partnership
        rendered = self.app.templates.render(
            EVENT, {**base_context(self.app), **self._context(problem)}
        )
        raw = build_email(
            sender=partnership.mailbox,
            sender_name=partnership.name,
            to=self.recipients(),
            subject=rendered.subject,
            text=rendered.text,
            html=rendered.html,
            message_id=make_message_id(_key(problem), partnership.mailbox.split("@", 1)[1]),
            date=now,
        )
        try:
            self.app.open_sender().send(raw, partnership.mailbox, self.recipients())
        except (SendError, OSError) as exc:
            log.error("could not send the alert either way (%s); trying again", type(exc).__name__)
            return False
        return True


def _key(problem: Problem) -> str:
    return f"{ALERT_KEY}{problem.episode}"


def _waited(session: Session) -> dict[str, int]:
    """What the trouble left waiting, as the bot sees it over: messages read from the mailbox
    and stored but not yet processed, and emails held in the outbox. Counts only: the email
    goes to IT too, and names nobody."""
    stored = session.scalar(select(func.count()).where(StoredMessage.status == "stored"))
    held = session.scalar(select(func.count()).where(OutboxMessage.status == "pending"))
    return {"stored": int(stored or 0), "outbox": int(held or 0)}

"""The look at the mailbox's junk folder after each pass's reading: new messages there are
remembered and told to the Business Manager (at once when they may start a clock), and drop
off the digest's "Needs your attention" when they leave that folder. The bot never reads,
moves or deletes junk: a person moves a real message to the Inbox, and it is then read as
any other, its clocks from its arrival time.

A look that fails is logged once per trouble and kept for `status`; mail reading is never
stopped by it. Logs say counts only: a subject may name a child.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from bot.adapters.db.models import JunkSeen, MailboxState
from bot.adapters.junk_look import JunkLook
from bot.app import App
from bot.core.dates import fmt_date
from bot.core.junk import JunkSighting, junk_changes, junk_line, junk_to_list, looks_urgent
from bot.core.junk_where import lost_junk
from bot.services.digest_types import Flag
from bot.services.failures import describe_error
from bot.services.intake import sender_agency_key
from bot.services.mailout import queue_email

log = logging.getLogger(__name__)
EVENT = "junk_mail"
# What the app's Said keeps the junk folder's trouble under: logged again only when it
# changes or ends.
TROUBLE = "junk folder"
# How often the junk folder is looked at, at most: a pass runs every minute or on each new
# message, and Graph lists the whole folder (1000 a call); an alert this late costs no clock.
EVERY = timedelta(minutes=5)


def look_at_junk(app: App, source: object) -> None:
    """One look; never raises (mail reading goes on whatever the junk folder does)."""
    if not isinstance(source, JunkLook):
        return
    now = app.clock.now()
    try:
        with app.sessions() as session:
            last = session.scalar(
                select(MailboxState.junk_looked_at).where(MailboxState.name == app.mailbox_name)
            )
            if last is not None and last <= now < last + EVERY:
                return
            remembered = [
                JunkSighting(r.key, r.sender, r.subject, r.arrived_at)
                for r in session.scalars(select(JunkSeen))
            ]
        listing = source.junk(frozenset(r.key for r in remembered))
    except Exception as exc:
        _trouble(app, f"junk folder look failed: {describe_error(exc)}")
        return
    if listing is None and remembered:
        _trouble(app, lost_folder(len(remembered), app.config.mailbox.backend))
        return
    if listing is None:
        log.debug("no junk folder in this mailbox: nothing looked at")
    present = listing.present if listing else frozenset()
    listed = [
        JunkSighting(i.key, i.sender, i.subject, i.arrived_at)
        for i in (listing.new if listing else ())
    ]
    partner = frozenset(s.sender for s in listed if s.sender and sender_agency_key(app, s.sender))
    changes = junk_changes(remembered, present, listed, partner)
    try:
        with app.sessions() as session:
            if changes.gone:
                session.execute(delete(JunkSeen).where(JunkSeen.key.in_(changes.gone)))
            for old, new in changes.rekeyed:  # still seen since it was first seen: not new
                session.execute(update(JunkSeen).where(JunkSeen.key == old).values(key=new))
            for s in changes.new:
                session.add(JunkSeen(key=s.key, sender=s.sender, subject=s.subject,
                                     arrived_at=s.arrived_at, first_seen_at=now))  # fmt: skip
            for s in changes.urgent:
                _alert(session, app, s, now)
            _record(session, app, None)
            session.commit()
    except Exception as exc:
        _trouble(app, f"junk folder look not recorded: {describe_error(exc)}")
        return
    if app.said.ended(TROUBLE):
        log.info("the junk folder can be looked at again")
    if changes.new or changes.gone or changes.rekeyed:
        log.info(
            "junk folder: %d new, %d gone, %d renumbered (already seen)",
            len(changes.new),
            len(changes.gone),
            len(changes.rekeyed),
        )


def lost_folder(remembered: int, backend: str) -> str:
    """The junk folder is gone where messages were seen: renamed most likely (a folder no
    longer flagged \\Junk nor named as usual), so they are kept on every list, not dropped."""
    return (
        f"junk folder not found; the {remembered} messages seen there stay listed until it is "
        f"found again ({lost_junk(backend)})"
    )


def junk_flags(session: Session, app: App, since: datetime) -> list[Flag]:
    """The messages remembered in the junk folder, oldest first: one that may start a clock
    every day it stays there, the rest in the first digest after they were seen (`since`: the
    last digest), and the others counted in one line (bot.core.junk.junk_to_list)."""
    rows = list(session.scalars(select(JunkSeen).order_by(JunkSeen.first_seen_at, JunkSeen.key)))
    marked = [
        (
            r.key,
            looks_urgent(r.subject, bool(sender_agency_key(app, r.sender))),
            r.first_seen_at >= since,
        )
        for r in rows
    ]
    chosen = junk_to_list(marked)
    by_key = {r.key: r for r in rows}
    flags: list[Flag] = [
        {"ref": "", "what": "mail in Junk Email", "detail": line(app, by_key[k])}
        for k in chosen.listed
    ]
    rest = chosen.rest_words()
    if rest:
        flags.append({"ref": "", "what": "mail in Junk Email", "detail": rest})
    return flags


def line(app: App, row: JunkSeen | JunkSighting) -> str:
    return junk_line(row.sender, row.subject, _when(app, row.arrived_at))


def _when(app: App, at: datetime | None) -> str:
    if at is None:
        return "at a time the mailbox did not give"
    local = at.astimezone(app.config.partnership.time_zone)
    return f"{fmt_date(local.date())} {local:%H:%M}"


def _alert(session: Session, app: App, s: JunkSighting, now: datetime) -> None:
    queue_email(
        session,
        app,
        # Hashed: a Graph or EWS id with the mailbox's name would not fit the key's column.
        key=f"junk:{hashlib.sha256(f'{app.mailbox_name} {s.key}'.encode()).hexdigest()}",
        event=EVENT,
        to=[app.config.people.business_manager.email],
        now=now,
        context={"sender": s.sender, "subject": s.subject, "line": line(app, s)},
    )


def _trouble(app: App, said: str) -> None:
    if app.said.first_time(TROUBLE, said):
        log.warning("%s (mail reading goes on)", said)
    try:
        with app.sessions() as session:
            _record(session, app, said)
            session.commit()
    except Exception:  # the database's own trouble is said by the pass that meets it
        log.debug("junk folder trouble not recorded", exc_info=True)


def _record(session: Session, app: App, said: str | None) -> None:
    session.execute(
        update(MailboxState)
        .where(MailboxState.name == app.mailbox_name)
        .values(junk_error=said, junk_looked_at=app.clock.now())
    )

"""What to do with an email whose last attempt may have reached the server, once its Sent
folder has been searched.

Graph's sendMail answers 202 Accepted when Exchange has saved the message in Drafts; the
transport then sends it and only afterwards moves it to Sent Items ("Overview of the Microsoft
Graph send mail process"; "user: sendMail": the 202 "does not indicate that the request
processing has completed"). So "not in Sent Items" soon after an attempt does not mean "not
sent": until the server's filing time has passed, the bot looks again rather than send a
second copy, and past it a person decides, since a second copy to an outside body cannot be
taken back.

When a person is asked, the Business Manager is told at once (the digest may be a day away),
by one notice per email and attempt. Not told, as with an email not delivered
(bot.core.undelivered):
1. a notice to her, of either kind: telling her of her own notice would loop;
2. an email only to the partnership's own people (her, the mailbox, her cover): nobody
   outside was left untold, or may be told twice.
A statutory notification says first that the bot cannot confirm it was made.
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.core import undelivered
from bot.core.undelivered import STATUTORY_EMAILS, named, outside_of

NOTICE_EVENT = "unconfirmed_send_notice"

# How long after an attempt Exchange may take to file the message in Sent Items, however it was
# sent (SMTP AUTH, EWS, Graph): its transport sends the message and only then files the copy
# ("Overview of the Microsoft Graph send mail process"), usually within seconds, later when
# Exchange Online is busy or throttling ("user: sendMail": delivery "is subject to Exchange
# Online limitations and throttling"). One rule for every sender with a Sent folder to search:
# within it "not there" is not "not sent"; past it, a person is asked.
SENT_FILED_WITHIN = timedelta(minutes=30)
_NOTICES = frozenset({NOTICE_EVENT, undelivered.NOTICE_EVENT})


class Looked(enum.Enum):
    FOUND = "found"  # in the Sent folder: it went
    NOT_SENT = "not sent"  # the server files at once: not there, so it never went
    LOOK_AGAIN = "look again"  # may still be on its way to the Sent folder
    ASK = "ask a person"  # still not there past the filing time: sent or not, no one can tell


def after_looking(
    found: bool, attempt_started: datetime, now: datetime, files_within: timedelta
) -> Looked:
    """files_within: how long the server may take to file what it sent (zero: at once)."""
    if found:
        return Looked.FOUND
    if files_within <= timedelta(0):
        return Looked.NOT_SENT
    if now - attempt_started < files_within:
        return Looked.LOOK_AGAIN
    return Looked.ASK


def look_again_words(attempt_started: datetime, folder: str) -> str:
    """Why an email waits though its last attempt may have failed (its last_error);
    attempt_started in the partnership's time zone, as every time a person reads; `folder`:
    the Sent folder searched, by the name a person finds it under."""
    return (
        f"the attempt at {attempt_started:%H:%M %Z} may have gone; not yet in the {folder} "
        "folder, where the server files what it sent after a delay: looking again before any "
        "resend"
    )


def ask_words(number: int, attempt_started: datetime, files_within: timedelta, folder: str) -> str:
    """What a person is told when the bot cannot tell whether an email went (its last_error)."""
    minutes = int(files_within.total_seconds() // 60)
    return (
        f"MAY HAVE BEEN SENT: the attempt on {attempt_started:%d %b %Y at %H:%M %Z} got no "
        f"clear answer and the email is still not in the {folder} folder after {minutes} "
        f"minutes. Not sent again, to avoid a second copy: look in the mailbox's {folder} "
        "folder (and Drafts); if it is not there, send it with "
        f"`tscp-bot outbox retry {number}`"
    )


@dataclass(frozen=True)
class Unconfirmed:
    """An outbox email a person is asked about, as the service read it."""

    outbox_id: int
    event: str
    recipients: tuple[str, ...]
    attempt_started: datetime  # aware


@dataclass(frozen=True)
class AskNotice:
    """The facts of the Business Manager's notice of an email that may have been sent."""

    # One per email and attempt: a second instance that looked too queues no second one,
    # while an attempt made after `outbox retry`, cut short again, is a new question.
    key: str
    recipients: tuple[str, ...]  # those outside the partnership, "address (role)"
    statutory: bool


def ask_notice(
    email: Unconfirmed, ours: Collection[str], roles: Mapping[str, str]
) -> AskNotice | None:
    """The notice `email` warrants, or None (see the module's docstring). `ours`: the
    partnership's own addresses; `roles`: a role's name by lower-cased address."""
    if email.event in _NOTICES:
        return None
    outside = outside_of(email.recipients, ours)
    if not outside:
        return None
    started = email.attempt_started.astimezone(UTC)
    return AskNotice(
        key=f"unconfirmed-send:{email.outbox_id}:{started:%Y%m%dT%H%M%SZ}",
        recipients=tuple(named(address, roles) for address in outside),
        statutory=email.event in STATUTORY_EMAILS,
    )

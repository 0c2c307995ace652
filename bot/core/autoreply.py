"""Recognise machine-sent mail (RFC 3834 and common practice) so the bot never answers it.

Answering an out-of-office, a bounce or our own acknowledgement coming back is how mail loops
start, so every check here errs towards "automatic".
"""

from __future__ import annotations

import re

from bot.core.message import MailMessage

OWN_MAIL_HEADER = "x-tscp-bot"

_BULK_PRECEDENCE = frozenset({"bulk", "junk", "list", "auto_reply"})
_DAEMON_LOCALPARTS = frozenset({"mailer-daemon", "postmaster"})
_NO_REPLY_LOCALPART = re.compile(r"^(no-?reply|do-?not-?reply|donotreply)\b", re.IGNORECASE)
# Anchored at the start: these are the prefixes mail systems put on their own messages, in
# English and in the languages Outlook and Exchange write them in for a colleague whose
# mailbox is set to one (Welsh among them, for public bodies in Wales).
_AUTO_SUBJECT = re.compile(
    r"^\s*(automatic reply|auto[- ]?reply|autoreply|auto[- ]?response|out of (the )?office"
    r"|undeliverable|undelivered mail|delivery status notification|delivery (has )?failed"
    r"|mail delivery (failed|failure|subsystem)|returned mail|failure notice"
    r"|ateb awtomatig|automatische antwort|abwesenheitsnotiz|r[eé]ponse automatique"
    r"|absence du bureau|respuesta autom[aá]tica|risposta automatica|automatisch antwoord"
    r"|automatyczna odpowied[zź]|resposta autom[aá]tica|autosvar|automatisk svar"
    r"|automaattinen vastaus)\b",
    re.IGNORECASE,
)
_READ_SUBJECT = re.compile(r"^\s*(not )?read:", re.IGNORECASE)


def _local_part(addr: str) -> str:
    return addr.rpartition("@")[0] if "@" in addr else addr


# The Message-IDs the outbox gives its mail (bot.adapters.email_builder.make_message_id).
_OWN_MESSAGE_ID = re.compile(r"^<?tscp-bot\.[0-9a-f]{24}@", re.IGNORECASE)


def from_own_mailbox(msg: MailMessage, own_addresses: frozenset[str]) -> bool:
    return bool(msg.from_addr) and msg.from_addr.lower() in {a.lower() for a in own_addresses}


def _own_mail(msg: MailMessage, own_addresses: frozenset[str]) -> str | None:
    """The bot's own mail: every email it sends carries its header and a Message-ID of its
    outbox. Mail merely From the partnership's mailbox is a person's (the Business Manager
    forwarding from the shared mailbox), read like any other and never answered there."""
    if msg.header(OWN_MAIL_HEADER):
        return f"our own outgoing mail ({OWN_MAIL_HEADER} header)"
    if from_own_mailbox(msg, own_addresses) and _OWN_MESSAGE_ID.match(msg.message_id):
        return f"our own outgoing mail (from {msg.from_addr}, with our Message-ID)"
    return None


def is_own_mail(msg: MailMessage, own_addresses: frozenset[str]) -> bool:
    return _own_mail(msg, own_addresses) is not None


def _header_reason(msg: MailMessage) -> str | None:
    auto_submitted = msg.header("auto-submitted").strip().lower()
    if auto_submitted and auto_submitted != "no":
        return f"Auto-Submitted: {auto_submitted}"
    precedence = msg.header("precedence").strip().lower()
    if precedence in _BULK_PRECEDENCE:
        return f"Precedence: {precedence}"
    for name in ("list-id", "list-unsubscribe"):
        if msg.header(name):
            return f"mailing-list mail ({name} header)"
    if "return-path" in msg.headers and msg.header("return-path").strip() in ("<>", ""):
        return "empty Return-Path (delivery report)"
    for name in ("x-autoreply", "x-autorespond"):
        if msg.header(name):
            return f"{name} header present"
    return None


def _report_reason(msg: MailMessage) -> str | None:
    content_type = msg.header("content-type").lower()
    if "multipart/report" not in content_type:
        return None
    if "disposition-notification" in content_type:
        return "read receipt (multipart/report disposition-notification)"
    return "delivery status report (multipart/report)"


def _sender_or_subject_reason(msg: MailMessage) -> str | None:
    if _local_part(msg.from_addr) in _DAEMON_LOCALPARTS:
        return f"sent by {msg.from_addr}"
    if _AUTO_SUBJECT.search(msg.subject):
        return f"automatic subject: {msg.subject.strip()[:60]!r}"
    has_mdn_part = any(
        a.content_type.lower() == "message/disposition-notification" for a in msg.attachments
    )
    if _READ_SUBJECT.search(msg.subject) and has_mdn_part:
        return "read receipt"
    return None


def auto_generated_reason(msg: MailMessage, own_addresses: frozenset[str]) -> str | None:
    """Why `msg` must never be answered (machine-sent, our own mail coming back, or its sender
    asks for no automatic answers), or None when it looks human."""
    suppress = "X-Auto-Response-Suppress header present"
    return machine_sent_reason(msg, own_addresses) or (
        suppress if msg.header("x-auto-response-suppress") else None
    )


def machine_sent_reason(msg: MailMessage, own_addresses: frozenset[str]) -> str | None:
    """Why `msg` is machine-sent, or None when a person may have written it. Not
    X-Auto-Response-Suppress: it asks that no automatic answer be sent, and some gateways and
    mail programs put it on everything a person sends; Exchange's own out-of-office replies
    also carry Auto-Submitted and an automatic subject."""
    return (
        _own_mail(msg, own_addresses)
        or _report_reason(msg)
        or _header_reason(msg)
        or _sender_or_subject_reason(msg)
    )


def labelled_by_headers(msg: MailMessage) -> bool:
    """Whether a mail system marked `msg` automatic in its headers (Auto-Submitted, a report,
    a list header), not only by an "Out of office" subject, which a person may type."""
    return _report_reason(msg) is not None or _header_reason(msg) is not None


def answers_something(msg: MailMessage) -> bool:
    """Whether `msg` is labelled an automatic *answer* (an out-of-office, an auto-reply), which
    echoes the subject it answers, rather than mail a system generated on its own."""
    answered = msg.header("auto-submitted").strip().lower().startswith("auto-replied")
    precedence = msg.header("precedence").strip().lower() == "auto_reply"
    flagged = any(msg.header(n) for n in ("x-autoreply", "x-autorespond"))
    return answered or precedence or flagged or bool(_AUTO_SUBJECT.search(msg.subject))


def returned_mail_reason(msg: MailMessage, own_addresses: frozenset[str]) -> str | None:
    """Why `msg` is surely not a person writing now: our own mail coming back, a delivery or
    read report, a mail daemon. Its words are often ours (a bounce quotes the SIN request it
    returns), so nothing in them is read as a case. None for mail only *labelled* automatic
    (a header, an "Out of office" subject), which gateways and records systems also put on
    what a person wrote."""
    daemon = _local_part(msg.from_addr) in _DAEMON_LOCALPARTS
    return (
        _own_mail(msg, own_addresses)
        or _report_reason(msg)
        or (f"sent by {msg.from_addr}" if daemon else None)
    )


def can_acknowledge(msg: MailMessage, own_addresses: frozenset[str]) -> tuple[bool, str]:
    """Whether the bot may send an automatic acknowledgement to the sender of `msg`.

    Reasons not to answer, checked in this order:
    - the message is our own mail (the X-TSCP-Bot header, or From one of `own_addresses`
      with a Message-ID of the bot's outbox);
    - it is a delivery status report or read receipt (multipart/report);
    - RFC 3834 / list headers: Auto-Submitted other than "no", X-Auto-Response-Suppress,
      Precedence bulk/junk/list/auto_reply, List-Id, List-Unsubscribe, empty Return-Path,
      X-Autoreply, X-Autorespond;
    - it comes from mailer-daemon@ or postmaster@, or its subject is an automatic one
      ("Automatic reply:", "Out of Office", "Undeliverable:", ...), or it is a "Read:" receipt;
    - it was sent From one of `own_addresses` by a person (the shared mailbox);
    - there is no usable From address (missing, or without an "@");
    - the From address is a no-reply mailbox (noreply@, no-reply@, donotreply@...).
    Returns (True, "ok") when none apply, else (False, reason).
    """
    reason = auto_generated_reason(msg, own_addresses)
    if reason:
        return False, reason
    if from_own_mailbox(msg, own_addresses):
        # Sent from the partnership's own mailbox by a person: an answer would come back to it.
        return False, f"sent from the partnership's own mailbox, {msg.from_addr}"
    if "@" not in msg.from_addr:
        return False, "no usable From address"
    if _NO_REPLY_LOCALPART.search(_local_part(msg.from_addr)):
        return False, f"no-reply sender {msg.from_addr}"
    return True, "ok"

"""Delivery reports: which recipients of which email a bounce says never got it.

Two shapes are read into the same DeliveryReport:
- RFC 3464 delivery status notifications (multipart/report; report-type=delivery-status), whose
  message/delivery-status part has a block per recipient (Final-Recipient, Original-Recipient,
  Action, Status, Diagnostic-Code) and which usually return the original message or its headers;
- text-only non-delivery reports as older Exchange servers send them ("Delivery has failed to
  these recipients or groups:", "Original message headers:").
Read receipts (report-type=disposition-notification, "Read:") are not bounces. The adapter
(bot.adapters.delivery_report) hands the MIME parts over as text; nothing here parses MIME.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.core.case_refs import normalise_message_id, thread_ids
from bot.core.message import MailMessage


@dataclass(frozen=True)
class ReportParts:
    """A message's report parts as text; all empty when it is not a multipart/report."""

    report_type: str = ""  # the report-type parameter, lower-cased
    status: str = ""  # the machine-readable part: blocks of "Name: value" lines
    returned_headers: str = ""  # the returned message's header lines, decoded
    text: str = ""  # the human-readable first part


@dataclass(frozen=True)
class Failure:
    recipient: str
    status: str  # RFC 3463 code such as "5.1.1"; "" when the report gives none
    diagnostic: str


@dataclass(frozen=True)
class DeliveryReport:
    original_ids: tuple[str, ...]  # Message-IDs of the reported email, surest first
    original_subject: str
    failures: tuple[Failure, ...]
    machine_readable: bool  # False for a text-only report, read from its wording


@dataclass(frozen=True)
class SentEmail:
    """An outbox email a report might be about."""

    id: int
    message_id: str  # bare, without angle brackets
    recipients: tuple[str, ...]
    subject: str
    sent_at: datetime | None


@dataclass(frozen=True)
class Undelivered:
    outbox_id: int | None  # None: the report is about mail the bot did not send
    recipient: str
    status: str
    diagnostic: str


_BOUNCE_SENDERS = frozenset({"mailer-daemon", "postmaster"})
# Exchange sends its reports from MicrosoftExchange<32 hex digits>@ the organisation's domain.
_EXCHANGE_SENDER = re.compile(r"^microsoftexchange[0-9a-f]{32}$")
_BOUNCE_SUBJECT = re.compile(
    r"^\s*(undeliverable|undelivered mail|not delivered|delivery status notification \(failure\)"
    r"|delivery (has )?failed|mail delivery (failed|failure)|returned mail|failure notice)",
    re.IGNORECASE,
)
# "Undeliverable: <the original subject>" is how Exchange names the email it returns.
_SUBJECT_PREFIX = re.compile(r"^\s*(undeliverable|not delivered)\s*:\s*", re.IGNORECASE)
_FAILED_TO = re.compile(
    r"delivery has failed to these recipients|following recipient\(s\) (cannot|could not) be"
    r" reached|could not be delivered to|couldn't be delivered to|wasn't delivered to"
    # qmail; Exchange Online's words where its report part was lost on the way
    r"|(?:wasn't|was not) able to deliver your message to"
    r"|your message to \S+@\S+ (?:couldn't|could not) be delivered",
    re.IGNORECASE,
)
_TEXT_END = re.compile(
    r"^\s*(original message headers:|-+\s*original message\s*-+"
    r"|-+\s*below this line is a copy of the message)",
    re.IGNORECASE | re.MULTILINE,
)
_ADDRESS = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
_STATUS_CODE = re.compile(r"\b([245]\.\d{1,3}\.\d{1,3})\b")
_FIELD = re.compile(r"^([A-Za-z][A-Za-z0-9-]*):\s*(.*)$")


def read_report(msg: MailMessage, parts: ReportParts) -> DeliveryReport | None:
    """The delivery report `msg` is, or None when it is none (a read receipt is none)."""
    if parts.report_type == "disposition-notification":
        return None
    text = parts.text or msg.text
    if parts.report_type == "delivery-status" or parts.status:
        failures, machine = dsn_failures(parts.status), True
    elif _looks_like_bounce(msg):
        failures, machine = text_failures(text), False
    else:
        return None
    returned = header_fields(parts.returned_headers or _quoted_headers(text))
    ids = [normalise_message_id(returned["message-id"])] if returned.get("message-id") else []
    ids += [i for i in thread_ids(msg) if i not in ids]
    subject = returned.get("subject") or _original_subject(msg.subject)
    return DeliveryReport(tuple(ids), " ".join(subject.split()), failures, machine)


def _original_subject(subject: str) -> str:
    """The subject after "Undeliverable:"; "" when the report subject names no email."""
    stripped = _SUBJECT_PREFIX.sub("", subject, count=1)
    return "" if stripped == subject else stripped


def _looks_like_bounce(msg: MailMessage) -> bool:
    sender = msg.from_addr.partition("@")[0]
    return (
        sender in _BOUNCE_SENDERS
        or bool(_EXCHANGE_SENDER.match(sender))
        or bool(_BOUNCE_SUBJECT.match(msg.subject))
    )


def field_blocks(text: str) -> list[dict[str, str]]:
    """Blank-line separated blocks of "Name: value" lines; folded lines joined, names lower."""
    blocks: list[dict[str, str]] = []
    current: dict[str, str] = {}
    last = ""
    for line in text.replace("\r\n", "\n").split("\n"):
        if not line.strip():
            if current:
                blocks.append(current)
            current, last = {}, ""
        elif line[0] in " \t" and last:
            current[last] += " " + line.strip()
        elif match := _FIELD.match(line):
            last = match.group(1).lower()
            current.setdefault(last, match.group(2).strip())
    if current:
        blocks.append(current)
    return blocks


def header_fields(text: str) -> dict[str, str]:
    """The first block of "Name: value" lines, as a returned message's headers are."""
    blocks = field_blocks(text)
    return blocks[0] if blocks else {}


def _typed_value(value: str) -> str:
    """The value without its type: "rfc822; a@example.org" -> "a@example.org"."""
    kind, sep, rest = value.partition(";")
    bare = rest if sep and " " not in kind.strip() else value
    return " ".join(bare.split()).strip("<>")


def dsn_failures(status: str) -> tuple[Failure, ...]:
    """Recipients an RFC 3464 status part says failed; delayed and delivered ones are not."""
    found: list[Failure] = []
    for block in field_blocks(status):
        address = block.get("original-recipient") or block.get("final-recipient")
        if not address:
            continue  # the per-message block (Reporting-MTA, Arrival-Date)
        code = _STATUS_CODE.search(block.get("status", ""))
        action = block.get("action", "").strip().lower()
        if action == "failed" or (not action and code and code.group(1).startswith("5")):
            found.append(
                Failure(
                    _typed_value(address).lower(),
                    code.group(1) if code else "",
                    _typed_value(block.get("diagnostic-code", "")),
                )
            )
    return tuple(found)


def text_failures(text: str) -> tuple[Failure, ...]:
    """Recipients named after an Exchange-style "Delivery has failed to these recipients"."""
    body = _TEXT_END.split(text, maxsplit=1)[0]
    start = _FAILED_TO.search(body)
    if start is None:
        return ()
    lines = body[start.start() :].splitlines()
    recipients = list(dict.fromkeys(a.lower() for a in _ADDRESS.findall("\n".join(lines))))
    return tuple(_text_failure(r, lines) for r in recipients)


def _text_failure(recipient: str, lines: list[str]) -> Failure:
    """The status code and words nearest after the recipient's name, else the first given."""
    rows = [i for i, line in enumerate(lines) if recipient in line.lower()]
    nearby = [j for i in rows for j in range(i, min(i + 3, len(lines)))]
    for j in nearby + list(range(len(lines))):
        code = _STATUS_CODE.search(lines[j])
        if code:
            return Failure(recipient, code.group(1), _clean(lines[j]))
    after = [lines[j] for j in nearby if "@" not in lines[j] and lines[j].strip()]
    return Failure(recipient, "", _clean(after[0]) if after else "")


def _clean(line: str) -> str:
    return " ".join(line.replace("#", " ").split())[:300]


def _quoted_headers(text: str) -> str:
    """The header lines after Exchange's "Original message headers:", if any."""
    match = _TEXT_END.search(text)
    if match is None:
        return ""
    return text[match.end() :].lstrip("\r\n")


def match_report(report: DeliveryReport, sent: Sequence[SentEmail]) -> tuple[Undelivered, ...]:
    """Each failure paired with the outbox email it reports on, or with None.

    The returned Message-ID (or In-Reply-To/References) decides when it names an email we sent.
    Otherwise an email to that recipient with the returned subject is taken, the latest sent.
    """
    by_id = _by_message_id(report, sent)
    found: list[Undelivered] = []
    for f in report.failures:
        email = by_id or _by_recipient_and_subject(f, report.original_subject, sent)
        found.append(Undelivered(email.id if email else None, f.recipient, f.status, f.diagnostic))
    return tuple(found)


def _by_message_id(report: DeliveryReport, sent: Sequence[SentEmail]) -> SentEmail | None:
    for original in report.original_ids:
        for email in sent:
            if email.message_id == original:
                return email
    return None


def _by_recipient_and_subject(
    failure: Failure, subject: str, sent: Sequence[SentEmail]
) -> SentEmail | None:
    if not subject:
        return None
    wanted = " ".join(subject.split()).casefold()
    found = [
        e
        for e in sent
        if failure.recipient in e.recipients and " ".join(e.subject.split()).casefold() == wanted
    ]
    return max(
        found, key=lambda e: (e.sent_at.timestamp() if e.sent_at else 0.0, e.id), default=None
    )


# RFC 3463 subject.detail codes said in plain words; 1.10 is Exchange's "recipient not found".
_MEANINGS = {
    "1.1": "the address does not exist",
    "1.10": "the address does not exist",
    "1.2": "the domain does not exist",
    "1.3": "the address is not valid",
    "2.1": "the mailbox is disabled",
    "2.2": "the mailbox is full",
    "2.3": "the email is too large for the mailbox",
    "3.4": "the email is too large",
    "4.4": "the receiving server could not be reached",
    "4.7": "delivery took too long and was given up",
    "7.1": "the receiving server refused it",
    "7.509": "the receiving server refused it (sender authentication failed)",
}


def reason(status: str, diagnostic: str) -> str:
    """Why, in words first, then the server's own code and words for whoever fixes it."""
    meaning = _MEANINGS.get(status.partition(".")[2], "")
    detail = (
        diagnostic
        if status and status in diagnostic
        else "; ".join(p for p in (status, diagnostic) if p)
    )
    if meaning and detail:
        return f"{meaning} ({detail})"
    return meaning or detail or "no reason given"


def not_delivered(recipient: str, status: str, diagnostic: str) -> str:
    return f"not delivered to {recipient}: {reason(status, diagnostic)}"

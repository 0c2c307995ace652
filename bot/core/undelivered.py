"""Which undelivered emails the Business Manager is told of at once, and what she is told.

An email that did not reach someone outside the bot (an agency, the National Panel, the
Scrutineer, a complainant, a referrer) left them untold of something the bot said they were,
and the digest may be a day away: she gets one notice, at once, per email and set of
recipients not reached. Not told (the digest and the log still say it):
1. a notice of this kind: telling her that her notice did not reach her would loop;
2. an email nobody but the partnership's own people missed (her, the mailbox, her cover):
   they are not told of it by email, the address that refused it being theirs.
A statutory notification not delivered says plainly that it has not been made.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass

NOTICE_EVENT = "not_delivered_notice"
# The emails that make a statutory notification: to the National Panel, Ofsted, the DfE, the
# Secretary of State (bot.services.review: delay and publication notices, and the reviewer
# appointed for a CSPR, which the Panel, Ofsted and the DfE are to be told as soon as decided).
STATUTORY_EMAILS = frozenset(
    {"panel_delay_notice", "publication_notice", "publication_delay_notice", "reviewer_notice"}
)
_ADDRESS = re.compile(r"<?[^\s<>(),;:\"']+@[^\s<>(),;:\"']+>?")
_LONGEST_REASON = 200
ADDRESS_SAID = "<address>"  # what stands for an email address taken out of a server's words


@dataclass(frozen=True)
class NotReached:
    """An outbox email some recipients did not get, as the service read it."""

    outbox_id: int
    event: str
    case_ref: str | None
    recipients: tuple[str, ...]  # those not reached
    reason: str  # the mail server's or the delivery report's words
    failed: bool  # refused whole: not sent to anyone, `outbox retry` sends it again
    report_id: int | None = None  # the delivery report on the triage list, if one said so


@dataclass(frozen=True)
class Notice:
    """The facts of one notice to the Business Manager."""

    outbox_id: int
    # The recipients not reached, lower-cased and sorted: with the email, what the notice is
    # keyed by, so one set of recipients is told once however many passes see it.
    addresses: tuple[str, ...]
    event: str
    case_ref: str | None
    recipients: tuple[str, ...]  # "address (role)" where the role is known
    reason: str  # one line, no address in it
    failed: bool
    report_id: int | None
    statutory: bool


def notice_for(email: NotReached, ours: Collection[str], roles: Mapping[str, str]) -> Notice | None:
    """The notice `email` warrants, or None (see the module's docstring). `ours`: the
    partnership's own addresses; `roles`: a role's name by lower-cased address."""
    if email.event == NOTICE_EVENT:
        return None
    outside = outside_of(email.recipients, ours)
    if not outside:
        return None
    return Notice(
        outbox_id=email.outbox_id,
        addresses=tuple(outside),
        event=email.event,
        case_ref=email.case_ref,
        recipients=tuple(named(address, roles) for address in outside),
        reason=one_line(email.reason),
        failed=email.failed,
        report_id=email.report_id,
        statutory=email.event in STATUTORY_EMAILS,
    )


def one_line(reason: str, *, limit: int = _LONGEST_REASON) -> str:
    """The server's reason on one line with no email address in it (a recipient's address is
    personal data, said once where the notice names whom it was to), at most `limit` long."""
    words = without_addresses(" ".join(reason.split())) or "no reason given"
    if len(words) > limit:
        return words[: limit - 1].rstrip() + "…"
    return words


def without_addresses(text: str) -> str:
    return _ADDRESS.sub(ADDRESS_SAID, text)


def outside_of(recipients: Collection[str], ours: Collection[str]) -> list[str]:
    """The recipients who are not the partnership's own people, lower-cased and sorted."""
    own = {address.casefold() for address in ours}
    return sorted({r.casefold() for r in recipients} - own)


def named(address: str, roles: Mapping[str, str]) -> str:
    """The address with its role after it where known, "a@b.org (Ofsted)": how a notice
    names whom an email was to."""
    role = roles.get(address)
    return f"{address} ({role})" if role else address

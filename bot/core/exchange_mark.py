"""Exchange's mark of mail sent inside the organisation, and when it may be believed.

Mail sent inside the council's own Exchange organisation usually has no Authentication-Results
at all: it never crossed a receiving server's checks. Exchange marks it instead with
X-MS-Exchange-Organization-AuthAs: Internal, and its header firewall removes every
X-MS-Exchange-Organization-* header from mail entering the organisation from outside, stamping
its own (Anonymous) in place. So the mark can be believed only when the bot reads the mailbox
inside that same organisation, and only when the policy names it (ExchangeOrganisation); even
then it must appear exactly once, say Internal, sit beside no failed DMARC verdict, and the
From domain must be one the organisation accepts.

Unlike Authentication-Results (bot.core.receiving_border), these headers are not added on top
of the message like trace headers, so where they sit proves nothing: the header firewall is
what vouches for them, which is why the mark counts only inside the organisation.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.auth_results import parse_authentication_results
from bot.core.message import MailMessage


@dataclass(frozen=True)
class ExchangeOrganisation:
    """The Exchange organisation whose "sent inside" mark counts as authentication."""

    # Domains the organisation accepts mail for (Exchange's "accepted domains"), lower-cased:
    # only a From address in one of these can have been sent from inside it.
    accepted_domains: frozenset[str]
    # Host names (or domain suffixes) of the organisation's own servers, lower-cased. When set,
    # X-MS-Exchange-Organization-AuthSource must name one of them; empty: not checked.
    auth_sources: frozenset[str] = frozenset()


_AUTH_AS = "x-ms-exchange-organization-authas"
_AUTH_SOURCE = "x-ms-exchange-organization-authsource"


def exchange_internal(
    msg: MailMessage, org: ExchangeOrganisation | None, from_domain: str
) -> tuple[bool, str]:
    """Whether Exchange's own mark says `msg` was sent inside `org`, and a sentence on why not
    ("" when there is nothing worth saying: no mark at all)."""
    marks = [value for name, value in msg.exchange_auth_headers if name == _AUTH_AS]
    if not marks:
        return False, ""
    if org is None:
        if len(marks) == 1 and marks[0].lower() == "internal":
            return False, (
                "the message is marked as sent inside Exchange "
                "(X-MS-Exchange-Organization-AuthAs: Internal), which counts only with "
                "[commands] trust_exchange_internal = true"
            )
        return False, ""
    doubt = _internal_doubt(msg, marks, org, from_domain)
    if doubt:
        return False, f"Exchange's internal mark is not believed: {doubt}"
    return True, (
        f"sent inside the Exchange organisation from {from_domain} "
        "(X-MS-Exchange-Organization-AuthAs: Internal)"
    )


def _internal_doubt(
    msg: MailMessage, marks: list[str], org: ExchangeOrganisation, from_domain: str
) -> str:
    """Why the mark cannot be believed, or "". In order: a repeated mark (Exchange writes one,
    so another was added on the way), a mark other than Internal, a From domain the
    organisation does not accept, a failed DMARC or composite verdict anywhere on the message
    (internal mail is never checked and failed), a source that is not the organisation's."""
    if len(marks) != 1:
        return (
            f"X-MS-Exchange-Organization-AuthAs appears {len(marks)} times, and Exchange "
            "writes it once"
        )
    if marks[0].lower() != "internal":
        return f"X-MS-Exchange-Organization-AuthAs is {marks[0] or 'empty'}, not Internal"
    if from_domain not in org.accepted_domains:
        accepted = ", ".join(sorted(org.accepted_domains)) or "none configured"
        return f"{from_domain} is not a domain of the organisation ({accepted})"
    failed = _failed_verdicts(msg)
    if failed:
        return f"an Authentication-Results header reports {failed}"
    if org.auth_sources:
        return _source_doubt(msg, org.auth_sources)
    return ""


def _failed_verdicts(msg: MailMessage) -> str:
    """The first DMARC or composite-authentication failure in any Authentication-Results header,
    trusted or not: nobody forges a failure against themselves."""
    for header in msg.authentication_results:
        for r in parse_authentication_results(header)[1]:
            if r.method in ("dmarc", "compauth") and r.result in ("fail", "softfail"):
                return f"{r.method}={r.result}"
    return ""


def _source_doubt(msg: MailMessage, servers: frozenset[str]) -> str:
    sources = [v.lower().strip(".") for n, v in msg.exchange_auth_headers if n == _AUTH_SOURCE]
    if len(sources) == 1 and any(sources[0] == s or sources[0].endswith("." + s) for s in servers):
        return ""
    shown = ", ".join(sources) or "missing"
    return (
        f"X-MS-Exchange-Organization-AuthSource ({shown}) is not one of the organisation's servers"
    )

"""May this sender give commands? The From address, and the receiving server's DKIM/DMARC verdict.

Pure string handling over the Authentication-Results headers (RFC 8601) already on the message.
Anyone can write an Authentication-Results header into a message they send, naming any server,
so a header is believed only when it sits above our receiving server's own Received header
(bot.core.receiving_border) and its authserv-id names one of our receiving servers.

Mail sent inside the council's own Exchange organisation carries Exchange's own mark instead;
bot.core.exchange_mark says when that may be believed. Parsing the headers is
bot.core.auth_results.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.core.auth_results import AuthResult, parse_authentication_results
from bot.core.exchange_mark import ExchangeOrganisation, exchange_internal
from bot.core.message import MailMessage
from bot.core.receiving_border import find_border

__all__ = [
    "AuthMode",
    "AuthPolicy",
    "AuthResult",
    "ExchangeOrganisation",
    "SenderCheck",
    "aligned",
    "border_hosts",
    "check_sender",
    "failed_authentication",
    "not_authenticated",
    "organisational_domain",
    "parse_authentication_results",
    "trusted_results",
]


class AuthMode(StrEnum):
    REQUIRED = "required"  # commands need the configured address AND DKIM/DMARC authentication
    ADVISORY = "advisory"  # the address is enough; a failed authentication is noted
    OFF = "off"  # the address only


@dataclass(frozen=True)
class AuthPolicy:
    trusted_authserv_ids: frozenset[str]
    mode: AuthMode
    # Microsoft 365 writes its Authentication-Results without an authserv-id. When our mailbox
    # is in Exchange Online, a header above the border (receiving_hosts) is one it added, so it
    # may be believed with no authserv-id. Leave False for any other receiving server.
    trust_topmost_unlabelled: bool = False
    # Host names (or domain suffixes) our receiving server writes after "by" in its Received
    # header: the border above which headers are ours. Empty: the trusted authserv-ids, which
    # are usually that server's host name or its domain.
    receiving_hosts: frozenset[str] = frozenset()
    # None: Exchange's internal mark is not believed (the default; right for any mailbox that
    # is not inside the organisation, where a sender could write the mark themselves).
    exchange: ExchangeOrganisation | None = None


@dataclass(frozen=True)
class SenderCheck:
    allowed: bool
    authenticated: bool
    reasons: tuple[str, ...]  # sentences for the audit trail
    authentication: str = ""  # why the message is, or is not, authenticated


# ---------------------------------------------------------------------------------------------
# Alignment.

_UK_SECOND_LEVEL = frozenset(
    {"gov", "co", "ac", "org", "nhs", "police", "sch", "ltd", "plc", "net", "me"}
)


def _domain(value: str) -> str:
    """The domain in "gmp.police.uk", "@nhs.net" or "someone@nhs.net", lower-cased."""
    return value.rsplit("@", 1)[-1].strip().strip(".").lower()


def organisational_domain(domain: str) -> str:
    """An approximation of the registrable domain: the last two labels, or three under a
    UK second-level domain such as gov.uk or police.uk. mail.tameside.gov.uk ->
    tameside.gov.uk; nhs.net -> nhs.net."""
    labels = _domain(domain).split(".")
    keep = 3 if len(labels) >= 3 and labels[-1] == "uk" and labels[-2] in _UK_SECOND_LEVEL else 2
    return ".".join(labels[-keep:])


def aligned(a: str, b: str) -> bool:
    """Relaxed DMARC alignment: the two domains share an organisational domain."""
    a, b = _domain(a), _domain(b)
    if not a or not b:
        return False
    return a == b or organisational_domain(a) == organisational_domain(b)


# ---------------------------------------------------------------------------------------------
# The check.


def border_hosts(policy: AuthPolicy) -> frozenset[str]:
    """The hosts whose Received header marks where the message reached our own servers."""
    hosts = policy.receiving_hosts or policy.trusted_authserv_ids
    return frozenset(h.strip().lower() for h in hosts if h.strip())


def trusted_results(msg: MailMessage, policy: AuthPolicy) -> list[AuthResult]:
    """Results from headers our own receiving servers added, topmost header first."""
    return _believed(find_border(msg.trace, border_hosts(policy)).above, policy)


def _believed(headers: tuple[str, ...], policy: AuthPolicy) -> list[AuthResult]:
    """The results of those `headers` whose authserv-id is ours (or, opted in, is absent)."""
    trusted_ids = {t.strip().lower() for t in policy.trusted_authserv_ids if t.strip()}
    found: list[AuthResult] = []
    for header in headers:
        authserv_id, results = parse_authentication_results(header)
        if authserv_id in trusted_ids or (authserv_id == "" and policy.trust_topmost_unlabelled):
            found.extend(results)
    return found


def _untrusted_why(msg: MailMessage, policy: AuthPolicy) -> str:
    """Why no Authentication-Results header can be believed: no border, or none above it."""
    hosts = border_hosts(policy)
    border = find_border(msg.trace, hosts)
    if not border.host:
        why = (
            "no Received header from our receiving server "
            f"({', '.join(sorted(hosts)) or 'none configured'}), so no "
            "Authentication-Results header on it can be believed"
        )
    else:
        why = (
            "no Authentication-Results header from a trusted receiving server "
            f"({', '.join(sorted(policy.trusted_authserv_ids)) or 'none configured'})"
        )
    if _believed(border.below, policy):
        why += (
            "; one that names our server sits below its Received header, so it was written "
            "before the message reached us (forged, or from elsewhere) and is ignored"
        )
    return why


def _authentication(msg: MailMessage, policy: AuthPolicy) -> tuple[bool, str]:
    """Whether DKIM/DMARC, or Exchange's internal mark, vouch for the From domain, and why."""
    from_domain = _domain(msg.from_addr) if "@" in msg.from_addr else ""
    if not from_domain:
        return False, "the message has no From address to authenticate"
    authenticated, why = _by_results(msg, policy, from_domain)
    if authenticated:
        return True, why
    internal, why_internal = exchange_internal(msg, policy.exchange, from_domain)
    if internal:
        return True, why_internal
    return False, f"{why}; {why_internal}" if why_internal else why


def failed_authentication(msg: MailMessage, policy: AuthPolicy) -> str | None:
    """Our own receiving server's verdict that DMARC failed for the From domain, or None.

    Unlike "not authenticated" (some gateways add no verdict at all), a failure says the
    message claims a domain that disowns it: what is believed without authentication, such as
    a calendar answer, is still not believed then. Authentication switched off ignores it."""
    if policy.mode is AuthMode.OFF or "@" not in msg.from_addr:
        return None
    return _dmarc_failure(trusted_results(msg, policy), _domain(msg.from_addr))


def not_authenticated(msg: MailMessage, policy: AuthPolicy) -> str | None:
    """Why nothing vouches for the message's From domain, or None when something does or
    authentication is switched off: what a person should know before believing a message that
    is accepted without authentication (a calendar answer)."""
    if policy.mode is AuthMode.OFF:
        return None
    authenticated, why = _authentication(msg, policy)
    return None if authenticated else why


def _dmarc_failure(results: list[AuthResult], from_domain: str) -> str | None:
    for r in results:
        if r.method == "dmarc" and r.result == "fail":
            return f"DMARC failed for {r.properties.get('header.from', from_domain)}"
    return None


def _by_results(msg: MailMessage, policy: AuthPolicy, from_domain: str) -> tuple[bool, str]:
    """Whether DKIM/DMARC in our own servers' Authentication-Results vouch for the From domain."""
    results = trusted_results(msg, policy)
    if not results:
        return False, _untrusted_why(msg, policy)
    failure = _dmarc_failure(results, from_domain)
    if failure is not None:
        return False, failure
    for r in results:
        if (
            r.method == "dmarc"
            and r.result == "pass"
            and _domain(r.properties.get("header.from", "")) == from_domain
        ):
            return True, f"DMARC passed for {from_domain}"
    unrelated: list[str] = []
    for r in results:
        if r.method != "dkim" or r.result != "pass":
            continue
        signer = _domain(r.properties.get("header.d") or r.properties.get("header.i", ""))
        if signer and aligned(signer, from_domain):
            return True, f"DKIM signature by {signer} passed, aligned with {from_domain}"
        if signer:
            unrelated.append(signer)
    if unrelated:
        return False, (
            f"DKIM passed only for {', '.join(unrelated)}, which is not aligned with {from_domain}"
        )
    return False, f"neither DMARC nor an aligned DKIM signature passed for {from_domain}"


def check_sender(
    msg: MailMessage, allowed_addresses: frozenset[str], policy: AuthPolicy
) -> SenderCheck:
    """Whether `msg` may give the command that `allowed_addresses` are configured for."""
    sender = msg.from_addr.strip().lower()
    allowed_set = {a.strip().lower() for a in allowed_addresses}
    address_ok = bool(sender) and sender in allowed_set
    reasons: list[str] = []
    if address_ok:
        reasons.append(f"sender {sender} is authorised for this command")
    elif sender:
        reasons.append(f"sender {sender} is not authorised for this command")
    else:
        reasons.append("the message has no From address, so it is not authorised")

    authenticated, why = _authentication(msg, policy)
    if policy.mode is AuthMode.REQUIRED:
        allowed = address_ok and authenticated
        reasons.append(
            f"authenticated: {why}" if authenticated else f"not authenticated, so refused: {why}"
        )
    elif policy.mode is AuthMode.ADVISORY:
        allowed = address_ok
        reasons.append(
            f"authenticated: {why}"
            if authenticated
            else f"not authenticated ({why}); accepted because authentication is advisory"
        )
    else:
        allowed = address_ok
        reasons.append(f"authentication is not required (mode off); for the record: {why}")
    return SenderCheck(allowed, authenticated, tuple(reasons), why)

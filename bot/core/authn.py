"""May this sender give commands? The From address, and the receiving server's DKIM/DMARC verdict.

Pure string handling over the Authentication-Results headers (RFC 8601) already on the message.
Anyone can write an Authentication-Results header into a message they send, so only headers
whose authserv-id names one of our own receiving servers are believed.

Mail sent inside the council's own Exchange organisation usually has no Authentication-Results
at all: it never crossed a receiving server's checks. Exchange marks it instead with
X-MS-Exchange-Organization-AuthAs: Internal, and its header firewall removes every
X-MS-Exchange-Organization-* header from mail entering the organisation from outside, stamping
its own (Anonymous) in place. So the mark can be believed only when the bot reads the mailbox
inside that same organisation, and only when the policy says so (ExchangeOrganisation); even
then it must appear exactly once, say Internal, sit beside no failed DMARC verdict, and the
From domain must be one the organisation accepts.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from bot.core.message import MailMessage


class AuthMode(StrEnum):
    REQUIRED = "required"  # commands need the configured address AND DKIM/DMARC authentication
    ADVISORY = "advisory"  # the address is enough; a failed authentication is noted
    OFF = "off"  # the address only


@dataclass(frozen=True)
class ExchangeOrganisation:
    """The Exchange organisation whose "sent inside" mark counts as authentication."""

    # Domains the organisation accepts mail for (Exchange's "accepted domains"), lower-cased:
    # only a From address in one of these can have been sent from inside it.
    accepted_domains: frozenset[str]
    # Host names (or domain suffixes) of the organisation's own servers, lower-cased. When set,
    # X-MS-Exchange-Organization-AuthSource must name one of them; empty: not checked.
    auth_sources: frozenset[str] = frozenset()


@dataclass(frozen=True)
class AuthPolicy:
    trusted_authserv_ids: frozenset[str]
    mode: AuthMode
    # Microsoft 365 writes its Authentication-Results without an authserv-id. When our mailbox
    # is in Exchange Online, the topmost header is the one it added, so it may be believed if it
    # has no authserv-id. Leave False for any other receiving server.
    trust_topmost_unlabelled: bool = False
    # None: Exchange's internal mark is not believed (the default; right for any mailbox that
    # is not inside the organisation, where a sender could write the mark themselves).
    exchange: ExchangeOrganisation | None = None


@dataclass(frozen=True)
class AuthResult:
    authserv_id: str  # lower-cased; "" when the header has none (Microsoft 365)
    method: str  # lower-cased, without a version: "dkim", "spf", "dmarc"...
    result: str  # lower-cased: "pass", "fail", "none"...
    # Lower-cased keys: "header.d", "header.from", "smtp.mailfrom", also "reason" and any
    # non-standard key=value such as Microsoft's "action". Values as written, unquoted.
    properties: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SenderCheck:
    allowed: bool
    authenticated: bool
    reasons: tuple[str, ...]  # sentences for the audit trail
    authentication: str = ""  # why the message is, or is not, authenticated


# ---------------------------------------------------------------------------------------------
# Parsing one header.


def _strip_comments(value: str) -> str:
    """`value` with (nested) comments replaced by a space; quoted strings kept whole."""
    out: list[str] = []
    depth = 0
    quoted = False
    escaped = False
    for ch in value:
        if escaped:
            if depth == 0:
                out.append(ch)
            escaped = False
        elif ch == "\\" and (quoted or depth):
            escaped = True
            if depth == 0:
                out.append(ch)
        elif quoted:
            out.append(ch)
            if ch == '"':
                quoted = False
        elif ch == "(":
            depth += 1
            if depth == 1:
                out.append(" ")
        elif ch == ")" and depth:
            depth -= 1
        elif depth:
            continue
        else:
            out.append(ch)
            if ch == '"':
                quoted = True
    return "".join(out)


def _split_outside_quotes(value: str, sep: str) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    quoted = False
    escaped = False
    for ch in value:
        if escaped:
            escaped = False
        elif ch == "\\" and quoted:
            escaped = True
        elif ch == '"':
            quoted = not quoted
        elif ch == sep and not quoted:
            parts.append("".join(current))
            current = []
            continue
        current.append(ch)
    parts.append("".join(current))
    return parts


# A token, a quoted string, or "=". Spaces around "=", "/" and "." are allowed by the RFC.
_TOKEN = re.compile(r'\s*(?:(=)|"((?:[^"\\]|\\.)*)"?|([^\s="]+))', re.DOTALL)


def _tokens(segment: str) -> list[str | None]:
    """The words of one resinfo; None stands for "="."""
    segment = re.sub(r"\s*([/.])\s*(?=[^\s=])", r"\1", segment)
    out: list[str | None] = []
    pos = 0
    while pos < len(segment):
        m = _TOKEN.match(segment, pos)
        if m is None or m.end() == pos:
            break
        pos = m.end()
        if m.group(1):
            out.append(None)
        elif m.group(2) is not None:
            out.append(re.sub(r"\\(.)", r"\1", m.group(2)))
        elif m.group(3):
            out.append(m.group(3))
    return out


def _pairs(segment: str) -> list[tuple[str, str]]:
    """key=value pairs in order; stray words (a version number, "none") are skipped."""
    tokens = _tokens(segment)
    pairs: list[tuple[str, str]] = []
    i = 0
    while i < len(tokens):
        key = tokens[i]
        if i + 2 < len(tokens) and tokens[i + 1] is None:
            value = tokens[i + 2]
            if key is not None and value is not None:
                pairs.append((key, value))
                i += 3
                continue
        i += 1
    return pairs


def parse_authentication_results(value: str) -> tuple[str, list[AuthResult]]:
    """The authserv-id and the results of one Authentication-Results header value.

    RFC 8601: `authserv-id [version]; method[/version]=result [reason=...] ptype.prop=value...`,
    with comments in parentheses, quoted strings, folded lines and "; none". A header that
    starts straight with a result (Microsoft 365) has authserv-id "". Never raises: parts that
    cannot be read are skipped.
    """
    segments = _split_outside_quotes(_strip_comments(value), ";")
    head = segments[0].strip()
    authserv_id = ""
    rest = segments[1:]
    if head and "=" not in head:
        first = _tokens(head)
        authserv_id = (first[0] or "").lower() if first else ""
    elif head:
        rest = segments
    results: list[AuthResult] = []
    for segment in rest:
        pairs = _pairs(segment)
        if not pairs:
            continue  # "none", or nothing readable
        method, result = pairs[0]
        properties = {k.lower(): v for k, v in pairs[1:]}
        results.append(
            AuthResult(
                authserv_id=authserv_id,
                method=method.split("/", 1)[0].lower(),
                result=result.lower(),
                properties=properties,
            )
        )
    return authserv_id, results


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


def trusted_results(msg: MailMessage, policy: AuthPolicy) -> list[AuthResult]:
    """Results from headers our own receiving servers added, topmost header first."""
    trusted_ids = {t.strip().lower() for t in policy.trusted_authserv_ids if t.strip()}
    found: list[AuthResult] = []
    for index, header in enumerate(msg.authentication_results):
        authserv_id, results = parse_authentication_results(header)
        if authserv_id in trusted_ids or (
            index == 0 and authserv_id == "" and policy.trust_topmost_unlabelled
        ):
            found.extend(results)
    return found


def _authentication(msg: MailMessage, policy: AuthPolicy) -> tuple[bool, str]:
    """Whether DKIM/DMARC, or Exchange's internal mark, vouch for the From domain, and why."""
    from_domain = _domain(msg.from_addr) if "@" in msg.from_addr else ""
    if not from_domain:
        return False, "the message has no From address to authenticate"
    authenticated, why = _by_results(msg, policy, from_domain)
    if authenticated:
        return True, why
    internal, why_internal = _exchange_internal(msg, policy.exchange, from_domain)
    if internal:
        return True, why_internal
    return False, f"{why}; {why_internal}" if why_internal else why


def _by_results(msg: MailMessage, policy: AuthPolicy, from_domain: str) -> tuple[bool, str]:
    """Whether DKIM/DMARC in our own servers' Authentication-Results vouch for the From domain."""
    results = trusted_results(msg, policy)
    if not results:
        return False, (
            "no Authentication-Results header from a trusted receiving server "
            f"({', '.join(sorted(policy.trusted_authserv_ids)) or 'none configured'})"
        )
    for r in results:
        if r.method == "dmarc" and r.result == "fail":
            checked = r.properties.get("header.from", from_domain)
            return False, f"DMARC failed for {checked}"
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


# ---------------------------------------------------------------------------------------------
# Exchange's mark of mail sent inside the organisation.

_AUTH_AS = "x-ms-exchange-organization-authas"
_AUTH_SOURCE = "x-ms-exchange-organization-authsource"


def _exchange_internal(
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
    if len(sources) == 1 and any(
        sources[0] == s or sources[0].endswith("." + s) for s in servers
    ):
        return ""
    shown = ", ".join(sources) or "missing"
    return (
        f"X-MS-Exchange-Organization-AuthSource ({shown}) is not one of the organisation's "
        "servers"
    )


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

"""May this sender give commands? The From address, and the receiving server's DKIM/DMARC verdict.

Pure string handling over the Authentication-Results headers (RFC 8601) already on the message.
Anyone can write an Authentication-Results header into a message they send, so only headers
whose authserv-id names one of our own receiving servers are believed.
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
class AuthPolicy:
    trusted_authserv_ids: frozenset[str]
    mode: AuthMode
    # Microsoft 365 writes its Authentication-Results without an authserv-id. When our mailbox
    # is in Exchange Online, the topmost header is the one it added, so it may be believed if it
    # has no authserv-id. Leave False for any other receiving server.
    trust_topmost_unlabelled: bool = False


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
    """Whether DKIM/DMARC vouch for the From domain, and why, as a sentence."""
    from_domain = _domain(msg.from_addr) if "@" in msg.from_addr else ""
    if not from_domain:
        return False, "the message has no From address to authenticate"
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

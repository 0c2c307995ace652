"""Authentication-Results headers (RFC 8601) read into values: who checked, which method, what
result, with which properties. Pure string handling; whether to believe a header is authn's."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class AuthResult:
    authserv_id: str  # lower-cased; "" when the header has none (Microsoft 365)
    method: str  # lower-cased, without a version: "dkim", "spf", "dmarc"...
    result: str  # lower-cased: "pass", "fail", "none"...
    # Lower-cased keys: "header.d", "header.from", "smtp.mailfrom", also "reason" and any
    # non-standard key=value such as Microsoft's "action". Values as written, unquoted.
    properties: Mapping[str, str] = field(default_factory=dict)


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

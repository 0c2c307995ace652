"""Which Authentication-Results headers the council's own receiving server wrote.

Every server a message passes through adds its headers on top, and anyone can write any header
into a message they send. So a header naming our own server proves nothing by its name: only
where it sits does. RFC 8601 (section 5, and 7.2 on forged headers) puts the line at the
receiving server's own Received header: our server adds its Received header and its
Authentication-Results above everything the message arrived with, so the headers above the
topmost Received header that our receiving server wrote are ours, and anything below that
border was written before the message reached us: by the sender, or by another domain's server.

The border is found by the host our receiving server names after "by" in its Received header.
A sender's own text (a HELO name, a comment) can make any Received header look like ours, but
the topmost match can only move the border up, towards our own headers (and then our genuine
verdict is refused, never a forged one believed): a sender cannot write above our server's line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

RECEIVED = "received"
AUTHENTICATION_RESULTS = "authentication-results"

# "by host" anywhere in a Received header, comments included: see the module docstring.
_BY = re.compile(r"(?<![\w.-])by\s+\[?([a-z0-9][a-z0-9.-]*)", re.IGNORECASE)


@dataclass(frozen=True)
class Border:
    """The Authentication-Results headers on each side of our receiving server's Received."""

    host: str  # the host named in that Received header; "" when there is none
    above: tuple[str, ...]  # written by our servers, topmost first
    below: tuple[str, ...]  # written before the message reached our server


def received_by(value: str) -> tuple[str, ...]:
    """Every host named after "by" in one Received header value, lower-cased, in order."""
    return tuple(m.group(1).lower().rstrip(".-") for m in _BY.finditer(value))


def is_our_host(host: str, hosts: frozenset[str]) -> bool:
    """`host` is one of `hosts`, or within one taken as a domain (mx1.tameside.gov.uk is within
    tameside.gov.uk); compared without case or a trailing dot."""
    host = host.lower().strip(".")
    for ours in hosts:
        ours = ours.lower().strip(".")
        if ours and (host == ours or host.endswith("." + ours)):
            return True
    return False


def find_border(trace: tuple[tuple[str, str], ...], hosts: frozenset[str]) -> Border:
    """Split the Authentication-Results in `trace` (every Received and Authentication-Results
    header as (lower-cased name, value), topmost first) at the topmost Received header that
    one of `hosts` wrote. With no such Received header, nothing is above the border."""
    above: list[str] = []
    for index, (name, value) in enumerate(trace):
        if name == AUTHENTICATION_RESULTS:
            above.append(value)
            continue
        if name != RECEIVED:
            continue
        host = next((h for h in received_by(value) if is_our_host(h, hosts)), "")
        if host:
            return Border(host, tuple(above), _results(trace[index + 1 :]))
    return Border("", (), tuple(above))


def _results(trace: tuple[tuple[str, str], ...]) -> tuple[str, ...]:
    return tuple(value for name, value in trace if name == AUTHENTICATION_RESULTS)

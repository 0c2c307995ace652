"""Which configured agency an email address belongs to, and who the bot does not know.

Each agency's `domains` list holds entries of three forms:

  "tameside.gov.uk"          that domain and every sub-domain of it (mx.tameside.gov.uk)
  "*.sch.uk"                 every sub-domain, at any depth (head@oak.tameside.sch.uk), but
                             not the domain itself; `*` is allowed only as the whole first label
  "dsl@school.example"       that one address (a GP practice or charity on a shared provider)

When entries of several agencies match, the most specific wins: an address, then the longest
domain; "*.x" ranks just above "x" and below any longer domain. So "tameside.sch.uk" (Tameside
schools) beats "*.sch.uk" (schools elsewhere) for head@oak.tameside.sch.uk. The loader refuses
one entry written for two agencies, so no two agencies ever tie.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")
_LOCAL_PART = re.compile(r"^[a-z0-9.!#$%&'*+/=?^_`{|}~-]+$")
ADDRESS_RANK = 1000
SYNTAX = 'a domain like "tameside.gov.uk", a pattern like "*.sch.uk" or an address'

# Free mail services: a sender there is a person, not an organisation that could be added.
PERSONAL_MAIL = frozenset(
    {
        "aol.com",
        "btinternet.com",
        "gmail.com",
        "googlemail.com",
        "hotmail.co.uk",
        "hotmail.com",
        "icloud.com",
        "live.co.uk",
        "live.com",
        "me.com",
        "msn.com",
        "outlook.com",
        "protonmail.com",
        "sky.com",
        "talktalk.net",
        "virginmedia.com",
        "yahoo.co.uk",
        "yahoo.com",
    }
)


@dataclass(frozen=True)
class DomainPattern:
    text: str  # as written in the configuration, lower-cased
    form: str  # "address", "domain" or "subdomains"
    value: str  # the address or the domain, without "*."


@dataclass(frozen=True)
class KnownSenders:
    """Everyone the configuration names: agencies by pattern, and people by address."""

    agencies: tuple[tuple[str, tuple[str, ...]], ...]  # (agency key, its domains entries)
    addresses: frozenset[str]
    # Domains of the outside bodies the bot writes to (National Panel, Ofsted, DfE): their
    # staff answer from other addresses than the configured one, and are not agencies.
    bodies: frozenset[str] = frozenset()


@lru_cache(maxsize=1024)
def parse_pattern(text: str) -> DomainPattern:
    """The entry as a pattern; ValueError saying what is wrong with it otherwise."""
    entry = text.strip().lower()
    if "@" in entry:
        local, _, domain = entry.rpartition("@")
        if not _LOCAL_PART.match(local) or not _is_domain(domain):
            raise ValueError("not an email address")
        return DomainPattern(entry, "address", entry)
    if entry.startswith("*."):
        domain = entry[2:]
        if not _is_domain(domain) or domain.count(".") < 1:
            raise ValueError("after *. give a domain of two labels or more, like *.sch.uk")
        return DomainPattern(entry, "subdomains", domain)
    if not _is_domain(entry):
        raise ValueError("not a domain; a * may only be the whole first label, as in *.sch.uk")
    return DomainPattern(entry, "domain", entry)


def _is_domain(text: str) -> bool:
    labels = text.split(".")
    return len(labels) >= 2 and all(_LABEL.match(label) for label in labels)


def rank(pattern: DomainPattern, address: str) -> int | None:
    """How specifically `pattern` names `address` (higher is more specific); None: no match."""
    address = address.strip().lower()
    return _rank(pattern, address, address.rpartition("@")[2])


def _rank(pattern: DomainPattern, address: str, domain: str) -> int | None:
    if pattern.form == "address":
        return ADDRESS_RANK if address == pattern.value else None
    under = domain.endswith("." + pattern.value)
    labels = 2 * (pattern.value.count(".") + 1)
    if pattern.form == "subdomains":
        return labels + 1 if under else None
    return labels if under or domain == pattern.value else None


def agency_for(address: str, agencies: Iterable[tuple[str, Sequence[str]]]) -> str | None:
    """The key of the agency whose entry names `address` most specifically, or None."""
    if "@" not in address:
        return None
    best: tuple[int, str] | None = None
    # Lower-cased and split once for every entry it is ranked against, not once for each.
    address = address.strip().lower()
    domain = address.rpartition("@")[2]
    for key, entries in agencies:
        for entry in entries:
            score = _rank(parse_pattern(entry), address, domain)
            if score is not None and (best is None or score > best[0]):
                best = (score, key)
    return best[1] if best else None


def is_agency(address: str, entries: Iterable[str]) -> bool:
    return agency_for(address, [("", tuple(entries))]) is not None


def stranger_reason(address: str, known: KnownSenders) -> str | None:
    """Why mail from `address` on a case needs a person: nobody configured sent it.

    None when an agency's entry, a configured person, an outside body's domain or the
    partnership's own mailbox covers the address. An empty or unreadable From is a stranger.
    """
    address = address.strip().lower()
    domain = address.rpartition("@")[2] if "@" in address else ""
    if address in known.addresses or agency_for(address, known.agencies):
        return None
    if domain and (domain in known.bodies - PERSONAL_MAIL):
        return None
    if not domain:
        return "from an unreadable sender address; check who wrote it"
    if domain in PERSONAL_MAIL:
        return (
            f"from a personal email address ({domain}), not an agency in the configuration; "
            "if it is an agency's, add the address to that agency's domains in [[agencies]]"
        )
    return f"from an organisation not in the configuration: {domain}; add it to [[agencies]]"


# Kinds that are expected from outside the configured agencies, or not from a person at all.
_FROM_ANYONE = frozenset({"auto_reply", "complaint"})


def stranger_on_case(address: str, kind: str, on_case: bool, known: KnownSenders) -> str | None:
    """The triage reason for mail filed on a case from a sender the configuration does not
    know; None when it is not on a case, or is automatic mail or a public complaint."""
    if not on_case or kind in _FROM_ANYONE:
        return None
    return stranger_reason(address, known)


def join_reasons(*reasons: str | None) -> str | None:
    """Several triage reasons as one line, or None when there are none."""
    said = [r for r in reasons if r]
    return "; ".join(said) if said else None

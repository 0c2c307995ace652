"""What Kerberos says about the bot's service account, with python-gssapi (for `doctor`).

The ews backend's auth = "kerberos" needs two things from the realm, each of which fails on
its own: a ticket for the service account (from the credential cache, or got by MIT Kerberos
itself from the client keytab in KRB5_CLIENT_KTNAME), and a service ticket for the Exchange
host's HTTP/ principal. Both are asked for here exactly as requests-gssapi would ask, so a
problem shows before the first pass instead of as a refused login.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass


class KerberosError(Exception):
    """One line saying what is wrong and what to do; never a key or a ticket."""


@dataclass(frozen=True)
class KerberosFacts:
    principal: str  # the service account the tickets are for
    service: str  # the Exchange host's service principal a ticket was issued for
    source: str  # where the account's credentials came from, in words


def check(host: str) -> KerberosFacts:
    """Get a ticket for the service account and one for HTTP@host, as requests-gssapi does."""
    try:
        import gssapi
        from gssapi.raw.misc import GSSError
    except ImportError:
        raise KerberosError(
            "the Python package gssapi is not installed (nor, it may be, the MIT Kerberos "
            "library): install gssapi and requests-gssapi in the bot's environment"
        ) from None
    source = _source()
    try:
        creds = gssapi.Credentials(usage="initiate")
        principal = str(creds.name)
    except GSSError as exc:
        raise KerberosError(
            f"no Kerberos ticket for the service account ({source}): {_first(exc)}; set "
            "KRB5_CLIENT_KTNAME to the service account's keytab (ktpass or ktutil), or run kinit"
        ) from None
    wanted = gssapi.Name(f"HTTP@{host}", gssapi.NameType.hostbased_service)
    try:
        context = gssapi.SecurityContext(name=wanted, creds=creds, usage="initiate")
        context.step()
    except GSSError as exc:
        raise KerberosError(
            f"{principal} has a ticket but none for HTTP/{host}: {_first(exc)}; the Exchange "
            f"host needs the service principal name HTTP/{host} (setspn -S on the account "
            "the EWS application pool runs as, or its alternate service account)"
        ) from None
    return KerberosFacts(principal, f"HTTP/{host}", source)


def _source() -> str:
    keytab = os.environ.get("KRB5_CLIENT_KTNAME")
    if keytab:
        return f"client keytab {keytab}"
    return "the credential cache" + (f" {os.environ['KRB5CCNAME']}" if "KRB5CCNAME" in os.environ
                                     else "")  # fmt: skip


def _first(exc: BaseException) -> str:
    """GSSAPI's own words on one line, the Kerberos (minor) reason when there is one; its
    messages name no secret."""
    text = " ".join(str(getattr(exc, "gen_message", lambda: exc)()).split())
    minor = re.search(r"Minor \(\d+\): (.+)$", text)
    return (minor.group(1) if minor else text) or type(exc).__name__

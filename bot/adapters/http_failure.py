"""What a request to a Microsoft service (Graph, EWS) that got no answer says about the server,
read from the `requests` exception: the one raised, or the one a library was handling when it
raised its own (exchangelib words a refused connection as its ErrorTimeoutExpired, then as a
TransportError while guessing the server's version).

A request that never had a connection (no such host, connection refused, a connect timeout,
TLS refused or not trusted) reached nothing, so nothing it asked for was done, and every
request after it fails alike until the network, the name or the certificate is mended. Any
other failure came after the connection was made: the server may have acted on the request.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import requests

# urllib3's words for a connection not made: "...: Failed to establish a new connection:
# [Errno 111] Connection refused".
_NOT_ESTABLISHED = re.compile(r"new connection: (?:\[Errno -?\d+\] )?(.+)$", re.IGNORECASE)


def request_error(exc: BaseException) -> requests.RequestException | None:
    """The requests exception `exc` is, or was raised while handling; None when there is none."""
    import requests

    seen: set[int] = set()
    found: BaseException | None = exc
    while found is not None and id(found) not in seen:
        if isinstance(found, requests.RequestException):
            return found
        seen.add(id(found))
        found = found.__cause__ or found.__context__
    return None


def never_connected(exc: BaseException) -> bool:
    """Whether no connection to the server was ever made (see the module's docstring)."""
    import requests

    found = request_error(exc)
    never = (requests.exceptions.ConnectTimeout, requests.exceptions.SSLError)
    return isinstance(found, never) or _not_established(found) is not None


def connect_problem(exc: BaseException) -> str:
    """Why no connection was made, in a few words (never a URL's query or a token)."""
    import requests

    found = request_error(exc)
    if isinstance(found, requests.exceptions.SSLError):
        return "TLS certificate not trusted (set REQUESTS_CA_BUNDLE for a proxy's own CA)"
    if isinstance(found, requests.exceptions.ConnectTimeout):
        return "timed out connecting"
    reason = _not_established(found)
    if reason is None:
        return "connection failed"
    if type(reason).__name__ == "NameResolutionError":
        return "host name not found"
    words = _NOT_ESTABLISHED.search(" ".join(str(reason).split()))
    return words.group(1).rstrip(".").lower() if words else "connection failed"


def _not_established(found: BaseException | None) -> BaseException | None:
    """urllib3's NewConnectionError (NameResolutionError is one) behind a ConnectionError."""
    import requests
    from urllib3.exceptions import NewConnectionError

    if not isinstance(found, requests.exceptions.ConnectionError) or not found.args:
        return None
    reason = getattr(found.args[0], "reason", None)
    return reason if isinstance(reason, NewConnectionError) else None

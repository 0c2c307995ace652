"""The key of a copy of an email, sent again to the recipients a mail server put off.

Pure. When a relay takes an email for some recipients and answers "try later" (4xx) for
others, it has reached the first and must never go to them again; a copy addressed to the
others alone is queued, under a key of its own so that it too is queued and sent once. The
key is the first email's behind a prefix, ``resend-<n>:<key>``: code that reads a key's parts
(a chase's deadline, a request's agency) never takes a copy for another email of its kind
unless it asks for the first email's key, and a copy of a copy is ``resend-<n+1>``.
"""

from __future__ import annotations

_PREFIX = "resend-"


def resend_key(key: str) -> str:
    """The key of the copy of the email with `key`."""
    number, first = _split(key)
    return f"{_PREFIX}{number + 1}:{first}"


def original_key(key: str) -> str:
    """The key of the email a copy was made from; `key` itself for any other email."""
    return _split(key)[1]


def is_resend(key: str) -> bool:
    return _split(key)[0] > 0


def _split(key: str) -> tuple[int, str]:
    head, colon, rest = key.partition(":")
    number = head.removeprefix(_PREFIX)
    if colon and head.startswith(_PREFIX) and number.isdigit() and int(number) > 0:
        return int(number), rest
    return 0, key

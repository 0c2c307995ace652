"""The subject a stored message keeps for people to read: at most 1,000 characters.

A longer one is cut, and the cut is marked where it is shown (the triage list, the digest,
`tscp-bot case`), so that no one takes the shortened text for the whole: it ends with "…" and
says how long the subject was. The stored raw message keeps the whole subject.
"""

from __future__ import annotations

LONGEST = 1000


def stored_subject(subject: str) -> str:
    """`subject` as stored for people to read: whole when it fits, else cut and marked."""
    if len(subject) <= LONGEST:
        return subject
    mark = f"… (subject cut: {len(subject):,} characters)"
    return subject[: LONGEST - len(mark)].rstrip() + mark

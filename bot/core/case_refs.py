"""Case references and thread identifiers: how a message is tied to an existing case.

Pure string handling. The service looks the ids from `thread_ids` up in its database; this
module never does.
"""

from __future__ import annotations

import re
from functools import lru_cache

from bot.core.message import MailMessage

_ANGLE_ID = re.compile(r"<([^<>\s]+)>")
# A line break with the indentation after it. Mailers fold long ids, some in the middle of
# the id; joining the pieces without the space gives the id every copy of the thread agrees on.
_FOLD = re.compile(r"\r?\n[ \t]*")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@lru_cache(maxsize=16)
def _ref_pattern(prefix: str) -> re.Pattern[str]:
    # The look-arounds stop "XTSCP-2026-0007" or "TSCP-2026-00071" matching as a reference.
    return re.compile(
        rf"(\[)?(?<![A-Za-z0-9]){re.escape(prefix)}-(\d{{4}})-(\d{{4,6}})(?!\d)(\])?",
        re.IGNORECASE,
    )


# Shaped like the bot's tag, typos included: letters, a year and a number in brackets, with
# the letter O for a zero, a dash, underscore or space between them (the rules read en dashes
# as "-", see typography).
_TAG_LIKE = re.compile(
    r"\[\s*[A-Za-z]{2,8}\s*[-\u2013_ ]\s*[0-9Oo]{4}\s*[-\u2013_ ]\s*[0-9Oo]{3,6}\s*\]"
)


def case_tag_like(subject: str) -> str | None:
    """The first bracketed tag in `subject` written like a case reference, mistyped or not.
    A message about a case whose tag was mistyped is never a new notification."""
    found = _TAG_LIKE.search(subject)
    return found.group(0) if found else None


def _normalise(prefix: str, year: str, number: str) -> str:
    return f"{prefix.upper()}-{year}-{number}"


def find_case_refs(text: str, prefix: str) -> list[str]:
    """Every case reference in `text`, tagged "[TSCP-2026-0007]" or bare, upper-cased, unique,
    in order of first appearance."""
    refs: list[str] = []
    for match in _ref_pattern(prefix).finditer(text):
        ref = _normalise(prefix, match.group(2), match.group(3))
        if ref not in refs:
            refs.append(ref)
    return refs


@lru_cache(maxsize=16)
def _loose_pattern(prefix: str) -> re.Pattern[str]:
    # "TSCP-2026-001", "tscp 2026 0001", "TSCP/2026/0001", "TSCP_2026-1": the prefix, a year
    # and a number, with any dash, slash, dot, underscore or space between them.
    return re.compile(
        rf"(?<![A-Za-z0-9]){re.escape(prefix)}\s*[-/._ ]?\s*(20\d\d)\s*[-/._ ]\s*(\d{{1,6}})(?!\d)",
        re.IGNORECASE,
    )


def loose_case_refs(text: str, prefix: str) -> list[str]:
    """Every reference in `text` written however a person types it ("tscp 2026 0001",
    "TSCP-2026-001"), as the case reference it would be ("TSCP-2026-0001"); unique, in order.
    Only for telling a person what a new case may repeat: never for filing mail on a case."""
    refs: list[str] = []
    for match in _loose_pattern(prefix).finditer(text):
        ref = _normalise(prefix, match.group(1), f"{int(match.group(2)):04d}")
        if ref not in refs:
            refs.append(ref)
    return refs


def subject_case_ref(subject: str, prefix: str) -> str | None:
    """The first reference written as a bracketed tag, the form the bot puts in its subjects."""
    for match in _ref_pattern(prefix).finditer(subject):
        if match.group(1) and match.group(4):
            return _normalise(prefix, match.group(2), match.group(3))
    return None


def unfold(value: str) -> str:
    """A header value on one line, with no control characters (NUL, CR, LF) left in it."""
    return _CONTROL.sub("", _FOLD.sub("", value).replace("\t", " "))


def normalise_message_id(s: str) -> str:
    """The bare id from "<abc@host>", " abc@host ", "<abc@host> (comment)" or a folded
    "<abc\\r\\n .def@host>"."""
    s = unfold(s)
    match = _ANGLE_ID.search(s)
    return match.group(1) if match else s.strip().strip("<>").strip()


def thread_ids(msg: MailMessage) -> list[str]:
    """Ids of the messages this one answers, nearest first: In-Reply-To, then References from
    the newest (last) back to the root. Normalised and without duplicates or blanks."""
    candidates: list[str] = []
    if msg.in_reply_to:
        candidates.append(msg.in_reply_to)
    candidates.extend(reversed(msg.references))
    ids: list[str] = []
    for raw in candidates:
        mid = normalise_message_id(raw)
        if mid and mid not in ids:
            ids.append(mid)
    return ids

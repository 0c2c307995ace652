"""Answers to the Screening Panel invitation, and whether the panel is quorate.

Pure data in, decisions out. The adapter (bot.adapters.ical) reads each iCalendar part of a
message into a CalendarItem; the services record each attendee's answer and ask here which
answers count. An answer counts only for the version of the meeting it answers: a reply whose
SEQUENCE is older than the meeting's (sent before a reschedule) is stale, recorded but never
counted, so a partner who accepted Tuesday 10:00 is not taken to have accepted Wednesday 14:00.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


@dataclass(frozen=True)
class CalendarItem:
    """One VEVENT of an iCalendar part, as far as the bot needs it."""

    method: str  # REQUEST | REPLY | COUNTER | CANCEL ..., upper case; "" when missing
    uid: str
    sequence: int
    attendees: tuple[tuple[str, str], ...] = ()  # (lower-cased address, PARTSTAT upper case)
    start: datetime | None = None  # a COUNTER's proposed start; the event's start otherwise
    # What the answerer typed beside it: COMMENT (Outlook, Exchange), or the attendee's
    # X-RESPONSE-COMMENT (Google Calendar's note). "" when none.
    comment: str = ""


class Answer(StrEnum):
    ACCEPTED = "ACCEPTED"
    TENTATIVE = "TENTATIVE"
    DECLINED = "DECLINED"
    DELEGATED = "DELEGATED"
    NEEDS_ACTION = "NEEDS-ACTION"


ANSWER_WORDS: Mapping[str, str] = {
    Answer.ACCEPTED: "accepted",
    Answer.TENTATIVE: "tentatively accepted",
    Answer.DECLINED: "declined",
    Answer.DELEGATED: "delegated",
    Answer.NEEDS_ACTION: "no answer yet",
}

REPLY_METHODS = frozenset({"REPLY", "COUNTER"})


def answer_words(partstat: str) -> str:
    return ANSWER_WORDS.get(partstat, partstat.lower() or "no answer yet")


class Standing(StrEnum):
    """How one reply stands against the meeting as it is now."""

    CURRENT = "current"  # answers the version of the meeting now in calendars
    STALE = "stale"  # answers an earlier version (before a reschedule): not counted
    UNKNOWN_VERSION = "unknown_version"  # a SEQUENCE the bot never sent: not counted


def standing(reply_sequence: int, meeting_sequence: int) -> Standing:
    if reply_sequence < meeting_sequence:
        return Standing.STALE
    if reply_sequence > meeting_sequence:
        return Standing.UNKNOWN_VERSION
    return Standing.CURRENT


def replies(items: Sequence[CalendarItem]) -> list[CalendarItem]:
    """The answers among a message's calendar parts (the same answer twice counts once)."""
    found = [i for i in items if i.method in REPLY_METHODS and i.uid]
    return list(dict.fromkeys(found))


_TURNED_DOWN = frozenset({Answer.DECLINED, Answer.DELEGATED})


def turns_down(items: Sequence[CalendarItem]) -> bool:
    """Whether an answer declines the meeting, hands it to someone else or asks to move it:
    its note ("I can't come, sending DS Kim instead") is for acting on before the meeting,
    not in the next digest."""
    return any(
        item.method == "COUNTER" or any(p in _TURNED_DOWN for _, p in item.attendees)
        for item in replies(items)
    )


def typed_note(items: Sequence[CalendarItem], body: str, *, sent_by_service: bool) -> str:
    """The note typed with an answer: its COMMENT, or, where the mail program left COMMENT
    empty and put the note in the email's text instead, that text (`body`, what the sender
    wrote). Not when a calendar service sent the email for them (Google Calendar's
    notification address in Sender): its text is the service's account of the answer."""
    comments = [item.comment for item in replies(items) if item.comment]
    if comments:
        return "\n".join(dict.fromkeys(comments))
    return "" if sent_by_service else body.strip()


@dataclass(frozen=True)
class Response:
    """One recorded answer, as the services read it back."""

    attendee: str
    partstat: str
    sequence: int
    at: datetime
    order: int = 0  # recording order: breaks a tie between two answers timed the same second
    unauthenticated: str = ""  # why nothing vouched for a mailed answer's sender; "" if it did


@dataclass(frozen=True)
class MemberAnswer:
    role: str  # local_authority | police | health
    attendee: str
    partstat: str  # the latest answer to the current version; NEEDS-ACTION when none
    at: datetime | None
    earlier: str  # the answer to an earlier version, when that is all there is; else ""
    unauthenticated: str = ""  # the latest answer's: why nothing vouched for its sender


@dataclass(frozen=True)
class PanelAnswers:
    members: tuple[MemberAnswer, ...]
    quorate: bool
    summary: str  # "quorate: all three partners accepted" / "not quorate: health declined"


def panel_answers(
    members: Sequence[tuple[str, str]], responses: Sequence[Response], sequence: int
) -> PanelAnswers:
    """Each statutory partner's answer to the meeting's current version, and the quorum.

    `members` are (role, address) of the three statutory partner representatives. The panel
    is quorate when every one of them accepted the current version; a tentative acceptance
    is not an acceptance.
    """
    rows = tuple(_member(role, addr, responses, sequence) for role, addr in members)
    missing = [r for r in rows if r.partstat != Answer.ACCEPTED]
    quorate = bool(rows) and not missing
    return PanelAnswers(rows, quorate, _summary(rows, missing))


def _member(role: str, attendee: str, responses: Sequence[Response], sequence: int) -> MemberAnswer:
    mine = [r for r in responses if r.attendee == attendee.lower()]
    current = [r for r in mine if r.sequence == sequence]
    older = [r for r in mine if r.sequence < sequence]
    latest = max(current, key=lambda r: (r.at, r.order), default=None)
    before = max(older, key=lambda r: (r.sequence, r.at, r.order), default=None)
    return MemberAnswer(
        role=role,
        attendee=attendee.lower(),
        partstat=latest.partstat if latest else Answer.NEEDS_ACTION.value,
        at=latest.at if latest else None,
        earlier=before.partstat if latest is None and before is not None else "",
        unauthenticated=latest.unauthenticated if latest else "",
    )


def _summary(rows: Sequence[MemberAnswer], missing: Sequence[MemberAnswer]) -> str:
    if not rows:
        return "not quorate: no statutory partner representatives are configured"
    if not missing:
        return f"quorate: all {len(rows)} statutory partners accepted{_unproven(rows)}"
    said = "; ".join(f"{_role_words(r.role)} {answer_words(r.partstat)}" for r in missing)
    return f"not quorate: {said}{_unproven(rows)}"


def _unproven(rows: Sequence[MemberAnswer]) -> str:
    """A mailed answer is counted without authentication (some gateways strip it), so the
    summary says whose answer nothing vouched for: a person can check it is theirs."""
    roles = [_role_words(r.role) for r in rows if r.unauthenticated]
    if not roles:
        return ""
    if len(roles) == 1:
        return f" (the answer from {roles[0]} was not authenticated: check it is theirs)"
    whom = f"{', '.join(roles[:-1])} and {roles[-1]}"
    return f" (the answers from {whom} were not authenticated: check they are theirs)"


def _role_words(role: str) -> str:
    return role.replace("_", " ")

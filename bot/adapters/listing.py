"""Reading a listed mailbox a bounded batch at a time: for backends that list what waits in one
round (Graph's delta query, EWS's SyncFolderItems, a Maildir's files) and read each message's
bytes by a call of its own.

The round's listing (ids, arrival times, sizes: no bytes) is kept between fetches; the bytes
are read a batch at a time, at most `messages` of them and `bytes` in all (at least one), so a
backlog of any size holds one batch in memory, as IMAP's UID ranges do.

The cursor says where in which round the reading got: "<tag> <state>" once a round is done
(state: the sync state it ended with), "<tag> <state> @<round>:<position>" part-way, where
state is the one the round started from. The ingest keeps the cursor once a batch is stored,
so a pass cut short carries on from the same listing, while a process that no longer holds
that listing (a restart) lists again from the round's start: the messages read twice are
known by their bytes, none is skipped.

A message the server refuses with an error that blames the server (mail_source.Refused) does
not stop the batch: the rest is read (unless it looks like an outage, OUTAGE_AFTER refusals
and nothing read whole), then the fetch fails. With RefusedMessages, carrying the batch with
the message as an unreadable placeholder, when the server gave another message of the batch
whole, or, where it looked like an outage, the newest message of the round or, with none left,
one the bot moved to its processed folder (a witness: several stuck messages side by side, or
one last in the Inbox, are not an outage of a server that gives other mail); else with a plain
MailboxError (see Rounds.refused).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import NoReturn

from bot.adapters.mail_source import (
    Batch,
    Cursor,
    IncomingMail,
    LeftInInbox,
    MailboxError,
    Refused,
    RefusedMessages,
    arrived_before,
    looks_like_an_outage,
    unread,
)

# What one batch holds at most, as IMAP's (bot.adapters.imap_source) defaults.
BATCH_MESSAGES = 100
BATCH_BYTES = 8_000_000


@dataclass(frozen=True)
class Listed:
    """One message as the listing gives it."""

    ident: str  # the backend's handle for reading it (Graph or EWS id, Maildir key)
    arrived: datetime | None
    size: int = 0  # bytes, when the listing says; 0 when it does not
    message_id: str = ""  # the Internet Message-ID, when the listing gives it
    # Whom from and about what, when the listing gives them: only for naming a message that
    # cannot be read (mail_source.Unreadable).
    subject: str = ""
    sender: str = ""


# A backend's reading of the chosen messages, in order, leaving out those gone meanwhile.
Read = Callable[[list[Listed]], Sequence[IncomingMail | Refused]]


@dataclass(frozen=True)
class Round:
    number: int  # tells this round's cursors from another's
    start: str  # the sync state the round was listed from ("" for the whole mailbox)
    items: list[Listed]
    end: str  # the sync state the round ends with ("" when there is none)


@dataclass(frozen=True)
class Where:
    """A cursor's sync state, read: the state and, part-way through a round, where."""

    state: str
    number: int = 0
    position: int = 0


def read_cursor(since: Cursor | None, tag: str) -> Where:
    """Where the cursor points for a mailbox with this tag; another backend's or mailbox's
    cursor (or none) points at the start of everything."""
    found, _, rest = (since.sync_state if since is not None else "").partition(" ")
    if found != tag:
        return Where("")
    state, _, mark = rest.partition(" ")
    number, _, position = mark.removeprefix("@").partition(":")
    if not (mark.startswith("@") and number.isdigit() and position.isdigit()):
        return Where(state)
    return Where(state, int(number), int(position))


class Rounds:
    """The round being read, kept between one fetch and the next."""

    def __init__(self, tag: str, messages: int = BATCH_MESSAGES, bytes_: int = BATCH_BYTES):
        self.tag = tag
        self._messages, self._bytes = max(1, messages), bytes_
        self._round: Round | None = None
        # The sync state the last round read to its end finished with: where a look for new
        # mail between passes starts (bot.adapters.graph_watch); "" before one has.
        self.settled = ""

    def fetch(
        self,
        since: Cursor | None,
        arrived_since: datetime | None,
        list_round: Callable[[str], tuple[list[Listed], str]],
        read: Read,
        elsewhere: Callable[[], bool] = lambda: False,
    ) -> Batch:
        """The next batch: from the round the cursor is in if this process still holds its
        listing, else from a new round listed from the cursor's state by `list_round`
        (state in, listing and the state it ends with out). `read` reads the bytes of the
        messages chosen, leaving out those gone meanwhile. `elsewhere` reads one message of
        another folder (one read whole before: the bot's processed folder), True when it
        reads whole: the witness when nothing is left in the round (see refused)."""
        where = read_cursor(since, self.tag)
        current = self._round
        if current is None or (current.number, current.start) != (where.number, where.state):
            items, end = list_round(where.state)
            current = Round(secrets.randbelow(2**31 - 1) + 1, where.state, items, end)
            where = Where(where.state)
        self._round = current
        results, old, position = self._read_next(current.items, where.position, arrived_since, read)
        more = position < len(current.items)
        if more:
            state = f"{self.tag} {current.start} @{current.number}:{position}"
        else:
            self._round = None  # read to the end: its listing is let go
            self.settled = current.end
            state = f"{self.tag} {current.end}" if current.end else ""
        batch = Batch(
            messages=[_in_place(r) for r in results],
            cursor=Cursor(sync_state=state),
            left=LeftInInbox.of([t for t in old if t is not None]),
            more=more,
        )
        refused = tuple(r for r in results if isinstance(r, Refused))
        if refused:
            later = [
                i for i in current.items[position:] if not arrived_before(i.arrived, arrived_since)
            ]
            self.refused(
                refused, batch, lambda: any_whole(read([later[-1]])) if later else elsewhere()
            )
        return batch

    def refused(
        self, refused: tuple[Refused, ...], batch: Batch, witness: Callable[[], bool]
    ) -> NoReturn:
        """Fail the fetch over messages the server refused. The rule for "not an outage of
        the whole mailbox": the server gave at least one other message of the same batch
        whole, or `witness` (the round's newest message read whole: read only when nothing
        of the batch was, its bytes let go, to be read in its turn; with nothing left in the
        round, a message of another folder). Then RefusedMessages lets the caller count the
        refusals, and set the messages aside once they prove lasting. Otherwise (a failing
        witness, or none to read: the first mail of a new mailbox) nothing may be counted: a
        plain MailboxError, and the round's listing is let go, so the next pass lists afresh
        and mail that arrived meanwhile can show whether the server gives mail."""
        if any(m.unreadable is None for m in batch.messages) or witness():
            raise RefusedMessages(refused, batch)
        self._round = None
        raise MailboxError(refused[0].unreadable.error)

    def _read_next(
        self,
        items: list[Listed],
        position: int,
        arrived_since: datetime | None,
        read: Read,
    ) -> tuple[list[IncomingMail | Refused], list[datetime | None], int]:
        """The messages of the next batch from `position`, the arrival times of those passed
        as older than the cut-off, and where the batch after starts.

        Messages of known size are chosen by it and read together; one whose size the listing
        did not give is read on its own, and what it read counts towards the bound. A batch
        whose messages were all refused reads on past its bounds, one message at a time, for
        one that shows whether the server gives mail (see _unwitnessed)."""
        messages: list[IncomingMail | Refused] = []
        old: list[datetime | None] = []
        chosen: list[Listed] = []
        count = size = 0
        while position < len(items):
            item = items[position]
            if arrived_before(item.arrived, arrived_since):
                old.append(item.arrived)
                position += 1
                continue
            full = size + item.size > self._bytes or (not item.size and size >= self._bytes)
            if count and (count >= self._messages or full):
                messages += read(chosen)
                chosen = []
                if not _unwitnessed(messages):
                    break
            count, position = count + 1, position + 1
            if item.size:
                chosen.append(item)
                size += item.size
                continue
            messages += read(chosen)  # first, to keep the listing's order
            chosen, one = [], read([item])
            messages += one
            size += sum(len(m.raw) for m in one if isinstance(m, IncomingMail))
            if looks_like_an_outage(messages):
                break  # the fetch fails (see refused); no more failing reads this pass
        messages += read(chosen)
        return messages, old, position


def any_whole(results: Sequence[IncomingMail | Refused]) -> bool:
    """Whether any of the results is a message read whole."""
    return any(isinstance(r, IncomingMail) and r.unreadable is None for r in results)


def _unwitnessed(results: list[IncomingMail | Refused]) -> bool:
    """Refusals and nothing read whole, but not yet an outage: one stuck message alone in its
    batch (an EWS item bigger than the byte bound is) would otherwise never be told from an
    outage, and would hold up the mail behind it for ever."""
    return (
        any(isinstance(r, Refused) for r in results)
        and not looks_like_an_outage(results)
        and all(isinstance(r, Refused) or r.unreadable is not None for r in results)
    )


def _in_place(result: IncomingMail | Refused) -> IncomingMail:
    """A refused message as the unreadable placeholder that would stand in its place."""
    if isinstance(result, IncomingMail):
        return result
    return unread(result.key, result.arrived_at, result.unreadable)

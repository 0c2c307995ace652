"""A read-only look at the mailbox's junk folder: what is there, never its body, never moved.

Exchange files mail that fails its spoofing or DMARC checks in Junk Email ("MoveToJmf"),
which the bot never reads; bot.services.junk_folder tells the Business Manager of it.
"""

from __future__ import annotations

import email
import email.parser
import email.policy
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from email.utils import getaddresses
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from bot.adapters.imap_connection import ImapConnection
from bot.adapters.imap_fetch import FETCH_CHUNK
from bot.adapters.mail_source import FolderMissing
from bot.core.junk_where import FoundBy

# Names Exchange and common servers give the junk folder, tried when no folder carries the
# RFC 6154 \Junk flag and none is configured.
JUNK_NAMES = ("Junk Email", "Junk")


@dataclass(frozen=True)
class JunkItem:
    key: str  # stable while the message stays in that folder
    sender: str
    subject: str
    arrived_at: datetime | None


@dataclass(frozen=True)
class JunkListing:
    """The keys in the junk folder now, and the details of those not in `known`."""

    folder: str
    present: frozenset[str]
    new: tuple[JunkItem, ...] = field(default=())
    found_by: FoundBy | None = None  # over IMAP; elsewhere the folder is fixed


@runtime_checkable
class JunkLook(Protocol):
    def junk(self, known: frozenset[str]) -> JunkListing | None:
        """List the junk folder read-only: None when the mailbox has none. Raises
        MailboxError when it cannot be looked at (gone, no permission)."""
        ...


def imap_junk_look(
    imap: ImapConnection, configured: str, known: frozenset[str]
) -> JunkListing | None:
    """ImapSource's look, through its ImapConnection `imap`: a failure is named by the junk
    folder, not the inbox (a trouble there is none reading mail)."""
    with imap.guard("junk look", configured or "(finding the junk folder)"):
        found = imap_junk_folder(imap.client(), configured)
    if found is None:
        return None
    folder, found_by = found
    with imap.guard("junk look", folder):
        return replace(imap_junk(imap.client(), folder, known), found_by=found_by)


def imap_junk_folder(client: Any, configured: str) -> tuple[str, FoundBy] | None:
    """The configured folder, else the one flagged \\Junk, else a usual name, with which it
    was. FolderMissing when the configured one is not there (renamed, or a typing mistake): no
    folder at all would say that the mailbox has no junk, and drop what was seen there from
    every list."""
    folders = client.list_folders()
    names = [str(name) for _, _, name in folders]
    if configured:
        if configured not in names:
            raise FolderMissing(configured, names)
        return configured, "setting"
    for flags, _, name in folders:
        if b"\\Junk" in flags:
            return str(name), "flag"
    named = next((n for n in JUNK_NAMES if n in names), None)
    return None if named is None else (named, "name")


def imap_junk(client: Any, folder: str, known: frozenset[str]) -> JunkListing:
    """EXAMINE (read-only: nothing is marked read) and list; headers only of new ones."""
    status = client.select_folder(folder, readonly=True)
    uidvalidity = int(status[b"UIDVALIDITY"])
    by_key = {f"{uidvalidity}:{uid}": int(uid) for uid in client.search(["ALL"])}
    new_uids = sorted(uid for key, uid in by_key.items() if key not in known)
    items: list[JunkItem] = []
    wanted = ["INTERNALDATE", "BODY.PEEK[HEADER.FIELDS (FROM SUBJECT)]"]
    # FETCH_CHUNK UIDs a FETCH, as for the inbox: a first look at a folder of thousands names
    # every one, and one command line that long is refused (Dovecot: "Too long argument").
    for start in range(0, len(new_uids), FETCH_CHUNK):
        chunk = new_uids[start : start + FETCH_CHUNK]
        for uid, data in sorted(client.fetch(chunk, wanted).items()):
            header = data.get(b"BODY[HEADER.FIELDS (FROM SUBJECT)]", b"")
            items.append(junk_item(f"{uidvalidity}:{uid}", header, data.get(b"INTERNALDATE")))
    return JunkListing(folder, frozenset(by_key), tuple(items))


def junk_item(key: str, header: bytes, arrived: object) -> JunkItem:
    parsed = email.message_from_bytes(header, policy=email.policy.default)
    addresses = getaddresses([str(parsed.get("From", ""))])
    sender = next((a for _, a in addresses if a), "")
    # The connection keeps INTERNALDATE's own zone (normalise_times off); none: not known.
    when = arrived if isinstance(arrived, datetime) and arrived.utcoffset() is not None else None
    subject = " ".join(str(parsed.get("Subject", "")).split())
    return JunkItem(key, sender, subject, when.astimezone(UTC) if when else None)


def maildir_junk(path: Path, known: frozenset[str]) -> JunkListing | None:
    """The Maildir's `.Junk` folder, when there is one: each file's headers only (From,
    Subject), its modification time as its arrival, as the inbox's; keyed by its unique
    name (what comes before the flags)."""
    box = path / ".Junk"
    if not (box / "cur").is_dir():
        return None
    files = {p.name.split(":", 1)[0]: p for sub in ("new", "cur") for p in (box / sub).iterdir()}
    new = []
    for key in sorted(files.keys() - known):
        try:
            with files[key].open("rb") as handle:
                parsed = email.parser.BytesHeaderParser(policy=email.policy.default).parse(handle)
            arrived = datetime.fromtimestamp(files[key].stat().st_mtime, UTC)
        except FileNotFoundError:  # moved out while being looked at
            continue
        addresses = getaddresses([str(parsed.get("From", ""))])
        sender = next((a for _, a in addresses if a), "")
        new.append(JunkItem(key, sender, " ".join(str(parsed.get("Subject", "")).split()), arrived))
    return JunkListing("Junk", frozenset(files), tuple(new))

"""A message's key on Exchange, for EWS and Graph alike: its item id, then its Message-ID.

The item id moves the message; the Message-ID finds it again when a move went through but its
answer was lost (the item then has a new id). The key is kept in StoredMessage.source_key.
"""

from __future__ import annotations

from bot.adapters.mail_source import MailboxError

KEY_MAX = 1000  # StoredMessage.source_key's length


def message_key(item_id: str, message_id: str) -> str:
    key = f"{item_id} {message_id}" if message_id else item_id
    # A Message-ID too long to keep beside the id is left off whole, never cut: the id alone
    # still moves it, only a lost move's answer is then not found.
    return key if len(key) <= KEY_MAX else item_id


def split_key(key: str, backend: str) -> tuple[str, str]:
    """(item id, Message-ID or ""); `backend` names it in the error ("an EWS", "a Graph")."""
    item_id, _, message_id = key.partition(" ")
    if not item_id:
        raise MailboxError(f"not {backend} message key: {key!r}")
    return item_id, message_id

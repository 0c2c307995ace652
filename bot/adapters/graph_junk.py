"""The read-only look at a Graph mailbox's Junk Email folder (well-known name `junkemail`):
ids, arrival times, senders and subjects, one listing a look; never a body, never a move."""

from __future__ import annotations

from collections.abc import Callable

from bot.adapters.graph_client import GraphClient
from bot.adapters.graph_error import GraphError
from bot.adapters.graph_fields import address, received_at
from bot.adapters.graph_items import READ_WRITE
from bot.adapters.junk_look import JunkItem, JunkListing

FOLDER = "Junk Email"
# Graph gives up to 1000 messages a page when asked: a junk folder of thousands is a few calls.
_PAGE = "1000"


def graph_junk(
    client: GraphClient, user_url: Callable[[str], str], known: frozenset[str]
) -> JunkListing | None:
    try:
        page = client.pages(
            user_url("mailFolders/junkemail/messages"),
            what="junk folder look",
            permission=READ_WRITE,
            params={"$select": "id,receivedDateTime,from,subject", "$top": _PAGE},
        )
    except GraphError as exc:
        if exc.status == 404:  # a mailbox with no Junk Email folder: nothing to look at
            return None
        raise
    listed = [item for item in page.items if isinstance(item.get("id"), str)]
    new = tuple(
        JunkItem(
            item["id"],
            address(item.get("from")),
            _subject(item.get("subject")),
            received_at(item.get("receivedDateTime")),
        )
        for item in listed
        if item["id"] not in known
    )
    return JunkListing(FOLDER, frozenset(item["id"] for item in listed), new)


def _subject(value: object) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""

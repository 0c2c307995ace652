"""Between passes, a cheap look at the Inbox's Graph delta: has anything arrived since the last
round was read to its end?

Graph pushes change notifications only to an HTTPS address Microsoft can reach, which a
council's bot does not have. So the daemon asks instead: every CHECK_SECONDS it follows the
delta link the last complete round ended with, asking for one small page, and wakes for a
pass as soon as that page lists a message that was not merely removed (the bot's own moves
show as removals). The link is only read, never kept: the pass itself reads the changes and
keeps its cursor. A look that fails says nothing; the poll goes on as before.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from bot.adapters.graph_client import GraphClient
from bot.adapters.graph_error import GraphError

log = logging.getLogger(__name__)

# A GET every five seconds is 120 in ten minutes, far below Graph's 10,000 per mailbox.
CHECK_SECONDS = 5.0
_SMALL_PAGE = "odata.maxpagesize=10"


def watch(client: GraphClient, link: str, permission: str, timeout: float) -> bool:
    """True as soon as the delta from `link` lists news; False after `timeout` (at once
    asleep for it when no round has been read to its end yet: nothing to look from)."""
    if not link:
        time.sleep(timeout)
        return False
    return wait_for_news(lambda: news_since(client, link, permission), timeout)


def news_since(client: GraphClient, link: str, permission: str) -> bool:
    """Whether the delta from `link` lists a message added or changed (not only removed)."""
    try:
        body = client.json(
            "GET",
            link,
            what="a look for new mail",
            permission=permission,
            headers={"Prefer": _SMALL_PAGE},
        )
    except GraphError as exc:
        log.debug("the look for new mail failed (%s); the poll goes on", exc)
        return False
    value = body.get("value")
    items = value if isinstance(value, list) else []
    return any(isinstance(item, dict) and "@removed" not in item for item in items)


def wait_for_news(
    look: Callable[[], bool],
    timeout: float,
    *,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> bool:
    """True as soon as `look` finds news, looking every CHECK_SECONDS; False at `timeout`."""
    deadline = clock() + timeout
    while (left := deadline - clock()) > 0:
        sleep(min(CHECK_SECONDS, left))
        if look():
            return True
    return False

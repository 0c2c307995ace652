"""Between passes, a cheap look at the Inbox's Graph delta: has anything arrived since the last
round was read to its end?

Graph pushes change notifications only to an HTTPS address Microsoft can reach, which a
council's bot does not have. So the daemon asks instead: every CHECK_SECONDS it follows the
delta link the last complete round ended with and wakes for a pass as soon as the changes list
a message that was not merely removed (the bot's own moves show as removals). The cursor is
never touched: the pass itself reads the changes and keeps it. A look that fails says
nothing; the poll goes on as before.
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
_PAGE = "odata.maxpagesize=50"
_MAX_PAGES = 20  # of removals, in one look (a pass that moved a thousand messages)


class DeltaLook:
    """Looks from the delta link the last complete round ended with. The changes after it that
    are only removals (the pass's own moves) are stepped over once, to the delta link they end
    with, kept here and never as the cursor, so each look after asks only for what is newer."""

    def __init__(self, client: GraphClient, permission: str) -> None:
        self._client, self._permission = client, permission
        self._settled = self._from = ""

    def news(self, settled: str) -> bool:
        """Whether the Inbox has gained or changed a message since `settled`; False when a
        look fails (the poll goes on)."""
        if settled != self._settled:
            self._settled = self._from = settled
        link = self._from
        try:
            for _ in range(_MAX_PAGES):
                body = self._client.json(
                    "GET",
                    link,
                    what="a look for new mail",
                    permission=self._permission,
                    headers={"Prefer": _PAGE},
                )
                if _lists_news(body):
                    return True
                following = body.get("@odata.nextLink")
                if not isinstance(following, str):
                    ended = body.get("@odata.deltaLink")
                    self._from = ended if isinstance(ended, str) else self._from
                    return False
                link = following
        except GraphError as exc:
            log.debug("the look for new mail failed (%s); the poll goes on", exc)
        return False


def _lists_news(body: dict[str, object]) -> bool:
    value = body.get("value")
    items = value if isinstance(value, list) else []
    return any(isinstance(item, dict) and "@removed" not in item for item in items)


def watch(look: DeltaLook, settled: str, timeout: float) -> bool:
    """True as soon as a look from `settled` finds news; False after `timeout` (asleep for it
    when no round has been read to its end yet: nothing to look from)."""
    if not settled:
        time.sleep(timeout)
        return False
    return wait_for_news(lambda: look.news(settled), timeout)


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

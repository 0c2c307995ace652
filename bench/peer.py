"""The peer: django-helpdesk's `get_email` on the same mailbox (placeholder)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from bench.harness import Servers


class Peer:
    @classmethod
    def prepare(cls, work: Path, say: Callable[[str], None]) -> tuple[Peer | None, str]:
        return None, "not yet written"

    def run(self, srv: Servers, count: int) -> float:
        raise NotImplementedError

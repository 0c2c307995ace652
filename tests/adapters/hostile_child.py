"""A reading child with the test's own fault, named as the child's entry point in place of
bot.adapters.reader_child.serve: it dies on the spot (os._exit, as a crash in C code would)
while parsing an email that carries MARKER, and parses every other email as the bot does."""

from __future__ import annotations

import os
from typing import Any

MARKER = b"X-Test: STOP-THE-READER"
DIED = 9


def serve(*args: Any) -> None:
    import bot.adapters.parsing as parsing
    from bot.adapters import reader_child

    parse = parsing.parse_message

    def parse_message(raw: bytes, **kw: Any) -> Any:
        if MARKER in raw:
            os._exit(DIED)
        return parse(raw, **kw)

    parsing.parse_message = parse_message
    reader_child.serve(*args)

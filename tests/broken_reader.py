"""The `tscp-bot` command for end-to-end tests of a reading process that does not work: the
installed command, or the same command line with every reading process dying before it answers
the known email (as a broken or half-upgraded install would)."""

from __future__ import annotations

import sys
from pathlib import Path

BIN = Path(sys.executable).parent / "tscp-bot"
_BROKEN_BOT = """
import os, sys
import bot.adapters.reader_child as reader_child
from bot.cli import main

reader_child.serve = os._exit
sys.exit(main())
"""
# Why such a reading process does not work, in the words the bot logs, `status`, the digest
# and the alert use.
WHY = "it stopped before answering a known email (exit code 1)"


def bot_command(*, broken: bool) -> list[str]:
    """The command line's head: `tscp-bot`, or the one whose reading processes all die."""
    return [sys.executable, "-c", _BROKEN_BOT] if broken else [str(BIN)]

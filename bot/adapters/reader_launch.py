"""The reading process's child started (bot.adapters.reader_process): forked from a
forkserver that has loaded only the parser and readers (reader_child.PRELOAD), given the
reading limits and the bot's own vocabulary, to match the forms in what it reads."""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.process import BaseProcess

    from bot.core.vocabulary import Vocabulary


@dataclass(frozen=True)
class ReadSettings:
    max_attachment_bytes: int
    max_expanded_bytes: int
    max_pages: int
    # A message's parse, and then its reading (all its attachments: bot.core.partly_read),
    # each stops after this long.
    seconds: int
    memory_mb: int  # the child's address space (RLIMIT_AS)


def launch(settings: ReadSettings, vocabulary: Vocabulary | None) -> tuple[BaseProcess, Connection]:
    """The child, started, and this process's end of its pipe (ReaderBroken if it cannot be
    started)."""
    import multiprocessing
    from multiprocessing.reduction import ForkingPickler

    from bot.adapters.reader_child import PRELOAD, serve
    from bot.adapters.reader_fallback import started

    # The vocabulary's read-only mappings cannot cross the pipe as they are; registered with
    # multiprocessing's own pickler only, not pickle's.
    ForkingPickler.register(MappingProxyType, _proxy_by_value)
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    mine, theirs = context.Pipe()
    s = settings
    process = context.Process(
        target=serve,
        args=(
            theirs,
            s.max_attachment_bytes,
            (s.max_expanded_bytes, s.max_pages),
            s.memory_mb,
            vocabulary,
        ),
        name="tscp-bot reader",
        daemon=True,
    )
    try:
        started(process)
    except Exception:
        mine.close()
        raise
    finally:
        theirs.close()  # so that the child's end closing (it died) reads as EOF here
    return process, mine


def start_early() -> None:
    """Start the forkserver now, before `run` imports its pass: the forkserver's imports
    (PRELOAD, about a third of a second on a slow machine) then run on the other core beside
    the bot's, and the first email's child is forked at once instead of waiting for them. A
    forkserver that cannot start is left for `launch` to meet, which makes it a ReaderBroken as
    before: nothing is said here."""
    import contextlib
    import multiprocessing
    from multiprocessing import forkserver

    from bot.adapters.reader_child import PRELOAD

    with contextlib.suppress(Exception):  # met again, and reported, at the first email
        multiprocessing.get_context("forkserver").set_forkserver_preload(PRELOAD)
        forkserver.ensure_running()


def _proxy_by_value(proxy: MappingProxyType[Any, Any]) -> tuple[Any, ...]:
    from bot.adapters.reader_child import mapping_proxy

    return (mapping_proxy, (dict(proxy),))

"""The child process's side of bot.adapters.reader_process: each email sent to it is parsed
and its documents read by the same functions the bot uses in-process (parse_message,
read_message), and what they return is sent back.

Nothing is imported here at import time but the standard library: the parent imports this
module only to name `serve` as the child's entry point, and must not load the readers itself.
"""

from __future__ import annotations

import os
import pickle
import queue
import resource
import signal
import threading
from functools import partial
from multiprocessing.connection import Connection
from types import MappingProxyType
from typing import Any

# The child exits with this when it ran out of memory, for the parent to say so.
OUT_OF_MEMORY = 75
# What the forkserver imports once, so that each child forked from it starts with them loaded.
# Not the format readers (pypdf, lxml...): a child imports the one it needs when a file of its
# kind first comes, as in-process, so mail without attachments never pays for them.
PRELOAD = [
    "bot.adapters.reader_child",
    "bot.adapters.parsing",
    "bot.adapters.documents.reading",
    "bot.core.forms",
]


def serve(
    conn: Connection,
    max_attachment_bytes: int,
    limits: tuple[int, int],
    memory_mb: int,
    vocabulary: Any = None,
) -> None:
    """Answer jobs until the parent sends None or goes away. A job is (key, raw, message,
    read): `raw` to be parsed (and, when `read`, read at once), or
    `message` to be read. Each answer is (key, stage, outcome, value); a read's value is
    (documents, forms): with the bot's `vocabulary`, the form found in the documents for
    each form the bot may expect (bot.core.forms.extract_each), else None."""
    # Ctrl-C at the terminal reaches the whole process group: the parent decides for its child.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from bot.logs import setup

    # This process writes to the bot's stderr: its lines as the bot's, and its libraries as
    # quiet (pypdf's warning about a damaged file quotes the file's first bytes).
    setup(verbose=False)
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    from bot.adapters.documents import Limits, read_message
    from bot.adapters.parsing import parse_message

    parse = partial(parse_message, max_attachment_bytes=max_attachment_bytes)
    read = partial(read_message, limits=Limits(*limits), parse=parse)
    match = partial(_match, vocabulary)
    # Jobs are taken off the pipe as they come, by a thread of their own: the parent sends
    # several ahead, and if this process stopped taking them while it sent a large answer, each
    # would wait for the other to read.
    jobs: queue.SimpleQueue[Any] = queue.SimpleQueue()
    threading.Thread(target=_take_jobs, args=(conn, jobs), daemon=True).start()
    while (job := jobs.get()) is not None:
        try:
            _answer(conn, job, parse, read, match)
        except MemoryError:
            # Too little memory may be left to say anything more: the exit code says it.
            os._exit(OUT_OF_MEMORY)
        except (BrokenPipeError, ConnectionResetError):
            return  # the bot went (killed) while this email was read: nobody is left to tell


def _take_jobs(conn: Connection, jobs: queue.SimpleQueue[Any]) -> None:
    while True:
        try:
            job = conn.recv()
        except MemoryError:
            os._exit(OUT_OF_MEMORY)
        except (EOFError, OSError):  # the parent has gone
            job = None
        jobs.put(job)
        if job is None:
            return


def _answer(
    conn: Connection, job: tuple[int, Any, Any, bool], parse: Any, read: Any, match: Any
) -> None:
    key, raw, msg, wanted = job
    if raw is not None:
        try:
            msg = parse(raw)
        except MemoryError:
            raise
        except Exception as exc:  # the same error as in-process, for the parent to raise
            conn.send((key, "parse", False, _picklable(exc)))
            return
        conn.send((key, "parse", True, msg))
        if not wanted:
            return
        # Read ahead even a message with no attachment: its body is read in well under a
        # millisecond here, where asking for it later would wait behind the jobs sent after it.
    # With attachments, each piece (the body, an attachment) is sent as it is begun and done,
    # so that if this process is stopped the parent keeps what was read and knows which piece
    # it was stopped on; the end of the reading is then said alone, the documents having been
    # sent. An email's own text alone is sent whole at the end, as one answer. Either way the
    # forms matched in the documents come with the end.
    report = None
    if msg.attachments:
        report = lambda piece, docs: conn.send((key, "piece", True, (piece, docs)))  # noqa: E731
    try:
        docs = read(msg, report=report)
    except MemoryError:
        raise
    except Exception as exc:  # read_message never raises; kept as in-process if it did
        conn.send((key, "read", False, _picklable(exc)))
        return
    conn.send((key, "read", True, (None if report else docs, match(docs))))


def _match(vocabulary: Any, docs: Any) -> Any:
    """The forms matched in the documents here, on this process's core and within its limits,
    rather than in the bot's process while it classifies the next message; None without the
    bot's vocabulary."""
    if vocabulary is None:
        return None
    from bot.core.forms import extract_each

    try:
        return extract_each(docs, vocabulary)
    except MemoryError:
        raise
    except Exception:  # the bot matches them itself, and meets the error there as before
        return None


def mapping_proxy(items: dict[Any, Any]) -> MappingProxyType[Any, Any]:
    """A read-only mapping (the vocabulary's) rebuilt here after crossing the pipe, which
    cannot carry one as it is (bot.adapters.reader_process registers this)."""
    return MappingProxyType(items)


def _picklable(exc: Exception) -> Exception:
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        return RuntimeError(f"{type(exc).__name__}: {exc}")
    return exc

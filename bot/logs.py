"""Where the bot's log lines go and how they look: one setup for every command.

At a terminal (or a file): a timestamp, the level, the logger's name and the message.
Under systemd, stderr goes to the journal, which stamps each line itself and reads a "<N>"
prefix as the line's syslog priority (sd-daemon(3)): no timestamp then, and every line of a
record (a traceback too) carries its priority, so `journalctl -p warning` finds them.

Libraries that log about things the bot already handles are quietened (QUIET); the bot's
own warnings are kept.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Mapping

TERMINAL_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
JOURNAL_FORMAT = "%(name)s: %(message)s"
# sd-daemon(3): <2> critical, <3> error, <4> warning, <5> notice, <6> info, <7> debug.
PRIORITIES = ((logging.CRITICAL, 2), (logging.ERROR, 3), (logging.WARNING, 4), (logging.INFO, 6))
DEBUG_PRIORITY = 7
# Each warns, on every call, about something the bot copes with:
QUIET = {
    # "Running job ..." / "Job ... executed successfully" several times a minute.
    "apscheduler.executors": logging.WARNING,
    "apscheduler.scheduler": logging.WARNING,
    # "setup plugin ..." a dozen times whenever the schema is checked.
    "alembic.runtime.plugins": logging.WARNING,
    # "Email content 'calendar' not handled" on every meeting reply (the bot reads the
    # text/calendar part itself, bot.adapters.ical), and "Failed decoding header part: ..."
    # at ERROR quoting a damaged subject or file name whole, which may name the child; the
    # bot records the header's defect itself.
    "mailparser": logging.CRITICAL,
    # "Connection closed" on every reconnection; the bot says what failed and why.
    "imapclient": logging.WARNING,
    # "invalid pdf header: b'...'" quotes an attachment's first bytes, which may be personal
    # data; the bot itself reports the file as damaged, on the case and in the digest.
    "pypdf": logging.ERROR,
}


class JournalFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__(JOURNAL_FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        prefix = f"<{priority(record.levelno)}>"
        return "\n".join(prefix + line for line in super().format(record).splitlines())


def priority(level: int) -> int:
    return next((p for floor, p in PRIORITIES if level >= floor), DEBUG_PRIORITY)


def to_journal(environ: Mapping[str, str], stream_fd: int = 2) -> bool:
    """stderr is the journal's stream: $JOURNAL_STREAM names its device and inode (systemd.exec(5)),
    so a command run by hand from a shell that inherited the variable is not mistaken for it."""
    device, _, inode = environ.get("JOURNAL_STREAM", "").partition(":")
    if not (device.isdigit() and inode.isdigit()):
        return False
    try:
        st = os.fstat(stream_fd)
    except OSError:
        return False
    return (st.st_dev, st.st_ino) == (int(device), int(inode))


def setup(verbose: bool, environ: Mapping[str, str] | None = None) -> None:
    """Configure the root logger once per process (a no-op when something already has)."""
    handler = logging.StreamHandler(sys.stderr)
    journal = to_journal(os.environ if environ is None else environ)
    handler.setFormatter(JournalFormatter() if journal else logging.Formatter(TERMINAL_FORMAT))
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, handlers=[handler])
    for name, level in QUIET.items():
        logging.getLogger(name).setLevel(level)

"""Keep outgoing mail in a local Maildir instead of sending it.

This is the default for a trial or training install: nothing leaves the machine, and anyone can
open the folder in Thunderbird, Evolution or mutt to read exactly what would have been sent.
"""

from __future__ import annotations

import logging
import mailbox
import os
from pathlib import Path

from bot.adapters.outgoing import SendError
from bot.adapters.private_files import FILE_MODE, make_private_dir

log = logging.getLogger(__name__)

ENVELOPE_FROM = "X-TSCP-Envelope-From"
ENVELOPE_TO = "X-TSCP-Envelope-To"
_FOLD_AT = 78


class MaildirSender:
    """A MailSender that files each message under <path>/new.

    A Maildir stores only the message itself, with no SMTP envelope, yet the envelope is what
    says who would really have received it (Bcc recipients appear nowhere in the headers). So
    the stored copy gets two extra headers on top, X-TSCP-Envelope-From and X-TSCP-Envelope-To;
    the rest of the bytes are kept exactly as built. This avoids sidecar files that could drift
    out of step with the messages.
    """

    def __init__(self, path: Path) -> None:
        self._path = path

    def send(self, raw: bytes, sender: str, recipients: list[str]) -> None:
        if not recipients:
            raise SendError("no recipients given")
        stored = _envelope_headers(raw, sender, recipients) + raw
        try:
            # mailbox only creates the tmp/new/cur folders when the path does not exist yet;
            # someone may well have made an empty "outbox" folder by hand beforehand.
            make_private_dir(self._path)
            for sub in ("tmp", "new", "cur"):
                make_private_dir(self._path / sub)
            box = mailbox.Maildir(self._path, factory=None, create=True)
            # mailbox creates message files with the umask's mode; this copy is private.
            os.chmod(self._path / "new" / box.add(stored), FILE_MODE)
        except OSError as exc:
            raise SendError(f"Maildir {self._path}: {exc.strerror or exc}") from None
        log.info("stored message in Maildir %s for %d recipient(s)", self._path, len(recipients))


def _envelope_headers(raw: bytes, sender: str, recipients: list[str]) -> bytes:
    for address in [sender, *recipients]:
        # The addresses become header lines; a line break would forge further headers.
        if "\r" in address or "\n" in address:
            raise SendError("envelope address contains a line break")
    eol = b"\r\n" if raw.split(b"\n", 1)[0].endswith(b"\r") else b"\n"
    lines = [f"{ENVELOPE_FROM}: {sender}", _fold(f"{ENVELOPE_TO}:", recipients, eol.decode())]
    return b"".join(line.encode("utf-8") + eol for line in lines)


def _fold(name: str, addresses: list[str], eol: str) -> str:
    # Keep header lines short; a long recipient list otherwise breaks the 998-octet line limit.
    line, out = name, []
    for i, address in enumerate(addresses):
        item = f" {address}" + ("," if i < len(addresses) - 1 else "")
        if len(line) + len(item) > _FOLD_AT and line != name:
            out.append(line)
            line = ""
        line += item
    out.append(line)
    return eol.join(out)

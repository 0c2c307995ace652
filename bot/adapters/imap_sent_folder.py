"""SentLookup over IMAP: whether the SMTP server filed a message in its Sent folder."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.adapters.mail_source import MailboxError
from bot.adapters.outgoing import SendError

if TYPE_CHECKING:
    from bot.adapters.imap_source import ImapSource


class ImapSentFolder:
    """SentLookup over IMAP: the folder where the SMTP server files what it sent."""

    def __init__(self, source: ImapSource, folder: str) -> None:
        self._source, self.folder = source, folder

    def was_sent(self, message_id: str) -> bool:
        try:
            return self._source.has_message_id(self.folder, message_id)
        except MailboxError as exc:
            raise SendError(f"could not look in {self.folder!r}: {exc}") from None

    def close(self) -> None:
        self._source.close()

"""SentLookup over a folder of the bot's mailbox: did the server file this message as sent?

An SMTP relay that files what it sends (Exchange Online with SMTP AUTH), Exchange Web
Services' send-and-save and Graph's sendMail all leave the bot's own copy in a folder of the
mailbox, under the Message-ID the bot gave it. Asking whether it is there is one question on
every mailbox backend (IMAP, EWS, Graph), so one class asks it of any of them.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Protocol

from bot.adapters.mail_source import FolderMissing, MailboxError
from bot.adapters.outgoing import SendError


class FolderSearch(Protocol):
    """What a mailbox source offers for it: ImapSource, EwsSource, GraphSource. A folder that
    is not there raises FolderMissing, never answers "not in it"."""

    def has_message_id(self, folder: str, message_id: str, /) -> bool: ...

    def close(self) -> None: ...


class SentFolder:
    """SentLookup: `folder` of the mailbox `source` reads, where what was sent is filed."""

    def __init__(
        self,
        source: FolderSearch,
        folder: str,
        *,
        files_within: timedelta = timedelta(0),
        folder_name: str = "",
    ) -> None:
        self._source, self.folder = source, folder
        self.files_within = files_within
        self.folder_name = folder_name or folder

    def was_sent(self, message_id: str) -> bool:
        try:
            return self._source.has_message_id(self.folder, message_id)
        except FolderMissing as exc:
            # Not "not sent": the folder it would be in is not there. Every email whose attempt
            # was cut short waits for someone to set the right folder, rather than go twice.
            raise SendError(
                f"the Sent folder {exc}; set [outgoing] sent_folder to the folder the server "
                "files sent mail in",
                server=True,
            ) from None
        except MailboxError as exc:
            raise SendError(f"could not look in {self.folder!r}: {exc}") from None

    def close(self) -> None:
        self._source.close()


def in_exchange(
    source: FolderSearch, folder: str, *, files_within: timedelta = timedelta(0)
) -> SentFolder:
    """The configured `folder` searched through EWS or Graph (see exchange_folder), named as
    a person sees it: "Sent Items" however it was written in the config."""
    searched = exchange_folder(folder)
    name = "Sent Items" if searched == "sentitems" else folder
    return SentFolder(source, searched, files_within=files_within, folder_name=name)


def exchange_folder(folder: str) -> str:
    """The folder's name for EWS and Graph: Sent Items is the distinguished (well-known)
    folder "sentitems" whatever the mailbox's language calls it; any other keeps its name."""
    return "sentitems" if folder.casefold() in ("sent items", "sentitems") else folder

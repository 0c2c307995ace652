"""The running application's parts, wired once by bot.bootstrap and handed to the services."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only types: building an App imports no adapter (see bot.bootstrap)
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session, sessionmaker

    from bot.adapters.mailbox import MailSource
    from bot.adapters.meeting_calendar import MeetingCalendar
    from bot.adapters.outgoing import MailSender, SentLookup
    from bot.adapters.templates import TemplateRenderer
    from bot.clock import Clock
    from bot.config import Config
    from bot.core.calendar import WorkingCalendar
    from bot.core.doctext import DocumentText
    from bot.core.message import MailMessage
    from bot.core.rules import Rule
    from bot.core.vocabulary import Vocabulary


@dataclass
class App:
    config: Config
    clock: Clock
    calendar: WorkingCalendar
    engine: Engine
    sessions: sessionmaker[Session]
    rules: list[Rule]
    templates: TemplateRenderer
    parse: Callable[[bytes], MailMessage]
    vocabulary: Vocabulary
    read_documents: Callable[[MailMessage], list[DocumentText]]
    open_source: Callable[[], MailSource]
    open_sender: Callable[[], MailSender]
    # Where to look before re-sending after a crash; None: nowhere, so such mail is re-sent.
    open_sent_lookup: Callable[[], SentLookup | None] = lambda: None
    # The mailbox's calendar when the Screening Panel is booked as a Graph event; None: the
    # panel is invited by an emailed iCalendar invitation.
    open_calendar: Callable[[], MeetingCalendar | None] = lambda: None

    def close(self) -> None:
        self.engine.dispose()

    @property
    def mailbox_name(self) -> str:
        imap = self.config.mailbox.imap
        if imap is not None:
            return f"imap://{imap.username}@{imap.host}:{imap.port}/{imap.folder}"
        return f"maildir://{self.config.mailbox.maildir_path}"

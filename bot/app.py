"""The running application's parts, wired once by bot.bootstrap and handed to the services."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # only types: building an App imports no adapter (see bot.bootstrap)
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session, sessionmaker

    from bot.adapters.mail_source import MailSource
    from bot.adapters.meeting_calendar import MeetingCalendar
    from bot.adapters.outgoing import MailSender, SentLookup
    from bot.adapters.templates import TemplateRenderer
    from bot.clock import Clock
    from bot.config import Config
    from bot.core.doctext import DocumentText
    from bot.core.forms import Extraction
    from bot.core.message import MailMessage
    from bot.core.rules import Rule
    from bot.core.vocabulary import Vocabulary
    from bot.core.working_days import WorkingCalendar


class Reading(Protocol):
    """The reading process's state in this running app (bot.adapters.reader_fallback)."""

    @property
    def broken(self) -> str | None: ...  # why mail is read in this process without its limits

    @property
    def known(self) -> bool: ...  # whether it was started (or found broken) yet

    def try_again(self, *, untried_too: bool = False) -> None: ...


@dataclass
class Said:
    """The continuing troubles this running app has logged, by what each is about: logged
    again only when it changes, and its end logged once. Held by the App, not the module, so
    that each running app (a daemon, a `run --once`, a test) says its own troubles."""

    last: dict[str, str] = field(default_factory=dict)

    def first_time(self, about: str, said: str) -> bool:
        """Whether `said` is new for `about` (to be logged); remembered from now on."""
        if self.last.get(about) == said:
            return False
        self.last[about] = said
        return True

    def ended(self, about: str) -> bool:
        """Whether a trouble about `about` was logged (its end to be logged); forgotten."""
        return self.last.pop(about, None) is not None


@dataclass
class App:
    config: Config
    clock: Clock
    engine: Engine
    sessions: sessionmaker[Session]
    # The bank holidays, rules, templates and forms are read on first use (see `calendar` and
    # the rest below): a command that only reads the database never pays for them.
    load_calendar: Callable[[], WorkingCalendar]
    load_rules: Callable[[], list[Rule]]
    load_templates: Callable[[], TemplateRenderer]
    load_vocabulary: Callable[[], Vocabulary]
    parse: Callable[[bytes], MailMessage]
    read_documents: Callable[[MailMessage], list[DocumentText]]
    open_source: Callable[[], MailSource]
    open_sender: Callable[[], MailSender]
    # Where to look before re-sending after a crash; None: nowhere, so such mail is re-sent.
    open_sent_lookup: Callable[[], SentLookup | None] = lambda: None
    # The mailbox's calendar when the Screening Panel is booked as a Graph event; None: the
    # panel is invited by an emailed iCalendar invitation.
    open_calendar: Callable[[], MeetingCalendar | None] = lambda: None
    # Hand a message's bytes to the reader ahead of its `parse` (bot.adapters.reader_process);
    # `settle` lets go of what was read ahead once a batch is over, `close_reader` stops it.
    read_ahead: Callable[[bytes], None] = lambda raw: None
    settle: Callable[[], None] = lambda: None
    # The form the reader already found in the documents it read (None: not known, match them
    # here): bot.services.forms.form_in.
    extracted: Callable[[Sequence[DocumentText], Vocabulary, str | None], Extraction | None] = (
        lambda documents, vocabulary, expected: None
    )
    close_reader: Callable[[], None] = lambda: None
    # None: mail is read in this process by configuration (`[ingest] read_in_child = false`).
    reading: Reading | None = None
    said: Said = field(default_factory=Said)

    @cached_property
    def calendar(self) -> WorkingCalendar:
        return self.load_calendar()

    @cached_property
    def rules(self) -> list[Rule]:
        return self.load_rules()

    @cached_property
    def templates(self) -> TemplateRenderer:
        return self.load_templates()

    @cached_property
    def vocabulary(self) -> Vocabulary:
        return self.load_vocabulary()

    def load_all(self) -> App:
        """Read the calendar, rules and forms now, so that a mistake in one of them stops the
        command at its start, as it always has, rather than at first use. Not the templates:
        making their renderer reads no template, so it could refuse nothing (`run` checks
        every template at start, startup_checks), and it costs Jinja2's import to a pass that
        sends nothing."""
        _ = (self.calendar, self.rules, self.vocabulary)
        return self

    def close(self) -> None:
        self.close_reader()
        self.engine.dispose()

    @property
    def mailbox_name(self) -> str:
        return mailbox_name(self.config)


def mailbox_name(config: Config) -> str:
    """The mailbox's name in mailbox_state."""
    imap = config.mailbox.imap
    if imap is not None:
        return f"imap://{imap.username}@{imap.host}:{imap.port}/{imap.folder}"
    return f"maildir://{config.mailbox.maildir_path}"


@dataclass
class Reader:
    """What a command that only reads the database needs of the app (`status`): no sessions,
    so that it loads no ORM, and the bank holidays read only if it uses them."""

    config: Config
    clock: Clock
    engine: Engine
    load_calendar: Callable[[], WorkingCalendar]

    @cached_property
    def calendar(self) -> WorkingCalendar:
        return self.load_calendar()

    @property
    def mailbox_name(self) -> str:
        return mailbox_name(self.config)

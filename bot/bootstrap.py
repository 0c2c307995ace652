"""The one place that picks concrete adapters and wires them together.

Each transport's module (and its library: imapclient, exchangelib, msal, the document readers)
is imported when a connection is first opened, not when the app is built: a command that only
reads the database never loads them (see tests/test_cli_imports.py).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, TypeVar

from bot.adapters.db.engine import make_engine, make_sessions
from bot.app import App
from bot.clock import Clock
from bot.config import Config
from bot.config.model import EwsSettings, GraphSettings, ImapSettings
from bot.core.doctext import DocumentText
from bot.core.message import MailMessage
from bot.core.unconfirmed_send import SENT_FILED_WITHIN
from bot.core.working_days import WorkingCalendar

if TYPE_CHECKING:
    from bot.adapters.ews_connection import EwsConnection
    from bot.adapters.graph_client import GraphClient
    from bot.adapters.imap_source import ImapSource
    from bot.adapters.mail_source import MailSource
    from bot.adapters.meeting_calendar import MeetingCalendar
    from bot.adapters.oauth_tokens import EntraApp, OAuthLogin
    from bot.adapters.outgoing import MailSender, SentLookup
    from bot.adapters.reader_launch import ReadSettings
    from bot.adapters.reader_process import ReaderProcess
    from bot.adapters.templates import TemplateRenderer
    from bot.core.rules import Rule
    from bot.core.vocabulary import Vocabulary


def calendar_for(config: Config, around: datetime) -> WorkingCalendar:
    """Bank holidays for a generous window around now: deadlines run up to a year ahead."""
    from bot.adapters.bank_holidays import working_calendar

    year = around.astimezone(config.partnership.time_zone).year
    years = range(year - 2, year + 4)
    return working_calendar(years, config.partnership.local_closures)


def entra_app(config: Config) -> EntraApp | None:
    """The one Entra ID app (and token cache) for a running bot; nothing is fetched yet."""
    ms = config.microsoft
    if ms is None:
        return None
    from bot.adapters.oauth_tokens import ClientCertificate, ClientSecret, EntraApp

    credential: ClientSecret | ClientCertificate
    if ms.client_secret is not None:
        credential = ClientSecret(ms.client_secret)
    else:
        credential = ClientCertificate(
            ms.certificate_key_pem or "", ms.certificate_thumbprint or ""
        )
    return EntraApp(
        ms.tenant_id,
        ms.client_id,
        credential,
        authority=ms.authority,
        validate_authority=ms.validate_authority,
    )


def _oauth(
    config: Config, app: EntraApp | None, auth: str, scopes: tuple[str, ...]
) -> OAuthLogin | None:
    if auth != "oauth2":
        return None
    # The loader refuses auth = "oauth2" without [microsoft]; this keeps a hand-made Config honest.
    if app is None:
        app = entra_app(config)
    if app is None:
        raise ValueError('auth = "oauth2" needs config.microsoft')
    from bot.adapters.oauth_tokens import OAuthLogin

    return OAuthLogin(app, scopes)


def graph_client(config: Config, tokens: EntraApp | None, graph: GraphSettings) -> GraphClient:
    """A Graph client with the [microsoft] app's tokens for Graph's scopes."""
    from bot.adapters.graph_client import GraphClient
    from bot.adapters.oauth_tokens import OAuthLogin

    app = tokens or entra_app(config)
    if app is None:  # the loader refuses this; a hand-made Config is kept honest here
        raise ValueError('backend = "graph" needs config.microsoft')
    return GraphClient(graph.base_url, OAuthLogin(app, graph.scopes))


def ews_connection(config: Config, tokens: EntraApp | None, ews: EwsSettings) -> EwsConnection:
    """An EWS connection to the configured mailbox; nothing is contacted yet."""
    from bot.adapters.ews_connection import EwsConnection, EwsLogin

    login = EwsLogin(ews.endpoint, ews.mailbox, ews.username, ews.password, ews.auth)
    return EwsConnection(login, _oauth(config, tokens, ews.auth, ews.scopes))


def make_source(config: Config, tokens: EntraApp | None = None) -> MailSource:
    imap = config.mailbox.imap
    aside = config.mailbox.needs_attention_folder
    graph = config.mailbox.graph
    ews = config.mailbox.ews
    if config.mailbox.backend == "ews" and ews is not None:
        from bot.adapters.ews_source import EwsSource

        return EwsSource(
            ews_connection(config, tokens, ews),
            processed_folder=ews.processed_folder,
            attention_folder=aside,
        )
    if config.mailbox.backend == "graph" and graph is not None:
        from bot.adapters.graph_source import GraphSource

        return GraphSource(
            graph_client(config, tokens, graph),
            graph.user,
            inbox_folder=graph.inbox_folder,
            processed_folder=graph.processed_folder,
            attention_folder=aside,
        )
    if imap is None:
        from bot.adapters.maildir_source import MaildirSource

        return MaildirSource(config.mailbox.maildir_path, attention_folder=aside)
    return _imap_source(config, imap, tokens)


def inbox_problem(config: Config) -> str | None:
    """Why the configured inbox cannot be watched, found without connecting: a Maildir path
    holding something other than a Maildir. None when nothing is known to be wrong."""
    if config.mailbox.backend != "maildir":
        return None
    from bot.adapters.maildir_source import not_a_maildir

    return not_a_maildir(config.mailbox.maildir_path)


def _imap_source(config: Config, imap: ImapSettings, tokens: EntraApp | None) -> ImapSource:
    from bot.adapters.imap_source import ImapSource

    return ImapSource(
        imap.host,
        imap.port,
        imap.username,
        imap.password,
        security=imap.security,
        folder=imap.folder,
        processed_folder=imap.processed_folder,
        attention_folder=config.mailbox.needs_attention_folder,
        junk_folder=config.mailbox.junk_folder,
        use_idle=imap.use_idle,
        oauth=_oauth(config, tokens, imap.auth, _scopes(config, "imap")),
        timeout=imap.timeout_seconds,
    )


def make_sent_lookup(config: Config, tokens: EntraApp | None = None) -> SentLookup | None:
    """The mailbox's Sent folder, when the account the bot sends with files what it sends there
    (Exchange does for SMTP AUTH, EWS and Graph's sendMail). The copy may be filed late, so
    for SMTP and Graph one waiting rule applies (bot.core.unconfirmed_send); EWS, below."""
    from bot.adapters.sent_folder import SentFolder, in_exchange

    folder, imap = config.outgoing.sent_folder, config.mailbox.imap
    graph = config.outgoing.graph
    ews = config.outgoing.ews
    if config.outgoing.backend == "ews" and ews is not None and folder:
        from bot.adapters.ews_source import EwsSource

        # Looked for once, not for SENT_FILED_WITHIN: exchangelib makes a bare 503 and
        # ErrorServerBusy one error, which the sender takes as maybe sent, so waiting would
        # turn every EWS outage into a question for a person about each queued email.
        return in_exchange(EwsSource(ews_connection(config, tokens, ews)), folder)
    if config.outgoing.backend == "graph" and graph is not None and folder:
        from bot.adapters.graph_source import GraphSource

        source = GraphSource(graph_client(config, tokens, graph), graph.user)
        return in_exchange(source, folder, files_within=SENT_FILED_WITHIN)
    if config.outgoing.smtp is not None and imap is not None and folder:
        imap_source = _imap_source(config, imap, tokens)
        return SentFolder(imap_source, folder, files_within=SENT_FILED_WITHIN)
    return None


def make_calendar(config: Config, tokens: EntraApp | None = None) -> MeetingCalendar | None:
    """The shared mailbox's calendar, when [mailbox.graph] or [mailbox.ews] calendar = true."""
    graph, ews = config.mailbox.graph, config.mailbox.ews
    if config.mailbox.backend == "ews" and ews is not None and ews.calendar:
        from bot.adapters.ews_calendar import EwsCalendar

        return EwsCalendar(ews_connection(config, tokens, ews))
    if config.mailbox.backend != "graph" or graph is None or not graph.calendar:
        return None
    from bot.adapters.graph_calendar import GraphCalendar

    client = graph_client(config, tokens, graph)
    return GraphCalendar(client, graph.user, config.partnership.time_zone)


def make_sender(config: Config, tokens: EntraApp | None = None) -> MailSender:
    smtp = config.outgoing.smtp
    graph = config.outgoing.graph
    if config.outgoing.backend == "ews" and config.outgoing.ews is not None:
        from bot.adapters.ews_sender import EwsSender

        return EwsSender(ews_connection(config, tokens, config.outgoing.ews))
    if config.outgoing.backend == "graph" and graph is not None:
        from bot.adapters.graph_sender import GraphSender

        return GraphSender(graph_client(config, tokens, graph), graph.user)
    if smtp is None:
        from bot.adapters.maildir_sender import MaildirSender

        return MaildirSender(config.outgoing.maildir_path)
    from bot.adapters.smtp_sender import SmtpSender

    return SmtpSender(
        smtp.host,
        smtp.port,
        security=smtp.security,
        username=smtp.username,
        password=smtp.password,
        oauth=_oauth(config, tokens, smtp.auth, _scopes(config, "smtp")),
    )


def _scopes(config: Config, protocol: str) -> tuple[str, ...]:
    ms = config.microsoft
    if ms is None:
        return ()
    return ms.imap_scopes if protocol == "imap" else ms.smtp_scopes


def _parse(max_attachment_bytes: int, raw: bytes) -> MailMessage:
    from bot.adapters.parsing import parse_message

    return parse_message(raw, max_attachment_bytes=max_attachment_bytes)


def _read_documents(
    config: Config, parse: Callable[[bytes], MailMessage], message: MailMessage
) -> list[DocumentText]:
    from bot.adapters.documents import Limits, read_message

    limits = Limits(
        max_expanded_bytes=config.ingest.max_expanded_bytes, max_pages=config.ingest.max_pages
    )
    # In this process a read already running cannot be stopped, but the email's attachments
    # still share read_seconds: once spent, the rest are not begun (bot.core.partly_read).
    return read_message(message, limits=limits, parse=parse, seconds=config.ingest.read_seconds)


def build_app(config: Config, clock: Clock, *, lazy: bool = False, create: bool = True) -> App:
    """`lazy`: the bank holidays, rules and forms are read when first used, for a command
    that needs none of them (`outbox approve`); by default they are read here, so that a
    mistake in one stops the bot at its start (the templates always at first use: App.load_all).
    `create`: see make_engine."""
    engine = make_engine(config.database_url, create=create)
    tokens = entra_app(config)  # one token cache for every IMAP, SMTP and Graph connection
    parse: Callable[[bytes], MailMessage] = partial(_parse, config.ingest.max_attachment_bytes)
    read_documents: Callable[[MailMessage], list[DocumentText]]
    read_documents = partial(_read_documents, config, parse)
    reader = None
    if config.ingest.read_in_child:  # and, if it cannot work, in this process after all
        from bot.adapters.reader_fallback import FallbackReader

        reader = FallbackReader(_reader_process(config), parse, read_documents)
    if reader is not None:
        parse, read_documents = reader.parse, reader.read
    app = App(
        config=config,
        clock=clock,
        engine=engine,
        sessions=make_sessions(engine),
        load_calendar=partial(calendar_for, config, clock.now()),
        load_rules=partial(_load_rules, config),
        load_templates=partial(_load_templates, config),
        load_vocabulary=partial(_load_vocabulary, config),
        parse=parse,
        read_documents=read_documents,
        open_source=_with_secrets(config, partial(make_source, config, tokens)),
        open_sender=_with_secrets(config, partial(make_sender, config, tokens)),
        open_sent_lookup=_with_secrets(config, partial(make_sent_lookup, config, tokens)),
        open_calendar=_with_secrets(config, partial(make_calendar, config, tokens)),
    )
    if reader is not None:
        app.read_ahead, app.settle, app.close_reader = reader.ahead, reader.settle, reader.close
        app.reading = reader
        app.extracted, reader.reader.vocabulary = reader.extracted, lambda: app.vocabulary
    return app if lazy else app.load_all()


def _reader_process(config: Config) -> ReaderProcess:
    """The child that parses and reads mail; it starts when the first email is parsed."""
    from bot.adapters.reader_process import ReaderProcess

    return ReaderProcess(read_settings(config))


def read_settings(config: Config) -> ReadSettings:
    from bot.adapters.reader_launch import ReadSettings

    ingest = config.ingest
    return ReadSettings(
        ingest.max_attachment_bytes,
        ingest.max_expanded_bytes,
        ingest.max_pages,
        seconds=ingest.read_seconds,
        memory_mb=ingest.read_memory_mb,
    )


def _load_rules(config: Config) -> list[Rule]:
    from bot.adapters.rules_loader import load_rules

    return load_rules(config.rules_dir)


def _load_templates(config: Config) -> TemplateRenderer:
    from bot.adapters.templates import TemplateRenderer

    return TemplateRenderer(config.templates_dir)


def _load_vocabulary(config: Config) -> Vocabulary:
    from bot.adapters.vocabulary_loader import load_vocabulary
    from bot.config.paths import packaged

    return load_vocabulary(config.forms_dir, installed=packaged("forms"))


T = TypeVar("T")


def _with_secrets(config: Config, opener: Callable[[], T]) -> Callable[[], T]:
    """Secrets are needed only to connect: refused here, naming the variable, not at start."""

    def opened() -> T:
        config.require_secrets()
        return opener()

    return opened

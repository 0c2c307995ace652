"""The validated configuration, as frozen dataclasses handed to whoever needs them."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, time
from functools import cached_property
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

from bot.config.reader import ConfigError
from bot.config.secret_env import missing_message
from bot.core.agencies import KnownSenders, agency_for
from bot.core.loop_guard import ACKNOWLEDGEMENTS_PER_DAY
from bot.core.retention import RetentionPolicy

# The three statutory safeguarding partners; "relevant_agency" for the organisations the
# partners have named as relevant agencies (schools, probation, housing, GP practices, the
# voluntary sector...); "other" for any other body that writes to the partnership.
Role = Literal["local_authority", "police", "health", "relevant_agency", "other"]
Security = Literal["tls", "starttls", "plain"]
# How the bot logs in to IMAP and SMTP: a password, or an OAuth 2 token from [microsoft].
MailAuth = Literal["password", "oauth2"]
STATUTORY_ROLES: tuple[Role, ...] = ("local_authority", "police", "health")
OTHER_ROLES: tuple[Role, ...] = ("relevant_agency", "other")


@dataclass(frozen=True)
class Person:
    name: str
    email: str
    # Addresses whose commands count as this person's (cover for leave and absence).
    deputies: tuple[str, ...] = ()

    @property
    def command_addresses(self) -> tuple[str, ...]:
        return (self.email, *self.deputies)


@dataclass(frozen=True)
class Agency:
    key: str
    name: str
    role: Role
    domains: tuple[str, ...]
    dsp: Person | None
    contacts: tuple[Person, ...] = ()


@dataclass(frozen=True)
class Partnership:
    name: str
    mailbox: str
    reference_prefix: str
    time_zone: ZoneInfo
    local_closures: dict[date, str] = field(default_factory=dict)


@dataclass(frozen=True)
class People:
    business_manager: Person
    independent_scrutineer: Person
    national_panel: Person
    ofsted: Person
    dfe: Person
    secretary_of_state: Person


@dataclass(frozen=True)
class ImapSettings:
    host: str
    port: int
    username: str
    password: str
    security: Security
    folder: str
    processed_folder: str
    use_idle: bool
    auth: MailAuth = "password"  # with "oauth2" password is "" and [microsoft] gives a token
    # Seconds one network read may take before the server counts as not answering.
    timeout_seconds: int = 30


@dataclass(frozen=True)
class GraphSettings:
    """A mailbox reached through Microsoft Graph with the [microsoft] app's tokens."""

    user: str  # the mailbox's user principal name (or object id), e.g. TSCP@tameside.gov.uk
    base_url: str  # https://graph.microsoft.com/v1.0; national clouds use other hosts
    scopes: tuple[str, ...]
    inbox_folder: str = "inbox"  # a well-known folder name, or a top-level folder's name
    processed_folder: str = "Processed"
    # Book the Screening Panel as an event on this mailbox's calendar (Calendars.ReadWrite)
    # instead of emailing an iCalendar invitation; [mailbox.graph] only.
    calendar: bool = False


@dataclass(frozen=True)
class EwsSettings:
    """A mailbox on on-premises Exchange Server reached over Exchange Web Services."""

    endpoint: str  # https://mail.council.internal/EWS/Exchange.asmx (no autodiscover)
    mailbox: str  # the shared mailbox's primary SMTP address
    username: str  # DOMAIN\\user or user@domain; kerberos: the principal, for messages only
    password: str = field(repr=False)  # "" with kerberos and oauth2
    auth: Literal["ntlm", "basic", "kerberos", "oauth2"] = "ntlm"
    processed_folder: str = "Processed"
    # The Screening Panel booked as a meeting on this mailbox's calendar ([mailbox.ews] only).
    calendar: bool = False
    scopes: tuple[str, ...] = ()  # oauth2: asked of Entra ID (hybrid modern auth: EWS host's)


@dataclass(frozen=True)
class MailboxSettings:
    backend: Literal["maildir", "imap", "graph", "ews"]
    maildir_path: Path
    poll_seconds: int
    imap: ImapSettings | None
    # Where mail that needs a person is moved; "" leaves it in the inbox.
    needs_attention_folder: str = ""
    junk_folder: str = ""  # IMAP: the junk folder listed (never read); "": found by its flag
    graph: GraphSettings | None = None
    ews: EwsSettings | None = None
    # Longest one pass spends moving handled mail out of the inbox; the rest waits for the next.
    pass_deadline_seconds: int = 120
    # Server sections filled in that the backend does not use ("imap"): said by doctor and run.
    unused_sections: tuple[str, ...] = ()


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: Security
    username: str | None
    password: str | None
    auth: MailAuth = "password"  # with "oauth2" username is the mailbox sent as


@dataclass(frozen=True)
class MicrosoftSettings:
    """An app registration in Microsoft Entra ID, for app-only (client credentials) tokens."""

    tenant_id: str
    client_id: str
    authority: str  # without the tenant, e.g. https://login.microsoftonline.com
    validate_authority: bool
    imap_scopes: tuple[str, ...]
    smtp_scopes: tuple[str, ...]
    # Exactly one of: the client secret, or a certificate's private key (PEM) and thumbprint.
    client_secret: str | None = field(default=None, repr=False)
    certificate_key_pem: str | None = field(default=None, repr=False)
    certificate_thumbprint: str | None = None
    # The environment variable the secret came from: named when the secret stops working.
    client_secret_env: str | None = None


@dataclass(frozen=True)
class OutgoingSettings:
    backend: Literal["maildir", "smtp", "graph", "ews"]
    maildir_path: Path
    smtp: SmtpSettings | None
    max_attempts: int
    retry_base_seconds: int
    retry_max_seconds: int
    graph: GraphSettings | None = None  # sendMail as graph.user
    # Alert the Business Manager and the IT contact when an email has waited this long.
    alert_after_minutes: int = 60
    # The mailbox folder where the SMTP server files what it sent (Exchange Online: "Sent
    # Items"); looked in before re-sending after a crash. "": no look, re-send.
    sent_folder: str = "Sent Items"
    ews: EwsSettings | None = None  # CreateItem (send and save a copy) as ews.mailbox
    # Server sections filled in that the backend does not use ("smtp"): said by doctor and run.
    unused_sections: tuple[str, ...] = ()


@dataclass(frozen=True)
class DaemonSettings:
    """How the daemon's jobs run, who hears when they fail, and how instances share them."""

    it_contact: str | None = None
    alert_after_minutes: int = 30  # a job failing this long alerts
    lease_seconds: int = 60  # a killed instance's jobs move to another within this
    outbox_every_seconds: int = 15
    jobs_every_seconds: int = 300  # the deadline tick, reminders and the digest
    stall_factor: int = 3  # a run longer than its interval times this is stalled


@dataclass(frozen=True)
class ScreeningSettings:
    weekdays: tuple[int, ...]  # 0 = Monday
    times: tuple[time, ...]
    duration_minutes: int
    min_notice_minutes: int
    location: str


@dataclass(frozen=True)
class IngestSettings:
    max_attachment_bytes: int
    max_attempts: int
    max_expanded_bytes: int  # a document may inflate to this much (zip bombs stop here)
    max_pages: int
    # Older mail is left untouched and reported: no cases with long-past deadlines.
    since: date | None = None
    # A message Microsoft 365 keeps refusing with an error that blames the server is set aside
    # after this many passes over at least this many minutes (bot.services.stuck_messages).
    stuck_message_passes: int = 5
    stuck_message_minutes: int = 30
    # Mail gateways' notices ("CAUTION: external email ..."), see bot.core.commands.quoting.
    gateway_banners: tuple[str, ...] = ()
    # Acknowledgements and Appendix B receipts to one address in 24 hours (core.loop_guard).
    max_acknowledgements_per_day: int = ACKNOWLEDGEMENTS_PER_DAY
    read_in_child: bool = True  # parse and read in a child, within these limits (reader_process)
    read_seconds: int = 60
    read_memory_mb: int = 1024


@dataclass(frozen=True)
class DigestSettings:
    time: time
    upcoming_working_days: int
    cc: tuple[str, ...] = ()  # a cover address, copied on every digest
    # A person's reply on a case in a live stage is emailed to the Business Manager at once.
    alert_on_case_reply: bool = True
    # The timeliness report for the month before, emailed to the Business Manager on the
    # first working day of each month (after `time`), charts included.
    monthly_report: bool = True


@dataclass(frozen=True)
class CommandSettings:
    auth_mode: Literal["required", "advisory", "off"]
    trusted_authserv_ids: tuple[str, ...]
    trust_topmost_unlabelled: bool
    # Believe Exchange's X-MS-Exchange-Organization-AuthAs: Internal (see bot.core.authn).
    trust_exchange_internal: bool = False
    exchange_accepted_domains: tuple[str, ...] = ()
    exchange_auth_sources: tuple[str, ...] = ()
    # Host names or domain suffixes our receiving server writes after "by" in its Received
    # header (see bot.core.receiving_border); empty: the trusted authserv-ids.
    receiving_hosts: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReminderSettings:
    days_before: int
    overdue_reminders: int
    escalate: bool
    start: time
    end: time


@dataclass(frozen=True)
class ReviewSettings:
    appendix_b_working_days: int
    delay_notice_working_days_before: int
    # Email addresses whose mail waits for the Business Manager's approval.
    approval_required_for: tuple[str, ...]


@dataclass(frozen=True)
class Config:
    partnership: Partnership
    people: People
    agencies: tuple[Agency, ...]
    database_url: str
    mailbox: MailboxSettings
    outgoing: OutgoingSettings
    screening: ScreeningSettings
    ingest: IngestSettings
    digest: DigestSettings
    commands: CommandSettings
    reminders: ReminderSettings
    review: ReviewSettings
    rules_dir: Path
    templates_dir: Path
    forms_dir: Path
    microsoft: MicrosoftSettings | None = None
    daemon: DaemonSettings = field(default_factory=DaemonSettings)
    retention: RetentionPolicy = field(default_factory=RetentionPolicy)
    # (where, what is wrong) per secret not at hand when read: a variable unset, a key unreadable.
    missing_secrets: tuple[tuple[str, str], ...] = ()
    source: Path | None = None  # the file it was read from, to name; None: given without one

    def require_secrets(self) -> None:
        """Refuse, naming each variable or file, before anything connects without its secret."""
        if self.missing_secrets:
            raise ConfigError(missing_message(self.missing_secrets))

    def statutory_agency(self, role: Role) -> Agency:
        return next(a for a in self.agencies if a.role == role)

    def needs_approval(self, address: str) -> bool:
        """Mail to these outside bodies waits for the Business Manager's approval."""
        wanted = set()
        for entry in self.review.approval_required_for:
            person = getattr(self.people, entry, None) if "@" not in entry else None
            wanted.add(person.email if isinstance(person, Person) else entry)
        return address.lower() in wanted

    def agency(self, key: str) -> Agency | None:
        wanted = key.strip().lower()
        return next((a for a in self.agencies if wanted in (a.key.lower(), a.name.lower())), None)

    # Read for every message: worked out once per Config (it is frozen, so never stale).
    @cached_property
    def agency_domains(self) -> frozenset[str]:
        """Every agency's domains entries (domains, *.patterns and addresses)."""
        return frozenset(d for a in self.agencies for d in a.domains)

    def agency_for_address(self, address: str) -> Agency | None:
        """The agency a person is configured for (its DSP, a deputy, a contact), whatever their
        address's domain: the schools' safeguarding lead at tameside.gov.uk answers for the
        schools, not the council. Otherwise the agency whose domains entry names the address
        most specifically."""
        named = self._agencies_by_person.get(address.lower(), ())
        if len(named) == 1:
            return named[0]
        key = agency_for(address, [(a.key, a.domains) for a in self.agencies])
        return next((a for a in self.agencies if a.key == key), None)

    @cached_property
    def _agencies_by_person(self) -> dict[str, tuple[Agency, ...]]:
        found: dict[str, tuple[Agency, ...]] = {}
        for agency in self.agencies:
            for person in (*([agency.dsp] if agency.dsp else []), *agency.contacts):
                for address in person.command_addresses:
                    known = found.get(address.lower(), ())
                    if agency not in known:
                        found[address.lower()] = (*known, agency)
        return found

    @cached_property
    def known_senders(self) -> KnownSenders:
        """Agencies by their entries; people, representatives and our own mailbox by address;
        the outside bodies (National Panel, Ofsted, DfE...) by the domain of their address."""
        bodies = [getattr(self.people, f.name) for f in fields(self.people)]
        people = list(bodies)
        for agency in self.agencies:
            people += [*([agency.dsp] if agency.dsp else []), *agency.contacts]
        return KnownSenders(
            agencies=tuple((a.key, a.domains) for a in self.agencies),
            # Deputies count: a deputy's reply on a case is as known as the person's.
            addresses=frozenset(
                {self.partnership.mailbox, *(a for p in people for a in p.command_addresses)}
            ),
            bodies=frozenset(p.email.rpartition("@")[2] for p in bodies),
        )

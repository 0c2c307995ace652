"""Turn a TOML file into a validated Config, failing on the first wrong key with its name."""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from datetime import time
from pathlib import Path
from typing import Literal, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.config.model import (
    STATUTORY_ROLES,
    Agency,
    CommandSettings,
    Config,
    DigestSettings,
    ImapSettings,
    IngestSettings,
    MailboxSettings,
    OutgoingSettings,
    Partnership,
    People,
    Person,
    ReminderSettings,
    ReviewSettings,
    Role,
    ScreeningSettings,
    Security,
    SmtpSettings,
)
from bot.config.reader import ConfigError, Reader

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri")
SECURITY: tuple[str, ...] = ("tls", "starttls", "plain")


def load_config(path: Path, environ: Mapping[str, str] | None = None) -> Config:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"config file not found: {path}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    return parse_config(
        data, base=path.resolve().parent, environ=os.environ if environ is None else environ
    )


def parse_config(data: Mapping[str, object], *, base: Path, environ: Mapping[str, str]) -> Config:
    root = Reader(data, "")
    config = Config(
        partnership=_partnership(root.table("partnership")),
        people=_people(root.table("people")),
        agencies=_agencies(root),
        database_url=_database(root.table("database"), base),
        mailbox=_mailbox(root.table("mailbox"), base, environ),
        outgoing=_outgoing(root.table("outgoing"), base, environ),
        screening=_screening(root.table("screening")),
        ingest=_ingest(root.table("ingest", optional=True)),
        digest=_digest(root.table("digest", optional=True)),
        commands=_commands(root.table("commands", optional=True)),
        reminders=_reminders(root.table("reminders", optional=True)),
        review=_review(root.table("review", optional=True)),
        rules_dir=_path(root.text("rules_dir", "rules"), base),
        templates_dir=_path(root.text("templates_dir", "templates"), base),
        forms_dir=_path(root.text("forms_dir", "forms"), base),
    )
    root.finish()
    return config


def _path(value: str, base: Path) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else base / path


def _person(r: Reader) -> Person:
    person = Person(name=r.text("name"), email=_email(r, "email"))
    r.finish()
    return person


def _email(r: Reader, key: str) -> str:
    value = r.text(key)
    if "@" not in value or " " in value.strip():
        raise r.fail(key, "an email address", value)
    return value.strip().lower()


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, OSError) as exc:  # "Europe" names a folder of zones
        raise ValueError(name) from exc


def _partnership(r: Reader) -> Partnership:
    closures = {}
    for c in r.tables("local_closures", []):
        closures[c.day("date")] = c.text("name", "Office closure")
        c.finish()
    p = Partnership(
        name=r.text("name"),
        mailbox=_email(r, "mailbox"),
        reference_prefix=r.text("reference_prefix", "TSCP"),
        time_zone=r.parsed(
            "time_zone", _zone, "an IANA time zone like Europe/London", "Europe/London"
        ),
        local_closures=closures,
    )
    if not p.reference_prefix.isalpha() or not p.reference_prefix.isupper():
        raise r.fail("reference_prefix", "capital letters only, like TSCP", p.reference_prefix)
    r.finish()
    return p


def _people(r: Reader) -> People:
    people = People(
        business_manager=_person(r.table("business_manager")),
        independent_scrutineer=_person(r.table("independent_scrutineer")),
        national_panel=_person(r.table("national_panel")),
        ofsted=_person(r.table("ofsted")),
        dfe=_person(r.table("dfe")),
        secretary_of_state=_person(r.table("secretary_of_state")),
    )
    r.finish()
    return people


def _agency(r: Reader) -> Agency:
    agency = Agency(
        key=r.text("key"),
        name=r.text("name"),
        role=cast(Role, r.choice("role", (*STATUTORY_ROLES, "other"))),
        domains=tuple(d.lower() for d in r.texts("domains", [])),
        dsp=_person(r.table("dsp")) if r.has("dsp") else None,
        contacts=tuple(_person(c) for c in r.tables("contacts", [])),
    )
    r.finish()
    return agency


def _agencies(root: Reader) -> tuple[Agency, ...]:
    agencies = tuple(_agency(a) for a in root.tables("agencies"))
    keys = [a.key for a in agencies]
    if len(set(keys)) != len(keys):
        raise ConfigError("agencies: two agencies share the same key")
    for role in STATUTORY_ROLES:
        found = [a for a in agencies if a.role == role]
        if len(found) == 1 and found[0].dsp is None:
            raise ConfigError(
                f"agencies[{agencies.index(found[0])}].dsp: missing; expected a [agencies.dsp] "
                f'table with name and email (every role = "{role}" agency needs one)'
            )
        if len(found) != 1:
            raise ConfigError(
                f'agencies: expected exactly one agency with role = "{role}" and a [agencies.dsp] '
                "representative (the Screening Panel needs all three statutory partners)"
            )
    return agencies


def _database(r: Reader, base: Path) -> str:
    url = r.text("url", "sqlite:///var/tscp-bot.sqlite3")
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith(prefix + "/") and url != "sqlite://":
        # Relative SQLite paths are resolved against the config file, not the working directory.
        url = prefix + str(_path(url[len(prefix) :], base))
    elif not url.startswith(("sqlite:", "postgresql+psycopg://")):
        # Show the URL without any password written into it.
        shown = re.sub(r"(://[^/@:]*:)[^/]*@", r"\1***@", url)
        raise r.fail("url", "sqlite:///PATH or postgresql+psycopg://...", shown)
    r.finish()
    return url


def _secret(r: Reader, key: str, environ: Mapping[str, str]) -> str:
    name = r.text(key)
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        # Most likely the password itself was pasted in: never repeat it in the message.
        raise ConfigError(
            f"{r.where(key)}: expected the name of an environment variable holding the "
            "password (letters, digits and _), not the password itself"
        )
    if name not in environ:
        raise ConfigError(f"{r.where(key)}: environment variable {name} is not set")
    return environ[name]


def _imap(r: Reader, environ: Mapping[str, str]) -> ImapSettings:
    security = cast(Security, r.choice("security", SECURITY, "tls"))
    imap = ImapSettings(
        host=r.text("host"),
        port=r.number("port", 993 if security == "tls" else 143, minimum=1),
        username=r.text("username"),
        password=_secret(r, "password_env", environ),
        security=security,
        folder=r.text("folder", "INBOX"),
        processed_folder=r.text("processed_folder", "Processed"),
        use_idle=r.flag("use_idle", True),
    )
    r.finish()
    return imap


def _mailbox(r: Reader, base: Path, environ: Mapping[str, str]) -> MailboxSettings:
    backend = r.choice("backend", ("maildir", "imap"), "maildir")
    imap = r.table("imap", optional=True)
    settings = MailboxSettings(
        backend="imap" if backend == "imap" else "maildir",
        maildir_path=_path(r.text("maildir_path", "var/mail/inbox"), base),
        poll_seconds=r.number("poll_seconds", 60, minimum=1),
        imap=_imap(imap, environ) if backend == "imap" else None,
    )
    r.finish()
    return settings


def _smtp(r: Reader, environ: Mapping[str, str]) -> SmtpSettings:
    security = cast(Security, r.choice("security", SECURITY, "starttls"))
    username = r.text("username", "") or None
    smtp = SmtpSettings(
        host=r.text("host"),
        port=r.number("port", 465 if security == "tls" else 587, minimum=1),
        security=security,
        username=username,
        password=_secret(r, "password_env", environ) if username else None,
    )
    r.finish()
    return smtp


def _outgoing(r: Reader, base: Path, environ: Mapping[str, str]) -> OutgoingSettings:
    backend = r.choice("backend", ("maildir", "smtp"), "maildir")
    smtp = r.table("smtp", optional=True)
    settings = OutgoingSettings(
        backend="smtp" if backend == "smtp" else "maildir",
        maildir_path=_path(r.text("maildir_path", "var/mail/outbox"), base),
        smtp=_smtp(smtp, environ) if backend == "smtp" else None,
        max_attempts=r.number("max_attempts", 10, minimum=1),
        retry_base_seconds=r.number("retry_base_seconds", 60, minimum=1),
        retry_max_seconds=r.number("retry_max_seconds", 3600, minimum=1),
    )
    r.finish()
    return settings


def _clock_time(value: str) -> time:
    parsed = time.fromisoformat(value)
    if parsed.tzinfo is not None:
        # Times are in the partnership's time zone; an offset would be dropped or crash later.
        raise ValueError(value)
    return parsed


def _screening(r: Reader) -> ScreeningSettings:
    days = r.texts("weekdays", list(WEEKDAYS))
    bad = [d for d in days if d not in WEEKDAYS]
    if bad or not days:
        raise r.fail("weekdays", "a non-empty list drawn from " + ", ".join(WEEKDAYS), days)
    raw_times = r.texts("times", ["10:00"])
    if not raw_times or not all(_is_time(t) for t in raw_times):
        raise r.fail("times", 'a non-empty list of times like "10:00"', raw_times)
    s = ScreeningSettings(
        weekdays=tuple(WEEKDAYS.index(d) for d in days),
        times=tuple(sorted(_clock_time(t) for t in raw_times)),
        duration_minutes=r.number("duration_minutes", 60, minimum=15),
        min_notice_minutes=r.number("min_notice_minutes", 120),
        location=r.text("location", "Microsoft Teams (link to follow)"),
    )
    r.finish()
    return s


def _is_time(value: str) -> bool:
    try:
        _clock_time(value)
    except ValueError:
        return False
    return True


def _ingest(r: Reader) -> IngestSettings:
    s = IngestSettings(
        max_attachment_bytes=r.number("max_attachment_bytes", 10_000_000, minimum=1),
        max_attempts=r.number("max_attempts", 3, minimum=1),
        max_expanded_bytes=r.number("max_expanded_bytes", 50_000_000, minimum=1),
        max_pages=r.number("max_pages", 200, minimum=1),
    )
    r.finish()
    return s


def _digest(r: Reader) -> DigestSettings:
    s = DigestSettings(
        time=r.parsed("time", _clock_time, 'a time like "08:00"', "08:00"),
        upcoming_working_days=r.number("upcoming_working_days", 5, minimum=1),
    )
    r.finish()
    return s


def _commands(r: Reader) -> CommandSettings:
    s = CommandSettings(
        auth_mode=cast(
            Literal["required", "advisory", "off"],
            r.choice("auth_mode", ("required", "advisory", "off"), "required"),
        ),
        trusted_authserv_ids=tuple(i.lower() for i in r.texts("trusted_authserv_ids", [])),
        trust_topmost_unlabelled=r.flag("trust_topmost_unlabelled", False),
    )
    if s.auth_mode == "required" and not (s.trusted_authserv_ids or s.trust_topmost_unlabelled):
        raise r.fail(
            "trusted_authserv_ids",
            "the authserv-id your mail server writes in Authentication-Results "
            '(or auth_mode = "advisory" / "off")',
            [],
        )
    r.finish()
    return s


def _reminders(r: Reader) -> ReminderSettings:
    s = ReminderSettings(
        days_before=r.number("days_before", 1),
        overdue_reminders=r.number("overdue_reminders", 3),
        escalate=r.flag("escalate", True),
        start=r.parsed("working_hours_start", _clock_time, 'a time like "09:00"', "09:00"),
        end=r.parsed("working_hours_end", _clock_time, 'a time like "17:00"', "17:00"),
    )
    if s.end <= s.start:
        raise r.fail("working_hours_end", "a time after working_hours_start", str(s.end))
    r.finish()
    return s


def _review(r: Reader) -> ReviewSettings:
    s = ReviewSettings(
        appendix_b_working_days=r.number("appendix_b_working_days", 7, minimum=1),
        delay_notice_working_days_before=r.number("delay_notice_working_days_before", 3),
        approval_required_for=tuple(
            a.lower() for a in r.texts("approval_required_for", list(_OUTSIDE_BODIES))
        ),
    )
    unknown = [a for a in s.approval_required_for if "@" not in a and a not in _PEOPLE_KEYS]
    if unknown:
        raise r.fail(
            "approval_required_for",
            "email addresses or people keys (" + ", ".join(_PEOPLE_KEYS) + ")",
            unknown[0],
        )
    r.finish()
    return s


# People keys whose mail waits for approval unless the config says otherwise.
_OUTSIDE_BODIES = ("national_panel", "ofsted", "dfe", "secretary_of_state")
_PEOPLE_KEYS = ("business_manager", "independent_scrutineer", *_OUTSIDE_BODIES)

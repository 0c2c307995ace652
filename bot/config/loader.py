"""Turn a TOML file into a validated Config, failing on the first wrong key with its name."""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.config.mail import HOUR, HOUR_AT_MOST, mailbox_section, outgoing_section
from bot.config.microsoft import check_oauth_needs, microsoft_section
from bot.config.model import (
    OTHER_ROLES,
    STATUTORY_ROLES,
    Agency,
    Config,
    DaemonSettings,
    Partnership,
    People,
    Person,
    Role,
)
from bot.config.paths import packaged, resolve
from bot.config.reader import ConfigError, Reader, entry_name
from bot.config.retention import retention_section
from bot.config.secret_env import SecretsEnviron
from bot.config.workflow import (
    commands_section,
    digest_section,
    email_list,
    ingest_section,
    reminders_section,
    review_section,
    screening_section,
)
from bot.core.agencies import SYNTAX, parse_pattern


def load_config(path: Path, environ: Mapping[str, str] | None = None) -> Config:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(
            f"config file not found: {path.resolve()} (name it with --config PATH or the "
            "TSCP_BOT_CONFIG environment variable)"
        ) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    try:
        config = parse_config(
            data, base=path.resolve().parent, environ=os.environ if environ is None else environ
        )
    except ConfigError as exc:
        # The administrator may have several configs (test and live): say which is wrong.
        raise ConfigError(f"{path}: {exc}") from exc
    return replace(config, source=path.resolve())


def parse_config(data: Mapping[str, object], *, base: Path, environ: Mapping[str, str]) -> Config:
    environ = SecretsEnviron(environ)  # a secret not set is noted, refused when connecting
    root = Reader(data, "")
    config = Config(
        partnership=_partnership(root.table("partnership")),
        people=_people(root.table("people")),
        agencies=_agencies(root),
        database_url=_database(root.table("database"), base),
        mailbox=mailbox_section(root.table("mailbox"), base, environ),
        outgoing=outgoing_section(root.table("outgoing"), base, environ),
        screening=screening_section(root.table("screening")),
        ingest=ingest_section(root.table("ingest", optional=True)),
        digest=digest_section(root.table("digest", optional=True)),
        commands=commands_section(root.table("commands", optional=True)),
        reminders=reminders_section(root.table("reminders", optional=True)),
        review=review_section(root.table("review", optional=True)),
        rules_dir=_folder(root, "rules", base),
        templates_dir=_folder(root, "templates", base),
        forms_dir=_folder(root, "forms", base),
        microsoft=(
            microsoft_section(root.table("microsoft"), base, environ)
            if root.has("microsoft")
            else None
        ),
        daemon=_daemon(root.table("daemon", optional=True)),
        retention=retention_section(root.table("retention", optional=True)),
    )
    root.finish()
    check_oauth_needs(config)
    return replace(config, missing_secrets=environ.problems())


def _folder(root: Reader, name: str, base: Path) -> Path:
    """A local copy when `<name>_dir` is set, otherwise the folder shipped in the package."""
    key = f"{name}_dir"
    return resolve(root.text(key), base) if root.has(key) else packaged(name)


def _person(r: Reader, *, deputies: bool = False) -> Person:
    """A person; where they give commands, `deputies` may list addresses covering for them."""
    person = Person(
        name=r.text("name"),
        email=_email(r, "email"),
        deputies=email_list(r, "deputies") if deputies else (),
    )
    if person.email in person.deputies:
        raise r.fail("deputies", "addresses other than the person's own", person.email)
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
        business_manager=_person(r.table("business_manager"), deputies=True),
        independent_scrutineer=_person(r.table("independent_scrutineer"), deputies=True),
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
        role=cast(Role, r.choice("role", (*STATUTORY_ROLES, *OTHER_ROLES))),
        domains=_domains(r),
        dsp=_person(r.table("dsp"), deputies=True) if r.has("dsp") else None,
        contacts=tuple(_person(c) for c in r.tables("contacts", [])),
    )
    r.finish()
    return agency


def _domains(r: Reader) -> tuple[str, ...]:
    entries = []
    for entry in r.texts("domains", []):
        try:
            entries.append(parse_pattern(entry).text)
        except ValueError as exc:
            raise r.fail("domains", f"{SYNTAX} ({exc})", entry) from None
    return tuple(entries)


def _agencies(root: Reader) -> tuple[Agency, ...]:
    agencies = tuple(_agency(a) for a in root.tables("agencies"))
    keys = [a.key for a in agencies]
    if len(set(keys)) != len(keys):
        raise ConfigError("agencies: two agencies share the same key")
    _one_partner_per_address(agencies)
    _check_no_shared_entry(agencies)
    for role in STATUTORY_ROLES:
        found = [a for a in agencies if a.role == role]
        if len(found) == 1 and found[0].dsp is None:
            where = entry_name("agencies", agencies.index(found[0]))
            raise ConfigError(
                f"{where}.dsp: missing; expected a [agencies.dsp] table with name and email "
                f'(every role = "{role}" agency needs one)'
            )
        if len(found) != 1:
            raise ConfigError(
                f'agencies: expected exactly one agency with role = "{role}" and a [agencies.dsp] '
                "representative (the Screening Panel needs all three statutory partners)"
            )
    return agencies


def _one_partner_per_address(agencies: tuple[Agency, ...]) -> None:
    """One address speaks for one statutory partner: otherwise one person's vote could count
    for two partners of the three whose majority decides."""
    partner_of: dict[str, str] = {}
    for a in agencies:
        if a.role not in STATUTORY_ROLES or a.dsp is None:
            continue
        for address in a.dsp.command_addresses:
            other = partner_of.setdefault(address, a.key)
            if other != a.key:
                raise ConfigError(
                    f"agencies: {address} represents or deputises for both {other} and {a.key}; "
                    "each statutory partner needs its own people"
                )


def _check_no_shared_entry(agencies: tuple[Agency, ...]) -> None:
    # Mail matching an entry written for two agencies would belong to both.
    owner: dict[str, str] = {}
    for i, agency in enumerate(agencies):
        for entry in agency.domains:
            if owner.setdefault(entry, agency.key) != agency.key:
                raise ConfigError(
                    f'{entry_name("agencies", i)}.domains: "{entry}" is already a domain of agency '
                    f'"{owner[entry]}"; give each domain, pattern or address to one agency only'
                )


def _database(r: Reader, base: Path) -> str:
    url = r.text("url", "sqlite:///var/tscp-bot.sqlite3")
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith(prefix + "/") and url != "sqlite://":
        # Relative SQLite paths are resolved against the config file, not the working directory.
        url = prefix + str(resolve(url[len(prefix) :], base))
    elif not url.startswith(("sqlite:", "postgresql+psycopg://")):
        # Show the URL without any password written into it.
        shown = re.sub(r"(://[^/@:]*:)[^/]*@", r"\1***@", url)
        raise r.fail("url", "sqlite:///PATH or postgresql+psycopg://...", shown)
    r.finish()
    return url


# A killed instance's jobs wait this long for another; three times it is not downtime.
LONGEST_LEASE = 600


def _daemon(r: Reader) -> DaemonSettings:
    it_contact = _email(r, "it_contact") if r.has("it_contact") else None
    settings = DaemonSettings(
        it_contact=it_contact,
        alert_after_minutes=r.number("alert_after_minutes", 30, minimum=0),
        lease_seconds=r.number(
            "lease_seconds",
            60,
            minimum=1,
            maximum=LONGEST_LEASE,
            why="ten minutes at most: a stopped instance's jobs wait that long for another, "
            "and the digest does not report the bot down for less than three times it",
        ),
        outbox_every_seconds=r.number(
            "outbox_every_seconds", 15, minimum=1, maximum=HOUR, why=HOUR_AT_MOST
        ),
        jobs_every_seconds=r.number(
            "jobs_every_seconds",
            300,
            minimum=1,
            maximum=HOUR,
            why="an hour at most: reminders and the digest would go out that late",
        ),
        stall_factor=r.number("stall_factor", 3, minimum=2),
    )
    r.finish()
    return settings

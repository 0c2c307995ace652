"""What every command gets: its arguments, and the config and clock loaded on demand.

The config and the app are imported when first asked for, so `--help` and a mistyped command
load neither (see bot.cli).
"""

from __future__ import annotations

import argparse
import os
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from bot.clock import Clock, FixedClock, OffsetClock, SystemClock, parse_moment

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine
    from sqlalchemy.orm import Session

    from bot.app import App, Reader
    from bot.config import Config
    from bot.services.outbox_bell import OutboxBell


class UsageError(Exception):
    """Bad arguments: exit 2."""


class NotFound(Exception):
    """The case, message or email asked for does not exist: exit 3."""


def typed_date(text: str, what: str) -> date:
    """A date typed at the terminal, read as in email: 24/12/2026, 24 December 2026 or
    2026-12-24. `what` names the argument in the one-line refusal."""
    from bot.core.dates import DateError, parse_uk_date

    try:
        return parse_uk_date(text)
    except DateError as exc:
        raise UsageError(f"{what}: {exc}") from None


def existing_file(text: str) -> Path:
    """A file named at the terminal, refused in one line when there is none or it cannot be
    read (a folder, or a file this user may not open)."""
    path = Path(text)
    if path.is_dir():
        raise UsageError(f"{path} is a folder: name one file in it")
    if not path.is_file():
        raise UsageError(f"no such file: {path}")
    if not os.access(path, os.R_OK):
        raise UsageError(f"cannot read {path}: permission denied")
    return path


def file_to_write(text: str | None, option: str) -> Path | None:
    """Where an option asks a file to be written, refused in one line before any work is done
    when there is no folder to write it in."""
    if text is None or text == "-":
        return None if text is None else Path(text)
    path = Path(text)
    if path.is_dir():
        raise UsageError(f"{option}: {path} is a folder: name the file to write")
    if not path.parent.is_dir():
        raise UsageError(f"{option}: there is no folder {path.parent} to write {path.name} in")
    return path


_LARGEST_ID = 2**63 - 1


def need_id(ctx: Context) -> int:
    """The row number a command acts on (`outbox retry 12`, `triage done 12`), refused in one
    line when missing, and not found when no row could have it."""
    if ctx.args.id is None:
        raise UsageError(f"{ctx.args.action} needs an ID")
    if not 0 < ctx.args.id <= _LARGEST_ID:  # no row has it, and the database cannot hold it
        raise NotFound(f"no #{ctx.args.id}: numbers run from 1 (see the list)")
    return int(ctx.args.id)


def config_path(arg: str | None) -> Path:
    return Path(arg or os.environ.get("TSCP_BOT_CONFIG") or "config.toml")


class Context:
    """What a command needs, loaded only when it asks (so `calendar` works without a database)."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self._config: Config | None = None
        self._apps: list[App] = []
        self._engines: list[Engine] = []
        self._bells: list[OutboxBell] = []

    @property
    def config(self) -> Config:
        if self._config is None:
            from bot.config import load_config

            self._config = load_config(config_path(self.args.config))
        return self._config

    def use_config(self, config: Config) -> None:
        """Replace the loaded config, e.g. with a command-line override applied."""
        self._config = config

    def clock(self, *, moving: bool = False) -> Clock:
        if not self.args.now:
            return SystemClock()
        tz = self.config.partnership.time_zone
        from bot.core.dates import AmbiguousTime, NoSuchDate

        try:
            moment = parse_moment(self.args.now, tz)
        except (NoSuchDate, AmbiguousTime) as exc:
            raise UsageError(f"--now: {exc}") from None
        except ValueError as exc:
            raise UsageError(
                f"--now: expected a time such as 23/12/2026 09:30 or 2026-12-23T09:30, "
                f"got {self.args.now!r}"
            ) from exc
        return OffsetClock(moment) if moving else FixedClock(moment)

    def today(self) -> date:
        return self.clock().now().astimezone(self.config.partnership.time_zone).date()

    def app(
        self,
        *,
        moving_clock: bool = False,
        lazy: bool = False,
        announce: bool = True,
        database: bool = True,
    ) -> App:
        """`lazy`: for a command that needs none of them (`outbox approve`, `outbox retry`), the
        bank holidays, rules, templates and forms are read if it uses them, not at its start
        (see bot.bootstrap.build_app).
        `announce`: mail this command queues (an approved draft, a retry) wakes
        the running daemon's sender at once; the daemon itself attaches a bell that listens.
        `database=False`: a command that works before `init` (`classify`, `extract`) gets an
        empty database in memory when the configured SQLite file does not exist, rather than
        leaving an empty file behind, and may use a database not set up yet. A database at
        another schema than this code's is refused in one line, as by every other command."""
        from dataclasses import replace

        from bot.adapters.db.engine import missing_sqlite_file, refuse_unusable_schema
        from bot.bootstrap import build_app

        config = self.config
        if not database and missing_sqlite_file(config.database_url) is not None:
            config = replace(config, database_url="sqlite://")
        app = build_app(config, self.clock(moving=moving_clock), lazy=lazy, create=False)
        self._apps.append(app)
        refuse_unusable_schema(app.engine, empty_ok=not database)
        if announce:
            self._announce(app)
        return app

    def _announce(self, app: App) -> None:
        from bot.adapters.db import notify

        if notify.supported(app.engine):  # not a database in memory: no other process could hear
            from bot.services.outbox_bell import OutboxBell

            bell = OutboxBell()
            bell.attach(app.sessions, listen=False)
            self._bells.append(bell)

    def reader(self) -> Reader:
        """The config, clock and database of `app`, without its sessions (so without the ORM)
        and with the bank holidays read only if used: for a report read in SQLAlchemy Core.
        Only a newer schema is refused: `status` reports an older one, or none, as a problem
        (exit 1) to the monitor that calls it, where exit 2 would mean no database."""
        from functools import partial

        from bot.adapters.db.engine import make_engine, refuse_newer_schema
        from bot.app import Reader
        from bot.bootstrap import calendar_for

        config, clock = self.config, self.clock()
        engine = make_engine(config.database_url, create=False)
        self._engines.append(engine)
        refuse_newer_schema(engine)
        return Reader(config, clock, engine, partial(calendar_for, config, clock.now()))

    def session(self) -> Session:
        """A session on the database alone, for a command that only lists what it holds: no
        rules, templates, forms or bank holidays are loaded for it (see `app` for the rest)."""
        from bot.adapters.db.engine import make_engine, make_sessions, refuse_unusable_schema

        self.clock()  # a --now that cannot be read is refused, as by every other command
        engine = make_engine(self.config.database_url, create=False)
        self._engines.append(engine)
        refuse_unusable_schema(engine)
        return make_sessions(engine)()

    def connection(self) -> Connection:
        """A connection for a listing written in SQLAlchemy Core: as `session`, without the
        ORM and the models, which cost more to load than such a listing costs to run."""
        from bot.adapters.db.engine import make_engine, refuse_unusable_schema

        self.clock()  # a --now that cannot be read is refused, as by every other command
        engine = make_engine(self.config.database_url, create=False)
        self._engines.append(engine)
        refuse_unusable_schema(engine)
        return engine.connect()

    def close(self) -> None:
        for bell in self._bells:
            bell.detach()
        for app in self._apps:
            app.close()
        for engine in self._engines:
            engine.dispose()

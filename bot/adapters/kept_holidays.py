"""England's bank holidays as an earlier start read them from the `holidays` package.

Importing the package and working out six years of its rules is a seventh of what `status`
and `cases` cost to start, for a table that changes only when the package is installed again.
The table is kept (bot.adapters.passed_checks.keep_result) under a digest of the years asked
for, Python's version, the package's install record (every one of its files, by hash) and
its United Kingdom module itself; any change to one, and it is read from the package again.
A kept table that does not read back as dates and names is not used.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Mapping
from datetime import date
from importlib.util import find_spec
from pathlib import Path

from bot.adapters.passed_checks import digest_of


def kept_name(years: list[int], package: Path) -> str:
    """One file for each span of years and each install of the package, so that a command
    run with `--now` in another year and the bot at today's, or two installs run by one user
    (a test install beside the live one), do not take turns throwing each other's table away."""
    install = hashlib.sha256(str(package).encode()).hexdigest()[:12]
    return f"tscp-bot-bank-holidays-{years[0]}-{years[-1]}-{len(years)}-{install}"


def holidays_package() -> Path | None:
    """The folder the `holidays` package is imported from, found without importing it."""
    spec = find_spec("holidays")
    if spec is None or spec.origin is None:
        return None
    return Path(spec.origin).parent


def package_digest(years: list[int], package: Path) -> str | None:
    """The digest the kept table is filed under; None when the package's files cannot be
    found or read (the table is then read from the package each time)."""
    records = sorted(package.parent.glob("holidays-*.dist-info/RECORD"))
    if len(records) != 1:  # none, or two installs side by side: which one would be read?
        return None
    files = [records[0], package / "countries" / "united_kingdom.py"]
    return digest_of([], files, [sys.version, str(package), " ".join(map(str, years))])


def table_bytes(table: Mapping[date, str]) -> bytes:
    return json.dumps([[day.isoformat(), name] for day, name in sorted(table.items())]).encode()


def kept_table(kept: bytes | None) -> dict[date, str] | None:
    """The table table_bytes wrote; None when `kept` is not one."""
    if kept is None:
        return None
    try:
        rows = json.loads(kept)
        table = {date.fromisoformat(day): name for day, name in rows}
    except (ValueError, TypeError):
        return None
    if not all(isinstance(name, str) for name in table.values()):
        return None
    return table

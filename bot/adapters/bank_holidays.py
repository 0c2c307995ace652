"""England and Wales bank holidays from the `holidays` package, without its other countries.

`holidays.country_holidays("GB", ...)` imports the package `holidays.countries`, whose
`__init__` imports every country's module (about 250 of them): some 0.1 s of every start,
`status` included, for rules the bot never reads. The United Kingdom's module needs none of
them, so it is loaded from its own file. Should a release of the package move it, the
package's own way is used instead; a test checks that both give the same table.

bot.core.working_days counts with the table it is given; `working_calendar` is how everything
else gets a calendar, so the core never reads the package itself.
"""

from __future__ import annotations

import importlib.util
import logging
from collections.abc import Iterable, Mapping
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from bot.adapters.kept_holidays import (
    holidays_package,
    kept_name,
    kept_table,
    package_digest,
    table_bytes,
)
from bot.adapters.passed_checks import keep_result, kept_result, private_folder
from bot.core.working_days import WorkingCalendar, build_calendar

log = logging.getLogger(__name__)

_MODULE = "holidays.countries.united_kingdom"
_MOST = 64 * 1024  # ample for the years a calendar is asked for


class NoBankHolidays(ValueError):
    """None of the years asked for has bank holidays in the package's table."""


def working_calendar(
    years: Iterable[int], local_closures: Mapping[date, str] | None = None
) -> WorkingCalendar:
    """The working-day calendar of `years`: these bank holidays and the local closure days.

    A year the package has no bank holidays for (it knows 1871 to 2100 or so, fewer in its
    early years) is not covered: counted, its Christmas Day would be a working day.
    """
    asked = sorted(set(years))
    if not asked:
        raise ValueError("a working calendar needs at least one year")
    table = england_and_wales(asked)
    known = [y for y in asked if any(d.year == y for d in table)]
    if not known:
        raise NoBankHolidays(
            f"no bank holidays are known for {asked[0]}-{asked[-1]} (the holidays package's "
            "table), so working days cannot be counted then; check the year"
        )
    return build_calendar(known, table, local_closures)


def england_and_wales(years: Iterable[int]) -> Mapping[date, str]:
    """The package's table of bank holidays in England (which Wales shares) for `years`: as
    kept by an earlier start for the same years and the same install of the package
    (kept_holidays), or read from the package, and kept."""
    wanted = sorted(set(years))
    package = holidays_package()
    if package is None:
        return _from_package(wanted)
    folder, digest, name = (
        private_folder(),
        package_digest(wanted, package),
        kept_name(wanted, package),
    )
    if digest is not None:
        kept = kept_table(kept_result(folder, name, digest, _MOST))
        if kept is not None:
            return kept
    table = _from_package(wanted)
    if digest is not None:
        keep_result(folder, name, digest, table_bytes(table))
    return table


def _from_package(wanted: list[int]) -> Mapping[date, str]:
    uk = _united_kingdom()
    if uk is None:
        import holidays

        return dict(holidays.country_holidays("GB", subdiv="ENG", years=wanted).items())
    return dict(uk(subdiv="ENG", years=wanted).items())


@cache
def _united_kingdom() -> Any:
    """The package's UnitedKingdom class, its module run alone; None if it cannot be."""
    import holidays

    path = Path(holidays.__file__).parent / "countries" / "united_kingdom.py"
    spec = importlib.util.spec_from_file_location(_MODULE, path)
    if spec is None or spec.loader is None or not path.is_file():
        log.info("holidays: no %s to load alone; loading every country's rules", path.name)
        return None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return getattr(module, "UnitedKingdom", None)

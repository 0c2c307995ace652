"""`tscp-bot doctor`'s clock lines: the time zone, this machine's clock against the database
server's, and whether the bank holidays deadlines skip are known for this year and next."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from bot.adapters.bank_holidays import working_calendar
from bot.clock import Clock
from bot.config import Config
from bot.services.doctor_check import UNREACHED, Check

# Entra ID refuses a token whose times are off by more than five minutes; a minute off already
# moves an arrival across a deadline's edge now and then.
CLOCK_FAIL_SECONDS, CLOCK_WARN_SECONDS = 300, 60
# England has at least eight bank holidays a year; fewer means the holidays data is out of date.
MIN_BANK_HOLIDAYS = 8


def clock_checks(config: Config, clock: Clock, engine: Engine | None) -> list[Check]:
    """`engine`: None when the database does not answer; its schema does not matter here."""
    tz = config.partnership.time_zone
    now = clock.now()
    checks = [Check("ok", "time zone", f"{tz.key}: it is {now.astimezone(tz):%Y-%m-%d %H:%M %Z}")]
    checks.append(_clock_skew(now, engine))
    year = now.astimezone(tz).year
    for y in (year, year + 1):
        count = sum(1 for d in working_calendar([y]).closed if d.year == y)
        if count < MIN_BANK_HOLIDAYS:
            checks.append(
                Check(
                    "FAIL",
                    "bank holidays",
                    f"only {count} known for {y}: update the `holidays` package "
                    "(pip install -U holidays) so deadlines skip them",
                )
            )
        else:
            checks.append(Check("ok", "bank holidays", f"{count} known for {y}"))
    return checks


def _clock_skew(now: datetime, engine: Engine | None) -> Check:
    """This machine's clock against the database server's, the one other clock the bot
    trusts (with SQLite they are the same machine, and agree by definition)."""
    if engine is None:
        return Check("warn", "clock", f"skipped: {UNREACHED}")
    try:
        with engine.connect() as connection:
            value = connection.execute(text("SELECT CURRENT_TIMESTAMP")).scalar()
    except SQLAlchemyError as exc:
        answer = type(exc).__name__
        return Check("warn", "clock", f"skipped: the database did not answer ({answer})")
    theirs = _as_utc(value)
    if theirs is None:
        return Check("warn", "clock", "skipped: the database gave no time it could compare")
    skew = (now - theirs).total_seconds()
    detail = f"this machine and the database server differ by {abs(skew):.0f} s"
    if abs(skew) >= CLOCK_FAIL_SECONDS:
        return Check("FAIL", "clock", f"{detail}: set up NTP time sync on both")
    if abs(skew) >= CLOCK_WARN_SECONDS:
        return Check("warn", "clock", f"{detail}: check NTP time sync on both")
    return Check("ok", "clock", detail)


def _as_utc(value: object) -> datetime | None:
    if isinstance(value, str):  # SQLite: "YYYY-MM-DD HH:MM:SS", in UTC
        try:
            value = datetime.fromisoformat(value).replace(tzinfo=UTC)
        except ValueError:
            return None
    if not isinstance(value, datetime):
        return None
    return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)

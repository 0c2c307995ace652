"""The declarative base every model shares, and the column types they are built from.

Times are stored as timezone-aware UTC; dates (deadlines) as plain calendar dates in
Europe/London, because a statutory deadline is a day, not an instant.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, ClassVar

from sqlalchemy import JSON, DateTime, Dialect, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, mapped_column
from sqlalchemy.types import TypeDecorator


class UtcDateTime(TypeDecorator[datetime]):
    """Aware UTC in, aware UTC out, on every backend (SQLite would otherwise drop the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; localise it first")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class SafeText(TypeDecorator[str]):
    """Text every database accepts: no NUL (PostgreSQL refuses it) and no more than the
    column holds (PostgreSQL refuses that too), so no field read from a message can make its
    row, and with it the message, impossible to store. The raw bytes keep the original."""

    impl: type[String] = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        value = value.replace("\x00", "")
        length: int | None = getattr(self.impl_instance, "length", None)
        return value if length is None else value[:length]

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        return value


class SafeString(SafeText):
    """SafeText for a String(length) column."""

    impl = String
    cache_ok = True


intpk = Annotated[int, mapped_column(Integer, primary_key=True, autoincrement=True)]
utc = Annotated[datetime, mapped_column(UtcDateTime())]
text = Annotated[str, mapped_column(SafeText())]


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        dict[str, object]: JSON,
        list[str]: JSON,
        datetime: UtcDateTime,
    }

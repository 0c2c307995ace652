"""The column types the models are built from, apart from the declarative base so that a
query in SQLAlchemy Core (the list of cases) reads a column as the model does without loading
the ORM."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime, Dialect, String, Text
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

"""The declarative base every model shares, and the column types they are built from.

Times are stored as timezone-aware UTC; dates (deadlines) as plain calendar dates in
Europe/London, because a statutory deadline is a day, not an instant.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, ClassVar

from sqlalchemy import JSON, Integer
from sqlalchemy.orm import DeclarativeBase, mapped_column

from bot.adapters.db.column_types import SafeString, SafeText, UtcDateTime

__all__ = ["Base", "SafeString", "SafeText", "UtcDateTime", "intpk", "text", "utc"]


intpk = Annotated[int, mapped_column(Integer, primary_key=True, autoincrement=True)]
utc = Annotated[datetime, mapped_column(UtcDateTime())]
text = Annotated[str, mapped_column(SafeText())]


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        dict[str, object]: JSON,
        list[str]: JSON,
        datetime: UtcDateTime,
    }

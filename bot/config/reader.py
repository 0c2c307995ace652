"""A strict reader over a parsed TOML table that names the key at fault.

Every accessor records the key it read, so `finish()` can reject typos: an unknown key in a
council's config is far more likely a misspelling than something to ignore.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from difflib import get_close_matches
from typing import TypeVar

T = TypeVar("T")
_MISSING: object = object()


class ConfigError(Exception):
    """The configuration is wrong; the message names the key and what was expected."""


class Reader:
    def __init__(self, data: Mapping[str, object], path: str) -> None:
        self._data = data
        self._path = path
        self._seen: set[str] = set()

    def has(self, key: str) -> bool:
        return key in self._data

    def where(self, key: str) -> str:
        return f"{self._path}.{key}" if self._path else key

    def fail(self, key: str, expected: str, got: object = _MISSING) -> ConfigError:
        if got is _MISSING:
            near = get_close_matches(key, [k for k in self._data if k != key], n=1, cutoff=0.8)
            typo = f" (is {near[0]!r} a misspelling of {key!r}?)" if near else ""
            return ConfigError(f"{self.where(key)}: missing; expected {expected}{typo}")
        # As it was written in the file: 2026-12-29T09:00:00, not datetime.datetime(...).
        shown = got.isoformat() if isinstance(got, dt.date | dt.time) else repr(got)
        return ConfigError(f"{self.where(key)}: expected {expected}, got {shown}")

    def _get(self, key: str, default: object, expected: str) -> object:
        self._seen.add(key)
        if key in self._data:
            return self._data[key]
        if default is _MISSING:
            raise self.fail(key, expected)
        return default

    def _typed(self, key: str, default: object, kind: type[T], expected: str) -> T:
        value = self._get(key, default, expected)
        # bool is an int subclass; a `true` where a number belongs is a mistake.
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise self.fail(key, expected, value)
        return value

    def text(self, key: str, default: object = _MISSING) -> str:
        return self._typed(key, default, str, "a string")

    def number(
        self,
        key: str,
        default: object = _MISSING,
        *,
        minimum: int = 0,
        maximum: int | None = None,
        why: str = "",
    ) -> int:
        """A whole number in range; `why` says what the bound is, for a value beyond it."""
        expected = f"a whole number >= {minimum}"
        if maximum is not None:
            expected = f"a whole number from {minimum} to {maximum}"
        expected += f" ({why})" if why else ""
        value = self._typed(key, default, int, expected)
        if value < minimum or (maximum is not None and value > maximum):
            raise self.fail(key, expected, value)
        return value

    def flag(self, key: str, default: object = _MISSING) -> bool:
        return self._typed(key, default, bool, "true or false")

    def choice(self, key: str, choices: tuple[str, ...], default: object = _MISSING) -> str:
        expected = "one of " + ", ".join(choices)
        value = self._get(key, default, expected)
        if value not in choices:
            raise self.fail(key, expected, value)
        return str(value)

    def texts(self, key: str, default: object = _MISSING) -> list[str]:
        value = self._get(key, default, "a list of strings")
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(key, "a list of strings", value)
        return list(value)

    def day(self, key: str, default: object = _MISSING) -> dt.date:
        value = self._get(key, default, "a date like 2026-12-29")
        # A TOML date-time is a date to Python; its time would be dropped or crash later.
        if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
            raise self.fail(key, "a date like 2026-12-29 (no quotes)", value)
        return value

    def table(self, key: str, *, optional: bool = False) -> Reader:
        value = self._get(key, {} if optional else _MISSING, "a table")
        if not isinstance(value, Mapping):
            raise self.fail(key, "a table", value)
        return Reader(value, self.where(key))

    def tables(self, key: str, default: object = _MISSING) -> list[Reader]:
        value = self._get(key, default, "a list of tables")
        if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
            raise self.fail(key, "a list of tables ([[...]])", value)
        return [Reader(v, entry_name(self.where(key), i)) for i, v in enumerate(value)]

    def parsed(
        self, key: str, parse: Callable[[str], T], expected: str, default: object = _MISSING
    ) -> T:
        raw = self._get(key, default, expected)
        if not isinstance(raw, str):
            raise self.fail(key, expected, raw)
        try:
            return parse(raw)
        except (ValueError, KeyError) as exc:
            raise self.fail(key, expected, raw) from exc

    def finish(self) -> None:
        unknown = sorted(set(self._data) - self._seen)
        if unknown:
            raise ConfigError(f"{self.where(unknown[0])}: unknown key (check the spelling)")


def entry_name(where: str, index: int) -> str:
    """How an error names one [[table]] of a list: counted from one, as a person counts the
    blocks in the file ("agencies #2" is the second [[agencies]])."""
    return f"{where} #{index + 1}"

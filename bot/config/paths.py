"""Relative paths in the config are relative to the config file, not the working directory."""

from __future__ import annotations

from pathlib import Path


def resolve(value: str, base: Path) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else base / path

"""Relative paths in the config are relative to the config file, not the working directory.

The rules, templates and form vocabulary ship inside the package (bot/defaults/); a config
key pointing at a local copy overrides each of them.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from bot.config.reader import ConfigError


def resolve(value: str, base: Path) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else base / path


def packaged(name: str) -> Path:
    """The folder `name` shipped inside the installed package, e.g. packaged("rules")."""
    folder = files("bot") / "defaults" / name
    if not isinstance(folder, Path):
        # Jinja2 and the loaders read real folders; a zipped install has none to give them.
        raise ConfigError(
            f"the packaged {name} folder is not on disk (zipped install?); "
            f"set {name}_dir to a copy of it"
        )
    return folder

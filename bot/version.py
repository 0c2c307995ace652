"""The installed version, from the package metadata (pyproject.toml's `version`)."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version


def installed_version() -> str:
    try:
        return version("tscp-bot")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown (not installed)"

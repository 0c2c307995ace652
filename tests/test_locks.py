"""The two lock files: production without the development tools, development with the same
production pins, every package pinned to the version pyproject.toml asks for, with hashes."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==(\S+)")


def _name(text: str) -> str:
    return re.sub(r"[-_.]+", "-", text).lower()


def _lock(name: str) -> dict[str, tuple[str, list[str]]]:
    """package -> (version, its --hash lines), from a pip-style lock file."""
    pins: dict[str, tuple[str, list[str]]] = {}
    current = ""
    for line in (ROOT / name).read_text().splitlines():
        if match := PIN.match(line):
            current = _name(match.group(1))
            pins[current] = (match.group(2), [])
        elif line.strip().startswith("--hash=sha256:"):
            pins[current][1].append(line.strip().rstrip(" \\"))
    return pins


def _wanted(requirements: list[str]) -> dict[str, str]:
    return {_name(m.group(1)): m.group(2) for r in requirements if (m := PIN.match(r))}


def _project() -> Any:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def test_every_pin_carries_hashes_so_pip_can_require_them() -> None:
    for name in ("requirements.lock", "requirements-dev.lock"):
        unhashed = [pkg for pkg, (_, hashes) in _lock(name).items() if not hashes]
        assert unhashed == [], f"{name}: no --hash for {unhashed}"


def test_production_lock_has_every_dependency_and_no_development_tool() -> None:
    production = _lock("requirements.lock")
    wanted = _wanted(list(_project()["dependencies"]))
    assert {k: production[k][0] for k in wanted} == wanted
    dev_only = _wanted(_project()["optional-dependencies"]["dev"])
    assert not set(dev_only) & set(production), "a development tool is in the production lock"


def test_development_lock_is_the_production_lock_plus_the_dev_extra() -> None:
    production, development = _lock("requirements.lock"), _lock("requirements-dev.lock")
    assert {k: development.get(k) for k in production} == production
    dev = _wanted(_project()["optional-dependencies"]["dev"])
    assert {k: development[k][0] for k in dev} == dev

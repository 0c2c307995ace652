"""deploy/tscp-bot.service: systemd accepts it, and the paths it names agree with the ones
config.example.toml tells an administrator to use under systemd (a database or Maildir outside
the state directory would be read-only under ProtectSystem=strict, and the bot would not start).
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path, PurePosixPath

import pytest
import tomli_w

from bot.config import load_config

ROOT = Path(__file__).resolve().parents[1]
UNIT = ROOT / "deploy" / "tscp-bot.service"
EXAMPLE = ROOT / "config.example.toml"
PATHS = re.compile(r"(/(?:etc|var/lib|run/credentials)/[\w.@/-]+)")


def directives(text: str, *, commented: bool = False) -> dict[str, list[str]]:
    """Each Key= with all its values; `commented` also reads the examples left as #Key=."""
    found: dict[str, list[str]] = {}
    for line in text.splitlines():
        if commented and re.match(r"#\w+=", line):
            line = line[1:]
        if "=" in line and not line.startswith(("#", "[")):
            key, value = line.split("=", 1)
            found.setdefault(key.strip(), []).append(value.strip())
    return found


def systemd_lines(example: str) -> dict[str, dict[str, str]]:
    """The `# systemd: key = value` lines of config.example.toml, by their section."""
    section = ""
    found: dict[str, dict[str, str]] = {}
    for line in example.splitlines():
        if header := re.match(r"\[([\w.]+)\]$", line):
            section = header.group(1)
        elif line.startswith("# systemd: "):
            found.setdefault(section, {}).update(tomllib.loads(line.removeprefix("# systemd: ")))
    return found


def test_systemd_analyze_verify_accepts_the_unit(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed (Debian package systemd)")
    # verify checks that ExecStart's program exists: point it at this environment's.
    program = Path(sys.executable).parent / "tscp-bot"
    text = UNIT.read_text().replace("/opt/tscp-bot/bin/tscp-bot", str(program))
    (tmp_path / "tscp-bot.service").write_text(text)
    done = subprocess.run(
        [analyze, "verify", str(tmp_path / "tscp-bot.service")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0 and not done.stderr.strip(), done.stderr


def test_the_unit_and_the_readme_run_the_program_the_install_step_makes() -> None:
    """README's install makes a virtual environment; the unit's ExecStart and every command the
    README gives under systemd must name the program in it, or the service cannot start."""
    readme = (ROOT / "README.md").read_text()
    [venv] = re.findall(r"python3 -m venv (\S+)", readme)
    program = f"{venv}/bin/tscp-bot"
    [exec_start] = directives(UNIT.read_text())["ExecStart"]
    assert shlex.split(exec_start)[0] == program
    named = set(re.findall(r"/opt/tscp-bot[\w/.-]*/tscp-bot\b", readme))
    assert named == {program}
    assert f"`{venv}`" in readme and f"`{program}`" in readme


def test_the_unit_is_a_hardened_notify_service() -> None:
    unit = directives(UNIT.read_text())
    assert unit["Type"] == ["notify"] and unit["WatchdogSec"]
    assert unit["Restart"] == ["on-failure"] and unit["RestartPreventExitStatus"] == ["2"]
    for key, value in {
        "DynamicUser": "yes",
        "ProtectSystem": "strict",
        "ProtectHome": "yes",
        "PrivateTmp": "yes",
        "NoNewPrivileges": "yes",
        "CapabilityBoundingSet": "",
        "UMask": "0077",
        "SystemCallFilter": "@system-service",
    }.items():
        assert value in unit[key], key


def test_the_paths_in_the_unit_and_the_example_config_agree(tmp_path: Path) -> None:
    unit = directives(UNIT.read_text(), commented=True)
    state = PurePosixPath("/var/lib") / unit["StateDirectory"][0]
    etc = PurePosixPath("/etc") / unit["ConfigurationDirectory"][0]
    credentials = PurePosixPath("/run/credentials/tscp-bot.service")
    config = PurePosixPath(shlex.split(unit["ExecStart"][0])[2])
    assert config.parent == etc
    assert unit["WorkingDirectory"] == [str(state)]
    assert all(PurePosixPath(f.lstrip("-")).parent == etc for f in unit["EnvironmentFile"])
    handed_over = {value.split(":", 1)[0] for value in unit["LoadCredential"]}
    assert all(PurePosixPath(v.split(":", 1)[1]).parent == etc for v in unit["LoadCredential"])

    # Every absolute path the example config mentions is one the unit provides for.
    for path in map(PurePosixPath, PATHS.findall(EXAMPLE.read_text())):
        if path.is_relative_to(credentials):
            assert path.name in handed_over, path
        else:
            assert path.is_relative_to(state) or path.is_relative_to(etc), path

    # The example with its systemd lines in place, read from the unit's config path: all it
    # writes lies in the state directory.
    data = tomllib.loads(EXAMPLE.read_text())
    for section, values in systemd_lines(EXAMPLE.read_text()).items():
        data[section].update(values)
    copy = tmp_path / config.relative_to("/")
    copy.parent.mkdir(parents=True)
    copy.write_bytes(tomli_w.dumps(data).encode())
    loaded = load_config(copy, {})
    written = [
        PurePosixPath(loaded.database_url.removeprefix("sqlite:///")),
        PurePosixPath(loaded.mailbox.maildir_path),
        PurePosixPath(loaded.outgoing.maildir_path),
    ]
    assert loaded.database_url.startswith("sqlite:///")
    assert all(p.is_relative_to(state) for p in written), written

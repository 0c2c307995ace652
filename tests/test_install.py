"""Installed from the built wheel, outside the repository, the bot runs the demo on its own.

The wheel is built from a copy of the source (so nothing stale in build/ can slip in) and
installed into a fresh virtual environment in a temporary folder, with exactly the production
lock: no test tool, no repository on the path. The working directory is that folder, so the
rules, templates, form vocabulary and migrations can only come from the installed package.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from bot.cli import main

ROOT = Path(__file__).resolve().parents[1]
NOW = "2026-12-23T09:00"  # the README demo's Wednesday morning before Christmas
ARRIVED = 1798015800  # 2026-12-23 08:50 UTC: the samples reach the inbox before NOW
# pillow is not here: matplotlib, which draws the report's charts, needs it in production.
DEV_ONLY = ("pytest", "mypy", "ruff", "hypothesis", "fpdf2", "aiosmtpd", "setuptools")


def _version() -> str:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return str(project["version"])


def _run(cmd: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def _build_wheel(tmp: Path) -> Path:
    source = tmp / "source"
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        source.mkdir(exist_ok=True)
        shutil.copy2(ROOT / name, source / name)
    shutil.copytree(ROOT / "bot", source / "bot", ignore=shutil.ignore_patterns("__pycache__"))
    # setuptools comes from the development lock, so the build needs no network.
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
         "-w", str(tmp / "dist"), str(source)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
    (wheel,) = (tmp / "dist").glob("tscp_bot-*.whl")
    return wheel


def _fresh_venv(tmp: Path, wheel: Path) -> Path:
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"

    def pip(*args: str) -> None:
        # This environment's pip, aimed at the new one (pip --python), spares a pip install.
        done = subprocess.run(
            [sys.executable, "-m", "pip", "--python", str(python), "install", "-q", *args],
            capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr[-3000:]

    # --no-compile: byte-compiling every installed package (numpy, matplotlib and the rest) was
    # half of the install's CPU, for modules the demo never imports; the commands below compile
    # what they do import as Python always does.
    pip("--no-compile", "--require-hashes", "-r", str(ROOT / "requirements.lock"))
    pip("--no-compile", "--no-deps", str(wheel))
    return venv


@pytest.mark.slow
def test_the_built_wheel_runs_the_demo_in_a_fresh_venv_outside_the_repository(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    tmp = tmp_path_factory.mktemp("install")
    assert ROOT not in tmp.parents
    venv = _fresh_venv(tmp, _build_wheel(tmp))
    bot = str(venv / "bin" / "tscp-bot")

    site = tmp / "site"
    inbox = site / "var" / "mail" / "inbox"
    for sub in ("new", "cur", "tmp"):
        (inbox / sub).mkdir(parents=True)
    for folder in (site / "var", inbox.parent, inbox, *inbox.iterdir()):
        folder.chmod(0o700)  # the bot refuses a Maildir of raw emails that others can read
    shutil.copy2(ROOT / "config.example.toml", site / "config.toml")
    for i, sample in enumerate(sorted((ROOT / "samples").glob("*.eml"))):
        target = inbox / "new" / f"{ARRIVED}.demo{i}.install-test"
        shutil.copy2(sample, target)
        os.utime(target, (ARRIVED, ARRIVED))
    # Without PYTHONDONTWRITEBYTECODE, the first command's compiled modules serve the next.
    dropped = ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONDONTWRITEBYTECODE")
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env["TSCP_BOT_CONFIG"] = str(site / "config.toml")

    version = _run([bot, "--version"], site, env)
    assert (version.returncode, version.stdout.strip()) == (0, f"tscp-bot {_version()}")

    freeze = _run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"),
                   "list", "--format=freeze"], site, env)  # fmt: skip
    installed = {line.split("==")[0].lower() for line in freeze.stdout.split()}
    assert "tscp-bot" in installed
    assert not installed & set(DEV_ONLY), "the production lock must not carry dev tools"

    init = _run([bot, "init"], site, env)
    assert init.returncode == 0, init.stderr
    run = _run([bot, "--now", NOW, "run", "--once"], site, env)
    assert run.returncode == 0, run.stderr
    cases = _run([bot, "--now", NOW, "cases"], site, env)
    assert cases.returncode == 0, cases.stderr
    assert "TSCP-2026-0001" in cases.stdout
    assert "TSCP-2026-0002" in cases.stdout  # its facts came from the attached Word form

    # The acknowledgements were rendered from the packaged templates.
    written = [p.read_bytes() for p in (site / "var" / "mail" / "outbox" / "new").iterdir()]
    assert any(b"TSCP-2026-0001" in mail for mail in written)
    doctor = _run([bot, "doctor"], site, env)
    packaged = f"rules from {venv}/lib/python3.{sys.version_info.minor}/site-packages/bot/"
    assert packaged in doctor.stdout, doctor.stdout


def test_version_comes_from_the_package_metadata(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.strip() == f"tscp-bot {_version()}"

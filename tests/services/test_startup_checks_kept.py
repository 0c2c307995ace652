"""The template check's pass kept between starts (startup_checks.template_problems_at_start):
trusted only for the same files, and only from a file the bot's own user alone could write."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.adapters import passed_checks
from bot.config import Config, load_config
from bot.config.paths import packaged
from bot.services import startup_checks
from bot.services.startup_checks import template_problems_at_start, templates_passed
from tests.fixtures.template_checks import MACHINE_TEMP
from tests.test_cli import write_config

Spoil = Callable[[Path, Path], None]  # (the folder of kept passes, the kept file)


@pytest.fixture
def config(tmp_path: Path) -> Config:
    templates = tmp_path / "templates"
    shutil.copytree(packaged("templates"), templates)
    path = write_config(tmp_path, f"sqlite:///{tmp_path / 'bot.sqlite3'}")
    path.write_text(f'templates_dir = "{templates}"\n' + path.read_text())
    return load_config(path, environ={})


@pytest.fixture
def kept(tmp_path: Path) -> Path:
    folder = tmp_path / "kept"
    folder.mkdir(mode=0o700)
    return folder


def _break(config: Config) -> Path:
    body = config.templates_dir / "sin_acknowledgement" / "body.txt"
    body.write_text(body.read_text().replace("Dear colleague,", "Dear {{ no_such_field }},", 1))
    return body


def _says_broken(problems: list[str], body: Path) -> bool:
    return len(problems) == 1 and problems[0].startswith(f"{body} line 3: 'no_such_field'")


def _pass_for_what_is_there(config: Config, kept: Path) -> Path:
    """A pass kept for the files as they are now, as the bot's own user would write it."""
    digest = startup_checks._template_inputs(config)
    assert digest is not None
    passed_checks.remember_pass(kept, templates_passed(config), digest)
    return kept / templates_passed(config)


def test_a_pass_is_kept_privately_and_a_template_broken_since_is_still_refused(
    config: Config, kept: Path
) -> None:
    assert template_problems_at_start(config, kept) == []
    file = kept / templates_passed(config)
    assert file.stat().st_mode & 0o777 == 0o600
    body = _break(config)
    assert _says_broken(template_problems_at_start(config, kept), body)
    assert _says_broken(template_problems_at_start(config, kept), body)  # a failure is not kept


def test_a_pass_kept_for_the_very_same_files_is_trusted(config: Config, kept: Path) -> None:
    """What the refusals below are measured against: the same line, written privately, is
    taken as the check's answer (so the check is not run at each start)."""
    _break(config)
    _pass_for_what_is_there(config, kept)
    assert template_problems_at_start(config, kept) == []


def _writable_by_others(folder: Path, file: Path) -> None:
    file.chmod(0o622)


def _folder_writable_by_others(folder: Path, file: Path) -> None:
    folder.chmod(0o777)


def _corrupt(folder: Path, file: Path) -> None:
    file.write_bytes(file.read_bytes()[:-5] + b"0000\n")


def _unreadable(folder: Path, file: Path) -> None:
    file.unlink()
    file.mkdir()


def _a_link(folder: Path, file: Path) -> None:
    elsewhere = folder.parent / "elsewhere"
    file.rename(elsewhere)
    file.symlink_to(elsewhere)


def _someone_elses(folder: Path, file: Path) -> None:
    if os.getuid() != 0:
        pytest.skip("only root can give a file to another user")
    os.chown(file, 65534, 65534)


@pytest.mark.parametrize(
    "spoil",
    [_writable_by_others, _folder_writable_by_others, _corrupt, _unreadable, _a_link,
     _someone_elses],
)  # fmt: skip
def test_a_kept_pass_another_user_could_have_written_or_that_cannot_be_read_is_ignored(
    config: Config, kept: Path, spoil: Spoil
) -> None:
    body = _break(config)
    spoil(kept, _pass_for_what_is_there(config, kept))
    assert _says_broken(template_problems_at_start(config, kept), body)


def test_with_no_private_folder_the_check_runs_every_time(config: Config) -> None:
    body = _break(config)
    assert _says_broken(template_problems_at_start(config, None), body)


def test_the_private_folder_is_the_compiled_templates_one_and_refused_when_shared(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    folder = passed_checks.private_folder()
    assert folder == tmp_path / f"_jinja2-cache-{os.getuid()}"
    assert folder.stat().st_mode & 0o777 == 0o700
    folder.chmod(0o770)
    assert passed_checks.private_folder() is None


def test_the_tests_keep_passes_out_of_the_machines_temporary_folder(tmp_path: Path) -> None:
    """Each test with a templates folder of its own left a pass there for good: the tests
    point the temporary folder at one of their own (template_checks.own_temp_folder), here and
    in the CLI processes they start."""
    folder = passed_checks.private_folder()
    assert folder is not None and folder.parent != MACHINE_TEMP
    probe = "from bot.adapters.passed_checks import private_folder; print(private_folder())"
    started = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert started.stdout.strip() == str(folder)

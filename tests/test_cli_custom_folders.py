"""A council's own copy of the templates or forms (`templates_dir`, `forms_dir`) that cannot
serve the bot: `doctor` fails it and `run` refuses to start, in one line, exit 2, before any
mail is taken from the inbox (systemd does not restart a service that exits 2)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from bot.config.paths import packaged
from tests.fixtures.mail import drop_into_maildir, sin
from tests.test_cli import Run, bot, cli, config, inbox, one_line_error

__all__ = ["bot", "cli", "config"]  # the fixtures this module borrows


def _point(config: Path, key: str, folder: Path) -> None:
    config.write_text(f'{key} = "{folder}"\n' + config.read_text())


def _fails(out: str, check: str) -> list[str]:
    return [line for line in out.splitlines() if line.startswith(f"FAIL {check}: ")]


def _run_refused(bot: Run, config: Path, starts: str) -> None:
    """`run --once` says why in one line, exit 2, and takes nothing."""
    code, out, err = bot("run", "--once")
    assert code == 2 and out == ""
    assert one_line_error(err).startswith(starts)
    _sin_waits(bot, config)


def _sin_waits(bot: Run, config: Path) -> None:
    """Refused to start, the bot took nothing: the SIN is still in the inbox, no case opened."""
    assert len(list((inbox(config) / "new").iterdir())) == 1, "the SIN waits in the inbox"
    assert json.loads(bot("cases", "--json")[1]) == []


def test_templates_without_the_acknowledgement_fail_doctor_and_stop_run(
    bot: Run, config: Path, tmp_path: Path
) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(packaged("templates"), templates)
    shutil.rmtree(templates / "sin_acknowledgement")
    _point(config, "templates_dir", templates)
    drop_into_maildir(inbox(config), sin())

    code, out, _ = bot("doctor")
    assert code == 1
    assert _fails(out, "templates") == [
        f"FAIL templates: {templates / 'sin_acknowledgement'}: missing, and the bot sends this "
        f"email; copy that folder from {packaged('templates')} (run refuses to start)"
    ]

    _run_refused(
        bot, config, f"tscp-bot: refusing to start: {templates / 'sin_acknowledgement'}: missing"
    )


def test_a_templates_folder_that_is_not_there_fails_doctor_and_stops_run(
    bot: Run, config: Path, tmp_path: Path
) -> None:
    _point(config, "templates_dir", tmp_path / "no-such-folder")

    code, out, _ = bot("doctor")
    assert code == 1
    [failed] = _fails(out, "templates")
    assert f"templates_dir: {tmp_path / 'no-such-folder'} is not a folder" in failed

    code, out, err = bot("run", "--once")
    assert code == 2 and out == ""
    assert one_line_error(err) == (
        f"tscp-bot: refusing to start: templates_dir: {tmp_path / 'no-such-folder'} is not a "
        f"folder; point it at a copy of {packaged('templates')}, or leave it out to use the "
        "installed templates\n"
    )


def test_a_full_copy_of_the_templates_is_all_well(bot: Run, config: Path, tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(packaged("templates"), templates)
    _point(config, "templates_dir", templates)
    drop_into_maildir(inbox(config), sin())

    _, out, _ = bot("doctor")
    assert f"ok templates: {templates} all load" in out.splitlines()
    assert bot("run", "--once")[0] == 0
    assert [c["ref"] for c in json.loads(bot("cases", "--json")[1])] == ["TSCP-2026-0001"]


def test_a_forms_folder_that_is_not_there_is_a_config_refusal(
    bot: Run, config: Path, tmp_path: Path
) -> None:
    _point(config, "forms_dir", tmp_path / "no-forms")
    drop_into_maildir(inbox(config), sin())

    code, out, err = bot("run", "--once")

    assert code == 2 and out == ""
    assert one_line_error(err) == (
        f"tscp-bot: forms: {tmp_path / 'no-forms'}: expected a directory of form vocabulary files\n"
    )
    _sin_waits(bot, config)


def test_a_form_file_that_is_not_toml_is_a_config_refusal(
    bot: Run, config: Path, tmp_path: Path
) -> None:
    forms = tmp_path / "forms"
    shutil.copytree(packaged("forms"), forms)
    (forms / "sin.toml").write_text('name = "sin"\nlabels = [\n')
    _point(config, "forms_dir", forms)

    code, out, err = bot("run", "--once")

    assert code == 2 and out == ""
    assert one_line_error(err).startswith("tscp-bot: forms: sin.toml")
    _, out, _ = bot("doctor")
    assert _fails(out, "forms")


def test_a_field_the_bot_does_not_give_fails_doctor_and_stops_run(
    bot: Run, config: Path, tmp_path: Path
) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(packaged("templates"), templates)
    body = templates / "sin_acknowledgement" / "body.txt"
    text = body.read_text().replace("Dear colleague,", "Dear {{ no_such_field }},", 1)
    body.write_text(text)
    _point(config, "templates_dir", templates)
    drop_into_maildir(inbox(config), sin())

    code, out, _ = bot("doctor")
    assert code == 1
    assert _fails(out, "templates") == [
        f"FAIL templates: {body} line 3: 'no_such_field' is not a field the bot gives this "
        f"email; fix that file or copy it from {packaged('templates')} (run refuses to start)"
    ]

    _run_refused(bot, config, f"tscp-bot: refusing to start: {body} line 3: 'no_such_field' is")


def test_a_field_the_bot_does_not_give_in_a_branch_seldom_taken_stops_run(
    bot: Run, config: Path, tmp_path: Path
) -> None:
    """Rendering once with the example takes one path through each {% if %}: a field in a
    branch it does not take (a SIN with no form attached) would fail only that email, when
    it came, and quarantine the SIN. Every branch is read instead."""
    templates = tmp_path / "templates"
    shutil.copytree(packaged("templates"), templates)
    body = templates / "sin_acknowledgement" / "body.txt"
    branch = "{% if form_absent %}Your form {{ form_reference }} was not attached.{% endif %}\n"
    lines = body.read_text().splitlines(keepends=True)
    body.write_text("".join([*lines[:3], branch, *lines[3:]]))
    _point(config, "templates_dir", templates)
    drop_into_maildir(inbox(config), sin())
    said = f"{body} line 4: 'form_reference' is not a field the bot gives this email"

    code, out, _ = bot("doctor")
    assert code == 1
    assert _fails(out, "templates") == [
        f"FAIL templates: {said}; fix that file or copy it from {packaged('templates')} "
        "(run refuses to start)"
    ]
    code, out, err = bot("run", "--once")
    assert code == 2 and out == ""
    assert one_line_error(err) == (
        f"tscp-bot: refusing to start: {said}; fix that file or copy it from "
        f"{packaged('templates')}\n"
    )
    _sin_waits(bot, config)


def test_a_template_not_saved_as_utf8_is_named_and_the_other_checks_still_run(
    bot: Run, config: Path, tmp_path: Path
) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(packaged("templates"), templates)
    body = templates / "sin_acknowledgement" / "body.txt"
    text = body.read_text().replace("Dear colleague,", "Dear coll\u00e8gue,", 1)
    body.write_bytes(text.encode("cp1252"))
    _point(config, "templates_dir", templates)

    code, out, err = bot("doctor")
    assert (code, err) == (1, "")
    assert _fails(out, "templates") == [
        f"FAIL templates: {body}: not UTF-8; save it as UTF-8; fix that file or copy it from "
        f"{packaged('templates')} (run refuses to start)"
    ]
    assert any(line.startswith("ok rules: ") for line in out.splitlines())
    assert any(" mailbox inbox: " in line for line in out.splitlines())

    code, _, err = bot("run", "--once")
    assert code == 2
    assert f"{body}: not UTF-8" in one_line_error(err)


def test_a_shared_layout_not_saved_as_utf8_is_named(bot: Run, config: Path, tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(packaged("templates"), templates)
    base = templates / "_base.txt"
    base.write_bytes(base.read_bytes() + "\n\u00a9 Tameside\n".encode("cp1252"))
    _point(config, "templates_dir", templates)

    code, _, err = bot("run", "--once")
    assert code == 2
    assert f"{base}: not UTF-8" in one_line_error(err)


def test_a_forms_copy_missing_the_sin_form_fails_doctor_and_stops_run(
    bot: Run, config: Path, tmp_path: Path
) -> None:
    forms = tmp_path / "forms"
    shutil.copytree(packaged("forms"), forms)
    (forms / "sin.toml").unlink()
    _point(config, "forms_dir", forms)
    drop_into_maildir(inbox(config), sin())
    said = f"sin.toml: missing, and the bot reads this form; copy it from {packaged('forms')}"

    code, out, _ = bot("doctor")
    assert code == 1
    assert _fails(out, "forms") == [f"FAIL forms: {forms}: {said}; fix that file"]

    code, out, err = bot("run", "--once")
    assert code == 2 and out == ""
    assert one_line_error(err) == f"tscp-bot: forms: {said}\n"
    _sin_waits(bot, config)


def test_a_rule_broken_in_the_councils_copy_stops_run_each_time(
    bot: Run, config: Path, tmp_path: Path
) -> None:
    """However often `run` has started on the same templates (their check remembered), a rule
    file changed since is read again at the start and refused in one line, nothing taken."""
    rules = tmp_path / "rules"
    shutil.copytree(packaged("rules"), rules)
    _point(config, "rules_dir", rules)
    assert bot("run", "--once")[0] == 0
    first = sorted(rules.glob("*.toml"))[0]
    first.write_text("this is not = = toml\n")
    drop_into_maildir(inbox(config), sin())
    for _ in range(2):
        code, out, err = bot("run", "--once")
        assert code == 2 and out == ""
        assert one_line_error(err).startswith(f"tscp-bot: rules: {first.name}: not valid TOML")
    _sin_waits(bot, config)

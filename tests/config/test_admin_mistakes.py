"""Mistakes a council's IT administrator makes in the config, each refused or said in one line
that helps and never repeats a password; and the example config's own words kept true."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from bot.config import load_config
from bot.config.reader import ConfigError
from tests.config.test_loader import EXAMPLE, error_for, example, parse


def _smtp(data: dict[str, Any], **smtp: Any) -> dict[str, Any]:
    data["outgoing"] = {
        "backend": "smtp",
        "smtp": {"host": "smtp.council.invented", "username": "tscp@tameside.gov.uk"} | smtp,
    }
    return data


def test_a_password_pasted_where_its_variable_name_belongs_is_not_repeated(
    tmp_path: Path,
) -> None:
    config = parse(_smtp(example(), password_env="Winter2026Tameside"), tmp_path)
    with pytest.raises(ConfigError) as info:
        config.require_secrets()
    assert str(info.value) == (
        "outgoing.smtp.password_env: the environment variable named in password_env is not set "
        "(the name is not shown because it does not look like a variable name; did you paste "
        "the password itself?)"
    )


def test_a_variable_name_is_named_when_it_is_not_set(tmp_path: Path) -> None:
    config = parse(_smtp(example(), password_env="TSCP_SMTP_PASSWORD"), tmp_path)
    with pytest.raises(ConfigError, match="environment variable TSCP_SMTP_PASSWORD is not set"):
        config.require_secrets()


@pytest.mark.parametrize("port", [0, 65536, 99999])
def test_a_port_no_server_can_have_is_refused(tmp_path: Path, port: int) -> None:
    message = error_for(_smtp(example(), port=port), tmp_path)
    assert message == (f"outgoing.smtp.port: expected a whole number from 1 to 65535, got {port}")


def test_no_config_file_gives_its_full_path_and_how_to_name_another(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError) as info:
        load_config(Path("config.toml"), environ={})
    assert str(info.value) == (
        f"config file not found: {tmp_path / 'config.toml'} (name it with --config PATH or the "
        "TSCP_BOT_CONFIG environment variable)"
    )


def _header() -> str:
    text = EXAMPLE.read_text()
    return " ".join(line.lstrip("# ") for line in text.split("\n\n", 1)[0].splitlines())


def test_the_tables_the_example_says_may_be_empty_may_be(tmp_path: Path) -> None:
    said = re.search(
        r"The tables (.*?) must be present, even with all their keys left out", _header()
    )
    assert said is not None
    tables = re.findall(r"\[(\w+)\]", said.group(1))
    assert tables, said.group(0)
    data = example()
    for table in tables:
        data[table] = {}
    parse(data, tmp_path)
    for table in tables:
        left_out = {k: v for k, v in data.items() if k != table}
        assert error_for(left_out, tmp_path) == f"{table}: missing; expected a table"


@pytest.mark.parametrize("person", ["business_manager", "ofsted", "secretary_of_state"])
def test_every_person_the_example_says_is_required_is(tmp_path: Path, person: str) -> None:
    assert "all six [people.*] tables" in _header()
    data = example()
    del data["people"][person]
    assert error_for(data, tmp_path) == f"people.{person}: missing; expected a table"


def test_outgoing_ews_takes_the_mailbox_keys_but_processed_folder_and_calendar(
    tmp_path: Path,
) -> None:
    text = EXAMPLE.read_text()
    assert "[mailbox.ews] except processed_folder and calendar" in text
    ews = {"endpoint": "https://mail.council.invented/EWS/Exchange.asmx",
           "mailbox": "tscp@tameside.gov.uk", "auth": "kerberos"}  # fmt: skip
    for key, value in (("processed_folder", "Processed"), ("calendar", True)):
        data = example()
        data["outgoing"] = {"backend": "ews", "ews": ews | {key: value}}
        assert error_for(data, tmp_path) == f"outgoing.ews.{key}: unknown key (check the spelling)"
    assert tomllib.loads(text)  # the example still reads

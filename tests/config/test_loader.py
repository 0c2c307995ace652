"""The config file: the example loads as shipped, and every mistake stops the bot with a
one-line message naming the key at fault and what was expected."""

from __future__ import annotations

import tomllib
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
import tomli_w

from bot.config import Config, ConfigError, load_config, parse_config
from bot.config.paths import packaged
from tests.fixtures.app import ROOT

EXAMPLE = ROOT / "config.example.toml"


def example() -> dict[str, Any]:
    return tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))


def write(tmp_path: Path, data: dict[str, Any]) -> Path:
    path = tmp_path / "config.toml"
    path.write_bytes(tomli_w.dumps(data).encode())
    return path


def parse(data: dict[str, Any], tmp_path: Path, environ: dict[str, str] | None = None) -> Config:
    return parse_config(data, base=tmp_path, environ=environ or {})


def error_for(data: dict[str, Any], tmp_path: Path, environ: dict[str, str] | None = None) -> str:
    with pytest.raises(ConfigError) as info:
        parse(data, tmp_path, environ)
    message = str(info.value)
    assert "\n" not in message
    return message


def test_example_config_loads_with_the_three_statutory_partners() -> None:
    config = load_config(EXAMPLE, environ={})
    assert config.source == EXAMPLE.resolve()  # named when instances' closure days differ
    roles = {a.role: a for a in config.agencies}
    assert {"local_authority", "police", "health"} <= set(roles)
    assert roles["police"].dsp is not None
    assert roles["police"].dsp.email == "dsp.tameside@gmp.police.uk"
    assert roles["health"].dsp is not None and roles["local_authority"].dsp is not None
    assert config.partnership.reference_prefix == "TSCP"
    assert str(config.partnership.time_zone) == "Europe/London"
    assert config.mailbox.backend == "maildir" and config.outgoing.backend == "maildir"


def test_relative_paths_are_resolved_against_the_config_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "etc" / "tscp"
    folder.mkdir(parents=True)
    path = write(folder, example())
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)

    config = load_config(Path("..") / "etc" / "tscp" / path.name, environ={})

    assert config.database_url == f"sqlite:///{folder / 'var' / 'tscp-bot.sqlite3'}"
    assert config.mailbox.maildir_path == folder / "var" / "mail" / "inbox"
    assert config.outgoing.maildir_path == folder / "var" / "mail" / "outbox"
    assert config.rules_dir == packaged("rules")


def test_rules_templates_and_forms_come_from_the_package_unless_a_copy_is_named(
    tmp_path: Path,
) -> None:
    installed = parse(example(), tmp_path)
    assert (installed.rules_dir / "10-sin-form-subject.toml").is_file()
    assert (installed.templates_dir / "sin_acknowledgement" / "body.txt").is_file()
    assert (installed.forms_dir / "sin.toml").is_file()

    data = example()
    data.update(rules_dir="my-rules", templates_dir="my-templates", forms_dir="/srv/forms")
    local = parse(data, tmp_path)
    assert local.rules_dir == tmp_path / "my-rules"
    assert local.templates_dir == tmp_path / "my-templates"
    assert local.forms_dir == Path("/srv/forms")


def test_absolute_paths_are_kept(tmp_path: Path) -> None:
    data = example()
    data["database"]["url"] = f"sqlite:///{tmp_path / 'db' / 'bot.sqlite3'}"
    data["rules_dir"] = str(tmp_path / "rules")
    config = parse(data, tmp_path / "somewhere")
    assert config.database_url == f"sqlite:///{tmp_path / 'db' / 'bot.sqlite3'}"
    assert config.rules_dir == tmp_path / "rules"


def _drop_partnership_name(d: dict[str, Any]) -> None:
    del d["partnership"]["name"]


def _poll_often(d: dict[str, Any]) -> None:
    d["mailbox"]["poll_seconds"] = "often"


def _poll_typo(d: dict[str, Any]) -> None:
    d["mailbox"]["pol_seconds"] = d["mailbox"].pop("poll_seconds")


def _bad_role(d: dict[str, Any]) -> None:
    d["agencies"][1]["role"] = "polis"


def _no_health_agency(d: dict[str, Any]) -> None:
    d["agencies"] = [a for a in d["agencies"] if a["role"] != "health"]


def _health_without_dsp(d: dict[str, Any]) -> None:
    del d["agencies"][2]["dsp"]


def _bad_email(d: dict[str, Any]) -> None:
    d["people"]["business_manager"]["email"] = "business manager at tameside"


def _bad_zone(d: dict[str, Any]) -> None:
    d["partnership"]["time_zone"] = "Europe/Londn"


def _zone_folder(d: dict[str, Any]) -> None:
    d["partnership"]["time_zone"] = "Europe"


def _saturday_screening(d: dict[str, Any]) -> None:
    d["screening"]["weekdays"] = ["Mon", "Sat"]


def _bad_screening_time(d: dict[str, Any]) -> None:
    d["screening"]["times"] = ["10:00", "25:00"]


def _screening_time_with_offset(d: dict[str, Any]) -> None:
    d["screening"]["times"] = ["10:00+01:00"]


def _bad_digest_time(d: dict[str, Any]) -> None:
    d["digest"]["time"] = "8am"


def _mysql(d: dict[str, Any]) -> None:
    d["database"]["url"] = "mysql://tscp@db.example/tscp"


def _deputy_is_the_person(d: dict[str, Any]) -> None:
    d["people"]["business_manager"]["deputies"] = ["TSCP.Business.Manager@tameside.gov.uk"]


def _deputy_not_an_address(d: dict[str, Any]) -> None:
    d["agencies"][1]["dsp"]["deputies"] = ["duty inspector"]


def _deputies_on_an_outside_body(d: dict[str, Any]) -> None:
    d["people"]["ofsted"]["deputies"] = ["someone@ofsted.gov.uk"]


def _one_deputy_for_two_partners(d: dict[str, Any]) -> None:
    d["agencies"][1]["dsp"]["deputies"] = ["dsp.tameside@nhs.net"]


def _exchange_without_domains(d: dict[str, Any]) -> None:
    d["commands"]["trust_exchange_internal"] = True
    d["commands"]["exchange_accepted_domains"] = []


def _exchange_domain_is_an_address(d: dict[str, Any]) -> None:
    d["commands"]["exchange_accepted_domains"] = ["tscp@tameside.gov.uk"]


def _digest_cc_not_an_address(d: dict[str, Any]) -> None:
    d["digest"]["cc"] = ["deputy manager"]


def _closure_with_a_time(d: dict[str, Any]) -> None:
    # Read as a date-time, it matched no day: the council counted 29 Dec as a working day.
    d["partnership"]["local_closures"] = [{"date": datetime(2026, 12, 29, 9, 0)}]


def _since_with_a_time(d: dict[str, Any]) -> None:
    d["ingest"]["since"] = datetime(2026, 12, 1, 0, 0)


def _password_env_misspelt(d: dict[str, Any]) -> None:
    _imap(d, "TSCP_IMAP_PASSWORD")["mailbox"]["imap"]["pasword_env"] = "TSCP_IMAP_PASSWORD"
    del d["mailbox"]["imap"]["password_env"]


def _banner_of_two_words(d: dict[str, Any]) -> None:
    # A line of "External email" could be anyone's; it would go unseen.
    d["ingest"]["gateway_banners"] = ["CAUTION: external email, take care.", "External email"]


@pytest.mark.parametrize(
    ("change", "key", "expected"),
    [
        (_deputy_is_the_person, "people.business_manager.deputies", "other than"),
        (_deputy_not_an_address, "agencies #2.dsp.deputies", "email addresses"),
        (_deputies_on_an_outside_body, "people.ofsted.deputies", "unknown key"),
        (_one_deputy_for_two_partners, "agencies", "both gmp and icb"),
        (_exchange_without_domains, "commands.exchange_accepted_domains", "tameside.gov.uk"),
        (_exchange_domain_is_an_address, "commands.exchange_accepted_domains", "domain names"),
        (_digest_cc_not_an_address, "digest.cc", "email addresses"),
        (_banner_of_two_words, "ingest.gateway_banners", "3 words or more"),
        (_password_env_misspelt, "mailbox.imap.password_env", "is 'pasword_env' a misspelling"),
        (_closure_with_a_time, "partnership.local_closures #1.date", "2026-12-29 (no quotes)"),
        (_since_with_a_time, "ingest.since", "a date like"),
        (_drop_partnership_name, "partnership.name", "missing"),
        (_poll_often, "mailbox.poll_seconds", "whole number"),
        (_poll_typo, "mailbox.pol_seconds", "unknown key"),
        (_bad_role, "agencies #2.role", "local_authority, police, health, relevant_agency, other"),
        (_no_health_agency, "agencies", 'role = "health"'),
        (_health_without_dsp, "agencies #3.dsp", "missing"),
        (_bad_email, "people.business_manager.email", "an email address"),
        (_bad_zone, "partnership.time_zone", "IANA time zone"),
        (_zone_folder, "partnership.time_zone", "IANA time zone"),
        (_saturday_screening, "screening.weekdays", "Mon, Tue, Wed, Thu, Fri"),
        (_bad_screening_time, "screening.times", "25:00"),
        (_screening_time_with_offset, "screening.times", "10:00"),
        (_bad_digest_time, "digest.time", "8am"),
        (_mysql, "database.url", "postgresql+psycopg://"),
    ],
)
def test_a_wrong_key_is_named_with_what_was_expected(
    tmp_path: Path, change: Any, key: str, expected: str
) -> None:
    data = example()
    change(data)
    message = error_for(data, tmp_path)
    assert message.startswith(f"{key}:")
    assert expected in message


def test_a_true_where_a_number_belongs_is_refused(tmp_path: Path) -> None:
    data = example()
    data["mailbox"]["poll_seconds"] = True
    assert error_for(data, tmp_path).startswith("mailbox.poll_seconds: expected a whole number")


def _imap(data: dict[str, Any], password_env: str) -> dict[str, Any]:
    data["mailbox"] = {
        "backend": "imap",
        "imap": {
            "host": "imap.invented.example",
            "username": "tscp@tameside.gov.uk",
            "password_env": password_env,
        },
    }
    return data


def test_imap_password_variable_not_set(tmp_path: Path) -> None:
    data = _imap(example(), "TSCP_IMAP_PASSWORD")
    # Read without it (commands that only read the database need none); refused on connecting.
    config = parse(data, tmp_path, {"OTHER_PASSWORD": "correct-horse-battery"})
    with pytest.raises(ConfigError) as info:
        config.require_secrets()
    message = str(info.value)
    assert message.startswith("mailbox.imap.password_env:") and "\n" not in message
    assert "TSCP_IMAP_PASSWORD" in message and "not set" in message
    assert "correct-horse-battery" not in message


def test_a_password_pasted_into_password_env_is_not_repeated(tmp_path: Path) -> None:
    data = _imap(example(), "Tr0ub4dor&3!")
    message = error_for(data, tmp_path)
    assert message.startswith("mailbox.imap.password_env:")
    assert "environment variable" in message
    assert "Tr0ub4dor" not in message


def test_imap_password_is_read_from_the_environment(tmp_path: Path) -> None:
    path = write(tmp_path, _imap(example(), "TSCP_IMAP_PASSWORD"))
    config = load_config(path, environ={"TSCP_IMAP_PASSWORD": "correct-horse-battery"})
    assert config.mailbox.backend == "imap"
    assert config.mailbox.imap is not None
    assert config.mailbox.imap.password == "correct-horse-battery"
    assert config.mailbox.imap.port == 993  # the default for tls
    assert "correct-horse-battery" not in path.read_text()


def test_database_password_is_not_shown_when_the_url_is_refused(tmp_path: Path) -> None:
    data = example()
    data["database"]["url"] = "postgresql://tscp_bot:s3cret-p@ss@db.invented.example/tscp_bot"
    message = error_for(data, tmp_path)
    assert message.startswith("database.url:")
    assert "postgresql+psycopg://" in message and "db.invented.example" in message
    assert "s3cret" not in message and "p@ss" not in message


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found") as info:
        load_config(tmp_path / "nope.toml", environ={})
    assert str(tmp_path / "nope.toml") in str(info.value)


def test_invalid_toml_names_the_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[partnership]\nname = "Tameside\n', encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path, environ={})
    message = str(info.value)
    assert message.startswith(f"{path}: not valid TOML")
    assert "line 2" in message and "\n" not in message


def test_a_file_that_is_not_utf8_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(
        EXAMPLE.read_text().replace("Tameside Safeguarding", "Tâmeside").encode("cp1252")
    )
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_config(path, environ={})


def test_a_folder_given_as_the_config_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot be read"):
        load_config(tmp_path, environ={})


def test_deputies_cover_and_the_exchange_switch_are_read(tmp_path: Path) -> None:
    data = example()
    data["people"]["business_manager"]["deputies"] = ["Deputy.Manager@tameside.gov.uk"]
    data["agencies"][1]["dsp"]["deputies"] = ["duty.inspector@gmp.police.uk"]
    data["digest"]["cc"] = ["Deputy.Manager@tameside.gov.uk"]
    data["commands"]["trust_exchange_internal"] = True
    data["commands"]["exchange_auth_sources"] = ["Exch.Tameside.gov.uk."]
    config = parse(data, tmp_path)
    assert config.people.business_manager.deputies == ("deputy.manager@tameside.gov.uk",)
    police = config.statutory_agency("police").dsp
    assert police is not None
    assert police.command_addresses == (
        "dsp.tameside@gmp.police.uk",
        "duty.inspector@gmp.police.uk",
    )
    assert config.digest.cc == ("deputy.manager@tameside.gov.uk",)
    assert config.commands.trust_exchange_internal
    assert config.commands.exchange_accepted_domains == ("tameside.gov.uk",)
    assert config.commands.exchange_auth_sources == ("exch.tameside.gov.uk",)


def test_the_example_does_not_trust_exchange_internal_mail() -> None:
    assert not load_config(EXAMPLE, environ={}).commands.trust_exchange_internal


def test_commands_required_without_a_trusted_server_is_refused(tmp_path: Path) -> None:
    data = tomllib.loads(EXAMPLE.read_text())
    data["commands"] = {"auth_mode": "required", "trusted_authserv_ids": []}
    with pytest.raises(ConfigError, match=r"^commands\.trusted_authserv_ids: "):
        parse_config(data, base=tmp_path, environ={})


def test_trusting_microsoft_365_needs_its_receiving_host(tmp_path: Path) -> None:
    """Without the host, no header could be placed above or below the border."""
    data = tomllib.loads(EXAMPLE.read_text())
    data["commands"] = {"trust_topmost_unlabelled": True}
    with pytest.raises(ConfigError, match=r"^commands\.receiving_hosts: .*outlook"):
        parse_config(data, base=tmp_path, environ={})
    data["commands"]["receiving_hosts"] = ["Mail.Protection.Outlook.com."]
    config = parse_config(data, base=tmp_path, environ={})
    assert config.commands.receiving_hosts == ("mail.protection.outlook.com",)


def test_approval_list_names_people_or_addresses(tmp_path: Path) -> None:
    data = tomllib.loads(EXAMPLE.read_text())
    data["review"] = {"approval_required_for": ["national_panel", "nationl_panel"]}
    with pytest.raises(ConfigError, match=r"review\.approval_required_for.*'nationl_panel'"):
        parse_config(data, base=tmp_path, environ={})
    data["review"] = {"approval_required_for": ["national_panel", "press@example.org"]}
    config = parse_config(data, base=tmp_path, environ={})
    assert config.needs_approval("mailbox.nationalreviewpanel@education.gov.uk")
    assert config.needs_approval("PRESS@example.org")
    assert not config.needs_approval("enquiries@ofsted.gov.uk")


def test_reminder_hours_must_make_sense(tmp_path: Path) -> None:
    data = tomllib.loads(EXAMPLE.read_text())
    data["reminders"] = {"working_hours_start": "17:00", "working_hours_end": "09:00"}
    with pytest.raises(ConfigError, match=r"^reminders\.working_hours_end: ") as refused:
        parse_config(data, base=tmp_path, environ={})
    # The times as the file has them, so the administrator finds the line she wrote.
    assert str(refused.value).endswith("after working_hours_start (17:00), got '09:00'")


def test_ingest_since_is_a_date_and_off_unless_set(tmp_path: Path) -> None:
    data = example()
    assert parse(data, tmp_path).ingest.since is None
    data["ingest"]["since"] = date(2026, 12, 1)
    assert parse(data, tmp_path).ingest.since == date(2026, 12, 1)
    data["ingest"]["since"] = "1 December"
    message = error_for(data, tmp_path)
    assert message.startswith("ingest.since:") and "2026-12-29" in message


def test_stuck_message_limits_default_to_five_passes_over_half_an_hour(tmp_path: Path) -> None:
    data = example()
    ingest = parse(data, tmp_path).ingest
    assert (ingest.stuck_message_passes, ingest.stuck_message_minutes) == (5, 30)
    data["ingest"].update(stuck_message_passes=3, stuck_message_minutes=120)
    ingest = parse(data, tmp_path).ingest
    assert (ingest.stuck_message_passes, ingest.stuck_message_minutes) == (3, 120)


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("stuck_message_passes", 1, "a whole number >= 2, got 1"),  # one failure is a blip
        ("stuck_message_passes", "5", "a whole number >= 2, got '5'"),
        ("stuck_message_minutes", 0, "a whole number >= 1, got 0"),
        ("stuck_message_minutes", 2.5, "a whole number >= 1, got 2.5"),
        ("stuck_message_minutes", True, "a whole number >= 1, got True"),
    ],
)
def test_stuck_message_limits_that_make_no_sense_are_refused_in_one_line(
    tmp_path: Path, key: str, value: object, expected: str
) -> None:
    data = example()
    data["ingest"][key] = value
    assert error_for(data, tmp_path) == f"ingest.{key}: expected {expected}"


def test_the_loop_guards_daily_limit_is_three_unless_set(tmp_path: Path) -> None:
    data = example()
    assert parse(data, tmp_path).ingest.max_acknowledgements_per_day == 3
    data["ingest"]["max_acknowledgements_per_day"] = 1
    assert parse(data, tmp_path).ingest.max_acknowledgements_per_day == 1


@pytest.mark.parametrize(
    ("value", "got"), [(0, "0"), (-2, "-2"), ("3", "'3'"), (1.5, "1.5"), (True, "True")]
)
def test_a_daily_acknowledgement_limit_that_is_no_whole_number_from_one_is_refused_in_one_line(
    tmp_path: Path, value: object, got: str
) -> None:
    data = example()
    data["ingest"]["max_acknowledgements_per_day"] = value
    assert error_for(data, tmp_path) == (
        f"ingest.max_acknowledgements_per_day: expected a whole number >= 1, got {got}"
    )


def _with_agency(data: dict[str, Any], **agency: Any) -> dict[str, Any]:
    data["agencies"].append({"key": "k", "name": "An agency", "role": "relevant_agency", **agency})
    return data


def test_example_ships_tameside_relevant_agencies_matched_by_pattern() -> None:
    config = load_config(EXAMPLE, environ={})

    def agency(address: str) -> str | None:
        found = config.agency_for_address(address)
        return found.key if found else None

    assert agency("head@willowmere.tameside.sch.uk") == "schools"  # beats "*.sch.uk"
    assert agency("dsl@hollins-primary.bury.sch.uk") == "schools-elsewhere"
    assert agency("probation.officer@justice.gov.uk") == "probation"
    assert agency("nurse@tgh.nhs.uk") == "tg-icft"
    assert agency("gp.practice@nhs.net") == "icb"
    assert agency("someone@sch.uk") is None and agency("parent@gmail.com") is None
    relevant = [a for a in config.agencies if a.role == "relevant_agency"]
    assert {"schools", "probation", "housing", "cafcass"} <= {a.key for a in relevant}


def test_an_address_beats_the_domain_it_is_in(tmp_path: Path) -> None:
    data = _with_agency(example(), key="oakfield-practice", domains=["oakfield.gp@nhs.net"])
    config = parse(data, tmp_path)
    found = config.agency_for_address("Oakfield.GP@nhs.net")
    assert found is not None and found.key == "oakfield-practice"
    other = config.agency_for_address("someone.else@nhs.net")
    assert other is not None and other.key == "icb"


@pytest.mark.parametrize(
    "entry", ["*.uk", "sch.*.uk", "*sch.uk", "nhs", "not a domain", ".nhs.net", "a@b@nhs.net"]
)
def test_a_domain_entry_that_is_not_a_domain_pattern_or_address_is_refused(
    tmp_path: Path, entry: str
) -> None:
    data = _with_agency(example(), domains=[entry])
    message = error_for(data, tmp_path)
    assert message.startswith(f"agencies #{len(data['agencies'])}.domains:")
    assert '"*.sch.uk"' in message and repr(entry) in message


def test_one_domain_given_to_two_agencies_is_refused(tmp_path: Path) -> None:
    data = _with_agency(example(), domains=["Justice.gov.uk"])
    message = error_for(data, tmp_path)
    where = f"agencies #{len(data['agencies'])}.domains"
    assert message == (
        f'{where}: "justice.gov.uk" is already a domain of agency "probation"; '
        "give each domain, pattern or address to one agency only"
    )


def test_relevant_agency_and_other_are_roles_a_statutory_one_is_not_doubled(
    tmp_path: Path,
) -> None:
    data = _with_agency(example(), key="youth-charity", role="other", domains=["charity.example"])
    config = parse(data, tmp_path)
    assert config.agency("youth-charity") is not None
    assert config.statutory_agency("health").key == "icb"
    data["agencies"][-1]["role"] = "health"
    assert 'role = "health"' in error_for(data, tmp_path)


def test_daemon_settings_name_the_it_contact_and_default_when_left_out(tmp_path: Path) -> None:
    data = example()
    daemon = parse(data, tmp_path).daemon
    assert daemon.it_contact == "tscp.it.support@tameside.gov.uk"
    assert (daemon.alert_after_minutes, daemon.lease_seconds, daemon.stall_factor) == (30, 60, 3)
    assert parse(data, tmp_path).outgoing.alert_after_minutes == 60
    del data["daemon"]
    assert parse(data, tmp_path).daemon.it_contact is None
    data["daemon"] = {"it_contact": "the service desk"}
    assert error_for(data, tmp_path).startswith("daemon.it_contact: expected an email address")
    data["daemon"] = {"lease_seconds": 0}
    assert error_for(data, tmp_path).startswith("daemon.lease_seconds: expected a whole number")
    data["daemon"] = {"stall_factor": 1}
    assert error_for(data, tmp_path).startswith("daemon.stall_factor:")


def test_the_monthly_report_is_on_unless_switched_off(tmp_path: Path) -> None:
    data = example()
    data.setdefault("digest", {}).pop("monthly_report", None)
    assert parse(data, tmp_path).digest.monthly_report is True
    data["digest"]["monthly_report"] = False
    assert parse(data, tmp_path).digest.monthly_report is False
    data["digest"]["monthly_report"] = "no"
    assert error_for(data, tmp_path).startswith("digest.monthly_report:")


def test_screening_slots_left_out_are_the_documented_ten_and_two(tmp_path: Path) -> None:
    data = example()
    shown = parse(data, tmp_path).screening.times
    del data["screening"]["times"]
    assert parse(data, tmp_path).screening.times == shown  # as the example shows them
    assert [t.strftime("%H:%M") for t in shown] == ["10:00", "14:00"]  # and the README says

"""`tscp-bot doctor` as an IT administrator runs it: against real Dovecot, aiosmtpd and the
database (and the local Graph and Entra ID), one line per check, exit 0 only when all is well."""

from __future__ import annotations

import json
import shutil
import tomllib
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import tomli_w

from bot.adapters.db.engine import head_revision, make_engine, migrate, sqlite_file
from bot.cli import main
from bot.config.paths import packaged
from tests.fixtures.dovecot import DovecotServer
from tests.fixtures.entra import (
    CLIENT_ID,
    CLIENT_SECRET,
    TENANT,
    EntraTestServer,
    XOAuth2SmtpServer,
)
from tests.fixtures.ews import PASSWORD as EWS_PASSWORD
from tests.fixtures.ews import EwsTestServer, write_ews_config
from tests.fixtures.graph import GraphTestServer, write_graph_config
from tests.fixtures.real_servers import write_config
from tests.fixtures.smtp import SmtpTestServer

pytestmark = pytest.mark.imap


# For the tests that run `init` before the doctor: their database starts from the migrated
# template (tests/fixtures/database.py), so init finds its schema current rather than
# migrating it afresh; the doctor on an empty or older database has its own tests here.
ON_MIGRATED = pytest.mark.usefixtures("migrated_database_url")


class Doctor:
    def __init__(self, config: Path, capsys: pytest.CaptureFixture[str]) -> None:
        self.config, self._capsys = config, capsys

    def __call__(self, *args: str) -> tuple[int, str, str]:
        code = main(["--config", str(self.config), *args])
        captured = self._capsys.readouterr()
        return code, captured.out, captured.err

    def init(self) -> None:
        assert self("init")[0] == 0

    def edit(self, change: Any) -> None:
        data = tomllib.loads(self.config.read_text())
        change(data)
        self.config.write_bytes(tomli_w.dumps(data).encode())


def lines(out: str, status: str) -> list[str]:
    return [line for line in out.splitlines() if line.startswith(status + " ")]


def junk_line(out: str) -> str:
    [line] = [x for x in out.splitlines() if x.split(":", 1)[0].endswith(" mailbox junk folder")]
    return line


# Graph and EWS read no [mailbox] junk_folder: Exchange's own Junk Email is looked at.
JUNK_EMAIL = (
    "the bot looks at the mailbox's Junk Email folder, found by its well-known name; no setting "
    "names another"
)


@pytest.fixture
def doctor(
    tmp_path: Path,
    database_url: str,
    dovecot: DovecotServer,
    smtp_server: SmtpTestServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> Doctor:
    monkeypatch.setenv("TEST_IMAP_PASSWORD", dovecot.password)
    monkeypatch.delenv("TSCP_BOT_CONFIG", raising=False)
    dovecot.create_folder("Sent Items")  # where the relay files what it sends, as Exchange does
    return Doctor(write_config(tmp_path, database_url, dovecot, smtp_server), capsys)


@ON_MIGRATED
def test_all_well_against_real_servers_is_exit_0(doctor: Doctor, dovecot: DovecotServer) -> None:
    doctor.init()
    dovecot.append(b"From: a@example.org\r\nSubject: hello\r\n\r\nhi\r\n")

    code, out, err = doctor("doctor")

    assert (code, err) == (0, ""), out
    assert not lines(out, "FAIL")
    assert all(line.split(" ", 1)[0] in ("ok", "warn") for line in out.splitlines())
    checks = [line.split(":", 1)[0] for line in out.splitlines()]
    assert checks[:3] == ["ok config", "ok database", "ok templates"]
    assert f"ok mailbox login: {dovecot.user} on {dovecot.host}:{dovecot.port}" in out
    assert "ok mailbox inbox: INBOX can be read: 1 messages" in out
    assert "ok sending: logged in to SMTP" in out and "nothing sent" in out
    assert "ok time zone: Europe/London" in out
    assert "ok clock: this machine and the database server differ by" in out
    assert len([line for line in out.splitlines() if line.startswith("ok bank holidays")]) == 2


@ON_MIGRATED
def test_a_sent_folder_that_is_not_there_fails_naming_the_folders_there(
    doctor: Doctor, dovecot: DovecotServer
) -> None:
    # The mailbox files sent mail in "Sent"; [outgoing] sent_folder says "Sent Items". An
    # email whose sending was cut short could not be looked for, so it would wait.
    doctor.init()
    doctor.edit(lambda data: data["outgoing"].update(sent_folder="Sent"))
    dovecot.create_folder("Sent Items Old")

    code, out, _ = doctor("doctor")

    assert code == 1
    assert lines(out, "FAIL") == [
        "FAIL Sent folder: the Sent folder Sent not found; the server has: INBOX, Processed, "
        "Sent Items, Sent Items Old; set [outgoing] sent_folder to the folder the server files "
        "sent mail in"
    ]


@ON_MIGRATED
def test_missing_processed_folder_is_created_and_said(
    doctor: Doctor, dovecot: DovecotServer
) -> None:
    doctor.init()
    with dovecot.client() as client:
        assert not client.folder_exists("Processed")

    first = doctor("doctor")[1]
    second = doctor("doctor")[1]

    assert "ok mailbox Processed folder: 'Processed' created (it did not exist)" in first
    assert "ok mailbox Processed folder: 'Processed' exists" in second
    with dovecot.client() as client:
        assert client.folder_exists("Processed")


@ON_MIGRATED
def test_needs_attention_folder_is_checked_when_configured(
    doctor: Doctor, dovecot: DovecotServer
) -> None:
    doctor.init()
    doctor.edit(lambda d: d["mailbox"].update(needs_attention_folder="Needs a person"))

    code, out, _ = doctor("doctor")

    assert code == 0, out
    assert "ok mailbox needs-attention folder: 'Needs a person' created" in out
    with dovecot.client() as client:
        assert client.folder_exists("Needs a person")


@ON_MIGRATED
def test_the_junk_folder_is_listed_or_its_absence_said_once(
    doctor: Doctor, dovecot: DovecotServer
) -> None:
    doctor.init()
    code, out, _ = doctor("doctor")
    assert code == 0, out
    assert junk_line(out) == (
        "warn mailbox junk folder: none found (no folder flagged \\Junk, none named Junk Email "
        "or Junk): mail filed as junk is not looked at; set [mailbox] junk_folder to its name"
    )

    dovecot.append(b"From: a@example.org\r\nSubject: prize\r\n\r\nhi\r\n", folder="Spam")
    doctor.edit(lambda d: d["mailbox"].update(junk_folder="Spam"))
    code, out, _ = doctor("doctor")
    assert code == 0, out
    assert junk_line(out) == (
        "ok mailbox junk folder: 'Spam' listed (never read or moved): 1 messages; named by "
        "[mailbox] junk_folder"
    )

    # Set but not there (renamed, or mistyped): said as such, not as a mailbox with no junk.
    doctor.edit(lambda d: d["mailbox"].update(junk_folder="Junk Mail"))
    code, out, _ = doctor("doctor")
    assert code == 0, out
    assert junk_line(out) == (
        "warn mailbox junk folder: cannot be looked at (FolderMissing: Junk Mail not found; the "
        "server has: INBOX, Processed, Sent Items, Spam): mail is still read, but check Junk "
        "Mail by hand; set [mailbox] junk_folder to its name"
    )

    # Unset again, a folder of a usual name is listed: said that it was found by its name,
    # the server flagging none \Junk.
    doctor.edit(lambda d: d["mailbox"].update(junk_folder=""))
    dovecot.create_folder("Junk")
    code, out, _ = doctor("doctor")
    assert code == 0, out
    assert junk_line(out) == (
        "ok mailbox junk folder: 'Junk' listed (never read or moved): 0 messages; found by its "
        "name, no folder being flagged \\Junk ([mailbox] junk_folder can name another)"
    )

    # The folder Dovecot flags \Junk (special_use, tests/fixtures/dovecot.py) is listed over
    # the one named Junk, and said to be found by its flag.
    dovecot.create_folder("Quarantine")
    code, out, _ = doctor("doctor")
    assert code == 0, out
    assert junk_line(out) == (
        "ok mailbox junk folder: 'Quarantine' listed (never read or moved): 0 messages; found "
        "by its \\Junk flag ([mailbox] junk_folder can name another)"
    )


@ON_MIGRATED
def test_wrong_imap_password_fails_naming_the_account_without_the_password(
    doctor: Doctor, dovecot: DovecotServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    doctor.init()
    wrong = "N0t-the-Pa55word"
    monkeypatch.setenv("TEST_IMAP_PASSWORD", wrong)

    code, out, err = doctor("doctor")

    assert code == 1
    failed = lines(out, "FAIL")
    assert len(failed) == 1 and failed[0].startswith("FAIL mailbox: IMAP login refused for")
    assert f"{dovecot.user}@{dovecot.host}:{dovecot.port}" in failed[0]
    assert "check the username and the password" in failed[0]
    assert wrong not in out + err and "Traceback" not in out + err
    assert "ok sending:" in out  # the other checks still ran


@ON_MIGRATED
def test_smtp_down_fails_sending_and_the_other_checks_still_run(
    doctor: Doctor, smtp_server: SmtpTestServer
) -> None:
    doctor.init()
    smtp_server.stop()

    code, out, _ = doctor("doctor")

    assert code == 1
    failed = lines(out, "FAIL")
    assert len(failed) == 1 and failed[0].startswith("FAIL sending: SMTP 127.0.0.1:")
    assert "connection refused" in failed[0]
    assert "ok mailbox login:" in out and "ok clock:" in out


def test_database_not_migrated_says_run_init(doctor: Doctor, database_url: str) -> None:
    code, out, _ = doctor("doctor")

    assert code == 1
    [failed] = lines(out, "FAIL")
    file = sqlite_file(database_url)
    if file is None:
        assert "not set up yet: run `tscp-bot init`" in failed
    else:  # a mistyped path is reported, never made into an empty database
        assert failed == (
            f"FAIL database: there is no database file at {file}: run `tscp-bot init` first, "
            "or check [database] url"
        )
        assert not file.exists()
    assert "ok mailbox login:" in out  # the mailbox does not need the database


def test_on_an_older_schema_the_checks_that_need_it_say_to_run_init(
    doctor: Doctor, database_url: str
) -> None:
    engine = make_engine(database_url)
    try:
        migrate(engine, "0020")
    finally:
        engine.dispose()
    code, out, _ = doctor("doctor")

    assert code == 1
    [failed] = lines(out, "FAIL")
    assert f"schema is at 0020, this version needs {head_revision()}: run `tscp-bot init`" in failed
    # The database answers: its clock is compared; the deadlines wait for the upgrade.
    assert "cannot be reached" not in out
    assert "ok clock: this machine and the database server differ by" in out
    assert (
        f"warn deadlines: skipped: the database schema 0020 is older than {head_revision()}: "
        "run `tscp-bot init`"
    ) in out.splitlines()


@ON_MIGRATED
def test_a_broken_template_is_one_fail_line_naming_the_file(doctor: Doctor, tmp_path: Path) -> None:
    doctor.init()
    templates = tmp_path / "templates"
    shutil.copytree(packaged("templates"), templates)
    (templates / "system_alert" / "body.txt").write_text("{% if problem %}\nno end\n")
    doctor.edit(lambda d: d.update(templates_dir=str(templates)))

    code, out, _ = doctor("doctor")

    assert code == 1
    failed = lines(out, "FAIL")
    assert len(failed) == 1
    assert failed[0].startswith(f"FAIL templates: {templates}/system_alert/body.txt line ")
    assert "ok rules:" in out and "ok mailbox login:" in out


@ON_MIGRATED
@pytest.mark.parametrize(
    "given", ["it desk", "it@localhost", "it,desk@example.org", "it@example.", "it@.org"]
)
def test_send_test_to_no_address_is_one_line_and_sends_nothing(
    doctor: Doctor, smtp_server: SmtpTestServer, given: str
) -> None:
    doctor.init()
    code, out, err = doctor("doctor", "--send-test", given)
    assert code == 2 and out == ""
    assert err == f"tscp-bot: --send-test: {given!r} is not an email address like jo@example.org\n"
    assert smtp_server.messages == []


@ON_MIGRATED
def test_send_test_delivers_one_email(doctor: Doctor, smtp_server: SmtpTestServer) -> None:
    doctor.init()

    code, out, _ = doctor("doctor", "--send-test", "it.desk@example.org")

    assert code == 0, out
    assert "ok test email: sent to it.desk@example.org" in out
    [sent] = smtp_server.wait_for(1)
    assert sent.rcpt_tos == ["it.desk@example.org"]
    assert b"Subject: Tameside Safeguarding Children Partnership bot: test email" in sent.raw


@ON_MIGRATED
def test_json_lists_every_check(doctor: Doctor, smtp_server: SmtpTestServer) -> None:
    doctor.init()
    smtp_server.stop()

    code, out, _ = doctor("doctor", "--json")

    assert code == 1
    report = json.loads(out)
    assert report["ok"] is False
    assert all(set(c) == {"status", "check", "detail"} for c in report["checks"])
    assert report["checks"][0] == {
        "status": "ok",
        "check": "config",
        "detail": f"{doctor.config} loaded",
    }
    assert [c["check"] for c in report["checks"] if c["status"] == "FAIL"] == ["sending"]


def test_an_unusable_config_is_the_one_line_error_and_exit_2(
    doctor: Doctor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TEST_IMAP_PASSWORD")

    code, out, err = doctor("doctor")

    assert (code, out) == (2, "")
    assert err.startswith("tscp-bot: configuration: ") and err.count("\n") == 1
    assert "TEST_IMAP_PASSWORD" in err


@ON_MIGRATED
def test_graph_without_mail_readwrite_names_the_permission(
    tmp_path: Path,
    database_url: str,
    graph: GraphTestServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("TEST_ENTRA_SECRET", CLIENT_SECRET)
    doctor = Doctor(write_graph_config(tmp_path, database_url, graph), capsys)
    doctor.init()
    graph.state.permissions = {"Mail.Send"}

    code, out, err = doctor("doctor")

    assert code == 1
    failed = lines(out, "FAIL")
    assert len(failed) == 1 and failed[0].startswith("FAIL mailbox: Graph refused")
    assert "the app needs the Mail.ReadWrite application permission" in failed[0]
    assert "ok Microsoft 365 sign-in: token for Graph (needs Mail.ReadWrite, Mail.Send)" in out
    assert CLIENT_SECRET not in out + err


@ON_MIGRATED
def test_graph_all_well_creates_processed(
    tmp_path: Path,
    database_url: str,
    graph: GraphTestServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("TEST_ENTRA_SECRET", CLIENT_SECRET)
    doctor = Doctor(write_graph_config(tmp_path, database_url, graph), capsys)
    doctor.init()
    graph.deliver(b"From: a@example.org\r\nSubject: hello\r\n\r\nhi\r\n")

    code, out, _ = doctor("doctor")

    assert code == 0, out
    assert "ok mailbox inbox: inbox can be read: 1 messages" in out
    assert "ok mailbox Processed folder: 'Processed' created (it did not exist)" in out
    assert graph.state.folder("Processed")
    # An opaque token says nothing of Mail.Send: doctor says how to find out.
    assert "warn sending:" in out and "--send-test" in out
    assert junk_line(out) == (
        f"ok mailbox junk folder: 'Junk Email' listed (never read or moved): 0 messages; "
        f"{JUNK_EMAIL}"
    )

    graph.state.refused_folders = {"Junk Email"}  # the app's access narrowed by a policy
    code, out, _ = doctor("doctor")
    assert code == 0, out
    [refused] = [line for line in lines(out, "warn") if "junk folder" in line]
    assert refused.startswith("warn mailbox junk folder: cannot be looked at (GraphError: ")
    assert refused.endswith(f"): mail is still read, but check Junk Email by hand; {JUNK_EMAIL}")

    graph.state.refused_folders = set()
    del graph.state.folders[graph.state.folder("Junk Email").id]  # Graph answers 404
    code, out, _ = doctor("doctor")
    assert code == 0, out
    assert junk_line(out) == (
        f"warn mailbox junk folder: none found (the mailbox has no Junk Email folder): mail "
        f"filed as junk is not looked at; {JUNK_EMAIL}: open the mailbox in Outlook on the web "
        f"to see where junk goes"
    )


@ON_MIGRATED
def test_a_refused_client_secret_names_the_env_var_to_update(
    tmp_path: Path,
    database_url: str,
    graph: GraphTestServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("TEST_ENTRA_SECRET", CLIENT_SECRET)
    doctor = Doctor(write_graph_config(tmp_path, database_url, graph), capsys)
    doctor.init()
    graph.entra.state.client_secret = "a-new-secret-the-bot-does-not-have"

    code, out, err = doctor("doctor")

    assert code == 1
    [sign_in] = [line for line in lines(out, "FAIL") if "sign-in" in line]
    assert "the bot cannot get a Microsoft 365 token" in sign_in
    assert "AADSTS7000215" in sign_in
    assert "renew it in Entra ID and update the TEST_ENTRA_SECRET environment variable" in sign_in
    assert CLIENT_SECRET not in out + err


@ON_MIGRATED
def test_oauth_imap_and_smtp_without_mailbox_access_name_each_permission(
    tmp_path: Path,
    database_url: str,
    entra: EntraTestServer,
    dovecot_oauth: DovecotServer,
    smtp_oauth: XOAuth2SmtpServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("TEST_ENTRA_SECRET", CLIENT_SECRET)
    doctor = Doctor(write_config(tmp_path, database_url, dovecot_oauth, smtp_oauth), capsys)

    def oauth(data: dict[str, Any]) -> None:
        del data["mailbox"]["imap"]["password_env"]
        data["mailbox"]["imap"]["auth"] = "oauth2"
        data["outgoing"]["smtp"] |= {"auth": "oauth2", "username": dovecot_oauth.user}
        data["microsoft"] = {
            "tenant_id": TENANT,
            "client_id": CLIENT_ID,
            "client_secret_env": "TEST_ENTRA_SECRET",
            "authority": entra.authority,
            "validate_authority": False,
        }

    doctor.edit(oauth)
    doctor.init()
    # Tokens are issued, but the app's service principal may open no mailbox.
    entra.state.mailbox = "someone.else@example.org"

    code, out, err = doctor("doctor")

    assert code == 1
    failed = lines(out, "FAIL")
    assert [line.split(":", 1)[0] for line in failed] == ["FAIL mailbox", "FAIL sending"]
    assert "IMAP.AccessAsApp" in failed[0] and dovecot_oauth.user in failed[0]
    assert "SMTP.SendAsApp" in failed[1]
    assert (
        "ok Microsoft 365 sign-in: token for IMAP and SMTP (needs IMAP.AccessAsApp, SMTP.SendAsApp)"
        in out
    )
    assert CLIENT_SECRET not in out + err


@ON_MIGRATED
def test_what_run_refuses_doctor_fails_too(doctor: Doctor, database_url: str) -> None:
    # "Check with doctor, then start the service": a service that then exits at once is not
    # what an administrator was told.
    doctor.init()
    doctor.edit(lambda d: d.setdefault("ingest", {}).update(since=date(2099, 12, 1)))
    file = sqlite_file(database_url)
    if file is not None:
        file.chmod(0o644)
    code, out, _ = doctor("doctor")
    assert code == 1
    [since] = [line for line in lines(out, "FAIL") if "ingest.since" in line]
    assert "Tue 1 Dec 2099 is after today" in since and "run refuses to start" in since
    if file is not None:
        [exposed] = [line for line in lines(out, "FAIL") if "private files" in line]
        assert f"chmod 600 {file}*" in exposed
    assert doctor("run", "--once")[0] == 2


@ON_MIGRATED
def test_ews_mailbox_and_sending_are_checked_not_skipped(
    tmp_path: Path,
    database_url: str,
    ews: EwsTestServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("TEST_EWS_PASSWORD", EWS_PASSWORD)
    doctor = Doctor(write_ews_config(tmp_path, database_url, ews), capsys)
    doctor.init()
    ews.deliver(b"From: a@example.org\r\nSubject: hello\r\n\r\nhi\r\n")

    code, out, _ = doctor("doctor")

    assert code == 0, out
    assert "ok mailbox inbox: Inbox can be read: 1 messages" in out
    assert "ok mailbox Processed folder: 'Processed' created (it did not exist)" in out
    assert ews.state.by_name("Processed")
    assert "ok sending: logged in to" in out and "nothing sent" in out
    assert ews.state.sent == []
    assert junk_line(out) == (
        f"ok mailbox junk folder: 'Junk Email' listed (never read or moved): 0 messages; "
        f"{JUNK_EMAIL}"
    )

    ews.password = "changed-by-it"  # the service account's password reset on the server
    code, out, _ = doctor("doctor")
    assert code == 1
    assert any(line.startswith("FAIL mailbox:") for line in lines(out, "FAIL"))
    assert any(line.startswith("FAIL sending:") for line in lines(out, "FAIL"))
    assert EWS_PASSWORD not in out

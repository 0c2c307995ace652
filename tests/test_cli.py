"""The command line as people use it: exit codes, one-line errors, tables and JSON.

Time is pinned with --now: a SIN arrives on Wednesday 23 December 2026, two days before
Christmas, so the deadlines step over Christmas Day, Boxing Day and New Year's Day.
"""

from __future__ import annotations

import json
import mailbox
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import tomli_w

from bot.adapters.db.engine import sqlite_file
from bot.cli import main
from tests.fixtures.app import ROOT, example_data
from tests.fixtures.mail import drop_into_maildir, email, sin

NOW = "2026-12-23T09:00"
CORPUS = ROOT / "tests" / "corpus"

Run = Callable[..., tuple[int, str, str]]


def write_config(tmp_path: Path, database_url: str, **sections: Any) -> Path:
    data: dict[str, Any] = example_data()
    data["database"] = {"url": database_url}
    data["mailbox"] = {"backend": "maildir", "maildir_path": "mail/inbox"}
    data["outgoing"] = {"backend": "maildir", "maildir_path": "mail/outbox"}
    data.update(sections)
    path = tmp_path / "config.toml"
    path.write_bytes(tomli_w.dumps(data).encode())
    return path


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Run:
    """cli(*args) -> (exit code, stdout, stderr), in-process."""
    monkeypatch.delenv("TSCP_BOT_CONFIG", raising=False)

    def run(*args: str) -> tuple[int, str, str]:
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.fixture
def config(tmp_path: Path, database_url: str) -> Path:
    return write_config(tmp_path, database_url)


@pytest.fixture
def bot(cli: Run, config: Path, migrated_database_url: str) -> Run:
    """The CLI against an initialised maildir-backed config, at NOW unless told otherwise. The
    database starts from the migrated template, so `init` finds its schema current."""

    def run(*args: str, now: str = NOW) -> tuple[int, str, str]:
        return cli("--config", str(config), "--now", now, *args)

    code, out, _ = cli("--config", str(config), "init")
    assert code == 0 and "database ready" in out
    return run


def one_line_error(err: str) -> str:
    assert err.startswith("tscp-bot: ")
    assert err.count("\n") == 1 and err.endswith("\n")
    assert "Traceback" not in err
    return err


def inbox(config: Path) -> Path:
    (config.parent / "mail").mkdir(exist_ok=True)
    return config.parent / "mail" / "inbox"


def outbox_folder(config: Path) -> Path:
    return config.parent / "mail" / "outbox"


# --- calendar ---------------------------------------------------------------------------------


@pytest.fixture
def no_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.chdir(empty)
    monkeypatch.delenv("TSCP_BOT_CONFIG", raising=False)


@pytest.mark.usefixtures("no_config")
def test_calendar_add_steps_over_christmas_without_any_config(cli: Run) -> None:
    code, out, err = cli("calendar", "add", "2026-12-23", "2")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == "Tue 29 Dec 2026  (2026-12-29)"
    assert "skipped Fri 25 Dec 2026: Christmas Day" in lines[1]
    assert "skipped Mon 28 Dec 2026: Boxing Day (substitute day)" in lines[2]
    assert len(lines) == 3
    assert not list(Path.cwd().iterdir())  # nothing created without a config


@pytest.mark.usefixtures("no_config")
def test_calendar_add_json(cli: Run) -> None:
    code, out, _ = cli("calendar", "add", "2026-12-23", "2", "--json")
    assert code == 0
    assert json.loads(out) == {
        "start": "2026-12-23",
        "working_days": 2,
        "date": "2026-12-29",
        "skipped": [
            {"date": "2026-12-25", "name": "Christmas Day"},
            {"date": "2026-12-28", "name": "Boxing Day (substitute day)"},
        ],
    }


@pytest.mark.usefixtures("no_config")
def test_calendar_add_from_a_holiday_never_lists_the_start_day_as_skipped(cli: Run) -> None:
    """The start is day 0, the trigger date, as a deadline's explanation leaves it out: only
    the closed days the count passed over are listed, either way."""
    code, out, _ = cli("calendar", "add", "28/12/2026", "-2")
    assert code == 0
    assert out.splitlines() == [
        "Wed 23 Dec 2026  (2026-12-23)",
        "  skipped Fri 25 Dec 2026: Christmas Day",
    ]
    code, out, _ = cli("calendar", "add", "2026-12-25", "-1", "--json")
    assert code == 0 and json.loads(out)["skipped"] == []
    code, out, _ = cli("calendar", "add", "2026-12-25", "1")
    assert (code, out) == (
        0,
        "Tue 29 Dec 2026  (2026-12-29)\n  skipped Mon 28 Dec 2026: Boxing Day (substitute day)\n",
    )


@pytest.mark.usefixtures("no_config")
def test_calendar_add_backwards_and_between(cli: Run) -> None:
    code, out, _ = cli("calendar", "add", "2027-01-04", "-1", "--json")
    assert code == 0 and json.loads(out)["date"] == "2026-12-31"
    assert json.loads(out)["skipped"] == [{"date": "2027-01-01", "name": "New Year's Day"}]
    code, out, _ = cli("calendar", "between", "2026-12-23", "2026-12-29")
    assert (code, out) == (0, "2\n")
    code, out, _ = cli("calendar", "between", "2026-12-23", "2027-01-04", "--json")
    assert code == 0
    assert json.loads(out) == {"from": "2026-12-23", "to": "2027-01-04", "working_days": 5}


@pytest.mark.usefixtures("no_config")
@pytest.mark.parametrize(
    "args",
    [
        ("calendar", "add", "2026-13-01", "1"),
        ("calendar", "between", "2026-12-23", "29/13/2026"),
        ("calendar", "add", "2026-12-23", "100000"),
        ("calendar", "add", "9999-12-30", "5"),
        ("calendar", "between", "9999-12-30", "9999-12-31"),
        # No bank holidays are known after 2100: it answered Christmas Day 2126.
        ("calendar", "add", "23/12/2126", "2"),
        ("calendar", "add", "23/12/2100", "10"),  # into 2101
    ],
)
def test_calendar_bad_input_is_one_line_and_exit_2(cli: Run, args: tuple[str, ...]) -> None:
    code, out, err = cli(*args)
    assert code == 2 and out == ""
    one_line_error(err)


def test_calendar_uses_local_closures_from_the_config(
    cli: Run, tmp_path: Path, database_url: str
) -> None:
    partnership = example_data()["partnership"]
    partnership["local_closures"] = [{"date": date(2026, 12, 29), "name": "Council office closure"}]
    path = write_config(tmp_path, database_url, partnership=partnership)
    code, out, _ = cli("--config", str(path), "calendar", "add", "2026-12-23", "2")
    assert code == 0
    assert out.splitlines()[0] == "Wed 30 Dec 2026  (2026-12-30)"
    assert "Council office closure" in out


# --- set-up and configuration ------------------------------------------------------------------


def test_init_is_safe_to_repeat(cli: Run, config: Path) -> None:
    for _ in range(2):
        code, out, err = cli("--config", str(config), "init")
        assert (code, err) == (0, "")
        assert out.startswith("database ready: ")
    code, out, _ = cli("--config", str(config), "cases", "--json")
    assert (code, json.loads(out)) == (0, [])


@pytest.mark.parametrize(
    "args", [("cases",), ("outbox", "list"), ("triage", "list"), ("run", "--once")]
)
def test_database_commands_before_init_say_to_run_init(
    cli: Run, config: Path, database_url: str, args: tuple[str, ...]
) -> None:
    inbox(config)
    code, out, err = cli("--config", str(config), "--now", NOW, *args)
    # No SQLite file at all is exit 1, as a database not reached; a database there with no
    # tables is set-up not done (exit 2: systemd does not restart `run` on it).
    assert code == (1 if database_url.startswith("sqlite") else 2) and out == ""
    assert "run `tscp-bot init` first" in one_line_error(err)


def test_garbage_now_is_a_usage_error(bot: Run) -> None:
    code, out, err = bot("cases", now="next tuesday")
    assert code == 2 and out == ""
    assert "--now" in one_line_error(err) and "next tuesday" in err


def test_an_impossible_now_says_it_is_not_a_real_date(bot: Run) -> None:
    code, out, err = bot("cases", now="31/02/2026")
    assert (code, out) == (2, "")
    assert one_line_error(err) == "tscp-bot: --now: 31/02/2026 is not a real date\n"


def test_a_now_the_clocks_show_twice_asks_for_its_offset(bot: Run) -> None:
    code, out, err = bot("cases", now="31/10/2027 01:30")
    assert (code, out) == (2, "")
    assert "add +01:00 or +00:00 to say which" in one_line_error(err)
    code, out, err = bot("cases", now="28/03/2027 01:30")
    assert (code, out) == (2, "")
    assert "28/03/2027 01:30 does not exist" in one_line_error(err)


@pytest.mark.usefixtures("no_config")
def test_calendar_before_the_known_bank_holidays_says_out_of_range(cli: Run) -> None:
    code, out, err = cli("calendar", "add", "0001-01-01", "-5")
    assert (code, out) == (2, "")
    assert one_line_error(err) == (
        "tscp-bot: 0001-01-01 is out of range: working days are counted only in years whose "
        "bank holidays are known (the holidays package's table)\n"
    )


def test_broken_config_names_the_key(cli: Run, tmp_path: Path, database_url: str) -> None:
    path = write_config(tmp_path, database_url, mailbox={"backend": "maildir", "pol_seconds": 30})
    code, out, err = cli("--config", str(path), "cases")
    assert code == 2 and out == ""
    assert "mailbox.pol_seconds" in one_line_error(err)


def test_config_taken_from_the_environment(
    cli: Run, config: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("TSCP_BOT_CONFIG", str(config))
    monkeypatch.chdir(tmp_path)
    assert cli("init")[0] == 0
    monkeypatch.setenv("TSCP_BOT_CONFIG", str(tmp_path / "missing.toml"))
    code, _, err = cli("cases")
    assert code == 2 and "config file not found" in one_line_error(err)


# --- classify ----------------------------------------------------------------------------------


def test_classify_a_sin_shows_why_and_changes_nothing(bot: Run, tmp_path: Path) -> None:
    eml = tmp_path / "sin.eml"
    eml.write_bytes(sin())
    code, out, err = bot("classify", str(eml), "--json")
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert set(data) == {"kind", "rule", "reasons", "case_ref", "hits", "misses", "plan"}
    assert data["kind"] == "sin"
    assert [e["effect"] for e in data["plan"]] == [
        "OpenCase",
        "ApplySinForm",
        "CheckRepeat",
        "FileOnCase",
        "BookScreening",
        "Acknowledge",
    ]
    assert data["plan"][0]["says"] == "open a new case"
    assert data["rule"] in data["hits"] and data["case_ref"] is None
    assert data["reasons"] and data["rule"] in data["reasons"][0]

    assert json.loads(bot("cases", "--json")[1]) == []
    assert json.loads(bot("triage", "list", "--json")[1]) == []
    assert json.loads(bot("outbox", "list", "--json")[1]) == []
    # Run for real, the same message would have been stored as message 1 and opened a case.
    assert bot("triage", "done", "1")[0] == 3


@pytest.mark.parametrize("command", ["classify", "extract"])
def test_a_file_that_is_not_there_is_one_line(
    cli: Run, config: Path, tmp_path: Path, command: str
) -> None:
    code, out, err = cli("--config", str(config), command, str(tmp_path / "sin.eml"))
    assert (code, out) == (2, "")
    assert f"no such file: {tmp_path / 'sin.eml'}" in one_line_error(err)
    code, out, err = cli("--config", str(config), command, str(tmp_path))
    assert (code, out) == (2, "")
    assert one_line_error(err) == f"tscp-bot: {tmp_path} is a folder: name one file in it\n"


def test_classify_works_before_init(
    cli: Run, config: Path, tmp_path: Path, database_url: str
) -> None:
    eml = tmp_path / "sin.eml"
    eml.write_bytes(sin())
    code, out, _ = cli("--config", str(config), "classify", str(eml))
    assert code == 0
    assert out.startswith("sin  (rule: ")
    file = sqlite_file(database_url)
    assert file is None or not file.exists()  # trying a rule leaves no empty database behind


def test_a_missing_database_file_is_named_and_never_created(cli: Run, tmp_path: Path) -> None:
    file = tmp_path / "mistyped" / "tscp.sqlite3"
    config = write_config(tmp_path, f"sqlite:///{file}")
    for command in (["status"], ["cases"], ["case", "TSCP-2026-0001"], ["export", "out.zip"]):
        code, _, err = cli("--config", str(config), *command)
        assert (code, one_line_error(err)) == (
            2 if command == ["status"] else 1,  # status: 2 is "no database", to a monitor
            f"tscp-bot: database: there is no database file at {file}: run `tscp-bot init` "
            "first, or check [database] url\n",
        ), command
    assert not file.exists() and not file.parent.exists()
    code, _, _ = cli("--config", str(config), "init")
    assert code == 0 and file.exists()


def test_classify_explains_a_sin_the_form_reader_decided_even_before_init(
    cli: Run, config: Path
) -> None:
    eml = str(CORPUS / "sin-doc1-please-see-attached.eml")
    code, out, _ = cli("--config", str(config), "classify", eml, "--json")
    data = json.loads(out)
    assert code == 0 and data["kind"] == "unclassified" and data["hits"] == []
    assert data["plan"][0] == {
        "effect": "Reclassify",
        "kind": "sin",
        "rule": "form-reader: completed SIN form",
        "says": "treat as sin (rule form-reader: completed SIN form)",
    }
    assert [e["effect"] for e in data["plan"]][1:3] == ["OpenCase", "ApplySinForm"]
    code, out, _ = cli("--config", str(config), "classify", eml)
    assert "The bot would:\n  - treat as sin (rule form-reader: completed SIN form)\n" in out


def test_classify_plans_a_complaint_on_a_case_it_finds_in_the_database(
    bot: Run, config: Path
) -> None:
    eml = str(CORPUS / "complaint-public-reply-on-case-thread.eml")
    plan = json.loads(bot("classify", eml, "--json")[1])["plan"]
    assert plan == [
        {
            "effect": "TriageComplaintNotHeld",
            "not_held": "TSCP-2026-0001",
            "forwarded": False,
            "first_written": None,
            "doubt": None,
            "says": "triage: refers to TSCP-2026-0001, which is not a known case; may be a new "
            "complaint",
        }
    ]
    drop_into_maildir(inbox(config), sin())
    bot("run", "--once")
    _, out, _ = bot("classify", eml)
    assert (
        "  - open a complaint record linked to TSCP-2026-0001; 20 working days; acknowledge\n"
        in out
    )
    assert len(json.loads(bot("cases", "--json")[1])) == 1  # classify opened nothing


def test_classify_an_auto_reply_from_the_corpus(bot: Run) -> None:
    code, out, _ = bot("classify", str(CORPUS / "autoreply-x-autoreply-header.eml"), "--json")
    assert code == 0 and json.loads(out)["kind"] == "auto_reply"
    code, out, _ = bot("classify", str(CORPUS / "autoreply-x-autoreply-header.eml"))
    assert out.startswith("auto_reply")


def test_classify_a_missing_file(bot: Run, tmp_path: Path) -> None:
    code, out, err = bot("classify", str(tmp_path / "nope.eml"))
    assert code == 2 and out == ""
    assert "nope.eml" in one_line_error(err)


# --- the full flow -----------------------------------------------------------------------------


def test_run_since_leaves_older_mail_in_the_inbox_and_says_so(bot: Run, config: Path) -> None:
    drop_into_maildir(
        inbox(config), sin("<old@gmp.police.uk>"), arrived=datetime(2026, 3, 3, 10, tzinfo=UTC)
    )
    drop_into_maildir(inbox(config), sin(), arrived=datetime(2026, 12, 22, 15, tzinfo=UTC))

    code, out, err = bot("run", "--once", "--since", "2026-12-01")
    # The cut-off is remembered: a later run without --since does not open the old case.
    again = bot("run", "--once", "--json", now="2026-12-23T10:00")

    assert (code, err) == (0, "")
    assert (
        "Left 1 message that arrived before Tue 1 Dec 2026 in the inbox, untouched "
        "(oldest Tue 3 Mar 2026)" in out
    )
    assert json.loads(again[1])["left_in_inbox"] == 1
    [row] = json.loads(bot("cases", "--json")[1])
    assert row["ref"] == "TSCP-2026-0001"
    assert len(list((inbox(config) / "new").iterdir())) == 1


def test_run_since_that_is_not_a_date_is_one_line(bot: Run) -> None:
    code, out, err = bot("run", "--once", "--since", "1st December")
    assert code == 2 and out == ""
    assert "--since" in one_line_error(err) and "1st December" in err


def test_a_since_after_today_is_refused_before_it_can_leave_new_mail_unread(
    bot: Run, config: Path
) -> None:
    drop_into_maildir(inbox(config), sin())
    code, out, err = bot("run", "--once", "--since", "01/12/2027")  # a mistyped year
    assert code == 2 and out == ""
    assert one_line_error(err).startswith(
        "tscp-bot: --since: Wed 1 Dec 2027 is after today (Wed 23 Dec 2026); mail arriving "
        "before it would be left in the inbox unread."
    )
    assert bot("run", "--once")[0] == 0  # nothing was remembered: the SIN is handled
    assert [c["ref"] for c in json.loads(bot("cases", "--json")[1])] == ["TSCP-2026-0001"]
    with_since = config.read_text().replace("[ingest]", "[ingest]\nsince = 2027-12-01", 1)
    assert with_since != config.read_text(), "the test config has an [ingest] table"
    config.write_text(with_since)
    code, _, err = bot("run", "--once")
    assert code == 2 and one_line_error(err).startswith(
        "tscp-bot: configuration: ingest.since: Wed 1 Dec 2027"
    )


def test_sin_through_run_to_case_and_outbox(bot: Run, config: Path) -> None:
    drop_into_maildir(inbox(config), sin())
    code, out, err = bot("run", "--once", "--json")
    assert (code, err) == (0, "")
    summary = json.loads(out)
    assert summary["processed"] == 1 and summary["failed"] == 0
    assert summary["mailbox_errors"] == []

    code, out, _ = bot("cases", "--json")
    [row] = json.loads(out)
    assert row["ref"] == "TSCP-2026-0001" and row["status"] == "open"
    assert (row["next_deadline"], row["next_due"]) == ("screening_meeting", "2026-12-29")

    # A Business Manager reads the table at a terminal: the digest's words, never ISO.
    code, out, _ = bot("cases")
    assert code == 0
    [heading, _, line] = out.splitlines()
    assert heading.split() == [
        "Reference", "Kind", "Status", "Stage", "Opened", "Next", "deadline", "Due", "Overdue"
    ]  # fmt: skip
    assert "  Wed 23 Dec 2026 09:00  screening_meeting  Tue 29 Dec 2026" in line
    assert "2026-12-2" not in out

    code, out, _ = bot("case", "TSCP-2026-0001", "--json")
    assert code == 0
    case = json.loads(out)
    assert case["opened_at"].startswith("2026-12-23T09:00")  # --json stays ISO
    deadlines = {d["name"]: d for d in case["deadlines"]}
    for d in case["deadlines"]:
        assert {"name", "due", "state", "met_at"} <= set(d)
    assert deadlines["screening_meeting"]["due"] == "2026-12-29"
    # From the day the email says the local authority became aware, 22/12/2026 (once read as
    # no date, and counted from the arrival, a working day late).
    assert deadlines["panel_notification"]["due"] == "2026-12-31"
    assert {d["state"] for d in case["deadlines"]} == {"open"}
    assert {d["met_at"] for d in case["deadlines"]} == {None}
    assert "case_opened" in [e["what"] for e in case["events"]]
    assert [m["kind"] for m in case["messages"]] == ["sin"]

    # Case references are typed by people: lower case finds the case too.
    code, human, _ = bot("case", "tscp-2026-0001")
    assert code == 0
    assert human.startswith("TSCP-2026-0001  (open, opened Wed 23 Dec 2026 09:00)")
    for heading in ("Deadlines", "Meetings", "Chronology", "Messages in", "Messages out"):
        assert f"\n{heading}\n" in human
    assert "Name                Due              State  Met" in human
    assert "screening_meeting   Tue 29 Dec 2026  open   -" in human
    assert "Christmas Day" in human and "Boxing Day" in human

    code, out, _ = bot("outbox", "list", "--json")
    rows = json.loads(out)
    by_event = {r["event"]: r for r in rows}
    assert by_event["sin_acknowledgement"]["status"] == "sent"
    assert by_event["sin_acknowledgement"]["to"] == ["casey.invented@gmp.police.uk"]
    assert by_event["screening_invitation"]["status"] == "sent"
    assert "dsp.tameside@nhs.net" in by_event["screening_invitation"]["to"]
    written = mailbox.Maildir(outbox_folder(config), create=False)
    subjects = sorted(str(m["Subject"]) for m in written)
    assert subjects == sorted(r["subject"] for r in rows if r["status"] == "sent")
    assert sum("[TSCP-2026-0001]" in s for s in subjects) == 2

    code, human, _ = bot("outbox", "list")
    assert human.splitlines()[0].split() == [
        "#",
        "Status",
        "Failed",
        "tries",
        "Case",
        "To",
        "Subject",
    ]


def test_before_the_digest_time_only_the_two_case_emails_go(bot: Run, config: Path) -> None:
    drop_into_maildir(inbox(config), sin())
    assert bot("run", "--once", now="2026-12-23T07:30")[0] == 0
    files = [p for p in (outbox_folder(config) / "new").iterdir()]
    assert len(files) == 2
    events = {r["event"] for r in json.loads(bot("outbox", "list", "--json")[1])}
    assert events == {"sin_acknowledgement", "screening_invitation"}


def test_unknown_case_is_exit_3(bot: Run) -> None:
    code, out, err = bot("case", "TSCP-2099-0001")
    assert code == 3 and out == ""
    assert "TSCP-2099-0001" in one_line_error(err)


def test_outbox_retry_unknown_is_exit_3_and_needs_an_id(bot: Run) -> None:
    code, _, err = bot("outbox", "retry", "999")
    assert code == 3 and "999" in one_line_error(err)
    code, _, err = bot("outbox", "retry")
    assert code == 2 and "needs an ID" in one_line_error(err)


def test_triage_lists_unrecognised_mail_until_done(bot: Run, config: Path) -> None:
    drop_into_maildir(
        inbox(config),
        email(
            "Room booking for Thursday",
            "Could I book the Ashton room on Thursday afternoon, please?",
            sender="robin.invented@tameside.gov.uk",
            message_id="<room-1@tameside.gov.uk>",
        ),
    )
    assert bot("run", "--once", now="2026-12-23T07:30")[0] == 0
    code, out, _ = bot("triage", "list", "--json")
    [row] = json.loads(out)
    assert row["from"] == "robin.invented@tameside.gov.uk"
    assert row["reason"] == "not recognised by any rule"
    code, human, _ = bot("triage", "list")
    assert "robin.invented@tameside.gov.uk" in human

    # It waits in the inbox, where the Business Manager works, until she is done with it.
    assert len(mailbox.Maildir(inbox(config))) == 1
    code, out, _ = bot("triage", "done", str(row["id"]))
    assert code == 0 and f"#{row['id']} taken off the triage list; moved to Processed" in out
    assert len(mailbox.Maildir(inbox(config))) == 0
    assert len(mailbox.Maildir(inbox(config)).get_folder("Processed")) == 1
    assert json.loads(bot("triage", "list", "--json")[1]) == []
    assert bot("triage", "list")[1] == "(none)\n"
    code, _, err = bot("triage", "done", "999")
    assert code == 3 and "999" in one_line_error(err)


def test_triage_retry_sends_round_only_mail_a_person_is_waiting_on(bot: Run, config: Path) -> None:
    _open_case(bot, config)  # message #1, a SIN, opened TSCP-2026-0001 and invited the panel
    code, _, err = bot("triage", "retry", "1")
    assert code == 2 and one_line_error(err) == (
        "tscp-bot: message #1 is filed on TSCP-2026-0001; processing it again would act on it "
        "twice. If it needs nothing more, take it off the list: tscp-bot triage done 1\n"
    )
    bot("run", "--once")
    assert [c["ref"] for c in json.loads(bot("cases", "--json")[1])] == ["TSCP-2026-0001"]
    note = email("Room booking", "Could I book a room?", message_id="<room-2@tameside.gov.uk>")
    drop_into_maildir(inbox(config), note)
    bot("run", "--once")
    [waiting] = json.loads(bot("triage", "list", "--json")[1])
    code, out, _ = bot("triage", "retry", str(waiting["id"]))  # after a rule fix, say
    assert code == 0 and "processed again on the next pass" in out
    code, _, err = bot("triage", "retry", str(waiting["id"]))
    assert code == 2 and "already waiting to be processed" in one_line_error(err)
    code, _, err = bot("triage", "done", str(waiting["id"]))  # said done, it came back
    assert code == 2 and "waiting to be processed on the next pass" in one_line_error(err)
    bot("run", "--once")  # the same rules: back on the list, and it may go round again
    [again] = json.loads(bot("triage", "list", "--json")[1])
    assert again["reason"] == "not recognised by any rule"  # once, not once per round
    assert bot("triage", "retry", str(waiting["id"]))[0] == 0
    code, _, err = bot("triage", "done", "1")  # never on the list: nothing to take off
    assert code == 2 and one_line_error(err) == (
        "tscp-bot: message #1 is not on the triage list (filed on TSCP-2026-0001): nothing to do\n"
    )


@pytest.mark.parametrize(
    "action",
    [("outbox", "retry"), ("triage", "done"), ("triage", "retry"), ("triage", "new-case")],
)
def test_a_number_no_row_could_have_is_not_found(bot: Run, action: tuple[str, str]) -> None:
    code, _, err = bot(*action, "99999999999999999999")
    assert code == 3 and "no #99999999999999999999" in one_line_error(err)


# --- the installed command ---------------------------------------------------------------------


def _installed() -> str:
    found = shutil.which("tscp-bot") or str(Path(sys.executable).parent / "tscp-bot")
    assert Path(found).exists(), "tscp-bot console script is not installed"
    return found


def test_installed_console_script(tmp_path: Path) -> None:
    path = write_config(tmp_path, f"sqlite:///{tmp_path / 'bot.sqlite3'}")
    env = {k: v for k, v in os.environ.items() if k != "TSCP_BOT_CONFIG"}
    command = [_installed(), "--config", str(path)]
    done = subprocess.run(
        [*command, "calendar", "add", "2026-12-24", "1"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert "2026-12-29" in done.stdout

    failed = subprocess.run(
        [*command, "calendar", "add", "24/13/2026", "1"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    assert failed.returncode == 2 and failed.stdout == ""
    one_line_error(failed.stderr)


def _open_case(bot: Run, config: Path) -> None:
    drop_into_maildir(inbox(config), sin())
    assert bot("run", "--once")[0] == 0


def test_command_at_the_terminal_records_votes_and_decisions(bot: Run, config: Path) -> None:
    _open_case(bot, config)
    code, out, _ = bot("command", "TSCP-2026-0001", "Vote: rapid review", "--as", "police")
    assert code == 0 and "vote recorded" in out
    code, out, _ = bot("command", "TSCP-2026-0001", "Vote: NFA", "--as", "health")
    assert code == 0 and "no majority yet" in out
    code, out, _ = bot("command", "TSCP-2026-0001", "Decision: rapid review")
    assert code == 0 and "decision recorded: Rapid Review" in out
    code, out, _ = bot("case", "TSCP-2026-0001", "--json")
    case = json.loads(out)
    assert case["decision"] == "rapid_review" and len(case["votes"]) == 2
    voted = [e for e in case["events"] if e["what"] == "vote_recorded"]
    assert all(e["actor"].startswith("terminal:") for e in voted)


def test_command_errors_are_clear(bot: Run, config: Path) -> None:
    _open_case(bot, config)
    code, _, err = bot("command", "TSCP-2026-0001", "Vote: maybe")
    assert code == 2 and one_line_error(err).startswith("tscp-bot: Could not read")
    code, _, err = bot("command", "TSCP-2026-0001", "Vote: rapid review")  # BM has no vote
    assert code == 2 and "needs --as" in one_line_error(err)
    code, _, err = bot("command", "TSCP-2099-0001", "Notified: 01/12/2026")
    assert code == 3
    code, _, err = bot("command", "TSCP-2026-0001", "Reviewer: A Person")
    assert code == 2 and "CSPR: yes" in one_line_error(err)  # the procedure's order holds


def test_a_bad_date_at_the_terminal_refuses_its_line_only(bot: Run, config: Path) -> None:
    _open_case(bot, config)
    for role in ("police", "health"):
        assert bot("command", "TSCP-2026-0001", "Vote: rapid review", "--as", role)[0] == 0
    code, out, err = bot(
        "command", "TSCP-2026-0001", "Agencies: icb", "Return by: 01/12/2026", "Notifiable: yes"
    )
    assert code == 2 and out.startswith("Notifiable: yes: ")
    assert one_line_error(err).startswith(
        "tscp-bot: Agencies: icb / Return by: 01/12/2026: NOT DONE: the return date Tue 1 Dec 2026 "
        "is before the request"
    )
    case = json.loads(bot("case", "TSCP-2026-0001", "--json")[1])
    assert case["notifiable"] is True and case["returns"] == []
    code, _, err = bot("command", "TSCP-2026-0001", "Notified: 05/01/2062")
    assert code == 2 and "2062" in one_line_error(err)
    code, _, err = bot("command", "TSCP-2026-0001", "Aware: 21/12/2002")
    assert code == 2 and "Aware: 21/12/2002" in one_line_error(err)


def test_a_misspelt_line_at_the_terminal_is_refused_aloud(bot: Run, config: Path) -> None:
    _open_case(bot, config)
    code, out, err = bot("command", "TSCP-2026-0001", "Notifable: yes", "Aware: 22/12/2026")
    assert code == 2 and out.startswith("Aware: 22/12/2026: ")  # the good line is done
    assert one_line_error(err) == (
        "tscp-bot: Notifable: yes: not a command (see `tscp-bot command --help`)\n"
    )
    case = json.loads(bot("case", "TSCP-2026-0001", "--json")[1])
    assert case["notifiable"] is None
    # Lines quoted as one argument, as pasted from an email: each is read, none refused.
    code, out, err = bot("command", "TSCP-2026-0001", "Aware: 21/12/2026\nNotifiable: yes")
    assert (code, err) == (0, "") and "Notifiable: yes: " in out


def test_outbox_approve_releases_a_draft(bot: Run, config: Path) -> None:
    _open_case(bot, config)
    bot(
        "command",
        "TSCP-2026-0001",
        "Decision: rapid review",
        "Notified: 23/12/2026",
        "Delay: awaiting police disclosure; expected 29/01/2027",
    )
    code, out, _ = bot("outbox", "list", "--json")
    drafts = [r for r in json.loads(out) if r["status"] == "draft"]
    assert [d["event"] for d in drafts] == ["panel_delay_notice"]
    code, out, _ = bot("outbox", "retry", str(drafts[0]["id"]))
    assert code == 3  # a draft is not sent by retrying it
    code, out, _ = bot("outbox", "approve", str(drafts[0]["id"]))
    assert code == 0
    # No daemon runs here: the person is told the email waits for a run, not that it went.
    assert out.strip().endswith(
        "no bot is running to send it: it goes out on the next `tscp-bot run` or `run --once`"
    )
    bot("run", "--once")
    code, out, _ = bot("outbox", "list", "--json")
    sent = next(r for r in json.loads(out) if r["id"] == drafts[0]["id"])
    assert sent["status"] == "sent"
    # It exists but is no draft: refused (exit 2, as README has it), saying what became of it.
    code, _, err = bot("outbox", "approve", str(drafts[0]["id"]))
    assert code == 2 and one_line_error(err) == (
        f"tscp-bot: email #{drafts[0]['id']} is not a draft waiting for approval: it was sent on "
        "Wed 23 Dec 2026 at 09:00\n"
    )
    code, _, err = bot("outbox", "approve", "999")
    assert code == 3 and one_line_error(err) == "tscp-bot: no outbox email #999\n"


def test_a_stale_publication_notice_is_held_at_the_terminal_with_its_reason(
    bot: Run, config: Path
) -> None:
    _open_case(bot, config)
    lines = ["Decision: rapid review", "Notified: 23/12/2026", "Meeting held: 06/01/2027"]
    assert bot("command", "TSCP-2026-0001", *lines, now="2027-01-07T10:00")[0] == 0
    steps = ["Report submitted: 07/01/2027", "CSPR: yes 07/01/2027", "Publication: 01/07/2027"]
    assert bot("command", "TSCP-2026-0001", *steps, now="2027-06-01T10:00")[0] == 0
    code, out, _ = bot("outbox", "list", "--status", "draft", "--json", now="2027-06-01T10:00")
    [draft] = [r["id"] for r in json.loads(out) if r["event"] == "publication_notice"]
    code, out, err = bot("outbox", "approve", str(draft), now="2027-06-28T10:00")
    assert code == 2 and out == ""
    assert one_line_error(err) == (
        f"tscp-bot: email #{draft} not sent: it was written on Tue 1 Jun 2027; on Mon 28 Jun "
        "2027 it gives 3 working days of notice, fewer than the 7 required. Its new words were "
        f"sent to you: read them, then approve it again (tscp-bot outbox approve {draft})\n"
    )
    code, out, _ = bot("outbox", "approve", str(draft), now="2027-06-28T10:05")
    assert code == 0 and out.startswith(f"email #{draft} approved")


def test_extract_shows_what_a_form_would_give_and_changes_nothing(bot: Run, tmp_path: Path) -> None:
    from tests.fixtures.forms_docx import sin_docx

    form = tmp_path / "SIN form.docx"
    form.write_bytes(sin_docx())
    code, out, _ = bot("extract", str(form), "--json")
    result = json.loads(out)
    assert code == 0 and result["form"] == "sin" and result["initials"] == "Q.Z.I."
    assert result["fields"]["la_aware_date"]["value"] == "2026-12-21"
    assert "table" in result["fields"]["la_aware_date"]["where"]
    assert json.loads(bot("cases", "--json")[1]) == []
    code, _, err = bot("extract", str(tmp_path / "nothing.docx"))
    assert code == 2 and one_line_error(err)


def test_chronology_export_csv_and_docx(bot: Run, config: Path, tmp_path: Path) -> None:
    import csv
    import io

    from docx import Document

    from tests.fixtures.forms_docx import appendix_b_docx
    from tests.fixtures.mail import email as make_email

    drop_into_maildir(inbox(config), sin())
    bot("run", "--once")
    bot(
        "command",
        "TSCP-2026-0001",
        "Decision: rapid review",
        "Agencies: icb",
        "Return by: 05/01/2027",
    )
    drop_into_maildir(
        inbox(config),
        make_email(
            "RE: [TSCP-2026-0001] Appendix B",
            "Return attached.",
            sender="dsp.tameside@nhs.net",
            message_id="<ab@nhs.net>",
            attachment=(
                "Appendix B.docx",
                appendix_b_docx(
                    "NHS Tameside",
                    [
                        ("02/07/2026", "Visit", "HV", "Check", "Fine"),
                        ("15/06/2026", "Clinic", "GP", "Jab", "Given"),
                    ],
                ),
            ),
        ),
    )
    bot("run", "--once")
    code, out, _ = bot("chronology", "TSCP-2026-0001", "--csv", "-")
    assert code == 0
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0][:2] == ["Date", "Agency"]
    assert [r[0] for r in rows[1:]] == ["15/06/2026", "02/07/2026"]  # merged, by date
    # No file asked for: the same rows at the terminal, and as JSON.
    code, text, err = bot("chronology", "TSCP-2026-0001")
    assert (code, err) == (0, "")
    lines = text.splitlines()
    assert lines[0] == "TSCP-2026-0001 merged chronology (2 rows)"
    assert lines[1].split()[:2] == ["Date", "Agency"]
    assert [line.split()[:2] for line in lines[3:]] == [
        ["15/06/2026", "icb"],
        ["02/07/2026", "icb"],
    ]
    code, out, _ = bot("chronology", "TSCP-2026-0001", "--json")
    assert [(r["date"], r["event"]) for r in json.loads(out)] == [
        ("15/06/2026", "Jab"),
        ("02/07/2026", "Check"),
    ]
    target = tmp_path / "pack.docx"
    assert bot("chronology", "TSCP-2026-0001", "--docx", str(target))[0] == 0
    table = Document(str(target)).tables[0]
    assert [c.text for c in table.rows[1].cells][:2] == ["15/06/2026", "icb"]
    code, out, err = bot("chronology", "TSCP-2026-0001", "--docx", str(tmp_path / "x" / "p.docx"))
    assert (code, out) == (2, "") and f"no folder {tmp_path / 'x'} to write p.docx in" in err


def test_terminal_commands_ask_the_same_lifecycle_table(bot: Run, config: Path) -> None:
    _open_case(bot, config)
    code, _, err = bot("command", "TSCP-2026-0001", "Published: 01/07/2027")
    assert code == 2 and "not accepted at this stage (screening): there is no CSPR" in err
    code, _, err = bot("command", "TSCP-2026-0001", "Decision: rapid review", "--as", "police")
    assert code == 2
    assert "only the Business Manager may: needs --as business_manager" in err
    code, out, err = bot(
        "command", "TSCP-2026-0001", "Notified: 22/12/2026", "--as", "local_authority"
    )
    assert code == 0 and "notification recorded" in out, err


def test_case_view_met_is_the_day_the_event_happened(bot: Run, config: Path) -> None:
    _open_case(bot, config)  # SIN on Wed 23 Dec 2026: screening decision due Tue 29 Dec
    code, out, _ = bot(
        "command", "TSCP-2026-0001", "Decision: rapid review 24/12/2026", now="2026-12-30T10:00"
    )
    assert code == 0 and "decision recorded: Rapid Review" in out
    assert bot("command", "TSCP-2026-0001", "Notifiable: no", now="2026-12-30T10:05")[0] == 0
    code, out, _ = bot("case", "TSCP-2026-0001", "--json", now="2026-12-30T11:00")
    deadlines = {d["name"]: d for d in json.loads(out)["deadlines"]}
    assert deadlines["screening_meeting"]["met_on"] == "2026-12-24"
    assert deadlines["screening_meeting"]["state"] == "met"
    assert deadlines["panel_notification"]["state"] == "not required"
    assert deadlines["panel_notification"]["met"] == "not required"
    code, human, _ = bot("case", "TSCP-2026-0001", now="2026-12-30T11:00")
    rows = {line.split()[0]: line for line in human.splitlines() if line[:1].islower()}
    assert rows["screening_meeting"].split()[-4:] == ["Thu", "24", "Dec", "2026"]
    assert rows["panel_notification"].endswith("not required  not required")


def test_doctor_says_when_it_made_the_maildir_inbox(bot: Run, config: Path) -> None:
    _, out, _ = bot("doctor")
    inbox = config.parent / "mail" / "inbox"
    assert (
        f"warn mailbox inbox: Maildir {inbox} did not exist: created it empty; if mail is "
        "delivered somewhere else, check [mailbox] maildir_path"
    ) in out.splitlines()
    _, out, _ = bot("doctor")
    assert "ok mailbox inbox: inbox can be read: 0 messages" in out.splitlines()


def test_a_test_email_written_to_a_maildir_is_never_said_to_be_sent(bot: Run, config: Path) -> None:
    _, out, _ = bot("doctor", "--send-test", "it.desk@example.org")
    [line] = [x for x in out.splitlines() if " test email: " in x]
    assert line.startswith("warn test email: written to the Maildir ")
    assert line.endswith("; not sent to it.desk@example.org")


def test_ctrl_c_is_said_and_exits_130(
    cli: Run, config: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.cli import mail_cmd

    def interrupted(ctx: object) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(mail_cmd, "classify_file", interrupted)
    code, out, err = cli("--config", str(config), "classify", str(tmp_path / "any.eml"))
    assert (code, out, err) == (130, "", "tscp-bot: interrupted (Ctrl-C) before it finished\n")

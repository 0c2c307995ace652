"""The listings: `cases`, `outbox list`, `triage list` say what a person needs, truthfully."""

from __future__ import annotations

import argparse
import io
import json
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, update

from bot.adapters.db.models import Deadline, OutboxMessage
from bot.cli import build_parser, main
from tests.fixtures.app import example_data
from tests.fixtures.mail import drop_into_maildir, email, sin
from tests.test_cli import NOW, write_config

REF = "TSCP-2026-0001"
Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def config(tmp_path: Path, migrated_database_url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An initialised maildir-backed config. The database starts from the migrated template
    (as tests/test_cli.py's), so `init` finds its schema current: init on an empty database is
    tests/test_cli.py's and tests/test_data_cli.py's to try."""
    monkeypatch.delenv("TSCP_BOT_CONFIG", raising=False)
    path = write_config(tmp_path, migrated_database_url)
    assert main(["--config", str(path), "init"]) == 0
    (tmp_path / "mail").mkdir()
    return path


@pytest.fixture
def bot(config: Path, capsys: pytest.CaptureFixture[str]) -> Run:
    capsys.readouterr()

    def run(*args: str, now: str = NOW) -> tuple[int, str, str]:
        code = main(["--config", str(config), "--now", now, *args])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def _open_case(bot: Run, config: Path) -> None:
    drop_into_maildir(config.parent / "mail" / "inbox", sin())
    assert bot("run", "--once")[0] == 0


def test_cases_show_kind_stage_and_overdue(bot: Run, config: Path) -> None:
    _open_case(bot, config)
    [row] = json.loads(bot("cases", "--json")[1])
    assert (row["kind"], row["overdue"]) == ("review", False)
    assert row["stage"]  # stored on the case; shown as it is
    out = bot("cases")[1]
    header, _, line = out.splitlines()
    assert header.split() == [
        "Reference", "Kind", "Status", "Stage", "Opened", "Next", "deadline", "Due", "Overdue"
    ]  # fmt: skip
    assert line.split()[:4] == [REF, "review", "open", row["stage"]]
    assert "OVERDUE" not in line
    # The screening meeting was due on Tue 29 December; on the 30th the case is overdue.
    [late] = json.loads(bot("cases", "--json", now="2026-12-30T09:00")[1])
    assert late["overdue"] is True
    assert bot("cases", now="2026-12-30T09:00")[1].splitlines()[2].endswith("OVERDUE")


def test_outbox_list_filters_by_status_and_case(bot: Run, config: Path) -> None:
    _open_case(bot, config)
    everything = json.loads(bot("outbox", "list", "--json")[1])
    about_case = json.loads(bot("outbox", "list", "--case", REF.lower(), "--json")[1])
    assert {r["event"] for r in about_case} == {"sin_acknowledgement", "screening_invitation"}
    assert {r["case"] for r in about_case} == {REF}
    assert len(everything) > len(about_case)  # the digest is about no one case
    sent = json.loads(bot("outbox", "list", "--status", "sent", "--json")[1])
    assert sent and {r["status"] for r in sent} == {"sent"}
    assert bot("outbox", "list", "--status", "draft")[1] == "(none)\n"
    code, out, err = bot("outbox", "list", "--case", "TSCP-2099-0001")
    assert (code, out) == (3, "") and "TSCP-2099-0001" in err
    with pytest.raises(SystemExit) as refused:
        bot("outbox", "list", "--status", "lost")
    assert refused.value.code == 2


def test_outbox_list_shows_the_failed_tries_as_stored(
    bot: Run, config: Path, database_url: str
) -> None:
    _open_case(bot, config)
    [first, *_] = json.loads(bot("outbox", "list", "--json")[1])
    assert first["attempts"] == 0  # sent first time: no failed try
    engine = create_engine(database_url)
    with engine.begin() as conn:
        conn.execute(
            update(OutboxMessage).where(OutboxMessage.id == first["id"]).values(attempts=4)
        )
    engine.dispose()
    assert json.loads(bot("outbox", "list", "--json")[1])[0]["attempts"] == 4
    out = bot("outbox", "list")[1].splitlines()
    assert out[0].split()[:4] == ["#", "Status", "Failed", "tries"]
    assert out[2].split()[:3] == [str(first["id"]), "sent", "4"]


def test_outbox_list_says_why_each_failed_email_was_refused(
    bot: Run, config: Path, database_url: str
) -> None:
    _open_case(bot, config)
    [first, *_] = json.loads(bot("outbox", "list", "--json")[1])
    why = "SMTP relay:25: the server refused the message (554 5.7.1 content policy)"
    engine = create_engine(database_url)
    with engine.begin() as conn:
        conn.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == first["id"])
            .values(status="failed", attempts=1, last_error=why)
        )
    engine.dispose()
    out = bot("outbox", "list")[1]
    assert (
        f"Refused for good (tscp-bot outbox retry N sends one again)\n  #{first['id']} {why}\n"
        in out
    )
    assert "Refused for good" not in bot("outbox", "list", "--status", "sent")[1]


def test_triage_list_says_waiting_for_mail_waiting_for_a_person(bot: Run, config: Path) -> None:
    drop_into_maildir(
        config.parent / "mail" / "inbox",
        email(
            "Room booking for Thursday",
            "Could I book the Ashton room on Thursday afternoon, please?",
            sender="robin.invented@tameside.gov.uk",
            message_id="<room-2@tameside.gov.uk>",
        ),
    )
    assert bot("run", "--once", now="2026-12-23T07:30")[0] == 0
    [row] = json.loads(bot("triage", "list", "--json")[1])
    assert row["status"] == "waiting"
    line = bot("triage", "list")[1].splitlines()[2]
    assert line.split()[1] == "waiting" and "processed" not in line


@pytest.mark.parametrize(
    "command", [["cases"], ["case", "x"], ["outbox"], ["triage"], ["chronology", "x"]]
)
def test_every_listing_offers_json_with_help(
    command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        main([*command, "--help"])
    out = capsys.readouterr().out
    assert "--json" in out and "as JSON" in out


class _Terminal(io.StringIO):
    """Standing in for a terminal: the CLI fits tables only to a terminal, not into a pipe."""

    def isatty(self) -> bool:
        return True


def test_tables_fit_the_terminal_and_pipes_get_every_cell_whole(
    bot: Run, config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _open_case(bot, config)
    piped = bot("outbox", "list")[1].splitlines()
    assert max(len(line) for line in piped) > 80  # subjects and recipients are long
    screen = _Terminal()
    monkeypatch.setattr(sys, "stdout", screen)
    monkeypatch.setenv("COLUMNS", "80")  # what shutil.get_terminal_size reads first
    assert main(["--config", str(config), "--now", NOW, "outbox", "list"]) == 0
    shown = screen.getvalue().splitlines()
    assert len(shown) == len(piped)
    assert max(len(line) for line in shown) <= 80
    assert any(line.endswith("\u2026") for line in shown)  # cut, and visibly so
    # The headings and the short columns (state, case reference) are never cut.
    assert shown[0].split()[:5] == ["#", "Status", "Failed", "tries", "Case"]
    assert [line.split()[:4] for line in shown[2:]] == [line.split()[:4] for line in piped[2:]]
    assert sum(REF in line for line in shown) == 2


def test_a_table_on_a_narrow_terminal_keeps_its_dates_whole(
    bot: Run, config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Written as the digest writes them, a date and time is longer than a cell is ever cut
    # to; "Wed 23 Dec 2026…" would leave a Business Manager guessing when a case was opened.
    _open_case(bot, config)
    screen = _Terminal()
    monkeypatch.setattr(sys, "stdout", screen)
    monkeypatch.setenv("COLUMNS", "80")
    assert main(["--config", str(config), "--now", NOW, "cases"]) == 0
    [_, _, line] = screen.getvalue().splitlines()
    assert "  Wed 23 Dec 2026 09:00  " in line and "  Tue 29 Dec 2026" in line


def _parsers(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                yield from _parsers(child)


def test_every_json_option_says_what_it_prints() -> None:
    found = [
        (parser.prog, action.help)
        for parser in _parsers(build_parser())
        for action in parser._actions
        if "--json" in action.option_strings
    ]
    assert len(found) >= 12
    assert [prog for prog, text in found if not text or "JSON" not in text] == []


def test_a_deadline_due_while_the_council_is_closed_is_for_today(
    bot: Run, config: Path, database_url: str
) -> None:
    """A SIN of Mon 21 Dec 2026, the council closed 29-31 Dec: the National Panel is to be told
    by Wed 30 Dec; on Thu 24 Dec, the last working day before it, the terminal says so as the
    digest does, not merely that it is still to come."""
    partnership = example_data()["partnership"]
    partnership["local_closures"] = [
        {"date": date(2026, 12, day), "name": "Council office closure"} for day in (29, 30, 31)
    ]
    write_config(config.parent, database_url, partnership=partnership)
    drop_into_maildir(config.parent / "mail" / "inbox", sin())
    assert bot("run", "--once", now="2026-12-21T09:00")[0] == 0
    engine = create_engine(database_url)
    with engine.begin() as conn:  # the Screening Panel met on Tue 22 Dec, in time
        conn.execute(
            update(Deadline)
            .where(Deadline.name == "screening_meeting")
            .values(met_at=datetime(2026, 12, 22, 15, tzinfo=UTC), met_on=date(2026, 12, 22))
        )
    engine.dispose()
    said = (
        "ACT TODAY: due Wed 30 Dec 2026, while the council is closed "
        "(Fri 25 Dec 2026 to Sun 3 Jan 2027)"
    )
    on_24 = "2026-12-24T09:00"

    [row] = json.loads(bot("cases", "--json", now=on_24)[1])
    assert row["next_deadline"] == "panel_notification" and row["overdue"] is False
    assert row["while_closed"] == said.removeprefix("ACT TODAY: ") + ": act today"
    out = bot("cases", now=on_24)[1]
    assert out.splitlines()[2].endswith("ACT TODAY")
    assert f"{REF} panel_notification: {said}" in out

    out = bot("case", REF, now=on_24)[1]
    [listed] = [line for line in out.splitlines() if line.startswith("panel_notification")]
    assert "ACT TODAY" in listed and " open " not in f"{listed} "
    assert f"  panel_notification: {said}\n" in out
    [shown] = [
        d
        for d in json.loads(bot("case", REF, "--json", now=on_24)[1])["deadlines"]
        if d["name"] == "panel_notification"
    ]
    assert (shown["state"], shown["while_closed"]) == ("open", row["while_closed"])

    # The day before, a working day still comes first (Thu 24 Dec): nothing to say yet.
    [row] = json.loads(bot("cases", "--json", now="2026-12-23T09:00")[1])
    assert row["while_closed"] is None
    assert "ACT TODAY" not in bot("cases", now="2026-12-23T09:00")[1]


def test_every_deadline_due_while_the_council_is_closed_is_for_today(
    bot: Run, config: Path, database_url: str
) -> None:
    """The same closure: on Thu 24 Dec the case's next deadline (the Screening Panel, due Wed 23
    Dec) is overdue, and the National Panel's, due Wed 30 Dec, is for today all the same; and
    with two deadlines due in the closure, both are."""
    partnership = example_data()["partnership"]
    partnership["local_closures"] = [
        {"date": date(2026, 12, day), "name": "Council office closure"} for day in (29, 30, 31)
    ]
    write_config(config.parent, database_url, partnership=partnership)
    drop_into_maildir(config.parent / "mail" / "inbox", sin())
    assert bot("run", "--once", now="2026-12-21T09:00")[0] == 0
    on_24 = "2026-12-24T09:00"
    said = (
        "ACT TODAY: due Wed 30 Dec 2026, while the council is closed "
        "(Fri 25 Dec 2026 to Sun 3 Jan 2027)"
    )

    [row] = json.loads(bot("cases", "--json", now=on_24)[1])
    assert (row["next_deadline"], row["overdue"], row["while_closed"]) == (
        "screening_meeting",
        True,
        None,
    )
    assert [(x["deadline"], x["due"]) for x in row["act_today"]] == [
        ("panel_notification", "2026-12-30")
    ]
    out = bot("cases", now=on_24)[1]
    assert out.splitlines()[2].endswith("OVERDUE, ACT TODAY")
    assert f"{REF} panel_notification: {said}" in out

    engine = create_engine(database_url)
    with engine.begin() as conn:  # the Screening Panel's decision moved into the closure
        conn.execute(
            update(Deadline)
            .where(Deadline.name == "screening_meeting")
            .values(due=date(2026, 12, 31))
        )
    engine.dispose()
    [row] = json.loads(bot("cases", "--json", now=on_24)[1])
    assert row["next_deadline"] == "panel_notification" and row["overdue"] is False
    assert row["while_closed"] == said.removeprefix("ACT TODAY: ") + ": act today"
    assert [x["deadline"] for x in row["act_today"]] == ["panel_notification", "screening_meeting"]
    out = bot("cases", now=on_24)[1]
    assert out.splitlines()[2].endswith("ACT TODAY")
    assert f"{REF} panel_notification: {said}" in out
    assert f"{REF} screening_meeting: {said.replace('Wed 30', 'Thu 31')}" in out

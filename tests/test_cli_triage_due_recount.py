"""A triage line's would-be due day (bot.core.complaint_again) counted with the calendar in use
when it is shown: a council closure day added to the configuration after the mail arrived
moves the day the digest and `tscp-bot triage list` give, as it moves the day of the record
`tscp-bot triage new-case N` opens, so the line and the record agree.

Time: the complaints arrive on Tuesday 8 December 2026, due Fri 8 Jan 2027 as counted then;
the council's closure on Tuesday 29 December is configured afterwards, so due Mon 11 Jan 2027.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

from tests.fixtures.app import example_data
from tests.fixtures.mail import LONDON, drop_into_maildir
from tests.fixtures.mail import email as make_email
from tests.test_cli import Run, bot, cli, config, inbox, write_config
from tests.test_cli_complaint_again import _digest_of

__all__ = ["bot", "cli", "config"]  # the fixtures this module borrows

PUBLIC = "pat.public@example.org"
ARRIVED = datetime(2026, 12, 8, 10, 0, tzinfo=LONDON)
UNHELD = "I wish to make a formal complaint about the decision on TSCP-2026-0099."
FIRST = "I wish to make a formal complaint about how my concerns were handled."
SECOND = "I also wish to make a formal complaint about the partnership's review decision."


def _mail(config: Path, n: int, subject: str, body: str, arrived: datetime) -> None:
    raw = make_email(subject, body, sender=PUBLIC, message_id=f"<d{n}@example.org>")
    drop_into_maildir(inbox(config), raw, arrived=arrived)


def _close_on_29_december(config: Path, database_url: str) -> None:
    partnership = example_data()["partnership"]
    partnership["local_closures"] = [{"date": date(2026, 12, 29), "name": "Council office closure"}]
    write_config(config.parent, database_url, partnership=partnership)


def _reasons(bot: Run) -> list[str]:
    code, out, err = bot("triage", "list", "--json", now="2026-12-09T09:00")
    assert code == 0, err
    return [str(r["reason"]) for r in json.loads(out)]


def test_a_closure_added_after_arrival_moves_the_not_held_lines_due_day(
    bot: Run, config: Path, database_url: str
) -> None:
    """Before, the line kept Fri 8 Jan 2027 while `triage new-case` opened the record due
    Mon 11 Jan 2027: the Business Manager was shown a day two working days early."""
    _mail(config, 1, "Complaint about TSCP-2026-0099", UNHELD, ARRIVED)
    assert bot("run", "--once", now="2026-12-08T10:05")[0] == 0
    assert "would be due Fri 8 Jan 2027" in _reasons(bot)[0]

    _close_on_29_december(config, database_url)

    said = (
        "(its written response would be due Mon 11 Jan 2027, 20 working days from its arrival "
        "on Tue 8 Dec 2026)"
    )
    [reason] = _reasons(bot)
    assert said in reason
    assert bot("run", "--once", now="2026-12-09T08:05")[0] == 0
    digest = _digest_of(config, "Wednesday 9 December 2026")
    assert said in digest and "Fri 8 Jan 2027" not in digest
    code, out, err = bot("triage", "new-case", "1", now="2026-12-09T10:00")
    assert (code, err) == (0, ""), err
    assert "written response due Mon 11 Jan 2027" in out


def test_a_closure_added_after_arrival_moves_the_maybe_new_complaints_due_day(
    bot: Run, config: Path, database_url: str
) -> None:
    """A fresh complaint while one is open: its line under "Needs your attention" and on the
    triage list both give the day counted now."""
    _mail(config, 1, "Complaint", FIRST, datetime(2026, 12, 1, 10, 0, tzinfo=LONDON))
    assert bot("run", "--once", now="2026-12-01T10:05")[0] == 0
    _mail(config, 2, "Another complaint", SECOND, ARRIVED)
    assert bot("run", "--once", now="2026-12-08T10:05")[0] == 0

    _close_on_29_december(config, database_url)

    said = (
        "its written response is due Mon 11 Jan 2027 (20 working days from its arrival on "
        "Tue 8 Dec 2026)"
    )
    [reason] = _reasons(bot)
    assert said in reason
    assert bot("run", "--once", now="2026-12-09T08:05")[0] == 0
    digest = _digest_of(config, "Wednesday 9 December 2026")
    assert digest.count(said) == 2 and "Fri 8 Jan 2027" not in digest

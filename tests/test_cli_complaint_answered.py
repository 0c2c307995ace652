"""`tscp-bot command REF "Answered: <date>"`: the reply to a complaint recorded at the terminal,
then seen in `tscp-bot case` and counted by `tscp-bot report`."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from tests.fixtures.mail import drop_into_maildir
from tests.fixtures.mail import email as make_email
from tests.test_cli import Run, bot, cli, config, inbox, one_line_error

__all__ = ["bot", "cli", "config"]  # the fixtures this module borrows

REF = "TSCP-2026-0001"


def _complaint(bot: Run, config: Path) -> None:
    """A complaint from the public, received on Wednesday 23 December 2026 (reply due Mon 25
    January 2027)."""
    raw = make_email(
        "Complaint about the partnership's review decision",
        "I wish to make a formal complaint about how my concerns were handled.",
        sender="pat.public@example.org",
        message_id="<complaint@example.org>",
    )
    drop_into_maildir(inbox(config), raw)
    assert bot("run", "--once")[0] == 0


def test_answered_at_the_terminal_meets_the_clock_and_the_report_counts_it(
    bot: Run, config: Path
) -> None:
    _complaint(bot, config)
    now = "2027-01-15T10:00"
    code, _, err = bot("command", REF, "Answered: 18/01/2027", now=now)
    assert code == 2 and "after today" in one_line_error(err)
    code, out, err = bot("command", REF, "Answered: 14/01/2027", now=now)
    assert (code, err) == (0, "")
    assert out.startswith("Answered: 14/01/2027: reply to the complaint recorded as sent on ")

    code, out, _ = bot("case", REF, "--json", now=now)
    case = json.loads(out)
    assert case["stage"] == "complaint" and case["status"] == "open"
    [clock] = case["deadlines"]
    assert (clock["name"], clock["state"], clock["met"]) == (
        "complaint_response",
        "met",
        "2027-01-14",
    )

    code, out, _ = bot("report", "--from", "01/04/2026", "--to", "31/03/2027", "--csv", now=now)
    [whole] = [
        r
        for r in csv.DictReader(io.StringIO(out))
        if r["measure"] == "complaint_response" and r["whole_period"] == "yes"
    ]
    assert (whole["due"], whole["on_time"], whole["late"], whole["on_time_rate"]) == (
        "1",
        "1",
        "0",
        "1.0",
    )


def test_answered_twice_at_the_terminal_is_refused_unless_the_same_day(
    bot: Run, config: Path
) -> None:
    _complaint(bot, config)
    assert bot("command", REF, "Answered: 14/01/2027", now="2027-01-15T10:00")[0] == 0
    code, out, _ = bot("command", REF, "Answered: 14/01/2027", now="2027-01-18T10:00")
    assert code == 0 and "nothing changed" in out
    code, _, err = bot("command", REF, "Answered: 15/01/2027", now="2027-01-18T10:00")
    assert code == 2 and "Correct Answered: <date> because <reason>" in one_line_error(err)


def test_an_extension_at_the_terminal_shows_in_cases_and_the_report_keeps_the_20_days(
    bot: Run, config: Path
) -> None:
    _complaint(bot, config)
    now = "2027-01-19T10:00"
    line = "Complaint extended: 08/02/2027 agreed with the complainant on 18/01/2027"
    code, out, err = bot("command", REF, line, now=now)
    assert (code, err) == (0, "") and "was due Mon 25 Jan 2027; now extended to" in out
    code, out, _ = bot("cases", now="2027-01-27T10:00")
    assert (
        f"{REF} complaint_response: due Mon 25 Jan 2027; extended to Mon 8 Feb 2027, agreed "
        "with the complainant on Mon 18 Jan 2027"
    ) in out
    assert "OVERDUE" not in out  # the agreed day is the one chased
    assert bot("command", REF, "Answered: 01/02/2027", now="2027-02-01T10:00")[0] == 0
    code, out, _ = bot("report", "--from", "01/04/2026", "--to", "31/03/2027", now="2027-02-02")
    assert "Extended by agreement (counted above against the rule's own day)" in out
    assert "1 extended, 1 met the agreed day" in out
    code, out, _ = bot("report", "--from", "01/04/2026", "--to", "31/03/2027", "--csv")
    [whole] = [
        r
        for r in csv.DictReader(io.StringIO(out))
        if r["measure"] == "complaint_response" and r["whole_period"] == "yes"
    ]
    assert (whole["on_time"], whole["late"]) == ("0", "1")
    assert (whole["extended_by_agreement"], whole["met_agreed_date"]) == ("1", "1")

"""`tscp-bot triage new-case N` and `triage done N` on a fresh complaint from someone whose
complaint is open (bot.core.complaint_again): the one opens it as its own complaint record,
counted from the day it arrived; the other leaves it on the open complaint. Either way it
leaves the triage list, and so "Needs your attention".

Time: the first complaint arrives on Tuesday 1 December 2026, the second, a fresh email, on
Tuesday 8 December; the Business Manager decides on Tuesday 15 December.
"""

from __future__ import annotations

import email
import json
from datetime import datetime
from email import policy
from pathlib import Path

from tests.fixtures.mail import LONDON, drop_into_maildir, outbox_messages
from tests.fixtures.mail import email as make_email
from tests.test_cli import Run, bot, cli, config, inbox, outbox_folder

__all__ = ["bot", "cli", "config"]  # the fixtures this module borrows

PUBLIC = "pat.public@example.org"
FIRST = "I wish to make a formal complaint about how my concerns were handled."
SECOND = "I also wish to make a formal complaint about the partnership's review decision."


def _mail(config: Path, n: int, subject: str, body: str, arrived: datetime) -> None:
    raw = make_email(subject, body, sender=PUBLIC, message_id=f"<c{n}@example.org>")
    drop_into_maildir(inbox(config), raw, arrived=arrived)


def _two_complaints(bot: Run, config: Path) -> None:
    _mail(config, 1, "Complaint", FIRST, datetime(2026, 12, 1, 10, 0, tzinfo=LONDON))
    assert bot("run", "--once", now="2026-12-01T10:05")[0] == 0
    _mail(config, 2, "Another complaint", SECOND, datetime(2026, 12, 8, 10, 0, tzinfo=LONDON))
    assert bot("run", "--once", now="2026-12-08T10:05")[0] == 0


def _digest_of(config: Path, day: str) -> str:
    """The plain text of the daily digest of `day` ("Wednesday 9 December 2026"), flattened:
    picked by its day, as the outbox folder lists its files in no set order."""
    found = []
    for raw in outbox_messages(outbox_folder(config)):
        msg = email.message_from_bytes(raw, policy=policy.default)
        if str(msg["Subject"]).startswith("TSCP digest"):
            body = msg.get_body(preferencelist=("plain",))
            assert body is not None
            text = " ".join(str(body.get_content()).split())
            if text.startswith(f"TSCP daily digest for {day} "):
                found.append(text)
    [digest] = found
    return digest


def _triage(bot: Run) -> list[dict[str, object]]:
    code, out, err = bot("triage", "list", "--json", now="2026-12-15T10:00")
    assert code == 0, err
    found: list[dict[str, object]] = json.loads(out)
    return found


def test_new_case_opens_the_fresh_complaint_as_its_own_record_from_its_arrival(
    bot: Run, config: Path
) -> None:
    _two_complaints(bot, config)
    [waiting] = _triage(bot)
    assert waiting["id"] == 2 and "tscp-bot triage new-case 2" in str(waiting["reason"])
    code, out, err = bot("triage", "new-case", "2", now="2026-12-15T10:00")
    assert (code, err) == (0, ""), err
    assert out.splitlines() == [
        "message #2: complaint TSCP-2026-0002 opened, counted from its arrival on Tue 8 Dec "
        "2026; written response due Fri 8 Jan 2027; the complainant acknowledged",
        "message #2 taken off the triage list; moved to Processed",
    ]
    assert _triage(bot) == []
    code, out, _ = bot("triage", "new-case", "2", now="2026-12-15T10:05")
    assert (code, out) == (0, "message #2 already opened TSCP-2026-0002: nothing more done\n")


def test_done_leaves_it_on_the_open_complaint_and_new_case_then_opens_nothing(
    bot: Run, config: Path
) -> None:
    _two_complaints(bot, config)
    assert bot("run", "--once", now="2026-12-09T08:05")[0] == 0
    before = _digest_of(config, "Wednesday 9 December 2026")
    assert "may be a new complaint" in before and "triage done 2" in before
    code, out, err = bot("triage", "done", "2", now="2026-12-15T10:00")
    assert code == 0, err
    assert bot("run", "--once", now="2026-12-16T08:05")[0] == 0
    assert "may be a new complaint" not in _digest_of(config, "Wednesday 16 December 2026")
    code, _, err = bot("triage", "new-case", "2", now="2026-12-15T10:05")
    assert code != 0
    assert "message #2 is not on the triage list (filed on TSCP-2026-0001)" in err
    code, out, _ = bot("cases", "--json", now="2026-12-15T10:05")
    assert [c["ref"] for c in json.loads(out)] == ["TSCP-2026-0001"]


UNHELD = "I wish to make a formal complaint about the decision on TSCP-2026-0099."


def _outbox_to(config: Path, address: str) -> list[str]:
    """The subjects of the emails sent to `address`."""
    found = []
    for raw in outbox_messages(outbox_folder(config)):
        msg = email.message_from_bytes(raw, policy=policy.default)
        if address in str(msg["To"]):
            found.append(str(msg["Subject"]))
    return found


def test_new_case_opens_a_complaint_naming_a_reference_no_case_has_from_its_arrival(
    bot: Run, config: Path
) -> None:
    """From someone with no open complaint it is on no case: on the triage list with no clock,
    until new-case opened it only from a SIN form, so no command gave it its 20 working days."""
    _mail(config, 1, "Complaint about TSCP-2026-0099", UNHELD,
          datetime(2026, 12, 8, 10, 0, tzinfo=LONDON))  # fmt: skip
    assert bot("run", "--once", now="2026-12-08T10:05")[0] == 0
    said = (
        "refers to TSCP-2026-0099, which is not a known case: if it is a new complaint, "
        "tscp-bot triage new-case 1 opens it (its written response would be due Fri 8 Jan "
        "2027, 20 working days from its arrival on Tue 8 Dec 2026); tscp-bot triage done 1 "
        "if not"
    )
    [waiting] = _triage(bot)
    assert (waiting["id"], waiting["reason"]) == (1, said)
    assert bot("run", "--once", now="2026-12-09T08:05")[0] == 0
    assert said in _digest_of(config, "Wednesday 9 December 2026")
    assert _outbox_to(config, PUBLIC) == []  # not acknowledged while no one has decided

    code, out, err = bot("triage", "new-case", "1", now="2026-12-15T10:00")

    assert (code, err) == (0, ""), err
    assert out.splitlines() == [
        "message #1: complaint TSCP-2026-0001 opened, counted from its arrival on Tue 8 Dec "
        "2026; written response due Fri 8 Jan 2027; the complainant acknowledged",
        "message #1 taken off the triage list; moved to Processed",
    ]
    assert _triage(bot) == []
    code, out, _ = bot("case", "TSCP-2026-0001", "--json", now="2026-12-15T10:05")
    record = json.loads(out)
    assert record["kind"] == "complaint"
    [clock] = [d for d in record["deadlines"] if d["name"] == "complaint_response"]
    assert (clock["start"], clock["due"]) == ("2026-12-08", "2027-01-08")
    assert bot("run", "--once", now="2026-12-15T10:10")[0] == 0
    [ack] = _outbox_to(config, PUBLIC)
    assert "TSCP-2026-0001" in ack
    code, out, _ = bot("triage", "new-case", "1", now="2026-12-15T10:15")
    assert (code, out) == (0, "message #1 already opened TSCP-2026-0001: nothing more done\n")


def test_new_case_refuses_in_one_line_a_message_naming_no_known_case_that_is_no_complaint(
    bot: Run, config: Path
) -> None:
    _mail(config, 1, "Re: TSCP-2026-0099", "Thank you for letting me know.",
          datetime(2026, 12, 8, 10, 0, tzinfo=LONDON))  # fmt: skip
    assert bot("run", "--once", now="2026-12-08T10:05")[0] == 0
    [waiting] = _triage(bot)
    assert waiting["reason"] == "refers to TSCP-2026-0099, which is not a known case"

    code, out, err = bot("triage", "new-case", "1", now="2026-12-15T10:00")

    assert (code, out) == (2, "")
    assert err == (
        "tscp-bot: message #1 carries no SIN form the bot can read (no SIN form in its text or "
        "attachments)\n"
    )
    code, out, _ = bot("cases", "--json", now="2026-12-15T10:05")
    assert json.loads(out) == []


def test_done_takes_a_complaint_naming_no_known_case_off_and_new_case_then_opens_nothing(
    bot: Run, config: Path
) -> None:
    _mail(config, 1, "Complaint about TSCP-2026-0099", UNHELD,
          datetime(2026, 12, 8, 10, 0, tzinfo=LONDON))  # fmt: skip
    assert bot("run", "--once", now="2026-12-08T10:05")[0] == 0
    assert bot("triage", "done", "1", now="2026-12-15T10:00")[0] == 0

    code, _, err = bot("triage", "new-case", "1", now="2026-12-15T10:05")

    assert code != 0
    assert err == "tscp-bot: message #1 is not on the triage list (dealt with): nothing to open\n"

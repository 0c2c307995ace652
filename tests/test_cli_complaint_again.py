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

"""`About case: <ref>` on an escalation record opened with no case: the Business Manager, having
learnt which case it is about, ties it to that case, whose history (with who and when) and the
digest then show it; refused in one line for a reference no case has, and for an escalation
already tied to another case.

Time: the SINs arrive on Monday 7 December 2026, the escalation naming no case on Tuesday 8
December; the Business Manager links it on Wednesday 9 December.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from tests.fixtures.mail import LONDON, drop_into_maildir, sin
from tests.fixtures.mail import email as make_email
from tests.test_cli import Run, bot, cli, config, inbox, one_line_error
from tests.test_cli_complaint_again import _digest_of

__all__ = ["bot", "cli", "config"]  # the fixtures this module borrows

NURSE = "priya.castellan@nhs.net"
ESCALATION = (
    "We wish to escalate the screening decision under the Resolving Professional Differences "
    "policy: we do not agree with it."
)


def _escalation_on_no_case(bot: Run, config: Path) -> None:
    """TSCP-2026-0001 and TSCP-2026-0002 from two SINs, then escalation TSCP-2026-0003."""
    drop_into_maildir(inbox(config), sin(), arrived=datetime(2026, 12, 7, 9, 0, tzinfo=LONDON))
    assert bot("run", "--once", now="2026-12-07T09:05")[0] == 0
    other = sin().replace(b"Message-ID: <", b"Message-ID: <second-")
    drop_into_maildir(inbox(config), other, arrived=datetime(2026, 12, 7, 9, 10, tzinfo=LONDON))
    assert bot("run", "--once", now="2026-12-07T09:15")[0] == 0
    raw = make_email("Escalation", ESCALATION, sender=NURSE, message_id="<e1@nhs.net>")
    drop_into_maildir(inbox(config), raw, arrived=datetime(2026, 12, 8, 10, 0, tzinfo=LONDON))
    assert bot("run", "--once", now="2026-12-08T10:05")[0] == 0
    code, out, err = bot("cases", "--json", now="2026-12-08T10:10")
    assert code == 0, err
    kinds = {c["ref"]: c["kind"] for c in json.loads(out)}
    assert kinds == {
        "TSCP-2026-0001": "review",
        "TSCP-2026-0002": "review",
        "TSCP-2026-0003": "escalation",
    }


def test_about_case_links_an_escalation_opened_with_no_case_to_its_case(
    bot: Run, config: Path
) -> None:
    """Before, no command linked it: the case's history and the digest never showed it."""
    _escalation_on_no_case(bot, config)

    code, out, err = bot(
        "command", "TSCP-2026-0003", "About case: TSCP-2026-0001", now="2026-12-09T09:00"
    )

    assert (code, err) == (0, ""), err
    assert "escalation TSCP-2026-0003 linked to TSCP-2026-0001" in out
    code, out, _ = bot("case", "TSCP-2026-0001", "--json", now="2026-12-09T09:05")
    [linked] = [e for e in json.loads(out)["events"] if e["what"] == "escalation_linked"]
    assert linked["detail"] == "Escalation TSCP-2026-0003 linked to TSCP-2026-0001"
    assert linked["actor"].startswith("terminal:")
    assert linked["at"].startswith("2026-12-09T09:00")
    assert bot("run", "--once", now="2026-12-10T08:05")[0] == 0
    digest = _digest_of(config, "Thursday 10 December 2026")
    row = "TSCP-2026-0003 Tue 8 Dec 2026 10:00 TSCP-2026-0001 priya.castellan@nhs.net"
    assert f"OPEN ESCALATIONS Escalation Received About From {row}" in digest

    code, out, err = bot(
        "command", "TSCP-2026-0003", "About case: TSCP-2026-0001", now="2026-12-09T09:10"
    )
    assert (code, err) == (0, "") and "already linked to TSCP-2026-0001: nothing changed" in out


def test_about_case_is_refused_for_an_unknown_case_or_one_already_linked(
    bot: Run, config: Path
) -> None:
    _escalation_on_no_case(bot, config)

    code, _, err = bot(
        "command", "TSCP-2026-0003", "About case: TSCP-2026-0099", now="2026-12-09T09:00"
    )
    assert code == 2
    assert "no case TSCP-2026-0099: check the reference; nothing linked" in one_line_error(err)

    assert bot("command", "TSCP-2026-0003", "About case: TSCP-2026-0001")[0] == 0
    code, _, err = bot(
        "command", "TSCP-2026-0003", "About case: TSCP-2026-0002", now="2026-12-09T09:10"
    )
    assert code == 2
    assert "escalation TSCP-2026-0003 is already linked to TSCP-2026-0001" in one_line_error(err)
    code, out, _ = bot("case", "TSCP-2026-0002", "--json", now="2026-12-09T09:15")
    assert "TSCP-2026-0003" not in out


def test_about_case_links_a_closed_escalation_but_not_a_closed_case(bot: Run, config: Path) -> None:
    """Which case an escalation was about is often learnt after it was closed; before, the
    command was refused on a closed record, so the case's history never showed it."""
    _escalation_on_no_case(bot, config)
    assert bot("command", "TSCP-2026-0003", "Close: dealt with by phone")[0] == 0
    closing = ("Notifiable: no because it was sent twice", "Close: duplicate notification")
    assert bot("command", "TSCP-2026-0002", *closing)[0] == 0

    code, out, err = bot(
        "command", "TSCP-2026-0003", "About case: TSCP-2026-0001", now="2026-12-09T09:00"
    )

    assert (code, err) == (0, ""), err
    assert "escalation TSCP-2026-0003 linked to TSCP-2026-0001; its history shows it" in out
    code, out, _ = bot("case", "TSCP-2026-0001", "--json", now="2026-12-09T09:05")
    [linked] = [e for e in json.loads(out)["events"] if e["what"] == "escalation_linked"]
    assert linked["detail"] == "Escalation TSCP-2026-0003 linked to TSCP-2026-0001"
    code, _, err = bot(
        "command", "TSCP-2026-0002", "About case: TSCP-2026-0001", now="2026-12-09T09:10"
    )
    assert code == 2
    assert "this applies to escalation records only" in one_line_error(err)

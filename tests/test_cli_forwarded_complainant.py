"""A forwarded complaint's record keeps the complainant's address, read from the forward's
quoted From line when that gives it for sure, and never the forwarder's: the forwarder's own
later complaint is not taken for more of a stranger's, and the complainant writing herself is
more of her own. When the From line gives no address for sure, the record keeps none, and the
triage line (and so the digest) says the complainant's address is not known.

Time: the SIN arrives on Monday 30 November 2026, the forward on Tuesday 8 December, the next
email on Wednesday 9 December.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from tests.fixtures.mail import LONDON, drop_into_maildir, sin
from tests.fixtures.mail import email as make_email
from tests.test_cli import Run, bot, cli, config, inbox
from tests.test_cli_not_held import ARRIVED, BM, COUNCILLOR, PUBLIC, _forward, _outbox_to, _triage

__all__ = ["bot", "cli", "config"]  # the fixtures this module borrows

NEXT = datetime(2026, 12, 9, 10, 0, tzinfo=LONDON)
UNKNOWN = (
    "the complainant's address is not known: the forward names no one else's for sure on its "
    "From line, so the bot records none; take it from the forwarded email"
)


def _forwarded_on_case(bot: Run, config: Path, by: str, named: bool = True) -> None:
    """Case TSCP-2026-0001 from a SIN; complaint TSCP-2026-0002 forwarded by `by` about it."""
    drop_into_maildir(inbox(config), sin(), arrived=datetime(2026, 11, 30, 9, 0, tzinfo=LONDON))
    assert bot("run", "--once", now="2026-11-30T09:05")[0] == 0
    forward = _forward("01 December 2026 16:20", by).replace(b"TSCP-2026-0099", b"TSCP-2026-0001")
    if not named:  # Outlook's From line with a name alone
        forward = forward.replace(f"Chris Member <{PUBLIC}>".encode(), b"Chris Member")
    drop_into_maildir(inbox(config), forward, arrived=ARRIVED)
    assert bot("run", "--once", now="2026-12-08T10:05")[0] == 0


def _kinds(bot: Run) -> dict[str, str]:
    code, out, err = bot("cases", "--json", now="2026-12-09T10:10")
    assert code == 0, err
    return {c["ref"]: c["kind"] for c in json.loads(out)}


def _complaint(config: Path, sender: str, body: str) -> None:
    raw = make_email("Complaint", body, sender=sender, message_id="<again@example.org>")
    drop_into_maildir(inbox(config), raw, arrived=NEXT)


def test_the_complainant_writing_herself_is_more_of_the_complaint_the_business_manager_forwarded(
    bot: Run, config: Path
) -> None:
    """Before, the record held the Business Manager's address: the complainant's own email
    opened a second complaint, with its own 20 working days, and was acknowledged as new."""
    _forwarded_on_case(bot, config, BM)
    _complaint(config, PUBLIC, "I wish to make a formal complaint: I have had no reply yet.")

    assert bot("run", "--once", now="2026-12-09T10:05")[0] == 0

    assert _kinds(bot) == {"TSCP-2026-0001": "review", "TSCP-2026-0002": "complaint"}
    assert _outbox_to(config, PUBLIC) == []
    reasons = [str(w["reason"]) for w in _triage(bot)]
    assert any("TSCP-2026-0002" in r and "new-case" in r for r in reasons), reasons
    assert not any(UNKNOWN in r for r in reasons)


def test_a_forward_naming_no_address_records_none_and_the_forwarders_own_complaint_is_its_own(
    bot: Run, config: Path
) -> None:
    """Before, the record held the councillor's office's address: its own complaint the next
    day was filed on the constituent's as more of it, and no record or clock came of it."""
    _forwarded_on_case(bot, config, COUNCILLOR, named=False)
    reasons = [str(w["reason"]) for w in _triage(bot)]
    assert any(r.startswith("forwarded complaint:") and UNKNOWN in r for r in reasons), reasons

    _complaint(config, COUNCILLOR, "I wish to make a formal complaint about how our enquiry "
               "to the partnership was handled.")  # fmt: skip
    assert bot("run", "--once", now="2026-12-09T10:05")[0] == 0

    assert _kinds(bot)["TSCP-2026-0003"] == "complaint"
    assert any("TSCP-2026-0003" in s for s in _outbox_to(config, COUNCILLOR))

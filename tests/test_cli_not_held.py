"""`tscp-bot triage new-case N` on a forwarded complaint or an escalation naming a reference
no case has (bot.core.complaint_again): each is opened as it would have been on arrival. A
forwarded complaint's clock counts from the day its writer sent it (read from the quoted Sent
line), no one is acknowledged (the forwarder is not the complainant), and it stays on the
triage list for a person to answer the complainant; its triage line's would-be due day is
counted from that day too. An escalation is opened linked to no case, its writer
acknowledged, the Business Manager and the Independent Scrutineer alerted.

Time: the forward and the escalation arrive on Tuesday 8 December 2026; the forwarded email
was sent on Tuesday 1 December; the Business Manager decides on Tuesday 15 December.
"""

from __future__ import annotations

import email
import json
from datetime import datetime
from email import policy
from pathlib import Path

import pytest

from tests.fixtures.mail import LONDON, drop_into_maildir, outbox_messages, sin
from tests.fixtures.mail import email as make_email
from tests.test_cli import Run, bot, cli, config, inbox, outbox_folder

__all__ = ["bot", "cli", "config"]  # the fixtures this module borrows

# Who passes the complaint on: the Business Manager, from an agency's domain (the council's),
# or a councillor's office passing on a constituent's complaint, from none.
BM = "tscp.business.manager@tameside.gov.uk"
COUNCILLOR = "ward.office@ashton-councillors.org.uk"
SCRUTINEER = "tscp.scrutineer@tameside.gov.uk"
PUBLIC = "chris.member@example.org"
ARRIVED = datetime(2026, 12, 8, 10, 0, tzinfo=LONDON)


def _forward(sent: str, by: str = COUNCILLOR) -> bytes:
    body = (
        "Passing this on from a constituent - it came to our office last week.\n\n"
        "-----Original Message-----\n"
        f"From: Chris Member <{PUBLIC}>\n"
        f"Sent: {sent}\n"
        f"To: <{by}>\n"
        "Subject: Complaint about TSCP-2026-0099\n\n"
        "I wish to make a formal complaint about the decision on TSCP-2026-0099.\n\nChris"
    )
    return make_email("FW: Complaint about TSCP-2026-0099", body, sender=by,
                      message_id="<fw1@example.org>")  # fmt: skip


def _outbox_to(config: Path, address: str) -> list[str]:
    """The subjects of the emails sent to `address`."""
    found = []
    for raw in outbox_messages(outbox_folder(config)):
        msg = email.message_from_bytes(raw, policy=policy.default)
        if address in str(msg["To"]):
            found.append(str(msg["Subject"]))
    return found


def _triage(bot: Run) -> list[dict[str, object]]:
    code, out, err = bot("triage", "list", "--json", now="2026-12-15T10:00")
    assert code == 0, err
    found: list[dict[str, object]] = json.loads(out)
    return found


def _clock(bot: Run, ref: str) -> tuple[str, str, str]:
    code, out, err = bot("case", ref, "--json", now="2026-12-15T10:05")
    assert code == 0, err
    record = json.loads(out)
    [clock] = [d for d in record["deadlines"] if d["name"] == "complaint_response"]
    return record["kind"], clock["start"], clock["due"]


@pytest.mark.parametrize("by", [BM, COUNCILLOR])
def test_new_case_opens_a_forwarded_complaint_naming_no_known_case_from_the_day_it_was_sent(
    bot: Run, config: Path, by: str
) -> None:
    """Before, the councillor's forward was opened counted from its arrival (due Fri 8 Jan
    2027, the triage line said so too) and the councillor's office was acknowledged as the
    complainant; the Business Manager's was not read as a complaint at all, and new-case
    refused it (no SIN form)."""
    drop_into_maildir(inbox(config), _forward("01 December 2026 16:20", by), arrived=ARRIVED)
    assert bot("run", "--once", now="2026-12-08T10:05")[0] == 0
    [waiting] = _triage(bot)
    assert waiting["reason"] == (
        "refers to TSCP-2026-0099, which is not a known case: if it is a new complaint, "
        "tscp-bot triage new-case 1 opens it as a forwarded complaint, acknowledged to no one "
        "(the forwarder is not the complainant) (its written response would be due Thu 31 Dec "
        "2026, 20 working days from Tue 1 Dec 2026, the day the forwarded email says the "
        "complainant sent it, not Tue 8 Dec 2026, when the forward arrived); tscp-bot triage "
        "done 1 if not"
    )

    code, out, err = bot("triage", "new-case", "1", now="2026-12-15T10:00")

    assert (code, err) == (0, ""), err
    [opened, stays] = out.splitlines()
    assert opened == (
        "message #1: complaint TSCP-2026-0001 opened, counted from Tue 1 Dec 2026, the day the "
        "forwarded email says the complainant sent it (the forward arrived Tue 8 Dec 2026); "
        "written response due Thu 31 Dec 2026; no one acknowledged (the forwarder is not the "
        "complainant)"
    )
    assert stays.startswith("message #1 stays on the triage list: forwarded complaint: ")
    assert _clock(bot, "TSCP-2026-0001") == ("complaint", "2026-12-01", "2026-12-31")
    [waiting] = _triage(bot)
    assert str(waiting["reason"]).startswith("forwarded complaint: the clock runs from when")
    assert bot("run", "--once", now="2026-12-15T10:10")[0] == 0
    acks = [s for s in _outbox_to(config, by) if "TSCP-2026-0001" in s]
    assert acks == []  # the forwarder is not the complainant
    assert _outbox_to(config, PUBLIC) == []  # as on arrival: a person answers the complainant


def test_a_forwarded_complaint_naming_no_known_case_whose_sent_day_is_unsure_says_so(
    bot: Run, config: Path
) -> None:
    """23:30 EST on Mon 7 Dec is Tue 8 Dec in London if US Eastern, Mon 7 Dec if Australian:
    counted from the forward, and the line says why, as the record will."""
    forward = _forward("Monday, 07 December 2026 23:30 EST")
    drop_into_maildir(inbox(config), forward, arrived=ARRIVED)
    assert bot("run", "--once", now="2026-12-08T10:05")[0] == 0
    [waiting] = _triage(bot)
    assert (
        "(its written response would be due Fri 8 Jan 2027, 20 working days from Tue 8 Dec "
        "2026, when the forward arrived, as the day the forwarded email was sent could not be "
        "read for sure: the Sent line's time zone 'EST' may be US Eastern or Australian Eastern "
        "time, which fall on different days (Mon 7 Dec 2026 or Tue 8 Dec 2026))"
    ) in str(waiting["reason"])

    assert bot("triage", "new-case", "1", now="2026-12-15T10:00")[0] == 0

    assert _clock(bot, "TSCP-2026-0001") == ("complaint", "2026-12-08", "2027-01-08")
    [waiting] = _triage(bot)
    assert "the Sent line's time zone 'EST' may be" in str(waiting["reason"])


ESCALATION = (
    "We wish to escalate the screening decision on TSCP-2026-0099 under the Resolving "
    "Professional Differences policy."
)
NURSE = "priya.castellan@nhs.net"


def test_new_case_opens_an_escalation_naming_no_known_case_as_its_own_record(
    bot: Run, config: Path
) -> None:
    """Before, its line said only that the case is not known, and new-case refused it (no SIN
    form): no command recorded the challenge or told the Scrutineer of it."""
    raw = make_email("Escalation - TSCP-2026-0099", ESCALATION, sender=NURSE,
                     message_id="<e1@nhs.net>")  # fmt: skip
    drop_into_maildir(inbox(config), raw, arrived=ARRIVED)
    assert bot("run", "--once", now="2026-12-08T10:05")[0] == 0
    [waiting] = _triage(bot)
    assert waiting["reason"] == (
        "refers to TSCP-2026-0099, which is not a known case: if it is an escalation, "
        "tscp-bot triage new-case 1 opens it as an escalation record linked to no case, as "
        "one naming no case is opened on arrival (the writer acknowledged if the bot can "
        "answer them, the Business Manager and the Independent Scrutineer alerted; an "
        "escalation has no response clock); tscp-bot triage done 1 if not"
    )
    assert _outbox_to(config, SCRUTINEER) == []

    code, out, err = bot("triage", "new-case", "1", now="2026-12-15T10:00")

    assert (code, err) == (0, ""), err
    assert out.splitlines() == [
        "message #1: escalation TSCP-2026-0001 opened, linked to no case (no response clock); "
        "the writer acknowledged; the Business Manager and the Independent Scrutineer alerted",
        "message #1 taken off the triage list; moved to Processed",
    ]
    assert _triage(bot) == []
    code, out, _ = bot("case", "TSCP-2026-0001", "--json", now="2026-12-15T10:05")
    record = json.loads(out)
    assert (record["kind"], record["deadlines"]) == ("escalation", [])
    said = "Message #1, on the triage list, was opened as escalation TSCP-2026-0001"
    assert said in json.dumps(record)
    assert bot("run", "--once", now="2026-12-15T10:10")[0] == 0
    assert any("TSCP-2026-0001" in s for s in _outbox_to(config, NURSE))
    assert any("TSCP-2026-0001" in s for s in _outbox_to(config, SCRUTINEER))
    code, out, _ = bot("triage", "new-case", "1", now="2026-12-15T10:15")
    assert (code, out) == (0, "message #1 already opened TSCP-2026-0001: nothing more done\n")


def test_the_business_managers_forward_of_a_complaint_about_a_case_opens_its_complaint_record(
    bot: Run, config: Path
) -> None:
    """A forward naming a case the bot holds: before, it was filed on the case as mail about
    it, and no complaint record or 20 working days came of it; now it is opened linked to the
    case, as a member of the public's own complaint on a case is, as a forwarded complaint."""
    drop_into_maildir(inbox(config), sin(), arrived=datetime(2026, 11, 30, 9, 0, tzinfo=LONDON))
    assert bot("run", "--once", now="2026-11-30T09:05")[0] == 0
    forward = _forward("01 December 2026 16:20", BM).replace(b"TSCP-2026-0099", b"TSCP-2026-0001")
    drop_into_maildir(inbox(config), forward, arrived=ARRIVED)

    assert bot("run", "--once", now="2026-12-08T10:05")[0] == 0

    assert _clock(bot, "TSCP-2026-0002") == ("complaint", "2026-12-01", "2026-12-31")
    code, out, err = bot("case", "TSCP-2026-0001", "--json", now="2026-12-15T10:05")
    assert code == 0, err
    assert "Complaint TSCP-2026-0002 raised about this case" in out
    reasons = [str(w["reason"]) for w in _triage(bot)]
    assert any(r.startswith("forwarded complaint: the clock runs from when") for r in reasons)
    assert not any(
        "TSCP-2026-0002" in s for s in _outbox_to(config, BM) + _outbox_to(config, PUBLIC)
    )


def test_done_takes_an_escalation_naming_no_known_case_off_and_new_case_then_opens_nothing(
    bot: Run, config: Path
) -> None:
    raw = make_email("Escalation - TSCP-2026-0099", ESCALATION, sender=NURSE,
                     message_id="<e1@nhs.net>")  # fmt: skip
    drop_into_maildir(inbox(config), raw, arrived=ARRIVED)
    assert bot("run", "--once", now="2026-12-08T10:05")[0] == 0
    assert bot("triage", "done", "1", now="2026-12-15T10:00")[0] == 0

    code, _, err = bot("triage", "new-case", "1", now="2026-12-15T10:05")

    assert code != 0
    assert err == "tscp-bot: message #1 is not on the triage list (dealt with): nothing to open\n"
    code, out, _ = bot("cases", "--json", now="2026-12-15T10:10")
    assert json.loads(out) == []

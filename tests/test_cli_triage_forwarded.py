"""`tscp-bot triage new-case` on a SIN the Business Manager passed on: the police email her two
SIN forms (two children, two incidents) on Friday 11 December 2026 and she forwards them to the
mailbox on Wednesday 16th. The first opens its case on arrival, counted from the Friday; the
second, opened from the triage list, counts from the Friday too, and is acknowledged to the
police, who wrote it, not to her.

Through the command line against real Dovecot and aiosmtpd, on SQLite and PostgreSQL; the email
is the corpus message as it is (tests/corpus), and once with a Sent: line read two ways.
"""

from __future__ import annotations

import email
import json
from email import policy
from typing import Any

from tests.fixtures.app import ROOT
from tests.fixtures.dovecot import DovecotServer
from tests.fixtures.smtp import SmtpTestServer

FORWARD = (
    ROOT / "tests" / "corpus" / "sin-two-forms-forwarded-by-business-manager-sent-earlier.eml"
).read_bytes()
SENT = b"Sent: Friday, 11 December 2026 16:00"
POLICE = "casey.invented@gmp.police.uk"
NEW = "TSCP-2026-0002"


def _json(bot: Any, *args: str) -> Any:
    code, out = bot("--now", "2026-12-16T10:30", *args, "--json")
    assert code == 0
    return json.loads(out)


def _forwarded_then_opened(bot: Any, dovecot: DovecotServer, raw: bytes) -> list[str]:
    """The forward arrives and is processed; the Business Manager opens its second form at
    10:00, and the emails go. What the command printed."""
    dovecot.append(raw)  # it arrives as the bot reads it: 09:00
    assert bot("--now", "2026-12-16T09:00", "run", "--once")[0] == 0
    code, out = bot("--now", "2026-12-16T10:00", "triage", "new-case", "1")
    assert code == 0, out
    assert bot("--now", "2026-12-16T10:05", "run", "--once")[0] == 0
    return str(out).splitlines()


def _acknowledgements(smtp: SmtpTestServer, ref: str) -> list[tuple[list[str], str]]:
    """(envelope recipients, plain text flattened) of each acknowledgement sent for `ref`."""
    found = []
    for rec in smtp.messages:
        msg = email.message_from_bytes(rec.raw, policy=policy.default)
        if f"[{ref}] Serious incident notification received" in str(msg["Subject"]):
            body = msg.get_body(preferencelist=("plain",))
            assert body is not None
            found.append((rec.rcpt_tos, " ".join(str(body.get_content()).split())))
    return found


def test_the_second_form_counts_from_the_day_the_police_sent_it_and_they_are_told(
    bot: Any, dovecot: DovecotServer, smtp_server: SmtpTestServer
) -> None:
    dovecot.append(FORWARD)  # it arrives as the bot reads it: 09:00
    assert bot("--now", "2026-12-16T09:00", "run", "--once")[0] == 0
    [waiting] = _json(bot, "triage", "list")
    assert (
        "if SIN child 2.docx is another incident, run tscp-bot triage new-case 1 to open it as a "
        "new case, counted from Fri 11 Dec 2026, when it was first sent" in waiting["reason"]
    )
    code, out = bot("--now", "2026-12-16T10:00", "triage", "new-case", "1")
    assert code == 0, out
    assert bot("--now", "2026-12-16T10:05", "run", "--once")[0] == 0
    said = out.splitlines()
    assert said[:2] == [
        f"message #1: {NEW} opened from SIN child 2.docx, counted from Fri 11 Dec 2026, the day "
        "the forwarded email says it was sent (the forward arrived Wed 16 Dec 2026 09:00)",
        f"{NEW}: the Screening Panel was due Tue 15 Dec 2026: it is overdue from the start (no "
        "email gives that day as one to come)",
    ]
    assert "the referrer acknowledged" in said[2]
    # A person checks the day, as for any forwarded SIN, told which case it is about.
    assert said[3].startswith(
        f"message #1 stays on the triage list: {NEW}: forwarded SIN: its clocks count from Fri "
        "11 Dec 2026, the day the forwarded email says it was sent, not Wed 16 Dec 2026"
    )

    new = _json(bot, "case", NEW)
    assert new["sin_received_on"] == "2026-12-11"
    clocks = {d["name"]: d for d in new["deadlines"]}
    assert (clocks["screening_meeting"]["start"], clocks["screening_meeting"]["due"]) == (
        "2026-12-11",
        "2026-12-15",
    )
    [overdue] = [e for e in new["events"] if e["what"] == "overdue_on_opening"]
    assert "the day the forwarded SIN was first sent" in overdue["why"]

    # The police wrote it: each case is acknowledged to them, never to the Business Manager.
    [(to, text)] = _acknowledgements(smtp_server, NEW)
    assert to == [POLICE]
    assert "We received it" not in text
    assert (
        "It was passed on to this mailbox by the partnership on Wednesday 16 December 2026. "
        "It was sent on Friday 11 December 2026, so its deadlines are counted from that day."
    ) in text
    assert "Those 2 working days ended on Tuesday 15 December 2026" in text
    assert [to for to, _ in _acknowledgements(smtp_server, "TSCP-2026-0001")] == [[POLICE]]


def test_a_first_day_read_two_ways_states_no_key_dates_and_asks_her_to_confirm_them(
    bot: Any, dovecot: DovecotServer, smtp_server: SmtpTestServer
) -> None:
    # 05/12/2026 could be 12 May: counted from the forward, perhaps later than the real start.
    said = _forwarded_then_opened(bot, dovecot, FORWARD.replace(SENT, b"Sent: 05/12/2026 16:00"))
    assert said[0] == (
        f"message #1: {NEW} opened from SIN child 2.docx, counted from Wed 16 Dec 2026 09:00, "
        "when the email arrived"
    )
    [waiting] = _json(bot, "triage", "list")
    reason = waiting["reason"]
    assert reason.startswith(
        f"{NEW}: forwarded SIN: its clocks count from Wed 16 Dec 2026, when the forward arrived"
    )
    assert "write Correct Received: <date> because <reason> on the case" in reason
    assert reason.endswith(
        "No key dates were given to the referrer: tell them the deadlines once checked"
    )
    [(to, text)] = _acknowledgements(smtp_server, NEW)
    assert to == [POLICE]
    assert (
        "We could not read for sure the day it was first sent, so the Business Manager will "
        "confirm its deadlines."
    ) in text
    assert "KEY DATES The Business Manager will confirm the deadlines" in text
    assert "18/12/2026" not in text and "Fri 18 Dec" not in text


def test_a_sent_line_in_est_of_two_london_days_names_the_zone_in_triage_and_case(
    bot: Any, dovecot: DovecotServer, smtp_server: SmtpTestServer
) -> None:
    # 23:30 EST on Fri 11 Dec 2026: Sat 12 Dec in London if US Eastern, Fri 11 Dec if
    # Australian Eastern. Both cases count from the forward, and she is told why.
    sent = b"Sent: Friday, 11 December 2026 23:30 EST"
    said = _forwarded_then_opened(bot, dovecot, FORWARD.replace(SENT, sent))
    assert said[0].endswith("counted from Wed 16 Dec 2026 09:00, when the email arrived")
    doubt = (
        "the Sent line's time zone 'EST' may be US Eastern or Australian Eastern time, which "
        "fall on different days (Fri 11 Dec 2026 or Sat 12 Dec 2026)"
    )
    [waiting] = _json(bot, "triage", "list")
    assert (
        f"{NEW}: forwarded SIN: its clocks count from Wed 16 Dec 2026, when the forward "
        f"arrived, as the day the forwarded email was sent could not be read for sure: {doubt}"
    ) in waiting["reason"]
    code, out = bot("--now", "2026-12-16T10:30", "case", NEW)
    assert code == 0
    assert doubt in " ".join(out.split())

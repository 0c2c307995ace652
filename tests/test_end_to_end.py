"""The whole bot through its command line, against real Dovecot, aiosmtpd and both databases,
and again against the local Microsoft Graph (backend = "graph"): one suite, every backend
(tests/fixtures/backends.py).

Time is driven with --now: a SIN arrives on Wednesday 23 December 2026, two days before
Christmas, so every deadline has to step over the bank holidays.
"""

from __future__ import annotations

import email
import json
from datetime import datetime
from email import policy
from typing import Any

import pytest

from tests.fixtures.app import ROOT
from tests.fixtures.backends import Backend, Mailbox, Outbox
from tests.fixtures.mail import dmarc_passed, sin
from tests.fixtures.mail import email as make_email


@pytest.fixture
def bot(backend_bot: Any) -> Any:
    """`tscp-bot` on each backend in turn (IMAP and SMTP, then Microsoft Graph)."""
    return backend_bot


def _by_subject(smtp: Outbox, text: str) -> list[email.message.EmailMessage]:
    found = []
    for rec in smtp.messages:
        msg = email.message_from_bytes(rec.raw, policy=policy.default)
        if text in str(msg["Subject"]):
            found.append(msg)
    return found


def _plain(msg: email.message.EmailMessage) -> str:
    """The plain-text body: every email the bot sends has one."""
    part = msg.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


def test_sin_to_case_ack_invitation_and_digest(bot: Any, mailbox: Mailbox, outbox: Outbox) -> None:
    mailbox.append(sin())
    code, _ = bot("--now", "2026-12-23T09:05", "run", "--once")
    assert code == 0
    assert mailbox.list_uids("INBOX") == [] and len(mailbox.list_uids("Processed")) == 1

    acks = _by_subject(outbox, "[TSCP-2026-0001]")
    assert len(acks) == 2
    ack = next(m for m in acks if "received" in str(m["Subject"]).lower())
    assert ack["To"] == "casey.invented@gmp.police.uk"
    assert ack["Auto-Submitted"] == "auto-replied"
    assert ack["In-Reply-To"] == "<sin-1@gmp.police.uk>"
    invite = next(m for m in acks if "Screening Panel" in str(m["Subject"]))
    cal = next(p for p in invite.walk() if p.get_content_type() == "text/calendar")
    ics = cal.get_content()
    assert "METHOD:REQUEST" in ics and "DTSTART;TZID=Europe/London:20261223T140000" in ics
    assert ics.count("ATTENDEE") == 4
    rcpts = next(r.rcpt_tos for r in outbox.messages if b"Screening Panel" in r.raw)
    assert "dsp.tameside@gmp.police.uk" in rcpts and "dsp.tameside@nhs.net" in rcpts

    code, out = bot("--now", "2026-12-23T09:10", "case", "TSCP-2026-0001", "--json")
    case = json.loads(out)
    deadlines = {d["name"]: d for d in case["deadlines"]}
    assert deadlines["screening_meeting"]["due"] == "2026-12-29"
    # From the day the email says the local authority became aware, 22/12/2026 (once read as
    # no date, and counted from the arrival, a working day late).
    assert deadlines["panel_notification"]["due"] == "2026-12-31"
    assert deadlines["panel_notification"]["state"] == "open"
    assert "Christmas Day" in deadlines["screening_meeting"]["explanation"]
    assert [m["kind"] for m in case["messages"]] == ["sin"]


def test_digest_goes_at_its_time_on_working_days_only(
    bot: Any, mailbox: Mailbox, outbox: Outbox
) -> None:
    mailbox.append(sin())
    bot("--now", "2026-12-23T07:00", "run", "--once")
    assert _by_subject(outbox, "digest") == []  # before 08:00
    bot("--now", "2026-12-24T08:01", "run", "--once")
    digests = _by_subject(outbox, "digest")
    assert len(digests) == 1 and digests[0]["To"] == "tscp.business.manager@tameside.gov.uk"
    body = _plain(digests[0])
    assert (
        "TSCP-2026-0001" in body and "screening_meeting" in body.replace(" ", "_").lower()
    ) or "Screening Panel" in body
    bot("--now", "2026-12-24T12:00", "run", "--once")
    assert len(_by_subject(outbox, "digest")) == 1  # once a day
    bot("--now", "2026-12-25T09:00", "run", "--once")
    assert len(_by_subject(outbox, "digest")) == 1  # not on Christmas Day
    bot("--now", "2026-12-30T09:00", "run", "--once")
    later = _by_subject(outbox, "digest")
    assert len(later) == 2
    text = _plain(later[1])
    assert "overdue" in text.lower() and "TSCP-2026-0001" in text


def test_smtp_down_keeps_mail_and_sends_once_back(
    bot: Any, backend: Backend, mailbox: Mailbox, outbox: Outbox
) -> None:
    outbox.stop()
    mailbox.append(sin())
    code, out = bot("--now", "2026-12-23T07:05", "run", "--once", "--json")
    report = json.loads(out)
    assert report["send_retrying"] == 2
    if backend.name.startswith("imap"):  # an SMTP server not there: mail server trouble, exit 1
        assert code == 1 and "connection refused" in report["mail_server_errors"][0]
    else:  # Graph and EWS answer "unavailable" for each email: retried quietly, as before
        assert code == 0 and report["mail_server_errors"] == []
    outbox.start()
    bot("--now", "2026-12-23T07:05:30", "run", "--once")
    assert outbox.messages == []  # backoff: not yet due again
    bot("--now", "2026-12-23T07:07", "run", "--once")
    assert len(outbox.messages) == 2
    bot("--now", "2026-12-23T07:30", "run", "--once")
    assert len(outbox.messages) == 2  # nothing sent twice
    code, out = bot("--now", "2026-12-23T07:30", "outbox", "list", "--json")
    assert {r["status"] for r in json.loads(out)} == {"sent"}


def test_mailbox_outage_between_passes(
    bot: Any, mailbox: Mailbox, outbox: Outbox, backend: Backend
) -> None:
    mailbox.stop()
    code, out = bot("--now", "2026-12-23T09:05", "run", "--once")
    assert code == 1 and "mailbox problem" in out
    digest = _by_subject(outbox, "digest")[0]
    health = _plain(digest)
    assert backend.down_words in health  # the Business Manager is told the mailbox is down
    mailbox.start()
    mailbox.append(sin())
    code, _ = bot("--now", "2026-12-23T09:06", "run", "--once")
    assert code == 0 and len(_by_subject(outbox, "[TSCP-2026-0001]")) == 2


def _vote(mailbox: Mailbox, sender: str, text: str, n: int) -> None:
    domain = sender.partition("@")[2]
    raw = make_email(
        "RE: [TSCP-2026-0001] Screening Panel",
        f"{text}\n\nRegards\n",
        sender=sender,
        message_id=f"<vote{n}@{domain}>",
    )
    # As delivered by the council's receiving server, whose authserv-id the config trusts.
    mailbox.append(dmarc_passed(raw, sender, host="tameside.gov.uk"))


def test_votes_by_email_decide_and_the_outcome_is_delivered(
    bot: Any, mailbox: Mailbox, outbox: Outbox
) -> None:
    mailbox.append(sin())
    bot("--now", "2026-12-23T07:05", "run", "--once")
    _vote(mailbox, "dsp.tameside@gmp.police.uk", "Vote: rapid review", 1)
    bot("--now", "2026-12-23T07:30", "run", "--once")
    assert _by_subject(outbox, "Screening Panel decision") == []
    _vote(mailbox, "dsp.children@tameside.gov.uk", "Vote: Rapid Review", 2)
    bot("--now", "2026-12-23T07:40", "run", "--once")
    [outcome] = _by_subject(outbox, "Screening Panel decision")
    assert "Rapid Review" in str(outcome["Subject"])
    rcpts = next(r.rcpt_tos for r in outbox.messages if b"Panel decision" in r.raw)
    assert sorted(rcpts) == [
        "tscp.business.manager@tameside.gov.uk",
        "tscp.scrutineer@tameside.gov.uk",
    ]
    code, out = bot("--now", "2026-12-23T07:45", "case", "TSCP-2026-0001", "--json")
    case = json.loads(out)
    assert case["decision"] == "rapid_review"
    assert [v["role"] for v in case["votes"]] == ["police", "local_authority"]
    assert any(e["what"] == "screening_decided" for e in case["events"])
    # The Business Manager carries on at the terminal with the same commands.
    code, out = bot(
        "--now", "2026-12-23T08:00", "command", "TSCP-2026-0001", "Notified: 23/12/2026"
    )
    assert code == 0 and "Rapid Review due Mon 18 Jan 2027" in out


def test_a_changed_vote_emails_the_outcome_only_when_the_majority_changes(
    bot: Any, mailbox: Mailbox, outbox: Outbox
) -> None:
    mailbox.append(sin())
    bot("--now", "2026-12-23T07:05", "run", "--once")
    _vote(mailbox, "dsp.tameside@gmp.police.uk", "Vote: rapid review", 1)
    _vote(mailbox, "dsp.children@tameside.gov.uk", "Vote: rapid review", 2)
    _vote(mailbox, "dsp.tameside@nhs.net", "Vote: no further action", 3)
    bot("--now", "2026-12-23T07:30", "run", "--once")
    # The decision, then Health's vote against it, with every vote, for the Scrutineer.
    assert len(_by_subject(outbox, "Screening Panel decision")) == 2
    # Health changes its vote: still 2-1 for a Rapid Review, so nobody is told anything new.
    _vote(mailbox, "dsp.tameside@nhs.net", "Vote: local learning review", 4)
    bot("--now", "2026-12-23T07:40", "run", "--once")
    assert len(_by_subject(outbox, "Screening Panel decision")) == 2
    # The Business Manager cannot record something the partners' majority did not decide.
    code, _ = bot(
        "--now", "2026-12-23T07:45", "command", "TSCP-2026-0001", "Decision: no further action"
    )
    assert code == 2  # refused: the terminal says why on one line
    # Police join health: a real change, delivered once.
    _vote(mailbox, "dsp.tameside@gmp.police.uk", "Vote: local learning review", 5)
    bot("--now", "2026-12-23T07:50", "run", "--once")
    bot("--now", "2026-12-23T07:55", "run", "--once")
    decisions = _by_subject(outbox, "Screening Panel decision")
    assert [str(m["Subject"]).rsplit(": ", 1)[1] for m in decisions] == [
        "Rapid Review",
        "Rapid Review (a later vote; the decision stands)",
        "Local learning review (audit, learning or assurance activity)",
    ]


CORPUS = ROOT / "tests" / "corpus"


def test_a_sin_read_by_the_form_reader_and_a_complaint_on_its_thread_through_real_servers(
    bot: Any, mailbox: Mailbox, outbox: Outbox
) -> None:
    # "please see attached" with Doc1.docx: no rule decides, the form reader does.
    mailbox.append((CORPUS / "sin-doc1-please-see-attached.eml").read_bytes())
    assert bot("--now", "2026-12-23T09:05", "run", "--once")[0] == 0
    (ack,) = _by_subject(outbox, "[TSCP-2026-0001] Serious incident notification received")
    assert ack["To"] == "robin.example@gmp.police.uk"
    case = json.loads(bot("--now", "2026-12-23T09:06", "case", "TSCP-2026-0001", "--json")[1])
    assert [(m["kind"], m["rule"]) for m in case["messages"]] == [
        ("sin", "form-reader: completed SIN form")
    ]
    # A grandparent's complaint quoting the case reference is a complaint, not a case reply.
    mailbox.append((CORPUS / "complaint-public-reply-on-case-thread.eml").read_bytes())
    assert bot("--now", "2026-12-23T10:05", "run", "--once")[0] == 0
    (reply,) = _by_subject(outbox, "[TSCP-2026-0002] We have received your complaint")
    assert reply["To"] == "dana.brightwell@example.com"
    text = _plain(reply)
    assert "Local Government and Social Care Ombudsman" in text
    complaint = json.loads(bot("--now", "2026-12-23T10:06", "case", "TSCP-2026-0002", "--json")[1])
    (clock,) = complaint["deadlines"]
    assert clock["name"] == "complaint_response" and "20 working days" in clock["explanation"]
    assert f"written response by {_longdate(clock['due'])}" in " ".join(text.split())


def _longdate(iso: str) -> str:
    day = datetime.fromisoformat(iso)
    return f"{day:%A} {day.day} {day:%B %Y}"

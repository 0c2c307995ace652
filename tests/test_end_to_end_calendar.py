"""Calendar answers to the Screening Panel invitation through real Dovecot and aiosmtpd, and
again through the local Microsoft Graph (tests/fixtures/backends.py).

The three partners answer with Outlook's Accept / Decline (tests/corpus/calendar-reply-*.eml,
text/calendar; method=REPLY with the invitation's UID); the Business Manager then moves and
calls off the panel at the terminal, and the attendees' calendars get the REQUEST and CANCEL.
"""

from __future__ import annotations

import email
import json
from email import policy
from typing import Any

import pytest

from tests.fixtures.app import ROOT
from tests.fixtures.backends import Mailbox, Outbox
from tests.fixtures.mail import sin, through_our_mx

CORPUS = ROOT / "tests" / "corpus"
UID = "UID:screening-TSCP-2026-0001@tscp-bot"
PANEL = [
    "dsp.children@tameside.gov.uk",
    "dsp.tameside@gmp.police.uk",
    "dsp.tameside@nhs.net",
    "tscp.business.manager@tameside.gov.uk",
]


@pytest.fixture
def bot(backend_bot: Any) -> Any:
    """`tscp-bot` on each backend in turn (IMAP and SMTP, then Microsoft Graph)."""
    return backend_bot


def _calendars(smtp: Outbox, method: str) -> list[tuple[list[str], str]]:
    found = []
    for rec in smtp.messages:
        msg = email.message_from_bytes(rec.raw, policy=policy.default)
        for part in msg.walk():
            if part.get_content_type() == "text/calendar" and part.get_param("method") == method:
                found.append((sorted(rec.rcpt_tos), str(part.get_content())))
    return found


def _answer(mailbox: Mailbox, name: str, verdict: bool = True) -> None:
    """A partner's answer from the corpus, as our receiving server delivers it: with its DMARC
    pass for the sender's domain unless `verdict` is False (through a gateway that adds none)."""
    raw = (CORPUS / name).read_bytes()
    if verdict:
        sender = email.message_from_bytes(raw, policy=policy.default)["From"].addresses[0]
        domain = sender.domain
        results = f"dkim=pass header.d={domain}; dmarc=pass header.from={domain}"
        raw = through_our_mx(raw, results, host="tameside.gov.uk")
    mailbox.append(raw)


def test_partners_answers_show_on_the_case_and_the_panel_is_moved_then_cancelled(
    bot: Any, mailbox: Mailbox, outbox: Outbox
) -> None:
    mailbox.append(sin())
    bot("--now", "2026-12-23T09:05", "run", "--once")
    [(to, invite)] = _calendars(outbox, "REQUEST")
    assert to == PANEL and UID in invite and "SEQUENCE:0" in invite
    sent = len(outbox.messages)

    _answer(mailbox, "calendar-reply-outlook-accepted-police.eml")
    _answer(mailbox, "calendar-reply-outlook-accepted-local-authority.eml")
    _answer(mailbox, "calendar-reply-outlook-declined-health.eml")
    bot("--now", "2026-12-23T09:40", "run", "--once")
    # Calendar answers are never acknowledged; health's decline came with a note ("On leave
    # that afternoon"), which the Business Manager is emailed at once, to act on before the
    # panel meets.
    [alert] = outbox.messages[sent:]
    assert alert.rcpt_tos == ["tscp.business.manager@tameside.gov.uk"]
    subject = email.message_from_bytes(alert.raw, policy=policy.default)["Subject"]
    assert "New on your case" in str(subject)
    code, out = bot("--now", "2026-12-23T09:41", "case", "TSCP-2026-0001")
    assert code == 0 and "not quorate: health declined" in out
    assert "dsp.tameside@gmp.police.uk" in out and "accepted" in out and "declined" in out
    _, out = bot("--now", "2026-12-23T09:41", "case", "TSCP-2026-0001", "--json")
    case = json.loads(out)
    [meeting] = case["meetings"]
    assert meeting["quorate"] is False
    assert [(a["role"], a["answer"]) for a in meeting["answers"]] == [
        ("local_authority", "ACCEPTED"),
        ("police", "ACCEPTED"),
        ("health", "DECLINED"),
    ]
    assert {m["kind"] for m in case["messages"][1:]} == {"calendar_reply"}

    # Health's acceptance comes through a gateway that strips every verdict: it counts, and
    # the quorum says whose answer nothing vouched for.
    _answer(mailbox, "calendar-reply-outlook-accepted-health-after-declining.eml", verdict=False)
    bot("--now", "2026-12-23T10:05", "run", "--once")
    _, out = bot("--now", "2026-12-23T10:06", "case", "TSCP-2026-0001", "--json")
    [meeting] = json.loads(out)["meetings"]
    assert meeting["quorate"] is True
    assert meeting["quorum"] == (
        "quorate: all 3 statutory partners accepted "
        "(the answer from health was not authenticated: check it is theirs)"
    )

    code, out = bot(
        "--now", "2026-12-23T10:10", "command", "TSCP-2026-0001", "Reschedule: 24/12/2026 10:00"
    )
    assert code == 0 and "moved from Wed 23 Dec 2026 14:00 to Thu 24 Dec 2026 10:00" in out
    bot("--now", "2026-12-23T10:11", "run", "--once")
    _, moved = _calendars(outbox, "REQUEST")
    assert moved[0] == PANEL and UID in moved[1] and "SEQUENCE:1" in moved[1]
    assert "DTSTART;TZID=Europe/London:20261224T100000" in moved[1]
    _, out = bot("--now", "2026-12-23T10:12", "case", "TSCP-2026-0001")
    assert "not quorate" in out  # the acceptances were of Wednesday 14:00

    code, out = bot("--now", "2026-12-23T10:20", "command", "TSCP-2026-0001", "Cancel meeting")
    assert code == 0 and "cancelled" in out
    bot("--now", "2026-12-23T10:21", "run", "--once")
    [(to, cancel)] = _calendars(outbox, "CANCEL")
    assert to == PANEL and "METHOD:CANCEL" in cancel and UID in cancel and "SEQUENCE:2" in cancel


def test_a_decline_whose_note_is_only_in_the_email_reaches_the_business_manager(
    bot: Any, mailbox: Mailbox, outbox: Outbox
) -> None:
    # Outlook left the event's COMMENT out and sent the note as the email's text.
    mailbox.append(sin())
    bot("--now", "2026-12-23T09:05", "run", "--once")
    sent = len(outbox.messages)
    _answer(mailbox, "calendar-reply-outlook-declined-note-in-body-only.eml")
    bot("--now", "2026-12-23T09:40", "run", "--once")
    [alert] = [
        email.message_from_bytes(rec.raw, policy=policy.default) for rec in outbox.messages[sent:]
    ]
    assert alert["To"] == "tscp.business.manager@tameside.gov.uk"
    assert "New on your case" in str(alert["Subject"])
    body = alert.get_body(preferencelist=("plain",))
    assert body is not None
    assert "the mother was arrested this morning" in " ".join(str(body.get_content()).split())
    _, out = bot("--now", "2026-12-23T09:41", "case", "TSCP-2026-0001")
    assert "new_on_case       Sorry, I cannot make it" in out and "police declined" in out


def test_closing_a_case_with_a_meeting_still_to_come_cancels_it(
    bot: Any, mailbox: Mailbox, outbox: Outbox
) -> None:
    mailbox.append(sin())
    bot("--now", "2026-12-23T09:05", "run", "--once")
    code, out = bot(
        "--now",
        "2026-12-23T09:30",
        "command",
        "TSCP-2026-0001",
        "Notifiable: no because a duplicate",
        "Close: duplicate of a SIN",
    )
    assert code == 0 and "case closed; the Screening Panel of Wed 23 Dec 2026 14:00" in out
    bot("--now", "2026-12-23T09:31", "run", "--once")
    [(to, cancel)] = _calendars(outbox, "CANCEL")
    assert to == PANEL and UID in cancel and "SEQUENCE:1" in cancel
    assert "STATUS:CANCELLED" in cancel


def test_a_decided_panel_is_shown_as_decided_not_as_not_quorate(
    bot: Any, mailbox: Mailbox, outbox: Outbox
) -> None:
    # Health declined the 14:00 invitation; the panel met and the Business Manager recorded
    # what it agreed. "Not quorate" would now be untrue of a panel that has decided.
    mailbox.append(sin())
    bot("--now", "2026-12-23T09:05", "run", "--once")
    _answer(mailbox, "calendar-reply-outlook-declined-health.eml")
    bot("--now", "2026-12-23T09:40", "run", "--once")
    _, out = bot("--now", "2026-12-23T09:41", "case", "TSCP-2026-0001")
    assert "not quorate" in out  # before the decision, the answers to the invitation show

    code, out = bot(
        "--now", "2026-12-23T15:30", "command", "TSCP-2026-0001", "Decision: rapid review"
    )
    assert code == 0 and "decision recorded" in out, out
    code, out = bot("--now", "2026-12-23T15:31", "case", "TSCP-2026-0001")
    meetings = out.split("\nMeetings\n")[1].split("answers to the invitation")[0]
    assert code == 0 and "quorate" not in meetings and "decided: Rapid Review" in meetings, out
    _, out = bot("--now", "2026-12-23T15:31", "case", "TSCP-2026-0001", "--json")
    [meeting] = json.loads(out)["meetings"]
    assert meeting["quorum"] == (
        "decided: Rapid Review (the Business Manager, recording what the partners agreed at "
        "the panel meeting)"
    )

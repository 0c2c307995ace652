"""`tscp-bot triage new-case N`: a SIN form left on the triage list (another child's, sent on a
case's thread, or the second of two in one email) opened as a case of its own, its clocks
counted from the day the email arrived, not the day the Business Manager decides.

Time: the first SIN arrives on Monday 21 December 2026, the form for another child that
afternoon, on the first case's thread; the Business Manager opens it on Thursday 24 December,
after its Screening Panel's 2 working days (Wednesday 23) have run out.
"""

from __future__ import annotations

import email
import json
import mailbox
from datetime import datetime
from email import policy
from pathlib import Path
from typing import Any

from tests.fixtures.forms_docx import sin_docx
from tests.fixtures.mail import LONDON, drop_into_maildir, outbox_messages
from tests.fixtures.mail import email as make_email
from tests.services.test_forms_ingest import OTHER_CHILD, SECOND_INCIDENT
from tests.test_cli import Run, bot, cli, config, inbox, one_line_error, outbox_folder

__all__ = ["bot", "cli", "config"]  # the fixtures this module borrows

POLICE = "robin.example@gmp.police.uk"
MONDAY = datetime(2026, 12, 21, 9, 0, tzinfo=LONDON)
MONDAY_AFTERNOON = datetime(2026, 12, 21, 14, 0, tzinfo=LONDON)
THURSDAY = "2026-12-24T10:00"


def _form(
    config: Path,
    data: bytes,
    n: int,
    subject: str,
    arrived: datetime,
    **documents: bytes,
) -> None:
    raw = make_email(
        subject,
        "Please find the notification form attached.",
        sender=POLICE,
        message_id=f"<form{n}@gmp.police.uk>",
        date=arrived.strftime("%Y-%m-%dT%H:%M"),
        attachment=("SIN form.docx", data) if data else None,
    )
    if documents:
        msg = email.message_from_bytes(raw, policy=policy.default)
        for name, document in documents.items():
            msg.add_attachment(
                document, maintype="application", subtype="octet-stream", filename=name
            )
        raw = msg.as_bytes()
    drop_into_maildir(inbox(config), raw, arrived=arrived)


def _other_child_on_the_first_case(bot: Run, config: Path) -> None:
    """Message #1 opens TSCP-2026-0001 on Monday morning; message #2, another child's SIN form
    as a reply on its thread, arrives on Monday afternoon and is put on the triage list."""
    _form(config, sin_docx(), 1, "GM SIN form attached", MONDAY)
    assert bot("run", "--once", now="2026-12-21T09:05")[0] == 0
    subject = "RE: [TSCP-2026-0001] Serious incident notification received"
    _form(config, sin_docx(child=OTHER_CHILD), 2, subject, MONDAY_AFTERNOON)
    assert bot("run", "--once", now="2026-12-21T14:05")[0] == 0


def _json(bot: Run, *args: str) -> Any:
    code, out, err = bot(*args, "--json")
    assert code == 0, err
    return json.loads(out)


def _child(case: dict[str, Any]) -> list[str]:
    return [f["value"] for f in case["fields"] if f["name"] == "child_name"]


def _sent(config: Path, event_subject: str) -> list[str]:
    """The plain text of each email sent whose subject has these words, flattened."""
    found = []
    for raw in outbox_messages(outbox_folder(config)):
        msg = email.message_from_bytes(raw, policy=policy.default)
        if event_subject in str(msg["Subject"]):
            body = msg.get_body(preferencelist=("plain",))
            assert body is not None
            found.append(" ".join(str(body.get_content()).split()))
    return found


def test_another_child_s_sin_on_a_case_thread_opens_its_own_case_counted_from_its_arrival(
    bot: Run, config: Path
) -> None:
    _other_child_on_the_first_case(bot, config)
    [waiting] = _json(bot, "triage", "list")
    assert waiting["id"] == 2
    # The triage list and the "triage now" email name the command, with the message's number.
    advice = (
        "run tscp-bot triage new-case 2 to open it as a new case, counted from the day it arrived"
    )
    assert advice in waiting["reason"]
    [alert] = [r for r in _json(bot, "outbox", "list") if r["event"] == "triage_alert"]
    assert bot("run", "--once", now="2026-12-21T14:10")[0] == 0  # sends it
    [said] = _sent(config, f"triage now: message #{alert['subject'].split('#')[1].split()[0]}")
    assert advice in said

    code, out, err = bot("triage", "new-case", "2", now=THURSDAY)
    assert (code, err) == (0, ""), err
    assert out.splitlines() == [
        "message #2: TSCP-2026-0002 opened from its SIN form, counted from Mon 21 Dec 2026 "
        "14:00, when the email arrived",
        "TSCP-2026-0002: the Screening Panel was due Wed 23 Dec 2026: it is overdue from the "
        "start (no email gives that day as one to come)",
        "the Screening Panel invited; the referrer acknowledged; TSCP-2026-0001 and "
        "TSCP-2026-0002 name each other",
        "message #2 taken off the triage list; moved to Processed",
    ]

    new = _json(bot, "case", "TSCP-2026-0002")
    due = {d["name"]: d["due"] for d in new["deadlines"]}
    # Counted from Monday, the day the email arrived: not from Thursday, when it was opened.
    assert due["screening_meeting"] == "2026-12-23"
    assert due["panel_notification"] == "2026-12-30"  # the form's awareness date, 21/12
    assert [m["id"] for m in new["messages"]] == [2]
    assert [e["detail"] for e in new["events"] if e["what"] == "opened_from_other_case"] == [
        "Opened from the SIN form in message #2, which was filed on TSCP-2026-0001"
    ]
    [overdue] = [e for e in new["events"] if e["what"] == "overdue_on_opening"]
    assert overdue["detail"] == (
        "screening_meeting was due Wed 23 Dec 2026, before the case was opened on Thu 24 Dec "
        "2026: it is overdue from the start"
    )
    old = _json(bot, "case", "TSCP-2026-0001")
    assert [e["detail"] for e in old["events"] if e["what"] == "message_opened_as_case"] == [
        "The SIN form in message #2 was opened as TSCP-2026-0002: a notification of its own, "
        "not this case's"
    ]
    assert [m["id"] for m in old["messages"]] == [1]
    assert _json(bot, "triage", "list") == []
    assert len(mailbox.Maildir(inbox(config))) == 0  # moved to Processed

    # What a new SIN gets: its acknowledgement to the referrer and the panel's invitation;
    # neither promises the Wednesday gone by.
    mine = [r for r in _json(bot, "outbox", "list") if r["case"] == "TSCP-2026-0002"]
    assert sorted((r["event"], r["to"] == [POLICE]) for r in mine) == [
        ("screening_invitation", False),
        ("sin_acknowledgement", True),
    ]
    assert bot("run", "--once", now="2026-12-24T10:05")[0] == 0
    [ack] = _sent(config, "[TSCP-2026-0002] Serious incident notification received")
    assert "We received it at 14:00 on Monday 21 December 2026" in ack
    assert (
        "Those 2 working days ended on Wednesday 23 December 2026, before your notification "
        "was opened as a case here."
    ) in ack
    assert "no earlier time was free" not in ack
    assert "Wed 23 Dec 2026 Screening Panel" in ack and "(this date has passed)" in ack
    [invitation] = _sent(config, "[TSCP-2026-0002] Screening Panel")
    assert "(this date has passed)" in invitation

    # Run again: the case it opened, and nothing more opened or sent.
    before = _json(bot, "outbox", "list")
    code, out, err = bot("triage", "new-case", "2", now="2026-12-24T11:00")
    assert (code, out, err) == (
        0,
        "message #2 already opened TSCP-2026-0002: nothing more done\n",
        "",
    )
    assert [c["ref"] for c in _json(bot, "cases")] == ["TSCP-2026-0001", "TSCP-2026-0002"]
    assert _json(bot, "outbox", "list") == before


def test_the_second_of_two_sin_forms_in_one_email_opens_its_own_case(
    bot: Run, config: Path
) -> None:
    """The first form opened TSCP-2026-0001 when the email came; the second, another child and
    incident, opens TSCP-2026-0002 from its own document, its clock from the same Monday."""
    second = sin_docx(child=OTHER_CHILD, incident=SECOND_INCIDENT)
    documents = {"SIN child 1.docx": sin_docx(), "SIN child 2.docx": second}
    _form(config, b"", 1, "GM SIN forms x2", MONDAY, **documents)
    assert bot("run", "--once", now="2026-12-21T09:05")[0] == 0
    [waiting] = _json(bot, "triage", "list")
    assert (
        "if SIN child 2.docx is another incident, run tscp-bot triage new-case 1"
        in (waiting["reason"])
    )
    code, out, err = bot("triage", "new-case", "1", now="2026-12-22T10:00")
    assert code == 0, err
    assert out.splitlines()[0] == (
        "message #1: TSCP-2026-0002 opened from SIN child 2.docx, counted from Mon 21 Dec 2026 "
        "09:00, when the email arrived"
    )
    assert out.splitlines()[1] == "TSCP-2026-0002: the Screening Panel is due Wed 23 Dec 2026"
    cases = {c["ref"]: c for c in _json(bot, "cases")}
    assert sorted(cases) == ["TSCP-2026-0001", "TSCP-2026-0002"]
    new, first = _json(bot, "case", "TSCP-2026-0002"), _json(bot, "case", "TSCP-2026-0001")
    # Each case has its own form's child and incident, none of the other's.
    assert _child(new) == ["Riley Yew Example"] and new["la_aware_on"] == "2026-12-19"
    assert _child(first) == ["Quinn Zed Invented"] and first["la_aware_on"] == "2026-12-21"
    # The email stays with the case its first form opened; both cases name each other.
    assert [m["id"] for m in first["messages"]] == [1] and new["messages"] == []
    assert [e["detail"] for e in first["events"] if e["what"] == "message_opened_as_case"] == [
        "SIN child 2.docx in message #1 was opened as TSCP-2026-0002: a notification of its "
        "own, not this case's"
    ]
    assert [e["what"] for e in new["events"] if e["what"] == "opened_from_other_case"] == [
        "opened_from_other_case"
    ]
    acks = [r for r in _json(bot, "outbox", "list") if r["event"] == "sin_acknowledgement"]
    assert [r["case"] for r in acks] == ["TSCP-2026-0001", "TSCP-2026-0002"]
    assert _json(bot, "triage", "list") == []
    code, out, _ = bot("triage", "new-case", "1", now="2026-12-22T10:05")
    assert (code, out) == (0, "message #1 already opened TSCP-2026-0002: nothing more done\n")


def test_new_case_refuses_in_one_line_what_it_cannot_open(bot: Run, config: Path) -> None:
    _other_child_on_the_first_case(bot, config)
    note = make_email(
        "Room booking",
        "Could I book the Ashton room on Thursday?",
        sender="robin.invented@tameside.gov.uk",
        message_id="<room@tameside.gov.uk>",
    )
    drop_into_maildir(inbox(config), note, arrived=MONDAY_AFTERNOON)
    assert bot("run", "--once", now="2026-12-21T15:00")[0] == 0
    refusals = {
        "1": "tscp-bot: message #1 is not on the triage list (filed on TSCP-2026-0001): only a "
        "SIN form a person is asked about is opened as a new case\n",
        "3": "tscp-bot: message #3 carries no SIN form the bot can read (no SIN form in its text "
        "or attachments)\n",
    }
    for number, said in refusals.items():
        code, _, err = bot("triage", "new-case", number, now=THURSDAY)
        assert (code, one_line_error(err)) == (2, said)
    code, _, err = bot("triage", "new-case", "99", now=THURSDAY)
    assert (code, one_line_error(err)) == (3, "tscp-bot: no message #99\n")
    code, _, err = bot("triage", "new-case", "2", "--form", "other.docx", now=THURSDAY)
    assert (code, one_line_error(err)) == (
        2,
        "tscp-bot: message #2 has no SIN form in a document named 'other.docx': leave out --form\n",
    )
    assert [c["ref"] for c in _json(bot, "cases")] == ["TSCP-2026-0001"]
    assert [w["id"] for w in _json(bot, "triage", "list")] == [2, 3]

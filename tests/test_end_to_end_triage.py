"""Mail for a person kept in the inbox, or a needs-attention folder, until `triage done`,
through the command line on every backend (tests/fixtures/backends.py). Moved out of
tests/test_end_to_end.py so that the suite's workers (whole files each) share the end-to-end
scenarios evenly."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.cli import main
from tests.fixtures.app import ROOT
from tests.fixtures.backends import Backend, Mailbox, Outbox
from tests.fixtures.mail import email as make_email
from tests.fixtures.mail import sin
from tests.test_end_to_end import _by_subject, _plain


@pytest.fixture
def bot(backend_bot: Any) -> Any:
    """`tscp-bot` on each backend in turn (IMAP and SMTP, then Microsoft Graph)."""
    return backend_bot


def test_mail_for_a_person_stays_in_the_inbox_until_triage_done(
    bot: Any, mailbox: Mailbox, outbox: Outbox
) -> None:
    mailbox.append(sin())
    bot("--now", "2026-12-23T09:05", "run", "--once")
    # A vote from someone who is not a panel member: refused, so a person must look at it.
    mailbox.append(
        make_email(
            "RE: [TSCP-2026-0001] Screening Panel",
            "Vote: no further action\n",
            sender="someone.else@gmp.police.uk",
            message_id="<stranger-1@gmp.police.uk>",
        )
    )
    # A police officer's news on the case thread: filed, alerted, fully handled.
    mailbox.append((ROOT / "tests/corpus/case-reply-police-child-deteriorated.eml").read_bytes())
    bot("--now", "2026-12-23T09:20", "run", "--once")
    assert len(mailbox.list_uids("INBOX")) == 1 and len(mailbox.list_uids("Processed")) == 2
    [alert] = _by_subject(outbox, "New on your case")
    assert "The child has deteriorated overnight" in _plain(alert)
    [note] = _by_subject(outbox, "Not carried out: the commands in your email")
    assert note["To"] == "someone.else@gmp.police.uk"
    sent = len(outbox.messages)

    # Later passes see it again (a full sweep each time) and leave it alone, quietly.
    code, out = bot("--now", "2026-12-23T09:25", "run", "--once", "--json")
    summary = json.loads(out)
    assert (summary["processed"], summary["duplicates"], summary["waiting_for_a_person"]) == (
        0,
        0,
        1,
    )
    assert len(outbox.messages) == sent and len(mailbox.list_uids("INBOX")) == 1

    [row] = json.loads(bot("--now", "2026-12-23T09:30", "triage", "list", "--json")[1])
    assert row["from"] == "someone.else@gmp.police.uk"
    code, out = bot("--now", "2026-12-23T09:31", "triage", "done", str(row["id"]))
    assert (
        code == 0 and f"message #{row['id']} taken off the triage list; moved to Processed" in out
    )
    assert mailbox.list_uids("INBOX") == [] and len(mailbox.list_uids("Processed")) == 3


def test_triage_done_while_the_mailbox_is_down_moves_it_on_the_next_pass(
    bot: Any, mailbox: Mailbox, outbox: Outbox
) -> None:
    mailbox.append(
        make_email(
            "Room booking for Thursday",
            "Could I book the Ashton room on Thursday afternoon, please?",
            sender="robin.invented@tameside.gov.uk",
            message_id="<room-1@tameside.gov.uk>",
        )
    )
    bot("--now", "2026-12-23T09:05", "run", "--once")
    assert len(mailbox.list_uids("INBOX")) == 1 and mailbox.list_uids("Processed") == []
    [row] = json.loads(bot("--now", "2026-12-23T09:10", "triage", "list", "--json")[1])
    mailbox.stop()
    try:
        code, out = bot("--now", "2026-12-23T09:11", "triage", "done", str(row["id"]))
    finally:
        mailbox.start()
    assert code == 0 and "could not be reached" in out and "moves on the next pass" in out
    assert json.loads(bot("--now", "2026-12-23T09:12", "triage", "list", "--json")[1]) == []
    bot("--now", "2026-12-23T09:15", "run", "--once")
    assert mailbox.list_uids("INBOX") == [] and len(mailbox.list_uids("Processed")) == 1


def test_a_needs_attention_folder_holds_it_until_triage_done(
    backend: Backend, mailbox: Mailbox, capsys: pytest.CaptureFixture[str]
) -> None:
    backend.configure(needs_attention_folder="Needs attention")

    def bot(*args: str) -> str:
        assert main(["--config", str(backend.config), *args]) == 0
        return capsys.readouterr().out

    bot("init")
    mailbox.append(sin())
    mailbox.append(
        make_email(
            "Room booking for Thursday",
            "Could I book the Ashton room on Thursday afternoon, please?",
            sender="robin.invented@tameside.gov.uk",
            message_id="<room-2@tameside.gov.uk>",
        )
    )
    bot("--now", "2026-12-23T09:05", "run", "--once")
    assert mailbox.list_uids("INBOX") == [] and len(mailbox.list_uids("Processed")) == 1
    assert len(mailbox.list_uids("Needs attention")) == 1
    [row] = json.loads(bot("--now", "2026-12-23T09:10", "triage", "list", "--json"))
    out = bot("--now", "2026-12-23T09:11", "triage", "done", str(row["id"]))
    assert "moved to Processed" in out
    assert mailbox.list_uids("Needs attention") == [] and len(mailbox.list_uids("Processed")) == 2

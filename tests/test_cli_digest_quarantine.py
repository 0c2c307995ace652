"""The daily digest names each quarantined message by its From and Subject, as `triage list`
does, so the Business Manager can find it in Outlook from her phone: one quarantined before
processing recorded them is named from its stored header lines, and bytes that are no email
say "(headers unreadable)" without stopping the digest. The names go to her, never the log."""

from __future__ import annotations

import logging
from email import message_from_bytes
from email.message import Message
from email.policy import default
from pathlib import Path

import pytest

from tests.fixtures.mail import drop_into_maildir, outbox_messages, sin
from tests.test_cli import Run, cli, inbox, outbox_folder, write_config
from tests.test_cli_triage_names import _refuse_new_cases

__all__ = ["cli"]  # the fixture this module borrows

SENDER = "ash.invented@gmp.police.uk"
SUBJECT = "Serious Incident Notification - GM SIN form"


def _digest(config: Path) -> Message:
    for raw in outbox_messages(outbox_folder(config)):
        found = message_from_bytes(raw, policy=default)
        if str(found["Subject"]).startswith("TSCP digest:"):
            return found
    raise AssertionError("no digest was written")


def _part(digest: Message, kind: str) -> str:
    for part in digest.walk():
        if part.get_content_type() == kind:
            return str(part.get_content()).replace("\r\n", "\n")  # type: ignore[attr-defined]
    raise AssertionError(f"the digest has no {kind} part")


def _quarantine(text: str) -> str:
    return text.split("QUARANTINED MESSAGES", 1)[1].split("EMAILS NOT DELIVERED", 1)[0]


def test_the_digest_names_each_quarantined_message_by_its_from_and_subject(
    cli: Run, tmp_path: Path, migrated_database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    config = write_config(tmp_path, migrated_database_url, ingest={"max_attempts": 1})
    assert cli("--config", str(config), "init")[0] == 0
    _refuse_new_cases(migrated_database_url)  # quarantined part way: its row names nobody
    drop_into_maildir(inbox(config), sin(sender=SENDER))
    drop_into_maildir(inbox(config), b"\x00\x01 not an email at all")

    code, _, _ = cli("--config", str(config), "--now", "2026-12-23T09:00", "run", "--once")

    assert code == 0
    digest = _digest(config)
    text = _quarantine(_part(digest, "text/plain"))
    assert f"From:    {SENDER}\n      Subject: {SUBJECT}\n" in text
    assert "From:    (headers unreadable)\n      Subject: (headers unreadable)\n" in text
    html = _part(digest, "text/html").split("<h2>Quarantined messages</h2>", 1)[1]
    html = html.split("<h2>", 1)[0]
    # The phone's card layout labels each cell, as it does for the messages to triage.
    assert f"From: </span>{SENDER}</td>" in html
    assert f"Subject: </span>{SUBJECT}</td>" in html
    assert html.count("(headers unreadable)") == 2
    log = caplog.text
    assert "Maildir" in log  # the pass, and its digest, were logged
    assert SENDER not in log and SUBJECT not in log

"""A message the IMAP server cannot give never holds up the rest of the mailbox for ever.

Dovecot answers a FETCH that meets a mail file it cannot open (damaged storage, a file another
program left unreadable) with "FETCH failed: Internal error occurred" and closes the
connection; Exchange Online's IMAP answers an item it cannot turn into MIME with NO. Either way
the whole batch's FETCH fails, on every pass. Before, no mail behind it was ever read. Now the
batch is read one message at a time, and the one refused is counted as Graph's and EWS's are
(bot.services.stuck_messages): after `[ingest] stuck_message_passes` (5) passes over
`stuck_message_minutes` (30) it waits on the triage list and the rest is read.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.adapters.db.models import Case
from bot.adapters.imap_source import ImapSource
from bot.services.digest_messages import quarantine
from bot.services.ingest import ingest_pass
from tests.fixtures.app import AppFactory
from tests.fixtures.dovecot import DovecotServer
from tests.fixtures.mail import email, sin
from tests.fixtures.stuck import blocked_then_set_aside, counted, passes, stored_rows

pytestmark = pytest.mark.imap


@pytest.fixture
def source(dovecot: DovecotServer) -> Iterator[ImapSource]:
    src = ImapSource(
        dovecot.host, dovecot.port, dovecot.user, dovecot.password,
        security="plain", use_idle=False, timeout=5.0,
    )  # fmt: skip
    yield src
    src.close()


def _three_with_an_unreadable_middle(dovecot: DovecotServer) -> Path:
    """Two SINs with a message between them whose mail file Dovecot cannot open; that file."""
    dovecot.append(sin())
    dovecot.append(email("Chronology for the panel", "(attached)", sender="dc.invented@nhs.net"))
    dovecot.append(sin("<sin-2@gmp.police.uk>", sender="lee.invented@gmp.police.uk"))
    maildir = dovecot.root / "home" / dovecot.user / "Maildir"
    files = [f for sub in ("new", "cur") for f in (maildir / sub).glob("*")]
    (middle,) = [f for f in files if b"Chronology" in f.read_bytes()]
    # Dovecot reads mail as its mail user, never as root; moving it on to cur/ keeps the mode.
    os.chmod(middle, 0)
    return middle


def test_a_message_dovecot_cannot_open_waits_for_a_person_and_the_rest_is_read(
    dovecot: DovecotServer, source: ImapSource, make_app: AppFactory
) -> None:
    app, clock = make_app()
    _three_with_an_unreadable_middle(dovecot)

    reports = passes(app, source, clock, [0, 8, 16, 24, 32])

    assert blocked_then_set_aside(reports), [r.errors for r in reports]
    assert "Internal error" in (reports[0].mailbox_error or "")
    last = reports[4]
    assert last.quarantined == 1 and last.processed == 2 and last.released == 2
    (kept,) = [r for r in stored_rows(app) if r.status == "quarantined"]
    assert kept.needs_triage and kept.size == 0
    assert "refused on 5 passes over 32 minutes" in (kept.last_error or "")
    # What is true of an IMAP server's refusal: not Microsoft 365's S/MIME and Outlook.
    reason = kept.triage_reason or ""
    assert reason.startswith("could not be read from the mailbox: the mail server refused to give")
    assert "Internal error" in reason
    assert "look at it in the mailbox with a mail client, or ask the mail administrator" in (
        reason.lower()
    )
    assert "S/MIME" not in reason and "Outlook" not in reason
    with app.sessions() as session:
        assert [m["id"] for m in quarantine(session)] == [kept.id]  # the digest shows it
        assert session.scalar(select(func.count()).select_from(Case)) == 2  # both SINs acted on
    # The SINs moved on; the unreadable one stays in the inbox for a person.
    assert len(dovecot.list_uids("INBOX")) == 1 and len(dovecot.list_uids("Processed")) == 2

    # Mail after it is read on the next pass, without an error.
    dovecot.append(sin("<sin-3@gmp.police.uk>", sender="kim.invented@gmp.police.uk"))
    (after,) = passes(app, source, clock, [40])
    assert after.errors == [] and after.processed == 1


def test_below_the_threshold_the_pass_fails_and_nothing_is_stored(
    dovecot: DovecotServer, source: ImapSource, make_app: AppFactory
) -> None:
    app, clock = make_app()
    _three_with_an_unreadable_middle(dovecot)

    reports = passes(app, source, clock, [0, 15, 30, 45])

    assert all(r.mailbox_error for r in reports)
    assert stored_rows(app) == [] and counted(app) == [4]
    assert len(dovecot.list_uids("INBOX")) == 3


def test_with_a_needs_attention_folder_it_stays_in_the_inbox_and_the_rest_still_moves(
    dovecot: DovecotServer, make_app: AppFactory
) -> None:
    """Setting it aside reads its Message-ID, which the server refuses too: it stays in the
    inbox, as one with no Message-ID does, and never stops the others moving to Processed."""
    app, clock = make_app()
    src = ImapSource(
        dovecot.host, dovecot.port, dovecot.user, dovecot.password,
        security="plain", use_idle=False, timeout=5.0, attention_folder="Needs attention",
    )  # fmt: skip
    try:
        _three_with_an_unreadable_middle(dovecot)
        reports = passes(app, src, clock, [0, 8, 16, 24, 32])
        assert blocked_then_set_aside(reports), [r.errors for r in reports]
        assert reports[4].released == 2
        # `run --once` reads the whole inbox every pass, the unreadable message included.
        dovecot.append(sin("<sin-3@gmp.police.uk>", sender="kim.invented@gmp.police.uk"))
        clock.set("2026-12-23T09:40")
        again = ingest_pass(app, src, full_sweep=True)
    finally:
        src.close()
    assert again.errors == [] and again.processed == 1 and again.released == 1
    assert len(dovecot.list_uids("INBOX")) == 1 and len(dovecot.list_uids("Processed")) == 3

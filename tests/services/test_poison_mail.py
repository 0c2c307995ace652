"""One bad message never blocks the rest, on SQLite and PostgreSQL.

Each hostile message of the corpus arrives between two ordinary SINs; all three must be
stored and processed, the hostile one acknowledged (or clearly triaged), and the pass's other
steps must run. PostgreSQL is where these used to fail: it refuses a NUL in text and a value
longer than its column.
"""

from __future__ import annotations

import email
from email import policy
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.adapters.db.models import Case, OutboxMessage, StoredMessage
from bot.services.passes import run_once
from tests.fixtures.app import AppFactory
from tests.fixtures.mail import drop_into_maildir, sin

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
HOSTILE = [
    "sin-message-id-over-998-characters.eml",
    "sin-message-id-with-nul-byte.eml",
    "sin-subject-encoded-nul-byte.eml",
    "sin-from-display-name-encoded-crlf.eml",
    "sin-message-id-folded.eml",
]


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_sin_between_two_others_is_acknowledged_and_blocks_nothing(
    make_app: AppFactory, tmp_path: Path, name: str
) -> None:
    app, _ = make_app()
    before = sin("<before@gmp.police.uk>", sender="ash.before@gmp.police.uk")
    after = sin("<after@gmp.police.uk>", sender="bo.after@gmp.police.uk")
    inbox = tmp_path / "inbox"
    drop_into_maildir(inbox, before)
    drop_into_maildir(inbox, (CORPUS / name).read_bytes())
    drop_into_maildir(inbox, after)
    report = run_once(app)
    assert report.errors == []
    with app.sessions() as s:
        rows = list(s.scalars(select(StoredMessage).order_by(StoredMessage.id)))
        assert [r.status for r in rows] == ["processed"] * 3
        assert sorted(r.raw for r in rows) == sorted([before, after, (CORPUS / name).read_bytes()])
        assert len(list(s.scalars(select(Case)))) == 3
        acks = list(
            s.scalars(select(OutboxMessage).where(OutboxMessage.event == "sin_acknowledgement"))
        )
    assert len(acks) == 3
    for ack in acks:
        assert ack.status == "sent"  # the outbox step ran after ingest
        _assert_clean_headers(ack.raw)


def _assert_clean_headers(raw: bytes) -> None:
    """No header we wrote carries a CR, LF or NUL inside it, nor an extra recipient."""
    msg = email.message_from_bytes(raw, policy=policy.default)
    assert msg["Bcc"] is None
    for header, value in msg.items():
        assert not set(str(value)) & {"\r", "\n", "\x00"}, header
    assert b"evil.example" not in raw.split(b"\r\n\r\n", 1)[0]


def test_crlf_display_name_ack_goes_to_the_sender_only(
    make_app: AppFactory, tmp_path: Path
) -> None:
    app, _ = make_app()
    drop_into_maildir(tmp_path / "inbox", (CORPUS / HOSTILE[3]).read_bytes())
    run_once(app)
    with app.sessions() as s:
        ack = s.scalars(
            select(OutboxMessage).where(OutboxMessage.event == "sin_acknowledgement")
        ).one()
    assert ack.recipients == ["jo.example@gmp.police.uk"]


def test_folded_message_id_is_stored_unfolded_and_threads_the_answer(
    make_app: AppFactory, tmp_path: Path
) -> None:
    app, _ = make_app()
    drop_into_maildir(tmp_path / "inbox", (CORPUS / HOSTILE[4]).read_bytes())
    run_once(app)
    want = "corpus-folded-id.2026-03-03.a1b2c3d4e5f6a7b8c9d0.e1f2@gmp.police.uk"
    with app.sessions() as s:
        assert s.scalars(select(StoredMessage.message_id)).one() == want
        ack = s.scalars(
            select(OutboxMessage).where(OutboxMessage.event == "sin_acknowledgement")
        ).one()
    assert email.message_from_bytes(ack.raw, policy=policy.default)["In-Reply-To"] == f"<{want}>"


def test_over_long_message_ids_stay_distinct(make_app: AppFactory, tmp_path: Path) -> None:
    """Two ids that share their first 998 characters are two messages, not one reused id."""
    app, _ = make_app()
    stem = "<" + "y" * 1100
    drop_into_maildir(
        tmp_path / "inbox",
        sin(f"{stem}.one@gmp.police.uk>", sender="ash.one@gmp.police.uk"),
        sin(f"{stem}.two@gmp.police.uk>", sender="bo.two@gmp.police.uk"),
    )
    run_once(app)
    with app.sessions() as s:
        rows = list(s.scalars(select(StoredMessage)))
        assert len({r.message_id for r in rows}) == 2
        assert all(len(r.message_id) <= 998 for r in rows)
        assert not any(r.needs_triage for r in rows)
        assert len(list(s.scalars(select(Case)))) == 2

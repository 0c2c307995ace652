"""Two bot instances on one database, as the README allows: each with its own engine, working
at the same moment in two threads, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select

from bot.adapters.db.models import Case, MailboxState, OutboxMessage, StoredMessage
from bot.adapters.mail_source import Batch, Cursor
from bot.adapters.maildir_source import MaildirSource
from bot.app import App
from bot.services.ingest import IngestReport, ingest_pass
from bot.services.process import process_message
from bot.services.store import store_raw
from tests.fixtures.app import AppFactory
from tests.fixtures.mail import sin

SINS = 12


def _together(*jobs: Callable[[], object]) -> list[BaseException]:
    """Run the jobs in threads released at the same instant; the errors they raised."""
    start = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def run(job: Callable[[], object]) -> None:
        start.wait()
        try:
            job()
        except BaseException as exc:  # reported to the test below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    return errors


def _count(app: App, model: type[object]) -> int:
    with app.sessions() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_two_instances_processing_the_same_messages_open_each_case_once(
    make_app: AppFactory,
) -> None:
    first, _ = make_app()
    second, _ = make_app()
    with first.sessions() as s:
        ids = [
            store_raw(
                s,
                sin(f"<sin-{n}@gmp.police.uk>", sender=f"officer{n}@gmp.police.uk"),
                f"key-{n}",
                first.clock.now(),
            ).id
            for n in range(SINS)
        ]
        s.commit()

    def work(app: App) -> Callable[[], object]:
        return lambda: [process_message(app, i) for i in ids]

    assert _together(work(first), work(second)) == []
    assert _count(first, Case) == SINS
    with first.sessions() as s:
        acks = s.scalars(
            select(OutboxMessage.recipients).where(OutboxMessage.event == "sin_acknowledgement")
        ).all()
        rows = list(s.scalars(select(StoredMessage)))
    assert sorted(r[0] for r in acks) == sorted(f"officer{n}@gmp.police.uk" for n in range(SINS))
    assert {(r.status, r.attempts) for r in rows} == {("processed", 0)}


class _MeetingSource(MaildirSource):
    """The real Maildir inbox, whose fetch waits for the other instance to be fetching too:
    both have then looked for the mailbox state before either has written it."""

    def __init__(self, path: Path, meet: threading.Barrier) -> None:
        super().__init__(path)
        self.meet = meet

    def fetch(self, since: Cursor | None, arrived_since: datetime | None = None) -> Batch:
        self.meet.wait(timeout=30)
        return super().fetch(since, arrived_since)


def test_two_instances_starting_on_a_fresh_database_both_read_mail(
    make_app: AppFactory, tmp_path: Path
) -> None:
    first, _ = make_app()
    second, _ = make_app()
    meet = threading.Barrier(2)
    reports: list[IngestReport] = []

    def check(app: App) -> Callable[[], object]:
        source = _MeetingSource(tmp_path / "inbox", meet)
        return lambda: reports.append(ingest_pass(app, source))

    assert _together(check(first), check(second)) == []
    assert [r.errors for r in reports] == [[], []]
    with first.sessions() as s:
        state = s.get(MailboxState, first.mailbox_name)
        assert state is not None and state.last_success_at is not None


def test_an_answer_already_queued_for_an_unprocessed_message_is_an_error_not_a_skip(
    make_app: AppFactory,
) -> None:
    """What a second transaction would meet if two ever processed one message: it rolls back
    (no second case) and the message shows on the triage list, instead of committing."""
    app, _ = make_app(ingest={"max_attempts": 1})
    raw = sin(sender="officer@gmp.police.uk")
    with app.sessions() as s:
        stored = store_raw(s, raw, "key", app.clock.now())
        s.commit()
        sha = s.get(StoredMessage, stored.id).sha256  # type: ignore[union-attr]
    _queue_ack_as_another_transaction_did(app, sha)
    process_message(app, stored.id)
    assert _count(app, Case) == 0
    with app.sessions() as s:
        row = s.get(StoredMessage, stored.id)
        assert row is not None and row.needs_triage and row.status == "quarantined"
        assert "DuplicateEmail" in (row.last_error or "")


def _queue_ack_as_another_transaction_did(app: App, sha: str) -> None:
    now = app.clock.now()
    with app.sessions() as s:
        s.add(
            OutboxMessage(
                idempotency_key=f"ack:{sha}",
                message_id="m@x",
                event="sin_acknowledgement",
                sender="tscp@tameside.gov.uk",
                recipients=["officer@gmp.police.uk"],
                subject="ack",
                raw=b"",
                created_at=now,
                next_attempt_at=now,
            )
        )
        s.commit()


def test_triage_retry_of_an_answered_message_keeps_the_skip(make_app: AppFactory) -> None:
    """`triage retry` sends a processed message round again: its answer exists already, and
    that is the skip scheduled and retried mail rely on, not an error."""
    app, _ = make_app()
    with app.sessions() as s:
        stored = store_raw(s, sin(sender="officer@gmp.police.uk"), "key", app.clock.now())
        s.commit()
    assert process_message(app, stored.id)
    with app.sessions() as s:
        row = s.get(StoredMessage, stored.id)
        assert row is not None
        row.status, row.attempts, row.needs_triage = "stored", 0, False  # as `triage retry`
        s.commit()
    assert process_message(app, stored.id)
    with app.sessions() as s:
        row = s.get(StoredMessage, stored.id)
        assert row is not None and (row.status, row.last_error) == ("processed", None)
        acks = s.scalars(
            select(OutboxMessage).where(OutboxMessage.event == "sin_acknowledgement")
        ).all()
    assert len(acks) == 1

"""Two instances on one PostgreSQL database: one that finds a message to set aside (it has
stopped the bot `max_attempts` times alone) while another instance is processing it leaves
what that instance writes. The other is a second real session holding the row, as a claim
does, and committing the message processed."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine

from bot.services.begun import process_alone
from tests.fixtures.app import AppFactory
from tests.services.test_database_faults import _row, _stored_good_sin

_WAITING_ON_A_LOCK = """
SELECT count(*) FROM pg_stat_activity
WHERE datname = current_database() AND wait_event_type = 'Lock'
"""


def _wait_until_blocked(engine: Engine) -> None:
    deadline = time.monotonic() + 60
    while True:
        with engine.connect() as watch:  # a transaction each: the view is read afresh
            if watch.execute(text(_WAITING_ON_A_LOCK)).scalar():
                return
        assert time.monotonic() < deadline, "this instance never came to the row"
        time.sleep(0.05)


def test_a_message_another_instance_is_processing_is_not_set_aside_over_its_work(
    make_app: AppFactory, tmp_path: Path
) -> None:
    app, _ = make_app()
    if app.engine.dialect.name != "postgresql":
        pytest.skip("row locks between PostgreSQL sessions")
    _stored_good_sin(app, tmp_path)
    row_id, limit = _row(app).id, app.config.ingest.max_attempts
    other = create_engine(app.config.database_url)
    try:
        with other.connect() as instance:
            # Its stops alone, as processes that died left them: one more and it is set aside.
            instance.execute(text("UPDATE messages SET begun = :n"), {"n": limit + 1})
            instance.commit()
            # The other instance claims it (its processing transaction's first statement) ...
            instance.execute(
                text("UPDATE messages SET status = 'stored' WHERE id = :id"), {"id": row_id}
            )
            done: list[bool] = []
            this = threading.Thread(target=lambda: done.append(process_alone(app, row_id)))
            this.start()
            _wait_until_blocked(other)
            # ... and, while this one waits to set it aside, processes it and commits.
            instance.execute(
                text("UPDATE messages SET status = 'processed' WHERE id = :id"), {"id": row_id}
            )
            instance.commit()
            this.join(timeout=60)
    finally:
        other.dispose()
    assert done == [True]
    row = _row(app)
    assert (row.status, row.needs_triage, row.triage_reason) == ("processed", False, None)

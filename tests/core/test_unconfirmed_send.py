"""After looking in the Sent folder for an email whose last attempt may have gone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.core.unconfirmed_send import Looked, after_looking

STARTED = datetime(2026, 12, 23, 9, 5, tzinfo=UTC)
GRAPH = timedelta(minutes=30)


def _at(minutes: float) -> datetime:
    return STARTED + timedelta(minutes=minutes)


def test_found_is_sent_whenever_it_is_looked_for() -> None:
    assert after_looking(True, STARTED, _at(1), GRAPH) is Looked.FOUND
    assert after_looking(True, STARTED, _at(90), timedelta(0)) is Looked.FOUND


def test_a_server_that_files_at_once_not_having_it_means_not_sent() -> None:
    assert after_looking(False, STARTED, _at(1), timedelta(0)) is Looked.NOT_SENT


def test_a_server_that_files_late_is_looked_at_again_then_a_person_is_asked() -> None:
    assert after_looking(False, STARTED, _at(1), GRAPH) is Looked.LOOK_AGAIN
    assert after_looking(False, STARTED, _at(29.9), GRAPH) is Looked.LOOK_AGAIN
    assert after_looking(False, STARTED, _at(30), GRAPH) is Looked.ASK

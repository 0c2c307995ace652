"""The reading process's trouble as the watchdog alerts it: after `alert_after`, as a failing
job; dated by its record's start; over only when its record was read and found clear
(bot.core.reading_trouble, bot.core.health, bot.core.unseen_ends)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.core.health import Judged, ended, ended_key, ended_sentence, read_ended_key
from bot.core.reading import reading_problem
from bot.core.reading_trouble import READING, reading_trouble
from bot.core.unseen_ends import seen_over, untold

BEGAN = datetime(2026, 12, 23, 9, 5, tzinfo=UTC)
WHY = "it stopped before answering a known email (exit code 1)"
AFTER = timedelta(minutes=30)
READ = Judged(frozenset({"mailbox"}), backlog=False, reading=True)
UNREAD = Judged(frozenset({"mailbox"}), backlog=False)


def test_alerted_once_it_has_lasted_alert_after_in_the_words_status_and_the_digest_use() -> None:
    assert reading_trouble(WHY, BEGAN, BEGAN + AFTER - timedelta(seconds=1), AFTER) == []
    [trouble] = reading_trouble(WHY, BEGAN, BEGAN + AFTER, AFTER)
    assert (trouble.kind, trouble.job, trouble.since) == ("reading", READING, BEGAN)
    assert trouble.sentence == reading_problem(WHY)
    later = reading_trouble(WHY, BEGAN, BEGAN + 5 * AFTER, AFTER)  # later passes, restarts
    assert [p.episode for p in later] == [trouble.episode]
    assert reading_trouble(None, None, BEGAN + AFTER, AFTER) == []  # it works
    assert ended_sentence("reading", READING) == "the reading process works again"
    assert read_ended_key(ended_key(trouble)) == ("reading", READING, BEGAN)


def test_over_only_when_this_check_read_its_record_and_found_it_clear() -> None:
    [trouble] = reading_trouble(WHY, BEGAN, BEGAN + AFTER, AFTER)
    assert ended([trouble], [], READ) == [trouble]
    assert ended([trouble], [], UNREAD) == []  # the database away, or the mailbox elsewhere
    assert ended([trouble], [trouble], READ) == []
    [alerted] = untold([f"alert:{trouble.episode}"], [])  # alerted by an earlier run
    assert seen_over([alerted], [], READ, {}) == [alerted]
    assert seen_over([alerted], [], UNREAD, {"mailbox": BEGAN + AFTER}) == []

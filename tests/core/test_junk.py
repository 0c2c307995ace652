"""Which junk-folder messages the digest lists: those that may start a clock every day, the
rest once, at most MOST_LISTED, the others counted in words that stay true."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.core.junk import (
    MOST_LISTED,
    JunkSighting,
    junk_changes,
    junk_to_list,
    looks_urgent,
    triage_order,
    triage_reason,
)


def test_urgent_ones_are_listed_every_day_the_rest_once() -> None:
    rows = [("old-spam", False, False), ("sin", True, False), ("new-spam", False, True)]
    chosen = junk_to_list(rows)
    assert chosen.listed == ("sin", "new-spam")
    assert chosen.rest_words() == (
        "Also still in Junk Email: 1 listed in an earlier digest, none of them looking like a "
        "SIN or from a partner's domain: look at the folder in Outlook"
    )


def test_a_long_list_stops_and_says_how_many_more_without_calling_them_harmless() -> None:
    rows = [(f"sin-{i}", True, False) for i in range(MOST_LISTED + 5)]
    chosen = junk_to_list(rows)
    assert len(chosen.listed) == MOST_LISTED and chosen.listed[0] == "sin-0"
    words = chosen.rest_words()
    assert words == (
        f"Also still in Junk Email: 5 more not listed here (the list stops at {MOST_LISTED}): "
        "look at the folder in Outlook"
    )


def test_nothing_left_over_says_nothing() -> None:
    assert junk_to_list([("a", False, True)]).rest_words() is None
    assert junk_to_list([]).rest_words() is None


def test_a_subject_or_a_partner_makes_it_urgent() -> None:
    assert looks_urgent("Serious Incident Notification", False)
    assert looks_urgent("RE: SIN form", False)
    assert looks_urgent("Hello", True)
    assert not looks_urgent("You have won", False)
    assert not looks_urgent("Sinking fund", False)


def test_triage_lists_junk_that_may_start_a_clock_first_each_part_oldest_first() -> None:
    rows = [("spam-1", False), ("sin", True), ("spam-2", False), ("partner", True)]
    assert triage_order(rows) == ["sin", "partner", "spam-1", "spam-2"]
    assert "may start a clock" in triage_reason(True)
    assert "may start a clock" not in triage_reason(False)


_AT = datetime(2026, 12, 23, 8, 30, tzinfo=UTC)


def _seen(key: str, at: datetime | None = _AT) -> JunkSighting:
    return JunkSighting(key, "casey.invented@gmp.police.uk", "GM SIN form", at)


def test_a_renumbered_folder_keeps_what_was_seen_and_tells_only_the_one_more_alike() -> None:
    # UIDVALIDITY 7 became 9: the one message seen is there again, and one just like it.
    changes = junk_changes(
        [_seen("7:1")], {"9:1", "9:2"}, [_seen("9:1"), _seen("9:2")], frozenset()
    )
    assert changes.rekeyed == (("7:1", "9:1"),)
    assert [s.key for s in changes.new] == ["9:2"] == [s.key for s in changes.urgent]
    assert changes.gone == frozenset()


def test_a_message_with_no_arrival_time_is_never_taken_for_one_seen_before() -> None:
    changes = junk_changes([_seen("7:1", None)], {"9:1"}, [_seen("9:1", None)], frozenset())
    assert changes.rekeyed == ()
    assert [s.key for s in changes.urgent] == ["9:1"]  # told again rather than missed
    assert changes.gone == {"7:1"}

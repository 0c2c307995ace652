"""The pass's count of the database's passing faults: in a row, reset by a success, stopping
the pass at IN_A_ROW, and the one line that says them."""

from __future__ import annotations

from bot.core.database_trouble import IN_A_ROW, DatabaseFault, TroubleSoFar


def test_no_trouble_says_nothing() -> None:
    assert TroubleSoFar().line() is None and not TroubleSoFar().stopped


def test_a_success_between_faults_keeps_the_pass_going() -> None:
    trouble = TroubleSoFar()
    for _ in range(IN_A_ROW * 2):
        trouble.fault(DatabaseFault.DEADLOCK, "OperationalError: deadlock detected")
        trouble.went_through()
    assert not trouble.stopped
    assert trouble.line() == (
        "database trouble (a deadlock with another session): OperationalError: deadlock "
        f"detected; {IN_A_ROW * 2} stored message(s) wait, uncounted, for the next pass"
    )


def test_faults_in_a_row_stop_the_pass_and_say_so() -> None:
    trouble = TroubleSoFar()
    trouble.fault(DatabaseFault.LOCKED, "storing mail: OperationalError: x", messages=0)
    for _ in range(IN_A_ROW - 1):
        trouble.fault(DatabaseFault.CONNECTION, "OperationalError: gone")
    assert trouble.stopped
    line = trouble.line()
    assert line is not None and line.startswith(
        "database trouble (the connection was lost or refused): OperationalError: gone; "
    )
    assert line.endswith(f"; the pass stopped after {IN_A_ROW} in a row")


def test_the_same_unknown_error_met_by_several_messages_in_a_row_stops_the_pass() -> None:
    trouble = TroubleSoFar()
    said = "OperationalError: no such table: cases"
    owed = [trouble.unknown("OperationalError SQLITE_ERROR", n, said) for n in range(IN_A_ROW)]
    assert owed == [[]] * IN_A_ROW and trouble.stopped  # none counted
    assert trouble.settle() == []
    assert trouble.line() == (
        f"database error (OperationalError SQLITE_ERROR): {said}; {IN_A_ROW} stored message(s) "
        f"wait, uncounted, for the next pass; the pass stopped: {IN_A_ROW} different messages "
        "in a row met it"
    )


def test_an_unknown_error_the_next_message_does_not_meet_was_the_message_s_own() -> None:
    trouble = TroubleSoFar()
    assert trouble.unknown("IntegrityError 23514", 7, "IntegrityError: check") == []
    assert trouble.unknown("IntegrityError 23514", 7, "IntegrityError: check") == []  # again
    assert trouble.went_through() == [(7, "IntegrityError: check")]
    assert trouble.unknown("DataError 22001", 8, "DataError: too long") == []
    assert trouble.unknown("IntegrityError 23505", 9, "IntegrityError: dup") == [
        (8, "DataError: too long")
    ]  # another error: the first was its own
    assert trouble.settle() == [(9, "IntegrityError: dup")]
    assert not trouble.stopped and trouble.line() is None


def test_overdue_suspects_no_longer_stop_the_pass_and_are_theirs_once_mail_goes_through() -> None:
    trouble = TroubleSoFar(overdue=frozenset({1, 2, 3}))
    for n in (1, 2, 3):
        assert trouble.unknown("DataError 22001", n, "DataError: too long") == []
    assert not trouble.stopped  # the mail behind them is tried
    assert trouble.went_through(processed=False) == []  # a failure of its own proves nothing
    assert trouble.went_through() == [(n, "DataError: too long") for n in (1, 2, 3)]
    assert not trouble.stopped and trouble.line() is None and trouble.held == set()


def test_overdue_suspects_with_nothing_processed_behind_them_stay_uncounted() -> None:
    trouble = TroubleSoFar(overdue=frozenset({1, 2, 3}))
    for n in (1, 2, 3, 4):
        assert trouble.unknown("OperationalError SQLITE_ERROR", n, "no such table") == []
    assert not trouble.stopped
    assert trouble.settle() == []  # the pass's end: a table renamed away meets them all
    assert trouble.stopped and trouble.held == {1, 2, 3, 4}
    assert (trouble.line() or "").startswith("database error (OperationalError SQLITE_ERROR)")


def test_three_more_behind_overdue_suspects_still_stop_the_pass() -> None:
    trouble = TroubleSoFar(overdue=frozenset({1, 2, 3}))
    for n in range(1, 7):
        assert trouble.unknown("OperationalError SQLITE_ERROR", n, "no such table") == []
    assert trouble.stopped and trouble.held == set(range(1, 7)) and trouble.left == 6


def test_proven_messages_are_counted_when_they_meet_it_again() -> None:
    trouble = TroubleSoFar(overdue=frozenset({1}), proven=frozenset({1}))
    assert trouble.unknown("DataError 22001", 1, "DataError: too long") == [
        (1, "DataError: too long")
    ]
    assert trouble.suspects == [] and not trouble.stopped

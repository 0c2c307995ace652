"""Words typed for an outside body that name the child are found, without false alarms."""

from __future__ import annotations

from datetime import date

import pytest

from bot.core.personal_data import named_in

NAMES, BIRTHS, ADDRESSES = ["Quinn Zed Invented"], [date(2020, 4, 3)], ["1 Example Street, Town"]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Quinn's mother is in hospital", "the child's name"),
        ("the INVENTED family asked for time", "the child's name"),
        ("from birth (03/04/2020) to 15 December 2026", "the child's date of birth"),
        ("from 3 April 2020 to now", "the child's date of birth"),
        ("from 2020-04-03", "the child's date of birth"),
        ("the house at 1 example street was searched", "the child's address"),
        # Initials, ordinary words that contain a name part, and other dates are fine.
        ("Q.Z.I.'s family asked for time", None),
        ("two agencies need more time for their chronologies", None),
        ("1 June 2026 to 15 December 2026", None),
        ("the inquest is not yet held; Zedbury police station", None),
    ],
)
def test_the_child_is_found_in_typed_words(text: str, found: str | None) -> None:
    assert named_in(text, NAMES, BIRTHS, ADDRESSES) == found

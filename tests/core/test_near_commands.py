"""Which lines look like a command that no command reads, and the commands nearest them."""

from __future__ import annotations

import pytest

from bot.core.near_commands import command_like, nearest_commands


@pytest.mark.parametrize(
    ("text", "labels", "nearest"),
    [
        # Only a line's label is kept, never its value: the answer goes by ordinary email.
        ("Notifed: 16/12/2026", ("Notifed:",), ("notified",)),
        ("Awareness date: 14/12/2026", ("Awareness date:",), ("aware",)),
        ("- Decison - rapid review", ("Decison -",), ("decision",)),
        ("Agencys: gmp, icb", ("Agencys:",), ("agencies",)),
        # A date after a label is not a command's shape unless the label is near a command's
        # word: these are notes for a person, and the bot does not answer them.
        ("Strategy meeting: 18/12/2026", (), ()),
        ("Update: mother arrested yesterday", (), ()),
        ("Date of birth: 01/02/2015", (), ()),
        # Prose, a note, a signature, a greeting: never answered.
        ("Note: the family have moved", (), ()),
        ("Thanks - I will be there on Thursday.", (), ()),
        ("Tel: 0161 496 0000", (), ()),
        ("I spoke to the school: they are worried.", (), ()),
        ("Kind regards - Dana", (), ()),
    ],
)
def test_lines_like_commands(text: str, labels: tuple[str, ...], nearest: tuple[str, ...]) -> None:
    assert command_like(text) == labels
    assert nearest_commands(labels) == nearest

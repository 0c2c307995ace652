"""Which lines look like a command that no command reads, and the commands nearest them."""

from __future__ import annotations

import pytest

from bot.core.near_commands import command_like, nearest_commands


@pytest.mark.parametrize(
    ("text", "lines", "nearest"),
    [
        ("Notifed: 16/12/2026", ("Notifed: 16/12/2026",), ("notified",)),
        ("Awareness date: 14/12/2026", ("Awareness date: 14/12/2026",), ("aware",)),
        ("- Decison - rapid review", ("- Decison - rapid review",), ("decision",)),
        ("Agencys: gmp, icb", ("Agencys: gmp, icb",), ("agencies",)),
        # A date after a label is a command's shape, whatever the label says.
        ("Strategy meeting: 18/12/2026", ("Strategy meeting: 18/12/2026",), ()),
        # Prose, a note, a signature, a greeting: never answered.
        ("Note: the family have moved", (), ()),
        ("Thanks - I will be there on Thursday.", (), ()),
        ("Tel: 0161 496 0000", (), ()),
        ("I spoke to the school: they are worried.", (), ()),
        ("Kind regards - Dana", (), ()),
    ],
)
def test_lines_like_commands(text: str, lines: tuple[str, ...], nearest: tuple[str, ...]) -> None:
    assert command_like(text) == lines
    assert nearest_commands(lines) == nearest

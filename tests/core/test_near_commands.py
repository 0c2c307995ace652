"""Which lines are near a command that no command reads, and the commands nearest them, by
the rule in bot.core.near_commands: a label near a command's keyword, and a value that
command reads."""

from __future__ import annotations

from datetime import date

import pytest

from bot.core.near_commands import command_like, nearest_commands

TODAY = date(2026, 12, 17)


@pytest.mark.parametrize(
    ("text", "labels", "nearest"),
    [
        # Only a line's label is kept, never its value: the answer goes by ordinary email.
        ("Notifed: 16/12/2026", ("Notifed:",), ("notified",)),
        ("Awareness date: 14/12/2026", ("Awareness date:",), ("aware",)),
        ("- Decison - rapid review", ("Decison -",), ("decision",)),
        ("Agencys: gmp, icb", ("Agencys:",), ("agencies",)),
        # Two letters swapped are one slip, as one letter changed is.
        ("Voet: rapid review", ("Voet:",), ("vote",)),
        ("Notifiabel: yes", ("Notifiabel:",), ("notifiable",)),
        ("Aprove: 12", ("Aprove:",), ("approve",)),
        # A command's first word, with a value it reads.
        ("Meeting: 06/01/2027", ("Meeting:",), ("meeting held",)),
        ("Report: 07/01/2027", ("Report:",), ("report submitted", "published", "report sent")),
        # Free text fits Close, Reviewer, Action: only their words mistyped are near them.
        ("Clsoe: duplicate case", ("Clsoe:",), ("close",)),
        ("Reveiwer: Sam Invented", ("Reveiwer:",), ("reviewer",)),
        # The longest commands' words, and a hyphen inside one, as the property tests found.
        (
            "Secretary of State and Ofsted notifed: 16/12/2026",
            ("Secretary of State and Ofsted notifed:",),
            ("sos and ofsted notified",),
        ),
        ("Re-opne: 16/12/2026", ("Re-opne:",), ("reopen",)),
        # A command's words after words of the writer's own: she meant the command.
        ("Panel notified: 16/12/2026", ("Panel notified:",), ("notified",)),
        # Words of a command and no others: that command first.
        (
            "SoS notified: 16/12/2026",
            ("SoS notified:",),
            ("sos and ofsted notified", "notified"),
        ),
        (
            "Ofsted notified: 16/12/2026",
            ("Ofsted notified:",),
            ("sos and ofsted notified", "notified"),
        ),
        ("Strategy meeting held: 18/12/2026", ("Strategy meeting held:",), ("meeting held",)),
        ("Decison-rapid review", ("Decison -",), ("decision",)),
        # Another word for the command's, with a value it reads: she meant the command.
        ("Outcome: rapid review", ("Outcome:",), ("decision",)),
        ("Result: NFA", ("Result:",), ("decision",)),
        ("Date of notification: 16/12/2026", ("Date of notification:",), ("notified",)),
        # An everyday word, and prose after it that its command would not read: news.
        ("Outcome: advice given", (), ()),
        ("Meeting: went well", (), ()),
        ("Note: the family have moved", (), ()),
        ("Status: waiting for the police return", (), ()),
        ("Notifed - went to the school", (), ()),
        ("Published reports: on the website", (), ()),
        # The free-text command's word with an ending: a word of its own, any value fits.
        ("Closed: the school is closed on Friday", (), ()),
        ("Delayed: the social worker is off sick", (), ()),
        ("Actions: the police will visit", (), ()),
        # The first word of a free-text command is not enough ("Cancel meeting").
        ("Cancel: the home visit", (), ()),
        # A date after a label is not a command's shape unless the label is near a command's
        # word: these are notes for a person, and the bot does not answer them.
        ("Strategy meeting: 18/12/2026", (), ()),
        ("Update: mother arrested yesterday", (), ()),
        ("Date of birth: 01/02/2015", (), ()),
        ("Noted: 12/12/2026", (), ()),
        # Prose, a signature, a greeting: never answered.
        ("Thanks - I will be there on Thursday.", (), ()),
        ("Tel: 0161 496 0000", (), ()),
        ("I spoke to the school: they are worried.", (), ()),
        ("Kind regards - Dana", (), ()),
    ],
)
def test_lines_like_commands(text: str, labels: tuple[str, ...], nearest: tuple[str, ...]) -> None:
    found = command_like(text, TODAY)
    assert tuple(line.label for line in found) == labels
    assert nearest_commands(found) == nearest


def test_the_nearest_are_each_named_once_and_only_the_first_few() -> None:
    text = "Notifed: 16/12/2026\nNotifid: 16/12/2026\nReport: 07/01/2027\nVoet: nfa"
    assert nearest_commands(command_like(text, TODAY)) == (
        "notified",
        "report submitted",
        "published",
    )

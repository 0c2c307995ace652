"""The Sent folder's name on Exchange: the distinguished folder whatever the language, or the
folder an administrator named. (Looking in it: tests/adapters/test_ews.py, test_graph.py and
tests/services/test_outbox_crash.py, on the real IMAP server.)"""

from __future__ import annotations

import pytest

from bot.adapters.sent_folder import exchange_folder, in_exchange


@pytest.mark.parametrize("configured", ["Sent Items", "sent items", "SentItems", "sentitems"])
def test_sent_items_is_the_distinguished_folder(configured: str) -> None:
    assert exchange_folder(configured) == "sentitems"


def test_another_folder_keeps_its_name() -> None:
    assert exchange_folder("Copies sent by the bot") == "Copies sent by the bot"


class _NoSource:
    def has_message_id(self, folder: str, message_id: str, /) -> bool:
        return False

    def close(self) -> None:
        pass


@pytest.mark.parametrize(
    ("configured", "named"),
    [("sentitems", "Sent Items"), ("SentItems", "Sent Items"), ("Sent Archive", "Sent Archive")],
)
def test_a_person_is_told_the_folder_by_the_name_she_sees(configured: str, named: str) -> None:
    """The words of the 'MAY HAVE BEEN SENT' notice: never the distinguished folder's id."""
    assert in_exchange(_NoSource(), configured).folder_name == named

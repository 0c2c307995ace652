"""Message keys on Exchange (EWS and Graph): the item id to move it, the Message-ID to find it
again after a move whose answer was lost (tests/adapters/test_ews.py, test_graph.py)."""

from __future__ import annotations

import pytest

from bot.adapters.exchange_keys import KEY_MAX, message_key, split_key
from bot.adapters.mail_source import MailboxError


def test_a_key_carries_the_item_id_and_the_message_id() -> None:
    key = message_key("AAMkAD1", "<sin-1@gmp.police.uk>")
    assert split_key(key, "a Graph") == ("AAMkAD1", "<sin-1@gmp.police.uk>")
    assert split_key(message_key("AAMkAD1", ""), "a Graph") == ("AAMkAD1", "")


def test_a_message_id_too_long_to_keep_is_left_off_whole_never_cut() -> None:
    item_id = "AAMkAD" + "x" * 100
    fits = "<" + "a" * (KEY_MAX - len(item_id) - 3) + ">"
    assert message_key(item_id, fits) == f"{item_id} {fits}"
    assert len(message_key(item_id, fits)) == KEY_MAX
    too_long = fits.replace("<a", "<aa")
    assert message_key(item_id, too_long) == item_id


def test_a_key_with_no_item_id_is_refused_naming_the_backend() -> None:
    with pytest.raises(MailboxError, match="not an EWS message key"):
        split_key(" <sin-1@gmp.police.uk>", "an EWS")

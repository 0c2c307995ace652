"""The key of a copy sent to the recipients a mail server put off: its own, and traceable."""

from __future__ import annotations

from bot.core.resend_keys import is_resend, original_key, resend_key
from bot.core.return_rounds import request_agency
from bot.core.stale_chases import read_key

REMINDER = "reminder:TSCP-2026-0001:appendix_b:gmp:2026-12-24:overdue-2"
REQUEST = "appendix-b:TSCP-2026-0001:gmp:2027-01-05"


def test_a_copy_has_a_key_of_its_own_and_a_copy_of_a_copy_another() -> None:
    first = resend_key("ack:TSCP-2026-0001")
    assert first == "resend-1:ack:TSCP-2026-0001"
    assert resend_key(first) == "resend-2:ack:TSCP-2026-0001"
    assert original_key(resend_key(first)) == original_key(first) == "ack:TSCP-2026-0001"
    assert is_resend(first) and not is_resend("ack:TSCP-2026-0001")


def test_keys_that_only_look_like_a_copys_are_their_own() -> None:
    for key in ("resend-:ack:1", "resend-x:ack:1", "resend-0:ack:1", "resend-1"):
        assert original_key(key) == key and not is_resend(key)


def test_a_copy_of_a_chase_is_the_same_chase_so_it_is_withdrawn_as_the_chase_would_be() -> None:
    assert read_key(resend_key(REMINDER)) == read_key(REMINDER) is not None


def test_a_copy_of_a_request_is_not_taken_for_the_agencys_request_itself() -> None:
    # Which request an agency was last sent is read from the requests, never from a copy of
    # one to a few of its people; a reply to the copy asks for the original's key.
    assert request_agency(resend_key(REQUEST)) is None
    assert request_agency(original_key(resend_key(REQUEST))) == "gmp"

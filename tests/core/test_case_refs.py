from __future__ import annotations

from bot.core.case_refs import (
    case_tag_like,
    find_case_refs,
    loose_case_refs,
    normalise_message_id,
    subject_case_ref,
    thread_ids,
)
from bot.core.message import MailMessage


def test_find_case_refs_tagged_and_bare_in_order_unique_upper_case() -> None:
    text = "RE: [tscp-2026-0007] see TSCP-2026-0003 and [TSCP-2026-0007] again"
    assert find_case_refs(text, "TSCP") == ["TSCP-2026-0007", "TSCP-2026-0003"]


def test_find_case_refs_ignores_lookalikes() -> None:
    assert find_case_refs("XTSCP-2026-0007 TSCP-2026-00071234567 TSCP-26-0007", "TSCP") == []


def test_find_case_refs_uses_the_configured_prefix() -> None:
    assert find_case_refs("[SSCP-2025-0101] and [TSCP-2026-0001]", "sscp") == ["SSCP-2025-0101"]


def test_subject_case_ref_takes_the_first_tag_not_a_bare_ref() -> None:
    assert subject_case_ref("TSCP-2026-0001 then [TSCP-2026-0002]", "TSCP") == "TSCP-2026-0002"
    assert subject_case_ref("about TSCP-2026-0001", "TSCP") is None


def test_normalise_message_id() -> None:
    assert normalise_message_id(" <abc@host> ") == "abc@host"
    assert normalise_message_id("<abc@host> (a comment)") == "abc@host"
    assert normalise_message_id("abc@host") == "abc@host"
    assert normalise_message_id("   ") == ""


def test_thread_ids_nearest_first_without_duplicates() -> None:
    msg = MailMessage(
        message_id="m@x",
        subject="",
        from_addr="",
        from_name="",
        in_reply_to="<c@x>",
        references=("<a@x>", "b@x", "c@x", " "),
    )
    assert thread_ids(msg) == ["c@x", "b@x", "a@x"]


def test_thread_ids_empty_for_a_new_message() -> None:
    assert thread_ids(MailMessage(message_id="m@x", subject="", from_addr="", from_name="")) == []


def test_folded_and_hostile_message_ids_normalise_to_one_line() -> None:
    # Folded in the middle of the id (some mailers do): the pieces join without the space.
    assert normalise_message_id("\r\n <abc.2026\r\n .def@host>") == "abc.2026.def@host"
    assert normalise_message_id("<abc\x00def@host>") == "abcdef@host"
    assert normalise_message_id("\t<abc@host>\t(comment)") == "abc@host"


def test_a_tag_written_like_a_reference_is_seen_mistyped_or_not() -> None:
    assert case_tag_like("RE: [TSCP-2026-O001] Serious incident notification received") == (
        "[TSCP-2026-O001]"
    )
    assert case_tag_like("Re: [TSPC-2026-0001] Screening Panel") == "[TSPC-2026-0001]"
    assert case_tag_like("[ tscp 2026 0007 ] vote") == "[ tscp 2026 0007 ]"
    assert case_tag_like("[TSCP-2026-0007] Screening Panel") == "[TSCP-2026-0007]"
    # Not tags: a bare reference, a date in brackets, a ticket number of another shape.
    assert case_tag_like("About TSCP-2026-0007") is None
    assert case_tag_like("Meeting [03/03/2026] notes") is None
    assert case_tag_like("[JIRA-12] build") is None


def test_a_reference_typed_by_hand_reads_as_the_case_it_would_be() -> None:
    text = "RE: SIN form TSCP-2026-001; see tscp 2026 0001 and TSCP/2026/0002"
    assert loose_case_refs(text, "TSCP") == ["TSCP-2026-0001", "TSCP-2026-0002"]
    assert loose_case_refs("XTSCP-2026-1, TSCP 2026, TSCP-2026-0001234", "TSCP") == []

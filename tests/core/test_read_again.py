"""bot.core.read_again: after a reading process stopped on one of an email's attachments, which
are read again by a fresh one, within what time, and the documents from both readings."""

from __future__ import annotations

from bot.core.doctext import BODY, DocumentText, Line
from bot.core.partly_read import BODY_PIECE, STOPPED_ON_ANOTHER, time_used
from bot.core.read_again import Again, Stop, documents, read_again

NAMES = ["hostile.pdf", "SIN form.docx", "notes.txt", "plan.docx"]
CRASHED = "its reader stopped"


def _read(source: str) -> list[DocumentText]:
    return [DocumentText(source, (Line(f"{source}, line 1", "text"),), (), ())]


def _problems(docs: list[DocumentText]) -> dict[str, str]:
    return {doc.source: doc.problems[0] for doc in docs if doc.unread}


def test_after_a_crash_the_attachments_not_begun_are_read_again_in_the_time_left() -> None:
    stop = Stop({BODY_PIECE: _read(BODY)}, 0, CRASHED, timed_out=False)
    assert read_again(stop, 4, 60, 12.5) == [Again(False, (1, 2, 3), 47.5)]


def test_the_attachment_that_stopped_it_and_those_read_are_not_read_again() -> None:
    pieces = {BODY_PIECE: _read(BODY), 0: _read("a"), 2: _read("c")}
    assert read_again(Stop(pieces, 1, CRASHED, False), 4, 60, 1) == [Again(False, (3,), 59)]


def test_a_crash_between_two_attachments_reads_again_all_those_not_read() -> None:
    stop = Stop({BODY_PIECE: _read(BODY), 0: _read("a")}, None, CRASHED, False)
    assert read_again(stop, 3, 60, 1) == [Again(False, (1, 2), 59)]


def test_after_the_emails_time_ran_out_nothing_is_read_again() -> None:
    stop = Stop({BODY_PIECE: _read(BODY)}, 0, "stopped in time", timed_out=True)
    assert read_again(stop, 4, 60, 60) == []


def test_with_no_time_left_after_a_crash_nothing_is_read_again() -> None:
    stop = Stop({BODY_PIECE: _read(BODY)}, 0, CRASHED, timed_out=False)
    assert read_again(stop, 4, 60, 60) == []
    assert read_again(stop, 4, 60, 61) == []


def test_nothing_is_read_again_when_the_one_that_stopped_it_was_the_last() -> None:
    pieces = {BODY_PIECE: _read(BODY), 0: _read("a")}
    assert read_again(Stop(pieces, 1, CRASHED, False), 2, 60, 1) == []


def test_an_email_text_not_yet_read_is_read_again_on_its_own_time_even_after_a_timeout() -> None:
    """Forwarded emails are opened before the email's own text: it may not have been begun.
    It is not one of the attachments sharing read_seconds, so it gets them whole, as before,
    and alone, so that an attachment that stops the fresh reading does not take it along."""
    alone = Again(True, (), 60)
    assert read_again(Stop({}, 0, "stopped in time", True), 2, 60, 60) == [alone]
    assert read_again(Stop({}, 0, CRASHED, False), 2, 60, 20) == [alone, Again(False, (1,), 40)]


def test_an_email_text_that_stopped_the_reading_is_not_read_again() -> None:
    stop = Stop({}, BODY_PIECE, CRASHED, timed_out=False)
    assert read_again(stop, 0, 60, 1) == []
    assert _problems(documents([], 60, stop)) == {BODY: f"{BODY}: {CRASHED}, " + _BY_HAND}


_BY_HAND = "so it was not read: open it by hand"


def test_documents_after_one_stop_name_why_each_is_unread() -> None:
    crashed = Stop({BODY_PIECE: _read(BODY), 1: _read("SIN form.docx")}, 0, CRASHED, False)
    assert _problems(documents(NAMES, 60, crashed)) == {
        "hostile.pdf": f"hostile.pdf: {CRASHED}, {_BY_HAND}",
        "notes.txt": f"notes.txt: {STOPPED_ON_ANOTHER}, {_BY_HAND}",
        "plan.docx": f"plan.docx: {STOPPED_ON_ANOTHER}, {_BY_HAND}",
    }
    timed = Stop(crashed.pieces, 0, "stopped in time", True)
    assert _problems(documents(NAMES, 60, timed))["plan.docx"] == (
        f"plan.docx: {time_used(60)}, {_BY_HAND}"
    )


def test_documents_read_again_in_full_keep_the_emails_order() -> None:
    first = Stop({BODY_PIECE: _read(BODY)}, 0, CRASHED, False)
    again = Again(False, (1, 2, 3), 50)
    # The fresh reading's own numbering; its empty text (not asked for) is left out.
    second = Stop(
        {BODY_PIECE: _read("blank"), 0: _read("form"), 1: _read("notes"), 2: _read("plan")},
        None,
        "",
        False,
    )
    docs = documents(NAMES, 60, first, [(again, second)])
    assert [doc.source for doc in docs] == [BODY, "hostile.pdf", "form", "notes", "plan"]
    assert _problems(docs) == {"hostile.pdf": f"hostile.pdf: {CRASHED}, {_BY_HAND}"}


def test_a_second_stop_names_its_own_attachment_and_why_the_rest_was_not_read() -> None:
    first = Stop({BODY_PIECE: _read(BODY)}, 0, CRASHED, False)
    again = Again(False, (1, 2, 3), 5)
    second = Stop({0: _read("form")}, 1, "stopped in time", timed_out=True)
    docs = documents(NAMES, 60, first, [(again, second)])
    assert [doc.source for doc in docs] == [BODY, *NAMES[:1], "form", *NAMES[2:]]
    assert _problems(docs) == {
        "hostile.pdf": f"hostile.pdf: {CRASHED}, {_BY_HAND}",
        "notes.txt": f"notes.txt: stopped in time, {_BY_HAND}",
        "plan.docx": f"plan.docx: {time_used(60)}, {_BY_HAND}",
    }


def test_the_email_text_read_again_alone_fills_in_the_first_reading() -> None:
    first = Stop({1: _read("SIN form.docx")}, 0, "stopped in time", True)
    again = Again(True, (), 60)
    read = Stop({BODY_PIECE: _read("text")}, None, "", False)
    docs = documents(NAMES[:2], 60, first, [(again, read)])
    assert [doc.source for doc in docs] == ["text", "hostile.pdf", "SIN form.docx"]
    failed = Stop({}, BODY_PIECE, "its reader stopped", False)
    assert _problems(documents(NAMES[:2], 60, first, [(again, failed)]))[BODY] == (
        f"{BODY}: its reader stopped, {_BY_HAND}"
    )


def test_the_email_text_and_the_attachments_read_again_one_after_the_other() -> None:
    first = Stop({}, 0, CRASHED, False)
    readings = read_again(first, 2, 60, 10)
    text = Stop({BODY_PIECE: _read("text")}, None, "", False)
    form = Stop({BODY_PIECE: _read("blank"), 0: _read("form")}, None, "", False)
    docs = documents(NAMES[:2], 60, first, list(zip(readings, (text, form), strict=True)))
    assert [doc.source for doc in docs] == ["text", "hostile.pdf", "form"]

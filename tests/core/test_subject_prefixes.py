import pytest

from bot.core.subject_prefixes import leading


@pytest.mark.parametrize(
    ("subject", "words", "rest", "forwarded"),
    [
        ("Serious Incident Notification", (), "Serious Incident Notification", False),
        ("RE: Status TSCP-2026-0001", ("re",), "Status TSCP-2026-0001", False),
        ("AW: RE: [EXTERNAL] FW: SIN form", ("aw", "re", "fw"), "SIN form", True),
        ("RE[2]: Complaint", ("re",), "Complaint", False),
        ("[EXTERNAL] Fwd: Complaint", ("fwd",), "Complaint", True),
        ("WG: Beschwerde", ("wg",), "Beschwerde", True),
        ("[SECURE] Complaint", (), "Complaint", False),
        ("Review: the screening decision", (), "Review: the screening decision", False),
    ],
)
def test_the_words_in_front_of_a_subject(
    subject: str, words: tuple[str, ...], rest: str, forwarded: bool
) -> None:
    found = leading(subject)
    assert (found.words, found.rest, found.forwarded) == (words, rest, forwarded)
    assert found.answered == bool(words)

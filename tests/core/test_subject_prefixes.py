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
        # Outlook in the other languages whose quoted headers are read (bot.core.quoted_dates).
        ("PD: Skarga", ("pd",), "Skarga", True),  # Polish
        ("Odp: PD: Skarga", ("odp", "pd"), "Skarga", True),
        ("RV: Queja", ("rv",), "Queja", True),  # Spanish
        ("I: Reclamo", ("i",), "Reclamo", True),  # Italian
        ("R: I: Reclamo", ("r", "i"), "Reclamo", True),
        ("ENC: Reclamação", ("enc",), "Reclamação", True),  # Portuguese
        ("RES: Reclamação", ("res",), "Reclamação", False),
        ("Doorst: Klacht", ("doorst",), "Klacht", True),  # Dutch
        ("Antw: Klacht", ("antw",), "Klacht", False),
        ("YML: Cwyn", ("yml",), "Cwyn", True),  # Welsh
        ("TR : Plainte", ("tr",), "Plainte", True),  # French, its space before the colon
        ("AW: WG: Beschwerde", ("aw", "wg"), "Beschwerde", True),  # German
        # The same words as the start of an ordinary subject: no colon, no prefix.
        ("PD training dates", (), "PD training dates", False),
        ("I have a concern", (), "I have a concern", False),
        ("Residential placement", (), "Residential placement", False),
        ("Enclosed: the SIN form", (), "Enclosed: the SIN form", False),
        ("Pdf of the SIN form", (), "Pdf of the SIN form", False),
        ("Iris: referral", (), "Iris: referral", False),
    ],
)
def test_the_words_in_front_of_a_subject(
    subject: str, words: tuple[str, ...], rest: str, forwarded: bool
) -> None:
    found = leading(subject)
    assert (found.words, found.rest, found.forwarded) == (words, rest, forwarded)
    assert found.answered == bool(words)

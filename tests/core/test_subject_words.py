"""What a person typed into a reply's subject, without what it answers."""

from __future__ import annotations

import pytest

from bot.core.attention import ReplyFacts, notice_for
from bot.core.subject_words import added_words

INVITATION = "[TSCP-2026-0001] Screening Panel: Thu 17 Dec 2026 10:00"


@pytest.mark.parametrize(
    ("subject", "added"),
    [
        (f"RE: {INVITATION}", ""),
        (f"RE: RE: {INVITATION} - mother arrested", "mother arrested"),
        (f"AW: [EXTERNAL] {INVITATION}", ""),
        ("RE: TSCP-2026-0001 Screening Panel: Thu 17 Dec 2026 10:00", ""),
        (f"{INVITATION} - the panel must hear this", "the panel must hear this"),
        ("RE: [TSCP-2026-0001] Panel (screening) - URGENT call me", "URGENT call me"),
    ],
)
def test_added_words(subject: str, added: str) -> None:
    assert added_words(subject, [INVITATION], "TSCP") == added


def test_without_the_subjects_answered_all_but_the_prefixes_and_tag_is_added() -> None:
    assert added_words("RE: [TSCP-2026-0001] child died", [], "TSCP") == "child died"


def _facts(subject: str, *, voted: bool = False) -> ReplyFacts:
    """A case reply whose body was empty, or a vote alone (its command line taken out)."""
    return ReplyFacts(
        kind="case_reply",
        on_case=True,
        from_business_manager=False,
        own_mail=False,
        text="",
        documents=(),
        had_commands=voted,
        alert_enabled=True,
        subject=subject,
    )


def test_news_in_the_subject_alone_is_alerted_and_thanks_beside_a_vote_is_not() -> None:
    assert notice_for(_facts("URGENT child died overnight")).alert
    assert notice_for(_facts("child deceased", voted=True)).alert
    assert not notice_for(_facts("Thanks, Dana", voted=True)).surface

"""Welsh sign-offs end a person's words as English ones do: the signature below is theirs."""

from __future__ import annotations

import pytest

from bot.core.attention import human_text, says_something
from bot.core.commands.quoting import new_text, text_to_show

SIGNATURE = "Dana Invented\nSwyddog Diogelu | Safeguarding Officer\nFf\u00f4n: 029 2000 0000"
WELSH = ["Cofion,", "Cofion cynnes,", "Cofion gorau", "Diolch,", "Diolch yn fawr", "Yn gywir,"]


@pytest.mark.parametrize("sign_off", WELSH)
def test_a_welsh_sign_off_ends_the_reply(sign_off: str) -> None:
    body = f"The chronology is attached.\n\n{sign_off}\n{SIGNATURE}"
    assert new_text(body) == "The chronology is attached."
    assert text_to_show(body) == "The chronology is attached."


@pytest.mark.parametrize("sign_off", WELSH)
def test_a_welsh_sign_off_beside_a_vote_is_no_news(sign_off: str) -> None:
    assert not says_something(f"{sign_off}\n{SIGNATURE}", had_commands=True)
    assert not says_something(f"{sign_off} Dana", had_commands=True)


def test_diolch_above_a_command_opens_the_reply_as_thanks_does() -> None:
    assert new_text("Diolch.\n\nVote: rapid review") == "Diolch.\n\nVote: rapid review"
    assert "Vote: rapid review" in new_text("Shwmae,\n\nDiolch\nVote: rapid review")


@pytest.mark.parametrize("greeting", ["Annwyl Jo,", "Helo, bawb", "Shwmae Sam,", "Bore da Jo"])
def test_a_welsh_greeting_beside_a_vote_is_no_news(greeting: str) -> None:
    body = f"{greeting}\n\nVote: rapid review\n\nCofion,\n{SIGNATURE}"
    shown = human_text(text_to_show(body), ["Vote: rapid review"])
    assert not says_something(shown, had_commands=True)

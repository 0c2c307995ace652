"""The words mail programs write above a quoted email, in each language their users choose.

Data only. bot.core.commands.quoted_header reads Outlook's header block with them ("From:",
"Sent:", "To:", "Subject:"), and bot.core.commands.attribution the "On <date>, X wrote:" line
of Gmail, Apple Mail and Thunderbird. Unread, a reply's whole quote (a vote reminder's "Vote:
rapid review" examples) was taken for its sender's new text. A language is added here, with a
test of each of its forms in tests/core/test_attribution.py and test_quoted_header_words.py.

Each word is a fragment of a regular expression, matched ignoring case.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

# A digit: the date every attribution but English's carries, so that a sentence of a
# partner's own ("Le rapport a écrit :") is not a quote's start.
DIGIT = r"\d"


@dataclass(frozen=True)
class Language:
    """One language's words. Outlook's header block: `sent`, `to` and `subject` are the names
    of the fields below `from`; `original` the words of its "-----Original Message-----" line.
    The attribution opens with one of `opening` and a `date`, and says "wrote" at its end
    (`wrote_last`: "ha scritto:"), or before the name (`wrote_first`: "schrieb X:"), or before
    the date that ends it (`wrote_lead`: "X escreveu no dia <date>:"). `wrote` is the word of
    "X <x@y> wrote:", which has no date (Thunderbird's own, and quotes of quotes)."""

    name: str
    from_: tuple[str, ...]
    sent: tuple[str, ...]
    to: tuple[str, ...]
    subject: tuple[str, ...]
    wrote: tuple[str, ...]
    original: tuple[str, ...] = ()
    opening: tuple[str, ...] = ()
    date: str = DIGIT
    wrote_last: tuple[str, ...] = ()
    wrote_first: tuple[str, ...] = ()
    wrote_lead: tuple[str, ...] = ()


# Welsh for many public bodies in Wales; the others for a colleague whose mailbox is set to
# one.
LANGUAGES = (
    Language(
        "English",
        from_=("from",),
        sent=("sent", "date"),
        to=("to", "cc", "bcc"),
        subject=("subject",),
        wrote=("wrote",),
        original=("original message",),
    ),
    Language(
        "Welsh",
        from_=("oddi wrth",),
        sent=("anfonwyd",),
        to=("at",),
        subject=("pwnc",),
        wrote=("ysgrifennodd",),
        opening=("ar",),
        wrote_last=("ysgrifennodd",),
        wrote_first=("ysgrifennodd",),
    ),
    Language(
        "German",
        from_=("von",),
        sent=("gesendet",),
        to=("an",),
        subject=("betreff",),
        wrote=("schrieb",),
        opening=("am",),
        wrote_first=("schrieb",),
    ),
    Language(
        "French",
        from_=("de",),
        sent=("envoy[ée]",),
        to=("[àa]",),
        subject=("objet",),
        wrote=(r"a\s+[ée]crit",),
        opening=("le",),
        wrote_last=(r"a\s+[ée]crit",),
    ),
    Language(
        "Spanish",
        from_=("de",),
        sent=("enviado(?: el)?",),
        to=("para",),
        subject=("asunto",),
        wrote=("escribi[óo]",),
        opening=("el",),
        wrote_last=("escribi[óo]",),
    ),
    Language(
        "Dutch",
        from_=("van",),
        sent=("verzonden",),
        to=("aan",),
        subject=("onderwerp",),
        wrote=("schreef",),
        opening=("op",),
        wrote_last=(r"heeft\s.+\shet\svolgende\sgeschreven",),
        wrote_first=("schreef",),
    ),
)


def either(words: Callable[[Language], tuple[str, ...]]) -> str:
    """One language's word or another's, as a non-capturing group."""
    found = dict.fromkeys(w for language in LANGUAGES for w in words(language))
    return "(?:" + "|".join(found) + ")"

"""Properties of what a person wrote beside commands (bot.core.attention over
bot.core.signature), over replies made of greetings, thanks, sign-offs and signatures in any
order: a line of news, however it is cased and however short, is shown; a signature of real
names, job titles and teams, whatever its words, is not."""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import assume, example, given
from hypothesis import strategies as st

from bot.core.attention import says_something, without_own_sign_off
from bot.core.signature import tells_news
from bot.core.typography import unaccented

# Someone of the family, what happened to them, and (sometimes) when: "Mum in A&E",
# "Child removed this morning", "Father released on bail".
_WHO = ("child", "baby", "mother", "mum", "father", "dad", "sibling", "stepfather", "family")
_WHAT = (
    "arrested", "removed", "released on bail", "in custody", "in A&E", "in hospital",
    "admitted to PICU", "deceased", "died", "missing", "subject to CP plan", "sectioned",
    "needs support", "seen by health", "referred to safeguarding",
    "remanded", "taken into police protection", "overdosed", "burnt", "abducted",
)  # fmt: skip
_WHEN = ("", " now", " today", " last night", " this morning", " overnight")
# A case change that is no one's name either: "Police attending now".
_OTHERS = ("police attending", "strategy meeting", "ambulance called", "section 47 started")

_STYLES: dict[str, Callable[[str], str]] = {
    "Sentence": str.capitalize,
    "Title Case": lambda s: " ".join(w[0].upper() + w[1:] for w in s.split()),
    "lower": str.lower,
    "CAPITALS": str.upper,
}
_GREETINGS = ("", "Hi Jo,", "Dear Business Manager,", "Morning all")
_COURTESY = ("", "Thanks", "Many thanks,", "Thanks, Jo")
_SIGNED = (
    "",
    "Kind regards\nCasey",
    "Casey Invented\nDesignated Safeguarding Lead\nTel: 0161 496 0000",
    "Best wishes\nSgt Casey Invented\nPublic Protection Investigation Unit",
)
# Titles and teams people sign with, among them those opening with a word of the family or
# naming a shift, which must stay signatures.
_TITLES = (
    "Designated Safeguarding Lead", "Named Nurse for Safeguarding Children", "Police DSP",
    "Family Support Worker", "Child Protection Coordinator", "Child Protection Team",
    "Mother and Baby Unit", "Night Sister", "Night Duty Manager", "Carer Support Worker",
    "Child and Adolescent Mental Health Services", "Partner Agency Lead", "Health Visitor",
    "Detective Sergeant", "Public Protection Investigation Unit", "Family Nurse Partnership",
    "Partner Organisation",
)  # fmt: skip


@given(
    st.one_of(
        st.tuples(st.sampled_from(_WHO), st.sampled_from(_WHAT), st.sampled_from(_WHEN)).map(
            lambda t: f"{t[0]} {t[1]}{t[2]}"
        ),
        st.tuples(st.sampled_from(_OTHERS), st.sampled_from(_WHEN[1:])).map("".join),
    ),
    st.sampled_from(sorted(_STYLES)),
    st.sampled_from(_GREETINGS),
    st.sampled_from(_COURTESY),
    st.sampled_from(_SIGNED),
    st.booleans(),
)
@example("child removed", "Title Case", "", "", "", False)
@example("police attending now", "Title Case", "", "Thanks", "", False)
@example("mum in A&E", "Title Case", "", "", "", False)
@example("father released on bail", "Title Case", "", "", "", False)
def test_a_line_of_news_beside_commands_is_shown_however_it_is_cased(
    news: str, style: str, greeting: str, courtesy: str, signed: str, news_last: bool
) -> None:
    line = _STYLES[style](news)
    parts = [greeting, courtesy, signed, line] if news_last else [greeting, line, courtesy, signed]
    text = "\n".join(p for p in parts if p)
    assert says_something(text, had_commands=True), text


@given(
    st.sampled_from((*_COURTESY[1:], "Kind regards", "Best wishes", "Regards")),
    # A first name alone on its line may be "Urgent" as well as "Casey": shown, by design
    # (tests/core/test_attention.py), and not alerted when it is the sender's.
    st.sampled_from(("Casey Invented", "Sgt Casey Invented", "Dr Casey Invented")),
    st.lists(st.sampled_from(_TITLES), max_size=2, unique=True),
    st.sampled_from(("", "Tel: 0161 496 0000", "07700 900000", "casey.invented@nhs.net")),
)
def test_a_signature_beside_commands_is_not_news(
    courtesy: str, name: str, titles: list[str], contact: str
) -> None:
    """The job titles and teams people sign with, even those that open "Child", "Mother" or
    "Family", are no news to alert a person to."""
    text = "\n".join(p for p in [courtesy, name, *titles, contact] if p)
    assert not says_something(text, had_commands=True), text


_LETTERS = "abcdefghijklmnopqrstuvwxyz\u00e9\u00eb\u00f1\u00f6\u0142\u00e6"
_NAME = st.text(_LETTERS, min_size=2, max_size=9).map(lambda w: w[0].upper() + w[1:])


@given(
    _NAME,
    _NAME,
    st.booleans(),
    st.sampled_from(("{first}", "{first} {last}", "{bare}", "{first} - covering for the LA DSP")),
    st.sampled_from(("Thanks", "Kind regards", "Many thanks,", "Best wishes")),
)
@example("\u00c9lodie", "Nowak", False, "{first}", "Thanks")
@example("\u0141ukasz", "Nowak", True, "{bare}", "Kind regards")
def test_the_sender_signing_with_their_own_name_is_no_news_in_any_alphabet(
    first: str, last: str, outlook: bool, signing: str, courtesy: str
) -> None:
    """ "Thanks\\nÉlodie" from Élodie Nowak (or "Nowak, Élodie", as Outlook gives it), signed
    with or without the accent, is the sender signing: shown in the digest, not alerted."""
    assume(not tells_news(f"{first} {last}"))  # a name that is news ("Died") is shown
    sender = f"{last}, {first}" if outlook else f"{first} {last}"
    bare = unaccented(first)
    text = f"{courtesy}\n{signing.format(first=first, last=last, bare=bare)}"
    assert not says_something(without_own_sign_off(text, sender), had_commands=True), text

"""Properties of tying mail to its case (bot.core.case_refs, bot.core.subject_prefixes) over
any reference, any words mail programs and gateways put before a subject, any text after it,
and any way a mail program folds a long Message-ID: the bot's own tag is always found, a
reference glued to other letters or digits never is, and a folded id is the id every copy of
the thread agrees on."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.core.case_refs import find_case_refs, normalise_message_id, subject_case_ref
from bot.core.subject_prefixes import leading

PREFIX = "TSCP"
refs = st.builds(
    lambda year, number: f"{PREFIX}-{year}-{number:04d}",
    st.integers(min_value=2000, max_value=2099),
    st.integers(min_value=1, max_value=9999),
)
words = st.sampled_from(
    ["RE", "Re", "re", "FW", "Fwd", "AW", "WG", "SV", "VS", "Antw", "TR", "RV", "R", "I",
     "Odp", "PD", "Enc", "Yml", "Doorst"]
)  # fmt: skip
gateway_tags = st.sampled_from(["[EXTERNAL]", "[SECURE]", "[External Sender]", "[SPAM?]"])


@st.composite
def mail_prefixes(draw: st.DrawFn) -> str:
    """What replies, forwards and gateways put in front: "RE: ", "TR : ", "RE[2]: ",
    "[EXTERNAL] ", in any number and order."""
    parts = []
    for _ in range(draw(st.integers(min_value=0, max_value=5))):
        if draw(st.booleans()):
            count = draw(st.sampled_from(["", "[2]", "[13]"]))
            space = draw(st.sampled_from(["", " "]))
            parts.append(f"{draw(words)}{count}{space}:")
        else:
            parts.append(draw(gateway_tags))
    return "".join(f"{p}{draw(st.sampled_from([' ', '  ', '']))}" for p in parts)


after = st.text(st.characters(blacklist_categories=["Cs"]), max_size=40)


@given(mail_prefixes(), refs, after)
def test_the_bot_s_tag_is_found_behind_any_reply_forward_or_gateway_words(
    front: str, ref: str, rest: str
) -> None:
    subject = f"{front}[{ref}] {rest}"
    assert subject_case_ref(subject, PREFIX) == ref
    assert find_case_refs(subject, PREFIX)[0] == ref


@given(refs, st.sampled_from(["[", "(", " ", ""]))
def test_a_tag_in_small_letters_is_the_same_case(ref: str, before: str) -> None:
    assert find_case_refs(f"see {before}{ref.lower()}", PREFIX) == [ref]


@given(
    refs,
    st.text("abcXYZ019", min_size=1, max_size=3),
    st.text("0123456789", min_size=1, max_size=3),
)
def test_a_reference_glued_to_other_letters_or_digits_is_not_that_case(
    ref: str, letters: str, digits: str
) -> None:
    assert ref not in find_case_refs(f"{letters}{ref} and more", PREFIX)
    assert ref not in find_case_refs(f"see {ref}{digits}", PREFIX)


@given(mail_prefixes(), st.text("abc ,.!?", max_size=30))
def test_the_words_in_front_are_all_read_and_the_subject_left_as_written(
    front: str, subject: str
) -> None:
    rest = subject.strip()
    found = leading(f"{front}{rest}")
    assert found.rest == rest or not rest
    assert found.answered == any(ch == ":" for ch in front)


local_part = st.from_regex(r"\A[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,40}\Z")
domain = st.from_regex(r"\A[A-Za-z0-9-]{1,20}(\.[A-Za-z0-9-]{1,20}){0,3}\Z")
folds = st.sampled_from(["\r\n ", "\r\n\t", "\n ", "\r\n  "])


@given(local_part, domain, st.data())
def test_a_message_id_folded_anywhere_is_the_same_id(
    local: str, host: str, data: st.DataObject
) -> None:
    mid = f"{local}@{host}"
    written = f"<{mid}>"
    cuts = sorted(data.draw(st.sets(st.integers(1, len(written) - 1), max_size=3)))
    folded = written
    for cut in reversed(cuts):
        folded = folded[:cut] + data.draw(folds) + folded[cut:]
    comment = data.draw(st.sampled_from(["", " (added by a gateway)", "\r\n (comment)"]))
    assert normalise_message_id(f" {folded}{comment}") == mid

"""A large base64 part handed to the feedparser as a one-line stand-in, its text put back after,
gives the tree, the MailMessage and the defects of reading it line by line: for every .eml here,
the fixtures' mail, and each damaged the ways real mail is."""

from __future__ import annotations

import email
import email.feedparser
import itertools
import random
import re
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.adapters.base64_leaves import (
    _base64_bodies,
    _less_last_line_break,
    _put_back,
    _with_stand_ins,
)
from bot.adapters.base64_leaves import message_from_bytes as read
from bot.adapters.parsing import ParseError, parse_message
from bot.core.message import MailMessage
from tests.fixtures.damaged_mail import DAMAGES, damaged, tree
from tests.fixtures.documents import simple_docx, text_pdf
from tests.fixtures.forms_docx import sin_docx
from tests.fixtures.mail import FIXED_BOUNDARY, calendar_reply, html_in_base64, sin
from tests.fixtures.mail import email as an_email

TESTS = Path(__file__).resolve().parents[1]
EML = sorted(TESTS.rglob("*.eml"))


@cache
def _fixture_mail() -> dict[str, bytes]:
    form = ("SIN form.docx", sin_docx())
    return {
        "sin with form": sin(attachment=form),
        "form, fixed boundary": an_email("SIN", "A.\n", attachment=form, boundary=FIXED_BOUNDARY),
        "minutes": an_email("Minutes", "Attached.\n", attachment=("m.docx", simple_docx("a"))),
        "notes": an_email("Notes", "Attached.\n", attachment=("n.pdf", text_pdf(["x"] * 30))),
        "calendar reply": calendar_reply("named.nurse@nhs.net", "ACCEPTED", note="Fine"),
        "small attachment": an_email("Tiny", "x\n", attachment=("t.bin", b"tiny")),
        "html body in base64": html_in_base64(),
    }


def _parsed(raw: bytes, stand_ins: bool) -> MailMessage | str:
    try:
        return parse_message(raw, stand_ins=stand_ins)
    except ParseError as exc:
        return f"ParseError: {exc}"


def _same_both_ways(raw: bytes) -> None:
    assert tree(read(raw)) == tree(email.message_from_bytes(raw))
    assert tree(read(raw)) == tree(read(raw, stand_ins=False))
    assert _parsed(raw, True) == _parsed(raw, False)


def test_a_sins_form_is_handed_over_whole_and_its_text_put_back() -> None:
    """The stand-in path is taken (not the fallback) for the benchmark's kind of SIN, in both
    line breaks, and its tree is the feedparser's to the byte."""
    whole = _fixture_mail()["sin with form"]
    for raw in (whole, DAMAGES["crlf"](whole, random.Random(0))):
        bodies = _base64_bodies(raw)
        assert len(bodies) == 1
        message = email.message_from_bytes(_with_stand_ins(raw, bodies))
        assert _put_back(message, raw, bodies)
        assert tree(message) == tree(email.message_from_bytes(raw))
        _same_both_ways(raw)


def test_a_messages_own_base64_body_is_handed_over_whole_to_its_last_line_break() -> None:
    """The body runs to the end of the message, its last line break kept (no delimiter takes
    it), with or without a line break at the end, in both line breaks."""
    whole = html_in_base64()
    for raw in (whole, whole.rstrip(b"\n"), DAMAGES["crlf"](whole, random.Random(0))):
        bodies = _base64_bodies(raw)
        headers_end = re.search(rb"\n\r?\n", raw)
        assert headers_end and bodies == [(headers_end.end(), len(raw))]
        message = email.message_from_bytes(_with_stand_ins(raw, bodies))
        assert _put_back(message, raw, bodies)
        assert tree(message) == tree(email.message_from_bytes(raw))
        _same_both_ways(raw)


def test_a_message_whose_own_body_is_not_all_base64_is_read_line_by_line() -> None:
    whole = html_in_base64()
    for raw in (whole + b"-- \nA signature\n", whole.replace(b"\n\n", b"\nnot a header\n\n", 1)):
        bodies = _base64_bodies(raw)
        if bodies:
            message = email.message_from_bytes(_with_stand_ins(raw, bodies))
            assert not _put_back(message, raw, bodies)
        _same_both_ways(raw)


def test_a_stand_in_found_anywhere_else_means_the_message_is_read_again_line_by_line() -> None:
    raw = _fixture_mail()["sin with form"]
    start, _ = _base64_bodies(raw)[0]
    # A line that looks like a delimiter inside the body: the part does not end where the run
    # of base64 does, so the stand-in is not the part's whole payload.
    odd = raw[: start + 3000] + b"\n--not-the-boundary\n" + raw[start + 3000 :]
    bodies = _base64_bodies(odd)
    message = email.message_from_bytes(_with_stand_ins(odd, bodies))
    assert bodies and not _put_back(message, odd, bodies)
    _same_both_ways(odd)


@pytest.mark.parametrize("path", EML, ids=lambda p: str(p.relative_to(TESTS)))
def test_every_eml_reads_the_same(path: Path) -> None:
    raw = path.read_bytes()
    _same_both_ways(raw)
    for _, variant in damaged(raw, seed=len(raw), count=3):
        _same_both_ways(variant)


@pytest.mark.parametrize("name", sorted(_fixture_mail()))
def test_the_fixtures_mail_reads_the_same_whole_and_damaged(name: str) -> None:
    raw = _fixture_mail()[name]
    _same_both_ways(raw)
    for _, variant in damaged(raw, seed=7, count=25):
        _same_both_ways(variant)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(sorted(_fixture_mail())),
    st.lists(st.tuples(st.sampled_from(sorted(DAMAGES)), st.integers(0, 2**32)), max_size=4),
)
def test_damaged_mail_reads_the_same(name: str, damages: list[tuple[str, int]]) -> None:
    raw = _fixture_mail()[name]
    for damage, seed in damages:
        raw = DAMAGES[damage](raw, random.Random(seed))
    _same_both_ways(raw)


def test_a_put_back_body_loses_the_last_line_break_the_feedparser_would_cut() -> None:
    # Every text of up to five characters of a letter, CR and LF: what the feedparser's own
    # pattern cuts off a part's payload, and nothing else.
    eol = email.feedparser.NLCRE_eol  # type: ignore[attr-defined]
    for size in range(6):
        for letters in itertools.product("a\r\n", repeat=size):
            text = "".join(letters)
            assert _less_last_line_break(text) == eol.sub("", text, count=1), repr(text)

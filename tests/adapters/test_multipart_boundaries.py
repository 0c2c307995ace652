"""A multipart's boundary matched without a pattern of its own gives the feedparser's tree: the
matcher agrees with the compiled pattern on every kind of line, the feedparser still builds that
pattern (else the matcher would silently never be used), and real mail, damaged or with
boundaries full of pattern characters, reads the same."""

from __future__ import annotations

import email
import inspect
import random
import re
from email.feedparser import FeedParser
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.adapters.multipart_boundaries import _BoundaryLine, _compile, message_from_bytes
from tests.fixtures.damaged_mail import damaged, tree
from tests.fixtures.mail import email as an_email

TESTS = Path(__file__).resolve().parents[1]
_TAIL = r")(?P<end>--)?(?P<ws>[ \t]*)(?P<linesep>\r\n|\r|\n)?$"


def _feedparsers_pattern(separator: str) -> str:
    """The pattern email.feedparser builds for a separator (pinned by the next test)."""
    return "(?P<sep>" + re.escape(separator) + _TAIL


def test_the_feedparser_still_builds_the_pattern_the_matcher_stands_for() -> None:
    source = inspect.getsource(vars(FeedParser)["_parsegen"])
    assert "'(?P<sep>' + re.escape(separator) +" in source
    assert "r')(?P<end>--)?(?P<ws>[ \\t]*)(?P<linesep>\\r\\n|\\r|\\n)?$')" in source
    assert isinstance(_compile(_feedparsers_pattern("--=_a.b(c)*+?")), _BoundaryLine)


def test_any_other_pattern_is_compiled() -> None:
    for pattern in (r"(?P<sep>\d" + _TAIL, "(?P<sep>a" + _TAIL + "x", r"(\r\n|\r|\n)\Z"):
        assert isinstance(_compile(pattern), re.Pattern)


_SEPARATORS = st.text(
    alphabet=st.sampled_from("ab=_-.()[]{}?*+|^$\\&~# \t'\udcff\u00e9"), max_size=12
)
_ENDS = st.sampled_from(["", "\n", "\r\n", "\r", "\n\n", "\r\n\n", "x\n"])


@settings(max_examples=400, deadline=None)
@given(
    _SEPARATORS,
    st.sampled_from(["", "--", "-", "---"]),
    st.text(alphabet=" \tx", max_size=3),
    _ENDS,
    st.booleans(),
)
def test_the_matcher_answers_as_the_compiled_pattern(
    boundary: str, dashes: str, blanks: str, end: str, whole: bool
) -> None:
    separator = "--" + boundary
    line = (separator if whole else separator[: len(separator) // 2]) + dashes + blanks + end
    compiled = re.compile(_feedparsers_pattern(separator))
    matcher = _compile(_feedparsers_pattern(separator))
    assert isinstance(matcher, _BoundaryLine)
    expected, got = compiled.match(line), matcher.match(line)
    assert (got is None) == (expected is None)
    if expected is not None and got is not None:
        for group in ("end", "ws", "linesep"):
            assert got.group(group) == expected.group(group)


@pytest.mark.parametrize(
    "boundary",
    ["simple", "=_(a+b)*[c]?{d}|^$", "with space", "'quoted'.\\back", "x" * 70],
    ids=["simple", "pattern characters", "space", "quote and backslash", "long"],
)
def test_mail_with_any_boundary_reads_as_the_feedparser_reads_it(boundary: str) -> None:
    body, attached = "A.\n--" + boundary + "x\n", ("a.txt", b"--\n--x\n")
    raw = an_email("Notes", body, attachment=attached, boundary=boundary)
    for variant in [raw, *(v for _, v in damaged(raw, seed=3, count=20))]:
        assert tree(message_from_bytes(variant)) == tree(email.message_from_bytes(variant))


@pytest.mark.parametrize("path", sorted(TESTS.rglob("*.eml")), ids=lambda p: p.name)
def test_every_eml_reads_as_the_feedparser_reads_it(path: Path) -> None:
    raw = path.read_bytes()
    variants = [
        raw,
        *(v for _, v in damaged(raw, seed=random.Random(path.name).randrange(99), count=3)),
    ]
    for variant in variants:
        assert tree(message_from_bytes(variant)) == tree(email.message_from_bytes(variant))

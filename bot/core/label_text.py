"""A form's label as the bot compares it: case, punctuation, numbering and words such as
"(if known)" or "please state" left out, so "3. Child's D.O.B. (if known):" and "child dob"
are one label. Shared by the form vocabulary (bot.core.vocabulary) and the form engine."""

from __future__ import annotations

import re

_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u2013": "-", "\u2014": "-"})
_BRACKETS = re.compile(r"\([^)]*\)?|\[[^\]]*\]?")
_POSSESSIVE = re.compile(r"(?<=[a-z])'s\b|(?<=s)'(?=\s|$)")
_NUMBERING = re.compile(
    r"^\s*(?:(?:section|part|question|q)\s*)?(?:\d+(?:\.\d+)*[a-z]?[.):]?|[a-h][.)])\s+"
)
_NON_WORD = re.compile(r"[^0-9a-z]+")
_FILLER = re.compile(
    r"\b(?:if|where)\s+(?:known|applicable|relevant|appropriate)\b"
    r"|\bplease\s+(?:state|specify|give|provide|tick|describe|include|list|confirm|enter)\b"
    r"|\b(?:tick|delete)\s+(?:all\s+that\s+apply|as\s+appropriate|one)\b"
    r"|\bdd\s*mm\s*yy(?:yy)?\b|\bplease\b"
)
_SPACES = re.compile(r"\s+")


def normalise_label(text: str) -> str:
    """Label text reduced to what matters: "3. Child's D.O.B. (if known):" -> "child d o b"."""
    s = text.casefold().translate(_QUOTES)
    s = _BRACKETS.sub(" ", s)
    s = _POSSESSIVE.sub("", s)
    s = s.replace("&", " and ").replace("*", " ")
    s = _NUMBERING.sub("", s)
    s = _NON_WORD.sub(" ", s)
    s = _FILLER.sub(" ", s)
    return _SPACES.sub(" ", s).strip()

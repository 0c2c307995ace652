"""`email.message_from_bytes`, with each multipart's boundary matched without compiling a
pattern of its own.

For every multipart the standard library's feedparser compiles
`(?P<sep>SEPARATOR)(?P<end>--)?(?P<ws>[ \\t]*)(?P<linesep>\\r\\n|\\r|\\n)?$`, SEPARATOR being
"--" and the boundary, escaped. Each boundary is new, so the `re` module's cache never holds
one: it is parsed and compiled afresh, 0.92 M instructions under callgrind each time, an eighth
of processing a plain email (docs/performance.md). Here the feedparser's own code runs with a
`re` whose `compile` answers that one pattern with a matcher built from the separator.

Why the matcher gives what the pattern gives. The separator, escaped, is a literal with no
flags: it matches at the start of a line exactly when the line starts with it, and takes
exactly its length. What follows in the pattern is the same for every boundary, so it is
compiled once and matched from that position (`Pattern.match(line, pos)`; its `$` still means
the end of the line, there being no `^`). The feedparser reads only the match's truth and its
`end` and `linesep` groups, the same in both (it never reads `sep`, which the matcher's lacks).
A pattern is only taken for the boundary's when escaping the separator read out of it gives it
back; any other pattern goes to `re.compile`.
"""

from __future__ import annotations

import re
from email.feedparser import FeedParser
from email.message import Message
from email.parser import Parser
from types import FunctionType, SimpleNamespace
from typing import Any

from bot.adapters.mime_params import RememberedParams

_SEPARATOR_START = "(?P<sep>"
_AFTER_SEPARATOR_TEXT = r")(?P<end>--)?(?P<ws>[ \t]*)(?P<linesep>\r\n|\r|\n)?$"
_AFTER_SEPARATOR = re.compile(_AFTER_SEPARATOR_TEXT[1:])
_ESCAPED_CHARACTER = re.compile(r"\\(.)", re.DOTALL)


class _BoundaryLine:
    """What the feedparser's compiled boundary pattern is used for: `match(line)`."""

    __slots__ = ("_separator",)

    def __init__(self, separator: str) -> None:
        self._separator = separator

    def match(self, line: str) -> re.Match[str] | None:
        if not line.startswith(self._separator):
            return None
        return _AFTER_SEPARATOR.match(line, len(self._separator))


def _compile(pattern: str, flags: int = 0) -> Any:
    """`re.compile`, but a matcher for the feedparser's boundary pattern."""
    if flags or not (
        pattern.startswith(_SEPARATOR_START) and pattern.endswith(_AFTER_SEPARATOR_TEXT)
    ):
        return re.compile(pattern, flags)
    escaped = pattern[len(_SEPARATOR_START) : -len(_AFTER_SEPARATOR_TEXT)]
    separator = _ESCAPED_CHARACTER.sub(r"\1", escaped)
    if re.escape(separator) != escaped:
        return re.compile(pattern, flags)
    return _BoundaryLine(separator)


def _with_names(function: Any, **names: object) -> Any:
    """`function` as written, reading `names` in place of its module's own."""
    code = function.__code__
    scope = dict(function.__globals__, **names)
    return FunctionType(code, scope, function.__name__, function.__defaults__, function.__closure__)


class _FeedParser(FeedParser):
    # Looked up in the class's namespace: typeshed does not list the private method.
    _parsegen = _with_names(
        vars(FeedParser)["_parsegen"], re=SimpleNamespace(**dict(vars(re), compile=_compile))
    )


class _Parser(Parser):
    parse = _with_names(Parser.parse, FeedParser=_FeedParser)


def message_from_bytes(raw: bytes) -> Message:
    """`email.message_from_bytes(raw)`: the same tree and defects, its parts
    bot.adapters.mime_params's (the same Message, reading header parameters once per text)."""
    # What email.parser.BytesParser.parsebytes does before it hands the text to its Parser.
    text = raw.decode("ASCII", errors="surrogateescape")
    message: Message = _Parser(RememberedParams).parsestr(text)
    return message

"""A MIME part whose Content-Type and Content-Disposition parameters are read once per text.

Each `get_param` the standard library answers (a part's charset, its file name, whether it
is format=flowed) parses the whole header's parameters again: mail-parser asks each part
for its file name and twice for its charset, and the bot asks again for calendar parts,
flowed text and the words outside attached emails, some eight parses of a few headers a
message. A mailbox's headers are mostly the same few texts ('text/plain; charset="utf-8"').
The parse is a pure function of the header's text (`Message._get_params_preserve` after its
look-up of the header), so here it is remembered for text of up to
bot.core.remembered.CACHED_TEXT characters, and each caller is handed a list of its own, as
before. A header carrying raw 8-bit bytes comes as an email.header.Header, and is read every
time, as is a longer one.
"""

from __future__ import annotations

from email.message import Message
from typing import Any

from bot.core.remembered import per_text


class _OneHeader:
    """Just enough of a Message for the standard library's parameter parse: one header."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def get(self, name: str, failobj: object = None) -> str:
        return self._value


@per_text
def _params(value: str) -> tuple[tuple[str, Any], ...]:
    """The standard library's own reading of a header's parameters (a value, or a triple when
    RFC 2231 encoded), run on its text alone."""
    parse = Message._get_params_preserve  # type: ignore[attr-defined]  # private, untyped
    return tuple(parse(_OneHeader(value), None, "content-type"))


class RememberedParams(Message):
    """`email.message.Message`, its header parameters parsed once per header text."""

    def _get_params_preserve(self, failobj: Any, header: str) -> Any:
        missing = object()
        value = self.get(header, missing)
        if value is missing:
            return failobj
        if type(value) is not str:
            return super()._get_params_preserve(failobj, header)  # type: ignore[misc]
        return list(_params(value))

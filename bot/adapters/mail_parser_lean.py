"""mail-parser's MailParser, less the two summaries the bot never reads.

`MailParser.parse()` ends by building `mail` and `mail_partial`: every header decoded again,
the body joined again, for callers that dump a message as JSON. The bot reads only `message`,
`from_`, `to`, `cc`, `date`, `text_plain`, `text_html`, `attachments` and
`defects_categories` (bot.adapters.parsing), all of which parse() sets before it builds the
summaries, and building them is pure (no defect, text or attachment comes from it): it was
5% of a plain email's instructions, for nothing (docs/performance.md). mail-parser offers no
public way to leave them out (its constructor always runs all of parse()), so the private
step that builds them is replaced. tests/adapters/test_mail_parser_lean.py pins the version
this was checked against and that every result the bot reads is still mail-parser's own.

Its first step, `_reset`, parses every address header with its forensic parser, the largest
part of mail-parser's own work on a plain email; and a mailbox's mail is mostly from the same
few senders to the same address. So the lean parser's `_reset` is mail-parser's own, reading
the same module names except `get_addresses`, which is remembered for header text of up to
bot.core.remembered.CACHED_TEXT characters: a pure function of that text, so the addresses and
the defects it finds are the same, handed to each message afresh (mail-parser annotates the
defects it is given in place).
"""

from __future__ import annotations

import copy
from email.message import Message
from types import FunctionType
from typing import Any, NoReturn

from mailparser import MailParser
from mailparser.utils import get_addresses, mime_header_view

from bot.adapters.base64_leaves import message_from_bytes
from bot.adapters.mime_params import RememberedParams
from bot.core.remembered import per_text

# The mail-parser release whose parse() this was checked against (requirements*.lock pins it).
CHECKED_VERSION = "4.8.0"


_Mailbox = tuple[str, str]


@per_text
def _addresses_and_defects(header: str) -> tuple[tuple[_Mailbox, ...], tuple[Any, ...]]:
    defects: list[Any] = []
    found = get_addresses(header, defects=defects, decode_names=True)
    return tuple(found), tuple(defects)


def _remembered_addresses(
    raw_header: Any, *, defects: list[Any] | None = None, decode_names: bool = False
) -> list[_Mailbox]:
    """`get_addresses`, remembered for a header read as text (a header with raw 8-bit bytes
    comes as an email.header.Header: read each time, as is any other call)."""
    if type(raw_header) is not str or not decode_names:
        return get_addresses(raw_header, defects=defects, decode_names=decode_names)  # type: ignore[no-any-return]
    found, found_defects = _addresses_and_defects(raw_header)
    if defects is not None:
        defects.extend(copy.deepcopy(found_defects))  # the remembered ones are never handed out
    return list(found)


def _with_names(step: FunctionType, **names: object) -> FunctionType:
    """`step` as mail-parser wrote it, reading `names` in place of its module's own."""
    scope = dict(step.__globals__, **names)
    return FunctionType(step.__code__, scope, step.__name__, step.__defaults__, step.__closure__)


class _WithoutSummaries(MailParser):  # type: ignore[misc]  # mail-parser has no type hints
    _reset = _with_names(MailParser._reset, get_addresses=_remembered_addresses)
    # Each part's header view is a RememberedParams, so the file name and the charsets
    # parse() asks it for are read once per header text (bot.adapters.mime_params).
    parse = _with_names(
        MailParser.parse,
        mime_header_view=_with_names(mime_header_view, Message=RememberedParams),
    )

    def _make_mail(self, complete: bool = True) -> dict[str, Any]:
        return {}

    # Read loudly rather than as an empty summary, should the bot ever come to need one.
    @property
    def mail(self) -> NoReturn:
        raise RuntimeError("mail is not built: see bot.adapters.mail_parser_lean")

    @property
    def mail_partial(self) -> NoReturn:
        raise RuntimeError("mail_partial is not built: see bot.adapters.mail_parser_lean")


def parse_bytes(raw: bytes, *, stand_ins: bool = True) -> Any:
    """`mailparser.parse_from_bytes(raw)` without the summaries; raises what it raises. Its
    email.message_from_bytes is bot.adapters.base64_leaves's, the same tree read faster
    (stand_ins=False: line by line, as mail-parser does)."""
    return _WithoutSummaries._parse_guarded(lambda: _tree(raw, stand_ins))


def _tree(raw: bytes, stand_ins: bool) -> Message:
    message = message_from_bytes(raw, stand_ins=stand_ins)
    if message.epilogue is None:
        # mail-parser looks for parts lost in the epilogue when a part's opening boundary is
        # missing (an email cut short inside a boundary parameter), and fails on a message
        # that has none: an empty one means the same, and the rest of the email is read.
        message.epilogue = ""
    return message

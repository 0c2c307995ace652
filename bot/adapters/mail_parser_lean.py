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
"""

from __future__ import annotations

from typing import Any, NoReturn

from mailparser import MailParser

# The mail-parser release whose parse() this was checked against (requirements*.lock pins it).
CHECKED_VERSION = "4.8.0"


class _WithoutSummaries(MailParser):  # type: ignore[misc]  # mail-parser has no type hints
    def _make_mail(self, complete: bool = True) -> dict[str, Any]:
        return {}

    # Read loudly rather than as an empty summary, should the bot ever come to need one.
    @property
    def mail(self) -> NoReturn:
        raise RuntimeError("mail is not built: see bot.adapters.mail_parser_lean")

    @property
    def mail_partial(self) -> NoReturn:
        raise RuntimeError("mail_partial is not built: see bot.adapters.mail_parser_lean")


def parse_bytes(raw: bytes) -> Any:
    """`mailparser.parse_from_bytes(raw)` without the summaries; raises what it raises."""
    return _WithoutSummaries.from_bytes(raw)

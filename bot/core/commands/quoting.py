"""The new text of a reply: what its sender wrote, above the quoted message and signature.

Commands are read only from this part (`new_text`), because the quoted message usually contains
the bot's own examples of them. What a person should see (`text_to_show`) goes further: text
written below a ">"-quoted message is the sender's too, and is never obeyed, only shown.
"""

from __future__ import annotations

import re

_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_ORIGINAL_MESSAGE = re.compile(
    r"-{2,}\s*(?:original message|forwarded message)\s*-{2,}|begin forwarded message:",
    re.IGNORECASE,
)
_OUTLOOK_RULE = re.compile(r"_{8,}")
_HEADER_FROM = re.compile(r"from:\s*\S", re.IGNORECASE)
_HEADER_FOLLOWING = re.compile(r"(?:sent|date|to|cc|subject):", re.IGNORECASE)
# "From: TSCP <tscp@...> Sent: ..." run into one line by an HTML-to-text conversion.
_INLINE_HEADER = re.compile(r"(?:^|\s)from:\s.*?\s(?:sent|date):\s", re.IGNORECASE)
_ON_WROTE = re.compile(r"on\s.*\bwrote:", re.IGNORECASE)
_ADDRESS_WROTE = re.compile(r".*\S@\S.*\swrote:", re.IGNORECASE)
_SIG_DASHES = re.compile(r"--")
_SIGN_OFF = re.compile(
    r"(?:(?:kind|kindest|best|warm|warmest|with\s+kind|with\s+best)\s+regards|best\s+wishes"
    r"|warm\s+wishes|yours\s+sincerely|yours\s+faithfully|all\s+the\s+best)\b"
    r"[,.!]*(?:\s*[^\s,]+(?:\s+[^\s,]+){0,3})?",
    re.IGNORECASE,
)
_BARE_SIGN_OFF = re.compile(
    r"(?:regards|thanks|thank\s+you|many\s+thanks|cheers|best)\s*[,.!]*", re.IGNORECASE
)
_MOBILE_FOOTER = re.compile(
    r"(?:sent\s+from\s+(?:my|mail|outlook)\b|get\s+outlook\s+for\b).*", re.IGNORECASE
)


def _plain(line: str) -> str:
    """The line as compared: no zero-width characters or bold markers, single spaces."""
    return " ".join(_ZERO_WIDTH.sub("", line).replace("*", "").split())


def _starts_quote(lines: list[str], i: int) -> bool:
    probe = _plain(lines[i])
    if _ORIGINAL_MESSAGE.fullmatch(probe) or _OUTLOOK_RULE.fullmatch(probe):
        return True
    if _HEADER_FROM.match(probe):
        if re.search(r"\s(?:sent|date):", probe, re.IGNORECASE):
            return True
        following = [_plain(x) for x in lines[i + 1 : i + 8]]
        if any(_HEADER_FOLLOWING.match(x) for x in following if x):
            return True
    return _attribution(lines, i) > 0


def _attribution(lines: list[str], i: int) -> int:
    """How many lines an "On <date>, X wrote:" attribution at line i takes: 0 when none."""
    probe = _plain(lines[i])
    if _ON_WROTE.fullmatch(probe) or _ADDRESS_WROTE.fullmatch(probe):
        return 1
    if probe.lower().startswith("on ") and i + 1 < len(lines):
        # Gmail wraps a long attribution: "On Thu, 12 Nov 2026 at 10:02, TSCP <...>\nwrote:".
        joined = f"{probe} {_plain(lines[i + 1])}"
        if _ON_WROTE.fullmatch(joined) and re.search(r"\d", probe):
            return 2
    return 0


def _quoted_from(lines: list[str], i: int) -> bool:
    """Whether the first non-blank line from line i is quoted with ">"."""
    rest = (_plain(x) for x in lines[i:])
    return next((x for x in rest if x), "").startswith(">")


def _is_signature(probe: str, *, after_text: bool) -> bool:
    if _SIG_DASHES.fullmatch(probe) or _MOBILE_FOOTER.fullmatch(probe):
        return True
    # "Thanks." as the first line is a greeting; after something, it is the sign-off.
    return after_text and any(p.fullmatch(probe) for p in (_SIGN_OFF, _BARE_SIGN_OFF))


def new_text(body: str) -> str:
    """The part of a reply its sender wrote: above the quoted message and the signature.

    Stops at an Outlook header block ("From: ... Sent: ..."), an "-----Original Message-----"
    or forwarded-message line, Outlook's underscore rule, an "On <date>, X wrote:" line, a "-- "
    signature separator, or a sign-off on its own line below some text ("Kind regards",
    "Thanks"). Lines quoted with ">" are left out wherever they are, so an inline reply below
    a quote still counts.
    """
    return _written(body, below_quotes=False)


def text_to_show(body: str) -> str:
    """What its sender wrote, for a person to read: `new_text`, and text below a quote.

    An "On <date>, X wrote:" line followed by ">"-quoted lines does not end it: a reply written
    below (or between) the quoted lines is read on, so a bottom-posted "the child has
    deteriorated" reaches a person. Never read for commands: obeying a line found below a
    quoted email would be a new risk. Everything else ends it as in `new_text`; where the quote
    is not marked with ">" (an attribution over plain text) nothing below it can be told apart
    from the quoted email, so it still stops there.
    """
    return _written(body, below_quotes=True)


def _written(body: str, *, below_quotes: bool) -> str:
    lines = body.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        probe = _plain(line)
        if probe.startswith(">"):
            i += 1
            continue
        span = _attribution(lines, i)
        if below_quotes and span and _quoted_from(lines, i + span):
            i += span
            continue
        after_text = any(_plain(k) for k in kept)
        if _starts_quote(lines, i) or _is_signature(probe, after_text=after_text):
            break
        # An HTML-to-text conversion can run the quoted header onto the reply's last line.
        inline = _INLINE_HEADER.search(line) or _ORIGINAL_MESSAGE.search(line)
        if inline:
            kept.append(line[: inline.start()])
            break
        kept.append(line)
        i += 1
    return "\n".join(kept).strip()

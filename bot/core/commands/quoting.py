"""The new text of a reply: what its sender wrote, above the quoted message and signature.

Commands are read only from this part (`new_text`), because the quoted message usually contains
the bot's own examples of them. What a person should see (`text_to_show`) goes further: text
written below a quoted message is the sender's too, and is never obeyed, only shown.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.commands.attribution import attribution_lines as _attribution
from bot.core.commands.keywords import command_keyword
from bot.core.commands.quoted_email import quoted_lines, words
from bot.core.commands.quoted_header import header_end, inline_header, starts_header
from bot.core.commands.sign_off import (
    closes,
    ends_reply,
    may_close,
    plain,
    postscript,
    signature_line,
)
from bot.core.remembered import per_text
from bot.core.signature import greets, tells_news

# Shown above what follows an unmarked quote of an email the bot does not hold: the sender's
# words cannot be told from the quote, and seeing the quote is better than missing the reply.
UNCHECKED = "[Below a quoted email the bot does not hold: some of these lines may be from it]"

_plain = plain


def _starts_quote(lines: list[str], i: int) -> bool:
    return starts_header(lines, i) or _attribution(lines, i) > 0


def _quoted_from(lines: list[str], i: int) -> bool:
    """Whether the first non-blank line from line i is quoted with ">"."""
    rest = (_plain(x) for x in lines[i:])
    return next((x for x in rest if x), "").startswith(">")


@per_text
def _is_text(line: str) -> bool:
    """Whether a line is something written: not blank, nor a greeting ("Hi Jo,")."""
    probe = _plain(line)
    return bool(probe) and not greets(probe)


def _signs_off(lines: list[str], i: int, kept: list[str]) -> bool:
    """Whether the reply is signed off at line i. "Thanks." below nothing but a greeting opens
    the reply ("Hi Jo,\n\nThanks.\n\nVote: rapid review"); below some text, "Thanks" closes
    it only when a signature or nothing follows ("Thanks\nJo"), never when more is written
    ("Thank you\nAware: 14/12/2026")."""
    probe = _plain(lines[i])
    if ends_reply(probe):
        return True
    if not any(_is_text(k) for k in kept):
        return False
    return closes(probe) or (may_close(probe) and _signature_below(lines, i))


def _signature_below(lines: list[str], i: int) -> bool:
    """Whether only a signature follows line i, up to a quoted email or the end: a name on the
    very next line, or nothing below but names, titles and contact lines (those after a name
    are the signature's whatever their words: "Hartley Vale Hospital")."""
    following = _plain(lines[i + 1]) if i + 1 < len(lines) else ""
    if following and _signature_line(following, signed_off=False):
        return True
    named = False
    for j in range(i + 1, len(lines)):
        if _starts_any_quote(lines, j):
            break
        probe = _plain(lines[j])
        if not _signature_line(probe, signed_off=named):
            return False
        named = named or bool(probe)
    return True


def _signature_end(lines: list[str], i: int, *, showing: bool) -> int | None:
    """The first line below the signature begun at line i where the sender writes again: a
    postscript, or a quoted email (answers may follow it); and, for showing, a line of news or
    a command, which a person must see (never obeyed: a signature's lines are not
    instructions). None when the signature runs to the end."""
    for j in range(i + 1, len(lines)):
        probe = _plain(lines[j])
        if _starts_any_quote(lines, j) or postscript(probe):
            return j
        if showing and _written_again(probe):
            return j
    return None


def _written_again(probe: str) -> bool:
    """A line below a signature that is no part of it: news, or a command, with its colon or
    without ("Vote rapid review"): its sender is told it was not carried out
    (written_and_below_signature), so a person must see it too."""
    if not probe or _signature_line(probe, signed_off=True):
        return False
    return tells_news(probe) or command_keyword(probe) is not None


def _signature_line(probe: str, *, signed_off: bool) -> bool:
    """A signature's line, never a command line, whatever its shape ("Aware: 14/12/2026" looks
    like a signature's "Base: Tameside General Hospital")."""
    return signature_line(probe, signed_off=signed_off) and not _commands(probe)


def _commands(probe: str) -> bool:
    return ":" in probe and command_keyword(probe) is not None


def new_text(body: str) -> str:
    """The part of a reply its sender wrote: above the quoted message and the signature.

    Stops at an Outlook header block ("From: ... Sent: ..."), an "-----Original Message-----"
    or forwarded-message line, Outlook's underscore rule (bot.core.commands.quoted_header), an
    "On <date>, X wrote:" line (bot.core.commands.attribution; both in English, Welsh, German,
    French, Spanish, Dutch, Italian, Portuguese or Polish), a "-- "
    signature separator, or a sign-off on its own line below some text ("Kind regards",
    "Thanks", "Cofion"). Lines quoted with ">" are left out wherever they are, so an inline
    reply below a quote still counts.
    """
    return _written(body)


def text_to_show(
    body: str, answered: Sequence[str] | None = None, banners: Sequence[str] = ()
) -> str:
    """What its sender wrote, for a person to read: `new_text`, and text below a quote.

    An "On <date>, X wrote:" line followed by ">"-quoted lines does not end it: a reply written
    below (or between) the quoted lines is read on, so a bottom-posted "the child has
    deteriorated" reaches a person. Nor does a sign-off with a quote below it ("see my answers
    below" in Outlook). Never read for commands: obeying a line found below a quoted email
    would be a new risk.

    Below a quote not marked with ">" (Outlook's "From: ... Sent: ..." block, an "Original
    Message" line, an attribution over plain text) only the email being answered tells the
    quote from the reply: `answered` is its text as the bot holds it (bot.services.answered),
    and a line found in it is left out. Without it (None: the bot never had that email) every
    line below is shown, after UNCHECKED to say why.

    `banners` are the notices mail gateways add to a body ("CAUTION: This email originated
    from outside the organisation ..."), as the configuration gives them: a line that is wholly
    such a notice is no one's words, above or below a quote, so it is left out.
    """
    lines = _lines(body)
    banner = _banner_lines(lines, banners)
    kept: list[str] = []
    i = 0
    while i < len(lines):
        span = _attribution(lines, i)
        if _plain(lines[i]).startswith(">") or (span and _quoted_from(lines, i + span)):
            i += span or 1
            continue
        below = _quote_at(lines, i)
        if below is not None:
            kept += ["", *_below_unmarked(lines, below, answered, banner)]
            break
        if _signs_off(lines, i, kept):
            end = _signature_end(lines, i, showing=True)
            if end is None:
                break
            i = end
            continue
        inline = inline_header(lines[i])
        if inline is not None:
            below = _header_end(lines, i)
            kept += [lines[i][:inline], "", *_below_unmarked(lines, below, answered, banner)]
            break
        if not banner[i]:
            kept.append(lines[i])
        i += 1
    return "\n".join(_squeezed(kept)).strip()


def _lines(body: str) -> list[str]:
    return body.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _written(body: str) -> str:
    return "\n".join(_read_reply(body)[0]).strip()


def written_and_below_signature(body: str) -> tuple[str, tuple[str, ...]]:
    """`new_text`, and the sender's own lines below a signature, up to a postscript or a
    quoted email, that are no part of a signature: a command line ("Vote: rapid review" under
    "Kind regards / Jo"), or one that may be a command without its colon ("Vote rapid
    review"). Never obeyed (a signature may carry old commands); bot.core.commands.parser
    says which are commands, so that the sender is told. Quoted lines are never among them."""
    kept, signed = _read_reply(body)
    below = tuple(line for line in signed if _not_signature(_plain(line)))
    return "\n".join(kept).strip(), below


def _not_signature(probe: str) -> bool:
    return bool(probe) and (_commands(probe) or not signature_line(probe, signed_off=True))


def _read_reply(body: str) -> tuple[list[str], list[str]]:
    """The lines read for commands, and those skipped below a signature (its own lines)."""
    lines = _lines(body)
    kept: list[str] = []
    signed: list[str] = []
    i: int | None = 0
    while i is not None and i < len(lines) and not _starts_quote(lines, i):
        line = lines[i]
        if _plain(line).startswith(">"):
            i += 1
        elif _signs_off(lines, i, kept):
            # A postscript is the sender's again, and read as the body is.
            end = _signature_end(lines, i, showing=False)
            signed += lines[i + 1 : end]
            i = end
        elif (inline := inline_header(line)) is not None:
            # An HTML-to-text conversion can run the quoted header onto the reply's last line.
            kept.append(line[:inline])
            break
        else:
            kept.append(line)
            i += 1
    return kept, signed


def quotes_unmarked(body: str) -> bool:
    """Whether the body may hold a quote not marked with ">": only then does text_to_show
    need the answered email, which costs reading it back."""
    lines = _lines(body)
    return any(_starts_quote(lines, i) for i in range(len(lines)))


def _quote_at(lines: list[str], i: int) -> int | None:
    """The line after the header of an unmarked quote starting at line i; None when none does."""
    return _header_end(lines, i) if _starts_quote(lines, i) else None


def _starts_any_quote(lines: list[str], i: int) -> bool:
    return _plain(lines[i]).startswith(">") or _starts_quote(lines, i)


def _header_end(lines: list[str], i: int) -> int:
    """The first line after the header of the quoted email starting at line i: its
    attribution, or Outlook's header (bot.core.commands.quoted_header)."""
    span = _attribution(lines, i)
    return i + span if span else header_end(lines, i)


def _below_unmarked(
    lines: list[str], i: int, answered: Sequence[str] | None, banner: list[bool]
) -> list[str]:
    """The lines from line i on that are not the quoted email's (nor ">"-quoted, nor the
    header of a quoted email further down the thread, nor a gateway's banner)."""
    region: list[str] = []
    while i < len(lines):
        below = _quote_at(lines, i)
        if below is None and not _plain(lines[i]).startswith(">") and not banner[i]:
            region.append(lines[i] if words(lines[i]) else "")  # a rule is a blank
        i = i + 1 if below is None else below
    if not answered or not any(t.strip() for t in answered):
        return [UNCHECKED, *region] if any(region) else []
    quoted = quoted_lines(region, answered)
    return [line for line, from_quote in zip(region, quoted, strict=True) if not from_quote]


def _banner_lines(lines: list[str], banners: Sequence[str]) -> list[bool]:
    """For each line, whether it is wholly a gateway's banner: every word of it lines up with
    one. Read a paragraph at a time, as a banner wraps over several lines."""
    flags = [False] * len(lines)
    if not banners:
        return flags
    start = 0
    while start < len(lines):
        end = start
        while end < len(lines) and words(lines[end]):
            end += 1
        if end > start:
            flags[start:end] = quoted_lines(lines[start:end], banners)
        start = end + 1
    return flags


def _squeezed(lines: list[str]) -> list[str]:
    """The lines with no two blank ones running (a quote left out leaves its blanks)."""
    return [x for n, x in enumerate(lines) if x.strip() or (n > 0 and lines[n - 1].strip())]

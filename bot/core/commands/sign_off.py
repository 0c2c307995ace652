"""Where a reply is signed off, and where its sender writes again below the signature (a PS).

Read line by line by bot.core.commands.quoting, which knows where quoted mail starts.
"""

from __future__ import annotations

import re

from bot.core.remembered import per_text
from bot.core.signature import names_someone, signs

_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_SIG_DASHES = re.compile(r"--")
# Welsh ones too, as partners in Wales sign: "Cofion cynnes" (warm regards), "Cofion gorau"
# (best regards), "Yn gywir" and "Yr eiddoch yn gywir" (yours sincerely), "Gyda diolch".
_WELSH_SIGN_OFF = r"cofion\s+(?:cynnes|gorau)|(?:yr\s+eiddoch\s+)?yn\s+gywir|gyda\s+diolch"
_SIGN_OFF = re.compile(
    r"(?:(?:kind|kindest|best|warm|warmest|with\s+kind|with\s+best)\s+regards|best\s+wishes"
    rf"|warm\s+wishes|yours\s+sincerely|yours\s+faithfully|all\s+the\s+best|{_WELSH_SIGN_OFF})\b"
    r"[,.!]*(?:\s*[^\s,]+(?:\s+[^\s,]+){0,3})?",
    re.IGNORECASE,
)
# Words that close a reply as often as they open one ("Thanks.\n\nVote: rapid review"), and
# their Welsh: "Cofion" (regards), "Diolch" and "Diolch yn fawr" (thanks, thank you).
_BARE_SIGN_OFF = re.compile(
    r"(?:regards|thanks|thank\s+you|many\s+thanks|cheers|best|cofion|diolch(?:\s+yn\s+fawr)?)"
    r"\s*[,.!]*",
    re.IGNORECASE,
)
_MOBILE_FOOTER = re.compile(
    r"(?:sent\s+from\s+(?:my|mail|outlook)\b|get\s+outlook\s+for\b).*", re.IGNORECASE
)
# "PS", "P.S.", "PPS", "P.P.S:", "Postscript": what follows is the sender's again.
_POSTSCRIPT = re.compile(
    r"(?:(?:p\.?\s?){1,2}s\b\.?|post\s?script\b)\s*[:,\-\u2013]?\s*(?P<rest>.*)", re.IGNORECASE
)


@per_text
def plain(line: str) -> str:
    """The line as compared: no zero-width characters or bold markers, single spaces."""
    return " ".join(_ZERO_WIDTH.sub("", line).replace("*", "").split())


def ends_reply(probe: str) -> bool:
    """A "-- " separator or a phone's "Sent from my iPhone": the end, wherever it is."""
    return bool(_SIG_DASHES.fullmatch(probe) or _MOBILE_FOOTER.fullmatch(probe))


def closes(probe: str) -> bool:
    """A closing that nothing but a signature follows: "Kind regards", "Yours sincerely"."""
    return _SIGN_OFF.fullmatch(probe) is not None


def may_close(probe: str) -> bool:
    """ "Thanks", "Regards", "Cheers": a closing only if what follows it is a signature."""
    return _BARE_SIGN_OFF.fullmatch(probe) is not None


def signature_line(probe: str, *, signed_off: bool) -> bool:
    """A line a signature is made of: blank, a name, a job title, a contact line, a footer."""
    return ends_reply(probe) or signs(probe, signed_off=signed_off)


def postscript(probe: str) -> bool:
    """Whether the line opens a postscript: "PS the mother was arrested", "P.S." alone.
    Not "PS 1234 Dana Whitlow", a police sergeant signing: a name after it is a title's."""
    found = _POSTSCRIPT.fullmatch(probe)
    if found is None:
        return False
    rest = found.group("rest")
    return not rest or not names_someone(rest, signing=True)


def without_postscript(probe: str) -> str:
    """The line without its "PS" marker, so that "PS Vote: rapid review" reads as the vote."""
    found = _POSTSCRIPT.fullmatch(probe)
    return found.group("rest") if found and postscript(probe) else probe

"""The attribution line above a quoted email: "On <date>, X wrote:", as Gmail, Apple Mail and
Thunderbird write it in the language their user chose.

A partner whose mail is set to Welsh, German, French, Spanish or Dutch quotes under
"Ar ddydd Llun, 7 Rhag 2026 am 10:00, X <x@y> ysgrifennodd:", "Am Mo., 7. Dez. 2026 um 10:00
Uhr schrieb X <x@y>:", "Le lun. 7 déc. 2026 à 10:00, X <x@y> a écrit :", "El lun, 7 dic 2026
a las 10:00, X (<x@y>) escribió:" or "Op ma 7 dec. 2026 om 10:00 schreef X <x@y>:". Unread,
the quote below (a vote reminder's "Vote: rapid review" examples) was taken for the reply's
own text, and the line itself was shown to the Business Manager as news.

Read by bot.core.commands.quoting, which knows where the rest of a quoted email starts.
"""

from __future__ import annotations

import re

from bot.core.commands.sign_off import plain

# Each language's attribution: the word it opens with ("On", "Ar", "Am", "Le", "El", "Op"),
# and how it says "wrote": at its end ("ysgrifennodd:", "a écrit :") or before the name
# ("schrieb X <x@y>:"). Other than English, where "On Thursday, Jo wrote:" is read as ever,
# a date's digit is asked for: a sentence of a partner's own ("Le rapport a écrit :") is not
# a quote's start.
_OPENING = r"(?:ar|am|le|el|op)"
_WROTE_LAST = r"(?:ysgrifennodd|a\s+[ée]crit|escribi[óo]|heeft\s.+\shet\svolgende\sgeschreven)"
_WROTE_FIRST = r"(?:ysgrifennodd|schrieb|schreef)"
_ON_WROTE = re.compile(r"on\s.*\bwrote:", re.IGNORECASE)
# "X <x@y> wrote:", with no date (Thunderbird's own).
_ADDRESS_WROTE = re.compile(
    r".*\S@\S.*\s(?:wrote|ysgrifennodd|schrieb|a\s+[ée]crit|escribi[óo]|schreef)\s?:",
    re.IGNORECASE,
)
_ELSEWHERE = re.compile(
    rf"{_OPENING}\s[^:]*\d.*\s(?:{_WROTE_LAST}\s?|{_WROTE_FIRST}\s[^:]{{1,120}}):",
    re.IGNORECASE,
)


def attribution_lines(lines: list[str], i: int) -> int:
    """How many lines an attribution at line i takes: 0 when none. Gmail wraps a long one
    over two ("On Thu, 12 Nov 2026 at 10:02, TSCP <...>\\nwrote:"; "Am Mo., 7. Dez. 2026 um
    10:00 Uhr schrieb TSCP <\\ntscp@tameside.gov.uk>:")."""
    probe = plain(lines[i])
    if _attributes(probe):
        return 1
    wrapped = i + 1 < len(lines) and re.search(r"\d", probe) and _opens(probe)
    return 2 if wrapped and _attributes(f"{probe} {plain(lines[i + 1])}") else 0


def _attributes(probe: str) -> bool:
    return any(p.fullmatch(probe) for p in (_ON_WROTE, _ADDRESS_WROTE, _ELSEWHERE))


def _opens(probe: str) -> bool:
    return re.match(rf"(?:on|{_OPENING})\s", probe, re.IGNORECASE) is not None

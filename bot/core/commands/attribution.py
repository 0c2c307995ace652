"""The attribution line above a quoted email: "On <date>, X wrote:", as Gmail, Apple Mail and
Thunderbird write it in the language their user chose.

A partner whose mail is set to another language quotes under "Ar ddydd Llun, 7 Rhag 2026 am
10:00, X <x@y> ysgrifennodd:", "Am Mo., 7. Dez. 2026 um 10:00 Uhr schrieb X <x@y>:", "Le
lun. 7 déc. 2026 à 10:00, X <x@y> a écrit :", "El lun, 7 dic 2026 a las 10:00, X (<x@y>)
escribió:", "Op ma 7 dec. 2026 om 10:00 schreef X <x@y>:", "Il giorno lun 7 dic 2026 alle ore
10:00 X <x@y> ha scritto:", "Em seg., 7 de dez. de 2026 às 10:00, X <x@y> escreveu:" or "pon.,
7 gru 2026 o 10:00 X <x@y> napisał(a):" (every form: bot.core.commands.quote_words). Unread,
the quote below (a vote reminder's "Vote: rapid review" examples) was taken for the reply's
own text, and the line itself was shown to the Business Manager as news.

Read by bot.core.commands.quoting, which knows where the rest of a quoted email starts.
"""

from __future__ import annotations

import re

from bot.core.commands.quote_words import LANGUAGES, Language, either
from bot.core.commands.sign_off import plain

_ON_WROTE = re.compile(r"on\s.*\bwrote:", re.IGNORECASE)
# "X <x@y> wrote:", with no date (Thunderbird's own).
_ADDRESS_WROTE = re.compile(rf".*\S@\S.*\s{either(lambda x: x.wrote)}\s?:", re.IGNORECASE)


def _dated(language: Language) -> str:
    """A language's dated attribution: its opening and date, then "wrote" at the end or
    before the name ("schrieb X <x@y>:"), or the date last ("X escreveu no dia <date>:")."""
    forms = []
    if language.opening:
        wrote = [f"{w}\\s?" for w in language.wrote_last]
        wrote += [f"{w}\\s[^:]{{1,120}}" for w in language.wrote_first]
        opening = "|".join(language.opening)
        forms.append(rf"(?:{opening})\s[^:]*{language.date}.*\s(?:{'|'.join(wrote)}):")
    if language.wrote_lead:
        lead = "|".join(language.wrote_lead)
        forms.append(rf"(?:.*\s)?(?:{lead})\s.*{language.date}.*:")
    return "|".join(forms)


# Each language's opening with its own words only: "Le ... schrieb X:" is no one's.
_ELSEWHERE = re.compile(
    "|".join(f"(?:{form})" for form in map(_dated, LANGUAGES) if form), re.IGNORECASE
)
_OPENS = re.compile(rf"(?:on|{either(lambda x: x.opening)})\s", re.IGNORECASE)


def attribution_lines(lines: list[str], i: int) -> int:
    """How many lines an attribution at line i takes: 0 when none. Gmail wraps a long one
    over two ("On Thu, 12 Nov 2026 at 10:02, TSCP <...>\\nwrote:"; "Am Mo., 7. Dez. 2026 um
    10:00 Uhr schrieb TSCP <\\ntscp@tameside.gov.uk>:"; "TSCP <tscp@tameside.gov.uk> escreveu
    no dia\\nquarta, 16/12/2026 à(s) 12:00:")."""
    probe = plain(lines[i])
    if _attributes(probe):
        return 1
    if i + 1 >= len(lines):
        return 0
    following = plain(lines[i + 1])
    return 2 if _may_wrap(probe, following) and _attributes(f"{probe} {following}") else 0


def _may_wrap(probe: str, following: str) -> bool:
    """Whether a line may be an attribution's first part: one dated under its opening word
    whose next line is not a whole attribution opening so (a partner's own "On 12 Dec 2026,
    the social worker wrote: ..." just above one is theirs), or one holding the quoted
    sender's address whose next line is no attribution itself."""
    if re.search(r"\d", probe) and _OPENS.match(probe):
        return not (_OPENS.match(following) and _attributes(following))
    return "@" in probe and not _attributes(following)


def _attributes(probe: str) -> bool:
    # Every form ends with its colon: most lines are told from one without a pattern.
    if not probe.endswith(":"):
        return False
    return any(p.fullmatch(probe) for p in (_ON_WROTE, _ADDRESS_WROTE, _ELSEWHERE))

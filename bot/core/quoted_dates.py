"""A forwarded email's Sent or Date line in another language, read as a day only where it
cannot be misread.

A colleague's mail program set to German quotes "Gesendet: Freitag, 11. Dezember 2026 16:00"
(Outlook), "Date: Fr., 11. Dez. 2026 um 16:00 Uhr" (Gmail) or "Datum: 11. Dezember 2026 um
16:00:00 MEZ" (Apple Mail); Polish Outlook "Wysłano: piątek, 11 grudnia 2026 16:00", its month
in the genitive. Unread, a forwarded SIN's clocks counted from the forward, days after the
partnership had it. Read here only when the month is a name, with the day, a four-figure year
and a time as mail programs write them, and any weekday beside it is that date's; a date in
figures is read (or not) as an English one is by bot.core.forwarded, since which number is
the month differs from one country to the next. Anything else gives no day.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache

from bot.core.typography import unaccented

# Each language's months, January first, every name of one month in one string: the full
# name and its abbreviations. From the C library's locale data (glibc's LC_TIME "mon",
# "abmon" and, for Polish, "alt_mon", the nominative beside the genitive a date is written
# with) and Unicode CLDR's abbreviated month names, which Gmail writes ("Dez.", "sept.", Welsh
# "Chwef", "Gorff", "Rhag"). A name no language gives two months (tested): "mar" is March in
# each that has it.
MONTHS: dict[str, tuple[str, ...]] = {
    "Welsh": (
        *("ionawr ion", "chwefror chw chwef", "mawrth maw", "ebrill ebr", "mai"),
        *("mehefin meh", "gorffennaf gor gorff", "awst aws", "medi med", "hydref hyd"),
        *("tachwedd tach", "rhagfyr rha rhag"),
    ),
    "German": (
        *("januar jan", "februar feb", "märz mär", "april apr", "mai", "juni jun", "juli jul"),
        *("august aug", "september sep sept", "oktober okt", "november nov", "dezember dez"),
    ),
    "French": (
        *("janvier janv", "février févr", "mars", "avril avr", "mai", "juin"),
        *("juillet juil", "août", "septembre sept", "octobre oct", "novembre nov"),
        "décembre déc",
    ),
    "Spanish": (
        *("enero ene", "febrero feb", "marzo mar", "abril abr", "mayo may", "junio jun"),
        *("julio jul", "agosto ago", "septiembre sep sept", "octubre oct", "noviembre nov"),
        "diciembre dic",
    ),
    "Dutch": (
        *("januari jan", "februari feb", "maart mrt", "april apr", "mei", "juni jun"),
        *("juli jul", "augustus aug", "september sep", "oktober okt", "november nov"),
        "december dec",
    ),
    "Italian": (
        *("gennaio gen", "febbraio feb", "marzo mar", "aprile apr", "maggio mag"),
        *("giugno giu", "luglio lug", "agosto ago", "settembre set", "ottobre ott"),
        *("novembre nov", "dicembre dic"),
    ),
    "Portuguese": (
        *("janeiro jan", "fevereiro fev", "março mar", "abril abr", "maio mai", "junho jun"),
        *("julho jul", "agosto ago", "setembro set", "outubro out", "novembro nov"),
        "dezembro dez",
    ),
    "Polish": (
        *("stycznia styczeń sty", "lutego luty lut", "marca marzec mar"),
        *("kwietnia kwiecień kwi", "maja maj", "czerwca czerwiec cze", "lipca lipiec lip"),
        *("sierpnia sierpień sie", "września wrzesień wrz"),
        *("października październik paź", "listopada listopad lis", "grudnia grudzień gru"),
    ),
}

# Each language's weekdays, Monday first, from the same sources (glibc's "day" and "abday",
# CLDR's abbreviations: Polish Gmail's "pt.", "niedz."). Welsh writes "Dydd Llun" and
# Portuguese "segunda-feira": read without "dydd" and "-feira".
WEEKDAYS: dict[str, tuple[str, ...]] = {
    "Welsh": (
        *("llun llu", "mawrth maw", "mercher mer", "iau", "gwener gwe gwen"),
        *("sadwrn sad", "sul"),
    ),
    "German": (
        *("montag mo", "dienstag di", "mittwoch mi", "donnerstag do", "freitag fr"),
        *("samstag sonnabend sa", "sonntag so"),
    ),
    "French": (
        *("lundi lun", "mardi mar", "mercredi mer", "jeudi jeu", "vendredi ven"),
        *("samedi sam", "dimanche dim"),
    ),
    "Spanish": (
        *("lunes lun", "martes mar", "miércoles mié", "jueves jue", "viernes vie"),
        *("sábado sáb", "domingo dom"),
    ),
    "Dutch": (
        *("maandag ma", "dinsdag di", "woensdag wo", "donderdag do", "vrijdag vr"),
        *("zaterdag za", "zondag zo"),
    ),
    "Italian": (
        *("lunedì lun", "martedì mar", "mercoledì mer", "giovedì gio", "venerdì ven"),
        *("sabato sab", "domenica dom"),
    ),
    "Portuguese": (
        *("segunda seg", "terça ter", "quarta qua", "quinta qui", "sexta sex"),
        *("sábado sáb", "domingo dom"),
    ),
    "Polish": (
        *("poniedziałek pon", "wtorek wt wto", "środa śr śro", "czwartek czw"),
        *("piątek pt pią", "sobota sob", "niedziela niedz nie"),
    ),
}

_WORD = r"[^\W\d_]+"
# [weekday,] day[.] [de] month[.][,] [de] year[,] [the word before a time] time...: Outlook's
# "Montag, 30. November 2026 09:14", Gmail's "sex., 30 de nov. de 2026 às 09:14", Apple
# Mail's "30 de noviembre de 2026, 9:14:00 CET"; the time and what follows it kept whole, for
# its zone ("um 9:14 Uhr", "alle ore 9:14", "o godz. 9:14", "am 9:14").
_LINE = re.compile(
    rf"(?:(?P<wd>{_WORD}(?:[-\s]{_WORD})?)\.?,?\s+)?(?P<d>\d{{1,2}})\.?\s+(?:de\s+)?"
    rf"(?P<m>{_WORD})\.?,?\s+(?:de\s+)?(?P<y>\d{{4}}),?\s+"
    r"(?:(?:um|à|às|à\(s\)|a\s+las?|om|alle(?:\s+ore)?|o(?:\s+godz\.)?|am|at)\s+)?"
    r"(?P<time>(?P<h>\d{1,2})[:.](?P<min>\d{2})\b.*)",
    re.IGNORECASE,
)


def fold(word: str) -> str:
    """A word lower-cased and without its accents ("Dez" "dez", "paź" "paz", "mié" "mie"),
    as some mail programs and keyboards drop them."""
    return unaccented(word).lower()


def names(table: dict[str, tuple[str, ...]]) -> dict[str, set[int]]:
    """Each folded name in `table` with the numbers (from 1) of the entries naming it: a name
    of two entries (none, as tested) could be either and is no name."""
    found: dict[str, set[int]] = {}
    for entries in table.values():
        for number, words in enumerate(entries, 1):
            for word in words.split():
                found.setdefault(fold(word), set()).add(number)
    return found


@cache
def _named(kind: str) -> dict[str, set[int]]:
    """names() of the months or the weekdays, folded once rather than at every line read."""
    return names(MONTHS if kind == "months" else WEEKDAYS)


def _only(word: str, table: dict[str, set[int]]) -> int | None:
    meant = table.get(word, set())
    return next(iter(meant)) if len(meant) == 1 else None


def named_month_day(line: str) -> tuple[date, str] | None:
    """The day a Sent or Date line gives with its month's name in a language of
    bot.core.commands.quote_words, and the line from its time on; None unless every part is
    read for sure (a real date, a time of day, a weekday that is that date's)."""
    found = _LINE.fullmatch(" ".join(line.split()))
    if found is None or int(found["h"]) > 23 or int(found["min"]) > 59:
        return None
    month = _only(fold(found["m"]), _named("months"))
    if month is None:
        return None
    try:
        day = date(int(found["y"]), month, int(found["d"]))
    except ValueError:
        return None
    if found["wd"] is not None and _weekday(found["wd"]) != day.weekday():
        return None
    return day, found["time"]


def _weekday(word: str) -> int | None:
    """Monday 0, as date.weekday(); None for a word no weekday of the table."""
    numbered = _only(fold(word).removeprefix("dydd ").removesuffix("-feira"), _named("weekdays"))
    return numbered - 1 if numbered is not None else None

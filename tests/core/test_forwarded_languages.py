"""A forwarded email's Sent or Date line in another language gives its day only where it
cannot be misread: the month by its name, with the day, the year and a time; Apple Mail's
"Begin forwarded message:" line is known in each language the bot reads."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import pytest

from bot.core import quoted_dates
from bot.core.forwarded import (
    Written,
    counted_from,
    first_writer,
    first_written,
    is_forwarded,
    written,
)
from bot.core.message import MailMessage

LONDON = ZoneInfo("Europe/London")
POLICE = "casey.invented@gmp.police.uk"


def _forward(header: str, marker: str = "---------- Forwarded message ---------") -> MailMessage:
    text = f"FYI\n\n{marker}\n{header.format(w=POLICE)}\n\nSIN notification attached."
    return MailMessage("<m@t>", "Fwd: GM SIN form", "a@example.org", "A", text=text)


def _sent(label: str, when: str) -> MailMessage:
    return _forward(f"From: Casey Invented <{{w}}>\n{label}: {when}\nTo: TSCP")


# Every month in each language, full and as mail programs abbreviate it, written out here
# rather than read from the bot's table. Polish dates name the month in the genitive.
WRITTEN_OUT = {
    "Welsh": (
        "Ionawr Ion Chwefror Chwef Mawrth Maw Ebrill Ebr Mai Mai Mehefin Meh Gorffennaf Gorff "
        "Awst Aws Medi Med Hydref Hyd Tachwedd Tach Rhagfyr Rhag"
    ),
    "German": (
        "Januar Jan. Februar Feb. März Mär. April Apr. Mai Mai Juni Jun. Juli Jul. August Aug. "
        "September Sept. Oktober Okt. November Nov. Dezember Dez."
    ),
    "French": (
        "janvier janv. février févr. mars mars avril avr. mai mai juin juin juillet juil. "
        "août août septembre sept. octobre oct. novembre nov. décembre déc."
    ),
    "Spanish": (
        "enero ene. febrero feb. marzo mar. abril abr. mayo may. junio jun. julio jul. "
        "agosto ago. septiembre sept. octubre oct. noviembre nov. diciembre dic."
    ),
    "Dutch": (
        "januari jan. februari feb. maart mrt. april apr. mei mei juni jun. juli jul. "
        "augustus aug. september sep. oktober okt. november nov. december dec."
    ),
    "Italian": (
        "gennaio gen febbraio feb marzo mar aprile apr maggio mag giugno giu luglio lug "
        "agosto ago settembre set ottobre ott novembre nov dicembre dic"
    ),
    "Portuguese": (
        "janeiro jan. fevereiro fev. março mar. abril abr. maio mai. junho jun. julho jul. "
        "agosto ago. setembro set. outubro out. novembro nov. dezembro dez."
    ),
    "Polish": (
        "stycznia sty lutego lut marca mar kwietnia kwi maja maj czerwca cze lipca lip "
        "sierpnia sie września wrz października paź listopada lis grudnia gru"
    ),
}


@pytest.mark.parametrize(
    ("language", "number", "full", "short"),
    [
        (language, i // 2 + 1, words[i], words[i + 1])
        for language, written_out in WRITTEN_OUT.items()
        for words in [written_out.split()]
        for i in range(0, 24, 2)
    ],
)
def test_every_month_by_its_name_and_its_abbreviation(
    language: str, number: int, full: str, short: str
) -> None:
    day = date(2026, number, 3)
    for month in (full, short):
        msg = _sent("Date", f"3 {month} 2026 10:00")
        assert first_written(msg, LONDON) == day, (language, month)
    # Its accents dropped, as some keyboards and mail programs do: "paz", "fevrier".
    assert first_written(_sent("Date", f"3 {_plain(full)} 2026 10:00"), LONDON) == day


def _plain(word: str) -> str:
    return word.translate(str.maketrans("äéûçźęóńłśż", "aeuczeonlsz"))


def test_the_nominative_polish_month_is_read_too() -> None:
    msg = _sent("Data", "11 grudzień 2026 16:00")
    assert first_written(msg, LONDON) == date(2026, 12, 11)


def test_no_name_in_the_tables_means_two_months_or_two_weekdays() -> None:
    for table in (quoted_dates.MONTHS, quoted_dates.WEEKDAYS):
        named = quoted_dates.names(table)
        assert {word: meant for word, meant in named.items() if len(meant) > 1} == {}


FRIDAY = date(2026, 12, 11)


@pytest.mark.parametrize(
    ("header", "day"),
    [
        # Outlook names every field in its user's language.
        ("Von: X <{w}>\nGesendet: Freitag, 11. Dezember 2026 16:00", FRIDAY),
        ("Oddi wrth: X <{w}>\nAnfonwyd: Dydd Gwener, 11 Rhagfyr 2026 16:00", FRIDAY),
        ("Oddi wrth: X <{w}>\nAnfonwyd: 11 Rhagfyr 2026 16:00", FRIDAY),
        ("De : X <{w}>\nEnvoyé : vendredi 11 décembre 2026 16:00", FRIDAY),
        ("De: X <{w}>\nEnviado el: viernes, 11 de diciembre de 2026 16:00", FRIDAY),
        ("Van: X <{w}>\nVerzonden: vrijdag 11 december 2026 16:00", FRIDAY),
        ("Da: X <{w}>\nInviato: venerdì 11 dicembre 2026 16:00", FRIDAY),
        ("De: X <{w}>\nEnviado: sexta-feira, 11 de dezembro de 2026 16:00", FRIDAY),
        ("De: X <{w}>\nEnviada em: sexta-feira, 11 de dezembro de 2026 16:00", FRIDAY),
        ("Od: X <{w}>\nWysłano: piątek, 11 grudnia 2026 16:00", FRIDAY),
        ("Od: X <{w}>\nWysłane: piątek, 11 grudnia 2026 16:00", FRIDAY),
        ("Od: X <{w}>\nWyslano: piatek, 11 grudnia 2026 16:00", FRIDAY),
        # Gmail names its Date line in English or in its user's language.
        ("Von: X <{w}>\nDate: Fr., 11. Dez. 2026 um 16:00 Uhr", FRIDAY),
        ("De : X <{w}>\nDate: ven. 11 déc. 2026 à 16:00", FRIDAY),
        ("De: X <{w}>\nDate: vie, 11 dic 2026 a las 16:00", FRIDAY),
        ("Van: X <{w}>\nDate: vr 11 dec. 2026 om 16:00", FRIDAY),
        ("Da: X <{w}>\nData: ven 11 dic 2026 alle ore 16:00", FRIDAY),
        ("De: X <{w}>\nDate: sex., 11 de dez. de 2026 às 16:00", FRIDAY),
        ("Od: X <{w}>\nData: pt., 11 gru 2026 o 16:00", FRIDAY),
        ("Od: X <{w}>\nData: niedz., 13 gru 2026 o 16:00", date(2026, 12, 13)),
        # Apple Mail writes the seconds and the zone; its Date line stands under Subject.
        ("Von: X <{w}>\nBetreff: SIN\nDatum: 11. Dezember 2026 um 16:00:00 MEZ", FRIDAY),
        ("Van: X <{w}>\nOnderwerp: SIN\nDatum: 11 december 2026 om 16:00:00 CET", FRIDAY),
        ("De: X <{w}>\nObjet: SIN\nDate: 11 décembre 2026 à 16:00:00 UTC+1", FRIDAY),
        ("De: X <{w}>\nAsunto: SIN\nFecha: 11 de diciembre de 2026, 16:00:00 CET", FRIDAY),
        ("Da: X <{w}>\nOggetto: SIN\nData: 11 dicembre 2026 16:00:00 CET", FRIDAY),
        ("De: X <{w}>\nAssunto: SIN\nData: 11 de dezembro de 2026, 16:00:00 WET", FRIDAY),
        ("Od: X <{w}>\nTemat: SIN\nData: 11 grudnia 2026 o 16:00:00 CET", FRIDAY),
    ],
)
def test_a_sent_line_in_another_language_gives_its_day(header: str, day: date) -> None:
    msg = _forward(header)
    assert first_written(msg, LONDON) == day
    assert first_writer(msg) == POLICE


@pytest.mark.parametrize(
    ("when", "day"),
    [
        # 23:30 in Berlin in summer is 22:30 in London, the same day; 00:30 is the day before.
        ("16. Juni 2027 um 23:30:00 MESZ", date(2027, 6, 16)),
        ("17. Juni 2027 um 00:30:00 MESZ", date(2027, 6, 16)),
        ("17. Juni 2027 um 00:30:00 OESZ", date(2027, 6, 16)),  # 22:30 BST
        ("17 juin 2027 à 00:30:00 UTC+2", date(2027, 6, 16)),
        ("17 de junio de 2027, 00:30:00 CEST", date(2027, 6, 16)),
        ("Mittwoch, 16. Juni 2027 23:30 +0000", date(2027, 6, 17)),  # 00:30 BST
        ("16. Juni 2027 um 23:30:00 WESZ", date(2027, 6, 16)),
        # No zone, as Outlook writes it: the day its writer saw, as an English line's.
        ("Donnerstag, 17. Juni 2027 00:30", date(2027, 6, 17)),
        # Letters the bot does not know: not the writer's own day.
        ("17. Juni 2027 um 00:30:00 NZT", None),
        # Letters of two zones that fall on two London days (Bangladesh's or British Summer).
        ("17. Juni 2027 um 00:30 BST", None),
    ],
)
def test_its_time_zone_is_read_as_an_english_lines_is(when: str, day: date | None) -> None:
    assert first_written(_sent("Datum", when), LONDON) == day


def test_zone_letters_it_does_not_know_are_named_to_the_business_manager() -> None:
    said = written(_sent("Gesendet", "17. Juni 2027 um 00:30:00 NZT"), LONDON)
    assert said == Written(
        None,
        "the Gesendet line's time zone 'NZT' is not one the bot knows, so the day it was "
        "sent where the partnership is cannot be told",
    )


@pytest.mark.parametrize(
    "when",
    [
        # In figures, either order: 1 February or 2 January. Never guessed, as in English.
        "01.02.2026 09:14",
        "01/02/2026 09:14",
        "01-02-2026 09:14",
        "05.12.26, 09:14",
        # No year, or one of two figures: a name alone is not enough.
        "Freitag, 11. Dezember 09:14",
        "11 grudnia 26 o 09:14",
        # No time: every mail program writes one, so this is no header's line.
        "Freitag, 11. Dezember 2026",
        "11 grudnia 2026",
        # A weekday that is not that date's (the 11th was a Friday).
        "Donnerstag, 11. Dezember 2026 16:00",
        "czw., 11 gru 2026 o 16:00",
        "Dydd Llun, 11 Rhagfyr 2026 16:00",
        "quinta-feira, 11 de dezembro de 2026 16:00",
        # A word that is no weekday, a month that is none, a day that is none.
        "Zahltag, 11. Dezember 2026 16:00",
        "11. Dezembris 2026 16:00",
        "31 listopada 2026 16:00",
        "30. Februar 2026 16:00",
        # A time that is none.
        "11. Dezember 2026 25:00",
        "11. Dezember 2026 16:75",
        # Prose that names a month.
        "gleich nach dem 11. Dezember 2026 16:00",
        "am Montag",
    ],
)
def test_a_line_that_could_be_misread_gives_no_day(when: str) -> None:
    assert first_written(_sent("Gesendet", when), LONDON) is None


def test_numeric_dates_are_read_as_in_english() -> None:
    # A day over 12 can only be day first (the English line's rule, unchanged).
    assert first_written(_sent("Datum", "30.11.2026 09:14"), LONDON) == date(2026, 11, 30)
    english = first_written(_sent("Sent", "01/02/2026 09:14"), LONDON)
    assert english is None and first_written(_sent("Datum", "01.02.2026 09:14"), LONDON) is None


@pytest.mark.parametrize(
    ("when", "counted"),
    [
        ("Freitag, 11. Dezember 2026 16:00", FRIDAY),
        # Later than the forward (Wednesday 16 December): not believed.
        ("Donnerstag, 17. Dezember 2026 09:00", None),
        ("16 grudnia 2026 o 08:00", None),  # the forward's own day: nothing earlier
        # A year and more before it: old correspondence, or a mistyped year.
        ("Freitag, 12. Dezember 2025 16:00", None),
        ("vendredi 11 décembre 2015 16:00", None),
    ],
)
def test_the_clock_runs_from_it_only_when_earlier_and_within_a_year(
    when: str, counted: date | None
) -> None:
    day = first_written(_sent("Gesendet", when), LONDON)
    assert counted_from(day, date(2026, 12, 16)) == counted


@pytest.mark.parametrize(
    "line",
    [
        "Begin forwarded message:",
        "Anfang der weitergeleiteten Nachricht:",
        "Début du message réexpédié :",
        "Début du message transféré :",
        "Inicio del mensaje reenviado:",
        "Begin doorgestuurd bericht:",
        "Inizio messaggio inoltrato:",
        "Início da mensagem reencaminhada:",
        "Início da mensagem encaminhada:",
        "Początek przekazywanej wiadomości:",
    ],
)
def test_apple_mails_forward_line_in_each_language(line: str) -> None:
    # Its subject typed over ("Complaint for TSCP"), the line is all that tells a forward.
    text = f"Please see below.\n\n{line}\n\nPat Public\n\nI wish to complain."
    assert is_forwarded(MailMessage("<m@t>", "Complaint for TSCP", "a@x.org", "A", text=text))


def test_apple_mails_german_forward_gives_its_writer_and_day() -> None:
    header = "Von: Casey Invented <{w}>\nBetreff: SIN\nDatum: 11. Dezember 2026 um 16:00:00 MEZ"
    msg = _forward(header, marker="Anfang der weitergeleiteten Nachricht:\n")
    assert is_forwarded(msg)
    assert first_writer(msg) == POLICE
    assert first_written(msg, LONDON) == FRIDAY


def test_a_sentence_beginning_like_apple_mails_line_is_no_forward() -> None:
    text = "Der Anfang der weitergeleiteten Nachricht fehlt, bitte erneut senden."
    assert not is_forwarded(MailMessage("<m@t>", "SIN", "a@x.org", "A", text=text))


def test_thunderbirds_german_datum_above_von_is_read() -> None:
    # Thunderbird puts the quoted email's own Date header above "Von:", under its German name.
    header = (
        "Betreff: \tSIN\nDatum: \tFri, 11 Dec 2026 16:00:00 +0100\n"
        "Von: \tCasey Invented <{w}>\nAn: \tSam Teacher <sam@example.org>"
    )
    msg = _forward(header, marker="-------- Weitergeleitete Nachricht --------")
    assert first_written(msg, LONDON) == FRIDAY
    assert first_writer(msg) == POLICE

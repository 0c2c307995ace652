"""Outlook's header above a quoted email, in the languages partners' mailboxes are set to:
Italian "Da: / Inviato: / A: / Oggetto:", Portuguese "De: / Enviado: / Para: / Assunto:",
Polish "Od: / Wysłano: / Do: / DW: / Temat:", as Outlook on the desktop and on the web write
them, and their "-----Original Message-----" lines; in Welsh, German, French, Spanish and Dutch
those lines too, and a forward's "---------- Forwarded message ---------" line in each
language."""

from __future__ import annotations

import pytest

from bot.core.commands.quoting import new_text, quotes_unmarked, text_to_show

REMINDER = "Reply to this email with one line:\n  Vote: rapid review\n  Vote: no further action\n"
WRITTEN = "I will vote after the board meets tonight."
HEADERS = (
    # Italian, Outlook on the desktop
    "Da: TSCP <tscp@tameside.gov.uk>\nInviato: mercoled\u00ec 16 dicembre 2026 12:00\n"
    "A: Jo Example <jo@example.org>\nCc: Sam Example <sam@example.org>\n"
    "Oggetto: [TSCP-2026-0001] Screening Panel\n",
    # Portuguese: Outlook on the desktop; Outlook on the web, in Brazil
    "De: TSCP <tscp@tameside.gov.uk>\nEnviado: quarta-feira, 16 de dezembro de 2026 12:00\n"
    "Para: Jo Example <jo@example.org>\nAssunto: [TSCP-2026-0001] Screening Panel\n",
    "De: TSCP <tscp@tameside.gov.uk>\nEnviada em: quarta-feira, 16 de dezembro de 2026 12:00\n"
    "Para: Jo Example <jo@example.org>\nAssunto: [TSCP-2026-0001] Screening Panel\n",
    # Polish: Outlook on the desktop, an address list wrapped; Outlook on the web
    "Od: TSCP <tscp@tameside.gov.uk>\nWys\u0142ano: \u015broda, 16 grudnia 2026 12:00\n"
    "Do: Jo Example <jo@example.org>\nDW: Sam Example <sam@example.org>;\n"
    "Alex Example <alex@example.org>\nTemat: [TSCP-2026-0001] Screening Panel\n",
    "Od: TSCP <tscp@tameside.gov.uk>\nWys\u0142ane: 16 grudnia 2026 12:00\n"
    "Do: Jo Example <jo@example.org>\nTemat: [TSCP-2026-0001] Screening Panel\n",
)
ORIGINALS = (
    "-----Messaggio originale-----",
    "-----Mensagem original-----",
    "-----Wiadomo\u015b\u0107 oryginalna-----",
    "-------- Oryginalna wiadomo\u015b\u0107 --------",
    # Outlook's, and Thunderbird's where it writes its own ("Neges Wreiddiol" in Welsh)
    "-------- Neges Wreiddiol --------",
    "-----Urspr\u00fcngliche Nachricht-----",
    "-------- Original-Nachricht --------",
    "-----Message d'origine-----",
    "-----Message d\u2019origine-----",
    "-------- Message original --------",
    "-----Mensaje original-----",
    "-----Oorspronkelijk bericht-----",
)
# A forward's line, as Gmail, Thunderbird and Yahoo Mail write it in each language
FORWARDED = (
    "---------- Weitergeleitete Nachricht ---------",
    "-------- Message transf\u00e9r\u00e9 --------",
    "----- Message transmis -----",
    "---------- Mensaje reenviado ---------",
    "---------- Doorgestuurd bericht ---------",
    "---------- Messaggio inoltrato ---------",
    "-------- Messaggio Inoltrato --------",
    "---------- Mensagem encaminhada ---------",
    "-------- Mensagem reencaminhada --------",
    "---------- Wiadomo\u015b\u0107 przekazana dalej ---------",
    "----- Przekazana wiadomo\u015b\u0107 -----",
    "--- Tre\u015b\u0107 przekazanej wiadomo\u015bci ---",
)
# Apple Mail's undashed line above the email it forwards, in each language but Welsh
APPLE_MAIL = (
    "Begin forwarded message:",
    "Anfang der weitergeleiteten Nachricht:",
    "D\u00e9but du message r\u00e9exp\u00e9di\u00e9 :",
    "D\u00e9but du message transf\u00e9r\u00e9 :",
    "Inicio del mensaje reenviado:",
    "Begin doorgestuurd bericht:",
    "Inizio messaggio inoltrato:",
    "In\u00edcio da mensagem reencaminhada:",
    "In\u00edcio da mensagem encaminhada:",
    "Pocz\u0105tek przekazywanej wiadomo\u015bci:",
)


@pytest.mark.parametrize("header", HEADERS)
def test_an_outlook_header_in_another_language_starts_the_quote(header: str) -> None:
    body = f"{WRITTEN}\n\n{header}\n{REMINDER}"
    assert new_text(body) == WRITTEN
    assert quotes_unmarked(body)
    # Below it, a line of the email answered is the quote's, and the header no one's words.
    assert text_to_show(body, answered=[REMINDER]) == WRITTEN
    assert "Vote" not in text_to_show(f"{body}\nThe family has moved.", answered=[REMINDER])


@pytest.mark.parametrize("header", HEADERS)
def test_an_outlook_header_run_onto_one_line_is_found_where_it_starts(header: str) -> None:
    inline = " ".join(header.split("\n")[:2])
    body = f"{WRITTEN} {inline}\n{REMINDER}"
    assert new_text(body) == WRITTEN


@pytest.mark.parametrize("line", ORIGINALS + FORWARDED + APPLE_MAIL)
def test_an_original_message_line_in_another_language_starts_the_quote(line: str) -> None:
    body = f"{WRITTEN}\n\n{line}\n{REMINDER}"
    assert new_text(body) == WRITTEN
    assert text_to_show(body, answered=[REMINDER]) == WRITTEN


@pytest.mark.parametrize(
    "lines",
    [
        # A partner's own lines that open with a header's word, with no header below them
        ["Da: luned\u00ec sono in ferie.", "A: chi devo scrivere?"],
        ["De: 14 a 18 de dezembro estou de f\u00e9rias.", "Para: a equipa toda."],
        ["Od: poniedzia\u0142ku jestem na urlopie.", "Do: pi\u0105tku."],
    ],
)
def test_a_partners_own_line_opening_with_a_header_word_is_no_header(lines: list[str]) -> None:
    body = "\n".join([*lines, "Vote: rapid review"])
    assert new_text(body) == body
    assert not quotes_unmarked(body)

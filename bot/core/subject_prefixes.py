"""The words mail programs put before a subject when a message is answered or passed on
("RE:", "AW:", "FW:", "WG:", "PD:", with a count: "RE[2]:"), and the tags mail
gateways put there ("[EXTERNAL]", "[SECURE]"). One reading for every caller: a status request
written as a new subject, a forwarded complaint, a SIN sent again as a reply to itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# The words Outlook writes in the languages a quoted header is read in (bot.core.quoted_dates),
# and the few other clients' ones already met. Source for the localised ones: Wikipedia, "List
# of email subject abbreviations", its table "Abbreviations in other languages" (answer, pass
# on); Microsoft documents only "RE:" and "FW:" (MS-OXOMSG, PidTagSubjectPrefix), and
# Outlook's "Use English for message headers on replies and forwards" option turns them back.
_REPLIES = (
    "re",  # English, French, Spanish, Welsh; "RE[2]:" with a count
    "aw",  # German: Antwort
    "sv",  # Danish, Norwegian, Swedish: Svar
    "vs",  # Finnish: Vastaus
    "antw",  # Dutch: Antwoord
    "odp",  # Polish: Odpowiedź
    "r",  # Italian: Risposta
    "rif",  # Italian: Riferimento
    "res",  # Portuguese (Brazil): Resposta
)
_FORWARDS = (
    "fw",  # English, and Outlook in any language with English headers chosen
    "fwd",  # English (Gmail, Apple Mail, Thunderbird)
    "wg",  # German: Weitergeleitet
    "tr",  # French: Transfert
    "rv",  # Spanish: Reenviado
    "doorst",  # Dutch: Doorsturen
    "i",  # Italian: Inoltrato ("I:", a word only with the colon straight after)
    "enc",  # Portuguese: Encaminhado
    "pd",  # Polish: Przekaż dalej
    "yml",  # Welsh: Ymlaen
)
# A word counts only with its colon straight after (spaces allowed, as French Outlook writes
# "TR :"): "Res", "Enc", "PD" and "I" begin English subjects too, but hardly ever so, and a
# subject such as "PD: training dates" is read as passed on, as Polish Outlook's would be.
_PREFIX = re.compile(
    rf"^\s*(?:(?P<word>{'|'.join((*_REPLIES, *_FORWARDS))})"
    r"\s*(?:\[\d+\])?\s*:|\[[^\]]*\])\s*",
    re.IGNORECASE,
)
_FORWARD = frozenset(_FORWARDS)


@dataclass(frozen=True)
class Leading:
    words: tuple[str, ...]  # the reply and forward words in front, lower case; tags not counted
    rest: str  # the subject after them and the tags

    @property
    def answered(self) -> bool:
        return bool(self.words)

    @property
    def forwarded(self) -> bool:
        return any(w in _FORWARD for w in self.words)


def leading(subject: str) -> Leading:
    words: list[str] = []
    while (found := _PREFIX.match(subject)) is not None and found.group(0):
        if found.group("word"):
            words.append(found.group("word").lower())
        subject = subject[found.end() :]
    return Leading(tuple(words), subject)

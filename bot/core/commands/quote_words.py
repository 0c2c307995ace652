"""The words mail programs write above a quoted email, in each language their users choose.

Data only. bot.core.commands.quoted_header reads Outlook's header block with them ("From:",
"Sent:", "To:", "Subject:") and its "-----Original Message-----" line, bot.core.commands.attribution
the "On <date>, X wrote:" line of Gmail, Apple Mail and Thunderbird, bot.core.forwarded the
"---------- Forwarded message ---------" line, and bot.core.forms.value_end where a form value
pasted into an email ends. Unread, a reply's whole quote (a vote reminder's "Vote:
rapid review" examples) was taken for its sender's new text. A language is added here, with a
test of each of its forms in tests/core/test_attribution.py and test_quoted_header_words.py.

Each word is a fragment of a regular expression, matched ignoring case.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

# A digit: the date every attribution but English's carries, so that a sentence of a
# partner's own ("Le rapport a écrit :") is not a quote's start.
DIGIT = r"\d"
# A time of day, asked for where a sentence with a date is easily written ("Il 7 dicembre la
# scuola ha scritto:", "W dniu 5 grudnia matka pisze:"): every mail program writes one.
CLOCK = r"\d{1,2}:\d{2}"


@dataclass(frozen=True)
class Language:
    """One language's words. Outlook's header block: `sent`, `to` and `subject` are the names
    of the fields below `from`; `original` the words of its "-----Original Message-----" line;
    `forwarded` those of a forward's "---------- Forwarded message ---------" line, and
    `begin_forwarded` those of Apple Mail's undashed "Begin forwarded message:" line.
    The attribution opens with one of `opening` and a `date`, and says "wrote" at its end
    (`wrote_last`: "ha scritto:"), or before the name (`wrote_first`: "schrieb X:"), or before
    the date that ends it (`wrote_lead`: "X escreveu no dia <date>:"). `wrote` is the word of
    "X <x@y> wrote:", which has no date (Thunderbird's own, and quotes of quotes)."""

    name: str
    from_: tuple[str, ...]
    sent: tuple[str, ...]
    to: tuple[str, ...]
    subject: tuple[str, ...]
    wrote: tuple[str, ...]
    original: tuple[str, ...] = ()
    forwarded: tuple[str, ...] = ()
    begin_forwarded: tuple[str, ...] = ()
    opening: tuple[str, ...] = ()
    date: str = DIGIT
    wrote_last: tuple[str, ...] = ()
    wrote_first: tuple[str, ...] = ()
    wrote_lead: tuple[str, ...] = ()


# Welsh for many public bodies in Wales; the others for a colleague whose mailbox is set to
# one: Italian, Portuguese and Polish among the staff of Tameside's agencies.
#
# Where the words of the dashed lines were read (none is a guess): Outlook's "-----Original
# Message-----" in German, French, Spanish and Dutch as it stands in public mailing-list
# archives (linux-kernel, linux-media, netdev, samba-technical) above "Von: / Gesendet:", "De : /
# Envoyé :", "De: / Enviado el:", "Van: / Verzonden:"; Thunderbird's own lines in each language
# from Mozilla's translations (composeMsgs.properties, mailnews.reply_header_originalmessage
# and forward_header_originalmessage, as transvision.mozfr.org lists them), Welsh's "Neges
# Wreiddiol" among them; Yahoo Mail's from crisp-oss/email-forward-parser's table and test
# mail. Gmail writes "Forwarded message" in English in some accounts and in the user's language
# in others (German "Weitergeleitete Nachricht", Polish "Wiadomość przekazana dalej", as
# programs that read Gmail's forwards match them). Apple Mail's "Begin forwarded message:" and
# the field names of the header below it ("Datum:", "Fecha:") as they stand in the Apple Mail
# test mail of crisp-oss/email-forward-parser (apple_mail_de_body.txt and the others), the
# French of iOS ("Début du message transféré") from that project's table; Apple Mail has no
# Welsh, so Welsh has none.
LANGUAGES = (
    Language(
        "English",
        from_=("from",),
        sent=("sent", "date"),
        to=("to", "cc", "bcc"),
        subject=("subject",),
        wrote=("wrote",),
        original=("original message",),
        forwarded=("forwarded message",),
        begin_forwarded=("begin forwarded message",),
    ),
    Language(
        "Welsh",
        from_=("oddi wrth",),
        sent=("anfonwyd",),
        to=("at",),
        subject=("pwnc",),
        wrote=("ysgrifennodd",),
        # Thunderbird's, above a reply's quote and a forward alike: a forward is told by its
        # subject then, as an "Original Message" line is no sign of one in English either.
        original=("neges wreiddiol",),
        opening=("ar",),
        wrote_last=("ysgrifennodd",),
        wrote_first=("ysgrifennodd",),
    ),
    Language(
        "German",
        from_=("von",),
        sent=("gesendet", "datum"),
        to=("an",),
        subject=("betreff",),
        wrote=("schrieb",),
        original=("urspr[üu]ngliche nachricht", "original-nachricht"),
        forwarded=("weitergeleitete nachricht",),
        begin_forwarded=("anfang der weitergeleiteten nachricht",),
        opening=("am",),
        wrote_first=("schrieb",),
    ),
    Language(
        "French",
        from_=("de",),
        sent=("envoy[ée]",),
        to=("[àa]",),
        subject=("objet",),
        wrote=(r"a\s+[ée]crit",),
        original=("message d['\u2019]origine", "message original"),
        # Thunderbird's and Gmail's, and Yahoo Mail's "Message transmis".
        forwarded=("message transf[ée]r[ée]", "message transmis"),
        begin_forwarded=(
            r"d[ée]but du message r[ée]exp[ée]di[ée]",
            r"d[ée]but du message transf[ée]r[ée]",
        ),
        opening=("le",),
        wrote_last=(r"a\s+[ée]crit",),
    ),
    Language(
        "Spanish",
        from_=("de",),
        sent=("enviado(?: el)?", "fecha"),
        to=("para",),
        subject=("asunto",),
        wrote=("escribi[óo]",),
        original=("mensaje original",),
        forwarded=("mensaje reenviado",),
        begin_forwarded=("inicio del mensaje reenviado",),
        opening=("el",),
        wrote_last=("escribi[óo]",),
    ),
    Language(
        "Dutch",
        from_=("van",),
        sent=("verzonden", "datum"),
        to=("aan",),
        subject=("onderwerp",),
        wrote=("schreef",),
        original=("oorspronkelijk bericht",),
        forwarded=("doorgestuurd bericht",),
        begin_forwarded=("begin doorgestuurd bericht",),
        opening=("op",),
        wrote_last=(r"heeft\s.+\shet\svolgende\sgeschreven",),
        wrote_first=("schreef",),
    ),
    Language(
        # Gmail "Il giorno mer 16 dic 2026 alle ore 12:00 X <x@y> ha scritto:", Apple Mail
        # "Il giorno 16 dic 2026, alle ore 12:00, X <x@y> ha scritto:", Thunderbird "Il
        # 16/12/26 12:00, X ha scritto:"; Outlook "Da: / Inviato: / A: / Oggetto:".
        "Italian",
        from_=("da",),
        sent=("inviato", "data"),
        to=("a",),
        subject=("oggetto",),
        wrote=(r"ha\s+scritto",),
        original=("messaggio originale",),
        forwarded=("messaggio inoltrato",),
        begin_forwarded=("inizio messaggio inoltrato",),
        opening=("il",),
        date=CLOCK,
        wrote_last=(r"ha\s+scritto",),
    ),
    Language(
        # Brazil's Gmail "Em qua., 16 de dez. de 2026 às 12:00, X <x@y> escreveu:", Apple Mail
        # and Thunderbird "Em 16/12/2026 12:00, X escreveu:"; Portugal's Gmail "X <x@y>
        # escreveu no dia quarta, 16/12/2026 à(s) 12:00:", Apple Mail "A 16/12/2026, às
        # 12:00, X escreveu:"; Outlook "De: / Enviado: / Para: / Assunto:", on the web
        # "Enviada em:".
        "Portuguese",
        from_=("de",),
        sent=("enviado", "enviada em", "data"),
        to=("para",),
        subject=("assunto",),
        wrote=("escreveu",),
        original=("mensagem original",),
        # Brazil's, and Portugal's Thunderbird.
        forwarded=("mensagem encaminhada", "mensagem reencaminhada"),
        begin_forwarded=(r"in[íi]cio da mensagem (?:re)?encaminhada",),
        # "A" opens many a sentence: only before the date's digits is it Apple Mail's.
        opening=("em", r"a(?=\s\d)"),
        date=CLOCK,
        wrote_last=("escreveu",),
        wrote_lead=(r"escreveu\s+no\s+dia",),
    ),
    Language(
        # Gmail "śr., 16 gru 2026 o 12:00 X <x@y> napisał(a):", opening with the weekday;
        # Thunderbird "W dniu 16.12.2026 o 12:00, X pisze:"; Apple Mail "Wiadomość napisana
        # przez X <x@y> w dniu 16.12.2026, o godz. 12:00:"; Outlook "Od: / Wysłano: / Do: /
        # DW: / Temat:", on the web "Wysłane:".
        "Polish",
        from_=("od",),
        sent=("wys[łl]ano", "wys[łl]ane", "data"),
        to=("do", "dw", "kopia"),
        subject=("temat",),
        wrote=(r"napisa[łl](?:\(a\)|a)?", "pisze"),
        original=("wiadomo[śs][ćc] oryginalna", "oryginalna wiadomo[śs][ćc]"),
        # Gmail's; Yahoo Mail's; Thunderbird's ("Treść przekazanej wiadomości").
        forwarded=(
            r"wiadomo[śs][ćc]\s+przekazana\s+dalej",
            r"przekazana\s+wiadomo[śs][ćc]",
            r"tre[śs][ćc]\s+przekazanej\s+wiadomo[śs]ci",
        ),
        begin_forwarded=(r"pocz[ąa]tek przekazywanej wiadomo[śs]ci",),
        opening=(r"(?:pon|wt|[śs]r|czw|pt|sob|niedz)\.,", r"w\s+dniu", "dnia"),
        date=CLOCK,
        wrote_last=(r"napisa[łl](?:\(a\)|a)?", "pisze"),
        wrote_lead=(r"wiadomo[śs][ćc]\s+napisana\s+przez\s.+\sw\s+dniu",),
    ),
)


def either(words: Callable[[Language], tuple[str, ...]]) -> str:
    """One language's word or another's, as a non-capturing group."""
    found = dict.fromkeys(w for language in LANGUAGES for w in words(language))
    return "(?:" + "|".join(found) + ")"

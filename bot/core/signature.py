"""What a line of a reply is, read on its own: a greeting, a signature's name or contact line,
or words of news. Shared by the reading of a reply (bot.core.commands.quoting: where its
sender's words stop and start again) and by the judging of it (bot.core.attention: whether
they are worth a person's attention), so that both call the same line the same thing.
"""

from __future__ import annotations

import re

# "Hi all," / "Dear Jo," / "Morning": a greeting on its own says nothing.
GREETING = re.compile(
    r"(?:hi|hello|dear|morning|good\s+(?:morning|afternoon)|afternoon)\b[^.?!]{0,30}[,.!]?",
    re.IGNORECASE,
)
# A signature's contact lines: "Tel: 0161 496 0000", "07700 900000", an email address, a website.
CONTACT = re.compile(
    r"(?:(?:tel|telephone|phone|mobile|mob|fax|e-?mail|web|ext)\.?\s*:?\s*|[tme]\s*:\s*)?"
    r"(?:\+?[\d(][\d\s()+-]{5,}|\S+@\S+\.\S+|(?:https?://|www\.)\S+)",
    re.IGNORECASE,
)
# What happens to a child or a family, not what anyone is called: "Child Deceased" and
# "Mother Arrested" look like a name or a job title (capitalised words, no full stop) but are
# news. Event words only, so real titles ("Designated Safeguarding Lead", "Detective
# Sergeant", "Named Nurse") stay signatures; a title that has one ("Emergency Duty Team")
# is shown, which costs a glance, where a missed death costs far more.
_NEWS_WORDS = frozenset(
    {
        "deceased", "died", "dies", "dead", "death", "killed", "murdered", "drowned",
        "hospital", "hospitalised", "hospitalized", "admitted", "discharged", "icu", "picu",
        "nicu", "intensive", "critical", "unconscious", "ventilated", "resuscitated",
        "injured", "injury", "injuries", "harmed", "assaulted", "attacked", "stabbed",
        "abused", "overdose", "overdosed", "suicide", "arrested", "charged", "remanded",
        "custody", "bailed", "convicted", "missing", "absconded", "emergency", "urgent",
        "fire", "collapsed", "deteriorated", "deteriorating", "worse",
    }
)  # fmt: skip
_NEWS_PHRASE = re.compile(r"\bpassed\s+away\b", re.IGNORECASE)
# Words that join the capitalised words of a job title or an agency's name.
_JOINING = frozenset({"of", "and", "for", "the", "to", "at", "in", "&", "|", "-", "\u2013", "/"})
_SHOUTING = re.compile(r"[A-Z]{5,}")


def names_someone(text: str, *, signing: bool, signed_off: bool = False) -> bool:
    """Whether the text is only a name, a job title or an agency ("Police DSP", "Sgt Dana
    Whitlow", "Designated Safeguarding Lead | Health"): capitalised words, no sentence.

    A lone word might be "Urgent" as well as "Dana", so it is a name only after a sign-off
    ("Thanks, Jo"); words in capitals ("CHILD DECEASED") are shouted, not signed; words of
    news ("Child Deceased") are news, but below a closing (signed_off) they are the
    signature's ("Hartley Vale Hospital").
    """
    words = text.rstrip(",").split()
    if not words or len(words) > 6 or text[-1] in ".!?:;" or _SHOUTING.search(text):
        return False
    if (len(words) == 1 and not signing) or (not signed_off and tells_news(text)):
        return False
    return all(w.lower() in _JOINING or w[0].isupper() or w[0].isdigit() for w in words)


def tells_news(text: str) -> bool:
    """Whether the text has a word of something happening to someone ("arrested", "died")."""
    found = {w.lower() for w in re.findall(r"[A-Za-z]+", text)}
    return bool(found & _NEWS_WORDS) or _NEWS_PHRASE.search(text) is not None


def signs(line: str, *, signed_off: bool) -> bool:
    """Whether a line is one a signature is made of: blank, a contact line, or a name, a job
    title or an agency. Never a line with a colon ("Aware: 14/12/2026"), which is a command or
    a sentence, whatever its capitals; a contact line's "Tel:" is read as contact first."""
    line = " ".join(line.split())
    if not line or CONTACT.fullmatch(line):
        return True
    return ":" not in line and names_someone(line, signing=True, signed_off=signed_off)

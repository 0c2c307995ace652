"""What a line of a reply is, read on its own: a greeting, a signature's name or contact line,
or words of news. Shared by the reading of a reply (bot.core.commands.quoting: where its
sender's words stop and start again) and by the judging of it (bot.core.attention: whether
they are worth a person's attention), so that both call the same line the same thing.
"""

from __future__ import annotations

import re

# "Hi all," / "Dear Jo," / "Good afternoon Jo and Sam": the greeting word and who is greeted;
# in Welsh too, "Annwyl Jo," (dear), "Helo", "Shwmae", "Bore da" (good morning), "Prynhawn da".
_GREETING = re.compile(
    r"(?:hi|hello|dear|morning|afternoon|good\s+(?:morning|afternoon|evening)"
    r"|annwyl|helo|shwmae|bore\s+da|prynhawn\s+da|noswaith\s+dda)\b"
    r"(?P<comma>\s*,)?\s*(?P<names>.*?)\s*[,.!]*",
    re.IGNORECASE,
)
# Who a greeting is to when it names no one: "Hi all", "Morning everyone", "Hello again".
_GROUPS = frozenset(
    {"all", "both", "everyone", "everybody", "there", "team", "colleagues", "members", "again"}
    | {"bawb", "pawb"}  # Welsh: everyone
)
_GREETING_JOINS = frozenset({"and", "&", "or"})
_TITLE = re.compile(r"(?:mr|mrs|ms|miss|mx|dr|prof|sgt|dc|ds|di|pc)\.", re.IGNORECASE)
_NAME = re.compile(r"[A-Z][\w'\u2019/-]*")
# A signature's contact lines: "Tel: 0161 496 0000", "07700 900000", an email address, a website;
# labelled in Welsh too ("Ffôn", "Symudol", "E-bost", "Gwe").
CONTACT = re.compile(
    r"(?:(?:tel|telephone|phone|mobile|mob|fax|e-?mail|web|ext|ff[oô]n|symudol|e-?bost|gwe)"
    r"\.?\s*:?\s*|[tme]\s*:\s*)?"
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
        "removed", "released", "sectioned", "detained", "evicted", "exploited", "trafficked",
        "neglected", "shaken", "scalded", "burned", "burnt", "fractured", "fracture",
        "fractures", "bleeding", "choked", "suffocated", "strangled", "poisoned", "ingested",
        "bruised", "bruising", "abandoned", "kidnapped", "abducted", "stillborn", "miscarried",
        "arrest", "bail", "ambulance", "resus",
    }
)  # fmt: skip
_NEWS_PHRASE = re.compile(r"\bpassed\s+away\b|\bA\s?&\s?E\b", re.IGNORECASE)
# When something happened: no name, job title or agency says "now" or "last night" (but a
# title may name a shift: "Night Sister", "Night Duty Manager").
_WHEN = frozenset({"now", "today", "tonight", "yesterday", "overnight"})
_WHEN_PHRASE = re.compile(r"\b(?:last\s+night|this\s+(?:morning|afternoon|evening))\b")
# A line opening with someone of the family ("Child Removed", "Mum in A&E", "Father Released
# On Bail") tells what happened to them, unless it ends by naming a role or a service, as job
# titles and teams that open so do ("Family Support Worker", "Child Protection Team").
_FAMILY = frozenset(
    {
        *("child", "baby", "infant", "twins", "mother", "mum", "mom", "mam", "father", "dad"),
        *("sibling", "siblings", "brother", "sister", "parents", "stepfather", "stepmother"),
        *("step-father", "step-mother", "stepdad", "stepmum", "grandmother", "grandfather"),
        *("nan", "gran", "grandma", "grandad", "family", "partner", "carer", "victim"),
    }
)
_ROLE = frozenset(
    {
        *("worker", "coordinator", "co-ordinator", "officer", "manager", "lead", "nurse"),
        *("team", "unit", "service", "services", "adviser", "advisor", "practitioner", "chair"),
        *("hub", "specialist", "consultant", "visitor", "midwife", "doctor", "clinician"),
        *("assistant", "administrator", "director", "head", "partnership", "board", "panel"),
        *("centre", "center", "department", "directorate", "trust", "initiative", "programme"),
        *("program", "project", "network", "group", "forum", "champion", "liaison", "clinic"),
        *("practice", "agency", "office", "desk", "court", "conference", "society"),
        *("foundation", "charity", "navigator", "mentor", "therapist", "psychologist"),
        # Not "support", "health", "protection" or "care": "Family Needs Support", "Child
        # Taken Into Police Protection" are news, and a team so named costs only a glance.
        *("organisation", "organization", "organisations", "organizations"),
    }
)
# Words that join the capitalised words of a job title or an agency's name.
_JOINING = frozenset({"of", "and", "for", "the", "to", "at", "in", "&", "|", "-", "\u2013", "/"})
_SHOUTING = re.compile(r"[A-Z]{5,}")


def greets(line: str) -> bool:
    """Whether the line is only a greeting: its word and at most three names or a group, as
    "Hi Jo,", "Morning all", "Dear Business Manager," or "Good afternoon Jo and Sam". Never a
    line with more after them ("Hi Jo, the child died last night.", "Hi all, chronology
    attached."): that is something written, whatever greeting it opens with."""
    found = _GREETING.fullmatch(" ".join(line.split()))
    if found is None:
        return False
    greeted = found.group("names")
    if tells_news(greeted) or _SHOUTING.search(greeted):
        return False
    return _only_names(greeted.split(), lower_first=not found.group("comma"))


def _only_names(words: list[str], *, lower_first: bool) -> bool:
    """Whether the words greeted are at most three names or groups, joined as a list is ("Jo,
    Sam and Ali"); lower_first: the first may be a name typed in lower case ("hi jo")."""
    if not words:
        return True
    if words[0] in _GREETING_JOINS or words[-1] in _GREETING_JOINS:
        return False
    names = [w.rstrip(",") for w in words if w not in _GREETING_JOINS]
    listed = any(w in _GREETING_JOINS for w in words)
    if len(names) > 3 or (not listed and any(w.endswith(",") for w in words[:-1])):
        return False
    lower = lower_first and names[0].isalpha() and names[0].islower()
    return all(_greeted(w) or (n == 0 and lower) for n, w in enumerate(names))


def _greeted(word: str) -> bool:
    return bool(_NAME.fullmatch(word) or _TITLE.fullmatch(word)) or word.lower() in _GROUPS


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
    if _happening([w.strip(",()").lower() for w in words]):
        return False
    return all(w.lower() in _JOINING or w[0].isupper() or w[0].isdigit() for w in words)


def _happening(words: list[str]) -> bool:
    """Whether capitalised words tell when or to whom something happened, not who signs."""
    if _WHEN & set(words) or _WHEN_PHRASE.search(" ".join(words)):
        return True
    opening = words[1:] if words[0] == "the" else words
    return len(opening) > 1 and opening[0] in _FAMILY and opening[-1] not in _ROLE


def tells_news(text: str) -> bool:
    """Whether the text has a word of something happening to someone ("arrested", "died")."""
    found = {w.lower() for w in re.findall(r"[A-Za-z]+", text)}
    return bool(found & _NEWS_WORDS) or _NEWS_PHRASE.search(text) is not None


def signs(line: str, *, signed_off: bool) -> bool:
    """Whether a line is one a signature is made of: blank, a contact line, or a name, a job
    title or an agency. A line with a colon ("Aware: 14/12/2026") is a command or a sentence,
    whatever its capitals, except a contact line's "Tel:" and, below a closing, a labelled
    detail ("Out of hours: Emergency Duty Team 0161 342 2222"); the reader of commands
    (bot.core.commands.quoting) keeps a command line out of a signature first."""
    line = " ".join(line.split())
    if not line or CONTACT.fullmatch(line):
        return True
    if ":" in line:
        return signed_off and labels_detail(line)
    return names_someone(line, signing=True, signed_off=signed_off)


# A signature's labelled details name a place, a team or a number ("Base: Tameside General
# Hospital", "Out of hours: Emergency Duty Team"): news words that name a service are theirs.
# Not these, which tell something happening whatever line they are on ("Update: Mother
# Arrested"), nor labels that announce news rather than name a detail.
_HAPPENED = frozenset(
    {w for w in _NEWS_WORDS if w.endswith("ed")} | {"died", "dies", "dead", "deteriorating"}
)
_ANNOUNCING = frozenset(
    {"update", "note", "nb", "fyi", "important", "also", "further", "news", "latest", "urgent"}
)
_LABEL = re.compile(r"(?P<label>[A-Za-z][\w'&/() -]{0,30}?)\s*:\s*(?P<detail>.+)")
# "Emergency Duty Team 0161 342 2222", "Duty desk - 0161 496 0000": words, then a number.
_WORDS_AND_NUMBER = re.compile(r"(?P<words>[^\d:]*?)[\s,\-\u2013]*(?:on\s+)?(?P<number>[+(\d].*)")

_DATE = re.compile(r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}-\d{2}-\d{2}")
# A note in brackets after the number: "0161 342 2222 (24 hours)".
_AFTERTHOUGHT = re.compile(r"\s*\([\w\s/-]{1,20}\)$")


def labels_detail(line: str) -> bool:
    """Whether the line is a signature's labelled detail: a short label, a colon, and a name, a
    place, a contact or words and a phone number; never a sentence (a full stop, a word in
    lower case that is no joining word) nor news of something that happened."""
    found = _LABEL.fullmatch(" ".join(line.split()))
    if found is None or line.rstrip()[-1] in ".!?;":
        return False
    label, detail = found.group("label"), found.group("detail")
    said = {w.lower() for w in re.findall(r"[A-Za-z]+", line)}
    if said & _HAPPENED or _NEWS_PHRASE.search(line) or label.split()[0].lower() in _ANNOUNCING:
        return False
    if CONTACT.fullmatch(detail):
        return True  # "Emergency: 0161 496 0999"
    # A date is an event's ("Date of death: 14/12/2026"), and a label of news is news's.
    return not (_DATE.search(detail) or tells_news(label)) and _names_with_number(detail)


def _names_with_number(detail: str) -> bool:
    number = _WORDS_AND_NUMBER.fullmatch(_AFTERTHOUGHT.sub("", detail))
    if number is None or not number.group("words"):
        return names_someone(detail, signing=True, signed_off=True)
    words, phone = number.group("words"), number.group("number")
    return CONTACT.fullmatch(phone) is not None and names_someone(
        words, signing=True, signed_off=True
    )

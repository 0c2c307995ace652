"""Which human mail must reach a person, and where it waits in the mailbox meanwhile.

Pure decisions only: the service in bot.services.attention gathers the facts and applies them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from bot.core.lifecycle import Stage
from bot.core.signature import CONTACT, greets, names_someone, tells_news
from bot.core.typography import unaccented

SNIPPET_LINES = 4
SNIPPET_WIDTH = 300

# Welsh closings: "Cofion", "Cofion cynnes", "Cofion gorau" (regards), "Yn gywir", "Yr eiddoch
# yn gywir" (yours sincerely), "Gyda diolch" (with thanks).
_WELSH_CLOSING = r"cofion(?:\s+(?:cynnes|gorau))?|(?:yr\s+eiddoch\s+)?yn\s+gywir|gyda\s+diolch"
# Beside commands, what is clearly not news: thanks and sign-offs, optionally with who signed;
# "Diolch" and "Diolch yn fawr" are Welsh thanks.
_COURTESY = re.compile(
    r"(?:(?:many\s+)?thanks|thank\s+you|cheers|regards|best\s+wishes|warm\s+wishes"
    r"|(?:kind|kindest|best|warm|warmest|with\s+kind|with\s+best)\s+regards"
    r"|yours\s+(?:sincerely|faithfully)|all\s+the\s+best|best"
    rf"|diolch(?:\s+yn\s+fawr)?|{_WELSH_CLOSING})"
    r"(?:\s+(?:all|both|everyone|again|very\s+much|so\s+much))?[,.!]*(?:\s+(?P<who>.+))?",
    re.IGNORECASE,
)
# A closing after which the lines are its signature: "Kind regards" / Dana / Named Nurse /
# Hartley Vale Hospital. Not "Thanks", which opens a reply as often as it closes one.
_CLOSING = re.compile(
    r"(?:(?:kind|kindest|best|warm|warmest|with\s+kind|with\s+best)\s+)?regards|best\s+wishes"
    rf"|warm\s+wishes|yours\s+(?:sincerely|faithfully)|all\s+the\s+best|{_WELSH_CLOSING}",
    re.IGNORECASE,
)


def _plain(line: str) -> str:
    return " ".join(line.split())


def _not_news(line: str, *, signed_off: bool) -> bool:
    """A line beside commands that is clearly not news: blank, a greeting, thanks or a
    sign-off (with a name or not), a signature's contact line, or a name or job title alone.
    Anything else, however short ("Child now deceased.", "Child Deceased"), is news."""
    line = _plain(line)
    if not line or greets(line) or CONTACT.fullmatch(line):
        return True
    courtesy = _COURTESY.fullmatch(line)
    if courtesy:
        who = courtesy.group("who")
        return who is None or names_someone(who, signing=True)
    return names_someone(line, signing=False, signed_off=signed_off)


def human_text(reply_text: str, command_lines: Iterable[str]) -> str:
    """What a person wrote besides commands: the new text without command lines or greetings.

    reply_text is what the sender wrote (bot.core.commands.quoting.text_to_show), so quoted
    mail is already gone; an empty answer means the message was commands only.
    """
    taken = {_plain(part) for line in command_lines for part in line.splitlines()}
    kept = [
        line.rstrip()
        for line in reply_text.splitlines()
        if _plain(line) not in taken and not greets(line)
    ]
    return "\n".join(kept).strip()


def says_something(text: str, *, had_commands: bool) -> bool:
    """Whether the text besides the commands is worth a person's attention.

    Without commands, anything a person wrote is. Beside commands, courtesy and signature
    ("Thanks, Jo", "Kind regards", a name, a job title, a phone number) are not; any other
    line is news, however short ("Child now deceased.", "Child Deceased").
    """
    if not had_commands:
        return bool(text.strip())
    signed_off = False
    for line in text.splitlines():
        if not _not_news(line, signed_off=signed_off):
            return True
        signed_off = signed_off or _CLOSING.match(_plain(line)) is not None
    return False


# Who a partner signs as when someone else's vote is theirs to give: "Covering for the LA DSP
# today", "Deputising for Jo Example", "on behalf of the Police DSP".
_COVER = re.compile(
    r"(?:covering|deputi[sz]ing|standing\s+in|acting|on\s+behalf)\b[^.!?:;]*[.!]?", re.IGNORECASE
)
_NAME_EDGES = " ,.;:-\u2013\u2014()"
# A name in any alphabet ("Élodie", "Łukasz", "Zoë"), written with its capital.
_GIVEN_NAME = re.compile(r"(?=[^\W\d_])[^\W\d_'\u2019-]+(?:['\u2019-][^\W\d_]+)*")


def _cover(line: str) -> bool:
    return len(line.split()) <= 12 and _COVER.fullmatch(line) is not None and not tells_news(line)


def _own_names(sender_name: str) -> list[str]:
    """The sender's display name as people sign it: whole ("Sam Deputy"; "Deputy, Sam" as
    Outlook writes it, turned round), then the first name alone, if it is a name at all."""
    last, comma, first = sender_name.partition(",")
    whole = " ".join((f"{first} {last}" if comma else sender_name).split())
    given = whole.split()[0] if whole else ""
    return [n for n in (whole, given) if len(n) > 1 and _is_given_name(n.split()[0])]


def _is_given_name(word: str) -> bool:
    return word[0].isupper() and _GIVEN_NAME.fullmatch(word) is not None


def _signed_by_sender(line: str, sender_name: str) -> bool:
    """Whether the line is the sender signing: their display name or first name, and beside it
    nothing but a job title or who they cover for ("Sam Deputy", "Sam - covering for the LA
    DSP today"). Never a line that tells news or says more."""
    # Without accents on both sides: "Elodie" typed on a phone signs for "Élodie Nowak".
    line = unaccented(_plain(line))
    if not line or len(line.split()) > 8 or tells_news(line):
        return False
    for name in _own_names(sender_name):
        typed = unaccented(name)
        found = re.search(rf"(?<!\w){re.escape(typed)}(?!\w)", line, re.IGNORECASE)
        if found is None:
            continue
        rest = (line[: found.start()] + " " + line[found.end() :]).strip(_NAME_EDGES).strip()
        return not rest or _cover(rest) or names_someone(rest, signing=True)
    return False


def without_own_sign_off(text: str, sender_name: str) -> str:
    """The text without the sender signing it at its end: the last line when it is their name
    (bot.core.attention._signed_by_sender), and a line just above it that says only whom they
    cover for ("Covering for the LA DSP today."). A signature with no closing word ("Regards")
    is read so; when in doubt the text is left whole, and so still news."""
    lines = text.rstrip().splitlines()
    if not lines or not sender_name or not _signed_by_sender(lines[-1], sender_name):
        return text
    lines.pop()
    if lines and _cover(_plain(lines[-1])):
        lines.pop()
    return "\n".join(lines).strip()


# The covering line of an email bringing a form ("Please find our Appendix B return
# attached", "Corrected form attached"): it says only that the form is there.
_COVERING = re.compile(
    r"\b(?:attach\w*|enclos\w*|please\s+find|herewith|here\s+is|here\s+are)\b", re.IGNORECASE
)


def beyond_covering(text: str) -> str:
    """What a person wrote beside a form, less its covering sentences; one that tells news
    ("Form attached; the child died last night") is never only a covering line."""
    kept = [_uncovered(line) for line in text.splitlines()]
    return "\n".join(line for line in kept if line is not None).strip()


def _uncovered(line: str) -> str | None:
    sentences = re.split(r"(?<=[.!?])\s+", line.strip())
    kept = [x for x in sentences if not _COVERING.search(x) or tells_news(x)]
    return " ".join(kept) if kept or not line.strip() else None


def snippet(text: str) -> str:
    """A few of the non-blank lines, short enough for a digest line or an alert, and a note of
    what was left out, so that no one takes a cut reply for all of it. When not all fit, lines
    telling news ("the brother was arrested") are kept before others; kept lines stay in the
    order written."""
    lines = [_plain(x) for x in text.splitlines() if x.strip()]
    first = sorted(range(len(lines)), key=lambda n: not tells_news(lines[n]))[:SNIPPET_LINES]
    room, kept = SNIPPET_WIDTH, dict.fromkeys(first, "")
    for n in first:  # news first, so that it is the last to be shortened
        kept[n] = lines[n] if len(lines[n]) <= room else lines[n][: max(room - 1, 0)] + "…"
        room = max(room - len(kept[n]) - 1, 0)
    shown = [kept[n] for n in sorted(kept) if kept[n].strip("…")]
    return "\n".join(shown + _left_out(len(lines) - len(shown), cut=shown != lines))


def _left_out(lines: int, *, cut: bool) -> list[str]:
    if lines:
        return [f"({lines} more line{'s' if lines > 1 else ''} in the email)"]
    return ["(the rest is in the email)"] if cut else []


NOTHING_WRITTEN = (
    "(nothing written and no document attached: if one was meant, a mail gateway may have "
    "removed it)"
)


# Wrappers whose contents the bot does not show: a person opens the email itself.
_WRAPPERS = (
    (re.compile(r"winmail\.dat", re.IGNORECASE), "Outlook's wrapper, open the email in Outlook"),
    (re.compile(r".*\.p7m", re.IGNORECASE), "encrypted or signed, open the email in Outlook"),
)


def _named(document: str) -> str:
    name = _plain(document)
    why = next((words for pattern, words in _WRAPPERS if pattern.fullmatch(name)), None)
    return f"{name} ({why})" if why else name


def first_lines(text: str, documents: Sequence[str]) -> str:
    """What the alert and the digest show of a reply: its first lines, then what it attached
    (a document with no text is still something to read); for an empty reply, that it was."""
    attached = [f"Attached: {', '.join(_named(d) for d in documents)}"] if documents else []
    return "\n".join([x for x in [snippet(text)] if x] + attached) or NOTHING_WRITTEN


def is_live(stage: str, status: str) -> bool:
    """A case someone is still working on: open, and not at the closed stage."""
    return status == "open" and stage != Stage.CLOSED.value


@dataclass(frozen=True)
class ReplyFacts:
    kind: str  # the classification; only case replies are surfaced here
    on_case: bool
    from_business_manager: bool  # her own mail on a thread is not news to her
    own_mail: bool
    text: str  # human_text of the reply
    documents: tuple[str, ...]  # names of the documents attached (bot.core.message.document_names)
    had_commands: bool  # it carried command lines (carried out or not)
    alert_enabled: bool
    # A mail system marked it automatic in its headers (bot.core.autoreply.labelled_by_headers).
    labelled_by_headers: bool = False
    # What the sender typed into the subject (bot.core.subject_words): read as they wrote it.
    subject: str = ""
    # A calendar answer that declines or asks to move the meeting (meeting_replies.turns_down).
    turned_down: bool = False
    # It brought a return or a SIN form, recorded on its own: `text` is what was written
    # beside it (beyond_covering), and its documents are the form's.
    beside_form: bool = False
    # The sender's display name: their own sign-off beside commands is shown, not alerted.
    sender_name: str = ""


@dataclass(frozen=True)
class ReplyNotice:
    surface: bool  # shown in the digest's "New on your cases"
    alert: bool  # and emailed to the Business Manager now


NOTHING = ReplyNotice(surface=False, alert=False)


_SURFACED = frozenset({"case_reply", "complaint", "escalation", "auto_reply", "calendar_reply"})


def notice_for(facts: ReplyFacts) -> ReplyNotice:
    """Whether a reply filed on a case is surfaced in the digest and alerted at once.

    Surfaced: a case reply, and a complaint or escalation written on its own record's thread
    ("I am writing to complain again: nobody has called me"), which opens nothing new; and an
    automatic reply on the case (an agency's officer away while its return is late), alerted
    only when nothing but its subject says it is automatic, as a person may have typed that;
    and the note typed with a calendar answer ("Declined: on leave that afternoon"), alerted
    only when it tells news ("the mother was arrested this morning").
    And what a person wrote beside a return or a SIN form on a case, when it is more than a
    covering line and a sign-off ("the sibling was admitted to hospital last night").
    Not surfaced: anything else (SINs, returns and new complaints have their own sections),
    mail not filed on a case (it is triaged), the bot's own mail, the Business Manager's own
    mail, and a reply that was commands only (its sender already gets a
    confirmation). A reply with commands and other text is surfaced with the text; a reply
    that attaches a document (minutes, a report) is surfaced with or without text, as a
    person must read what the bot cannot.
    """
    if facts.kind not in _SURFACED and not facts.beside_form:
        return NOTHING
    if not facts.on_case or facts.own_mail:
        return NOTHING
    if facts.from_business_manager:
        return NOTHING
    said = any(
        says_something(t, had_commands=facts.had_commands or facts.beside_form)
        for t in (facts.text, facts.subject)
    )
    if facts.beside_form and not said:
        return NOTHING  # the form alone: its own digest section shows it
    if not said and not facts.documents:
        # Nothing at all: sent in error, or the return a gateway stripped. Seen, not alerted.
        empty = facts.kind == "case_reply" and not facts.had_commands
        return ReplyNotice(surface=True, alert=False) if empty else NOTHING
    machine = facts.kind == "auto_reply" and facts.labelled_by_headers
    # A note on a calendar answer is mostly logistics ("joining from Ashton"): it waits for the
    # digest unless it tells of something happening to someone, or comes with a decline ("I
    # can't come, sending DS Kim instead"), which the panel may meet before the digest.
    routine = facts.kind == "calendar_reply" and not (tells_news(facts.text) or facts.turned_down)
    # On a closed case too: news there may belong on a live case (a duplicate's thread) or
    # call for the case to be looked at again, which the next digest may be too late for.
    alert = facts.alert_enabled and not machine and not routine
    return ReplyNotice(surface=True, alert=alert and not _only_signed(facts))


def _only_signed(facts: ReplyFacts) -> bool:
    """Beside commands, whether all the text says is the sender signing it (without_own_sign_off)
    and nothing else asks for a person: shown in the digest as written, not alerted."""
    if not facts.had_commands or facts.beside_form or facts.documents or not facts.sender_name:
        return False
    if says_something(facts.subject, had_commands=True):
        return False
    unsigned = without_own_sign_off(facts.text, facts.sender_name)
    return not says_something(unsigned, had_commands=True)


class Release(StrEnum):
    MOVE = "move"  # fully handled: on to Processed
    KEEP = "keep"  # a person must look: stays where the Business Manager works
    WAIT = "wait"  # still being retried: leave it alone


def release_for(status: str, needs_triage: bool) -> Release:
    """Where a stored message's mailbox copy goes after processing."""
    if status not in ("processed", "quarantined"):
        return Release.WAIT
    return Release.KEEP if needs_triage else Release.MOVE

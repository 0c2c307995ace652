"""Whether a message passes on an email someone else wrote, and the day that email was sent.

A complaint forwarded to the mailbox by the Business Manager or an agency was made to the
partnership when its writer sent it, not when the forward arrived. The bot never answers the
forwarder as if they were the complainant, and counts the clock from the forwarded email's own
Sent or Date line only when it can read that day for sure and it is earlier: a day misread as
earlier than it was costs a reply a few days early, one misread as later a promise broken.
A line in another language ("Gesendet: Freitag, 11. Dezember 2026 16:00") is read when its
month is named (bot.core.quoted_dates); one in figures, as an English one is. A
line whose time carries its UTC offset, in figures or as a zone's letters (EDT, CET), is the
partnership's day at that moment, not the writer's. Letters that name several zones ("23:30
BST": British Summer Time or Bangladesh) give a day only when every zone they may mean puts
that moment on the same day where the partnership is; near midnight they may not, and the day
is unsure, as an unreadable one is, and the letters are named to the Business Manager
(bot.core.sent_zone).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import MAXYEAR, MINYEAR, date, time, timedelta, tzinfo

from bot.core.agencies import is_agency
from bot.core.autoreply import a_person
from bot.core.command_dates import RECEIVED_BEFORE_ARRIVAL_MONTHS
from bot.core.commands.quote_words import either
from bot.core.dates import DateError, parse_uk_date
from bot.core.message import MailMessage
from bot.core.quoted_dates import named_month_day
from bot.core.sent_zone import NAMED_ZONES, local_days, offsets, unknown_zone_doubt, zone_doubt
from bot.core.subject_prefixes import leading
from bot.core.working_days import add_months

# The line a mail program puts above a forwarded email, in its user's language (German
# "Weitergeleitete Nachricht", Apple Mail's "Anfang der weitergeleiteten Nachricht:";
# bot.core.commands.quote_words); "Original Message" is a reply's too.
_MARKER = re.compile(
    rf"-{{2,}}\s*{either(lambda x: x.forwarded)}\s*-{{2,}}"
    rf"|^\s*{either(lambda x: x.begin_forwarded)}\s?:",
    re.I | re.M,
)
# The quoted header's field names in the same languages: Gmail names the From line in its
# user's language ("Von:", "Od:") above an English "Date:", Outlook every line ("Gesendet:").
_SENT = re.compile(
    rf"^[>\s*]*(?P<label>{either(lambda x: x.sent)})\s?:\s*(?P<when>.+)$", re.IGNORECASE
)
# A time and whatever follows it ("16:20", "4:20 PM +0000"), and Gmail's " at ".
_TIME = re.compile(r"(?:\s+at)?\s+\d{1,2}[:.]\d{2}(?:\b|(?=z\b)).*$", re.IGNORECASE)
# A time with its offset from UTC, as a mail program writes a Date line ("23:30:00 +0000",
# "7:30 PM -0400", "19:30:00 EDT"): the moment is exact, and its day may not be the
# partnership's.
# "GMT+10", "(UTC+05:30)", "GMT-3" too; and letters it does not know ("08:00 NZT", capitals
# only, not AM or PM), which give no day rather than the writer's.
_ZONED = re.compile(
    r"(?P<h>\d{1,2})[:.](?P<m>\d{2})(?::\d{2})?\s*(?P<half>[ap]\.?m\.?)?\s*\(?"
    r"(?:(?:GMT|UTC|UT)\s?(?P<sign>[+-])(?P<oh>\d{1,2})(?::?(?P<om>\d{2}))?\b"
    r"|(?P<nsign>[+-])(?P<noh>\d{2}):?(?P<nom>\d{2})\b"
    r"|(?P<name>" + "|".join(sorted(NAMED_ZONES, key=len, reverse=True)) + r")\b"
    r"|(?-i:(?P<unknown>(?!AM\b|PM\b)[A-Z]{2,5}))\b)",
    re.IGNORECASE,
)
_NUMERIC = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-]\d{2,4}")
_HEADER_LINES = 6  # how far from a From: line its Sent: or Date: line may stand
# A line of a quoted header block ("Subject:", "Reply-To:"), above its From: line.
_HEADER = re.compile(r"^[>\s*]*[a-z][a-z-]*:\s*\S", re.IGNORECASE)
_FROM_VALUE = re.compile(
    rf"^[>\s*]*{either(lambda x: x.from_)}\s?:\s*(?P<who>\S.*)$", re.IGNORECASE
)
_SUBJECT = re.compile(rf"^[>\s*]*{either(lambda x: x.subject)}\s?:\s*(.*)$", re.IGNORECASE)
_ADDRESS = re.compile(r"[^\s<>()\[\],;:\"']+@[^\s<>()\[\],;:\"']+\.[a-z]{2,}", re.IGNORECASE)


FORWARDED_COMPLAINT = (
    "forwarded complaint: the clock runs from when the complainant first wrote to the "
    "partnership; check the receipt date (fix it on the record with Correct Received: <date> "
    "because <reason>) and answer the complainant directly"
)


UNKNOWN_COMPLAINANT = (
    "the complainant's address is not known: the forward names no one else's for sure on its "
    "From line, so the bot records none; take it from the forwarded email"
)


def forwarded_complaint(doubt: str | None, complainant_known: bool = True) -> str:
    """What a person checks on a forwarded complaint; when its Sent line's zone letters left
    the day it was sent unsure (`doubt`), also why its clock counts from the forward; and
    when the complainant's address could not be read for sure, that it is not known."""
    said = (
        FORWARDED_COMPLAINT
        if complainant_known
        else f"{FORWARDED_COMPLAINT}; {UNKNOWN_COMPLAINANT}"
    )
    if doubt is None:
        return said
    return (
        f"{said}. Its clock counts from the day the forward arrived, as the day "
        f"the forwarded email was sent could not be read for sure: {doubt}"
    )


def complainant_of(msg: MailMessage, own: frozenset[str], agency_domains: frozenset[str]) -> str:
    """The address of the member of the public whose complaint `msg` passes on, where its
    quoted From line (or its one attached email's From) gives it for sure; "" when it does
    not. Not the forwarder's, the partnership's or an agency's; and not when the quoted email
    was itself passed on (its Subject line "FW: ...", a second forwarded-message line): its
    From is then whoever passed it on, a colleague or a councillor's office, and the
    complainant further down is a person's reading. Older mail quoted below the first block
    (a complainant answering the partnership) does not matter: its first From is hers."""
    writer = first_writer(msg)
    if writer is None or writer == msg.from_addr.lower() or not a_person(writer, own):
        return ""
    if is_agency(writer, agency_domains) or _passed_on_twice(msg):
        return ""
    return writer


def _passed_on_twice(msg: MailMessage) -> bool:
    if msg.attached_from:
        return False  # the attached email's own From, whoever quoted what inside it
    if len(_MARKER.findall(msg.text)) > 1:
        return True
    lines = msg.text.splitlines()
    first = next((i for i, line in enumerate(lines) if _FROM_VALUE.match(line)), None)
    if first is None:
        return False
    block = lines[max(0, first - _HEADER_LINES) : first + 1 + _HEADER_LINES]
    subjects = (m.group(1) for line in block if (m := _SUBJECT.match(line)) is not None)
    return any(leading(subject).forwarded for subject in subjects)


def is_forwarded(msg: MailMessage, own: frozenset[str] = frozenset()) -> bool:
    """A forward by its subject, its forwarded-message line, or an email attached to it; or,
    under a subject that is no reply, a quoted header block from someone else: Outlook's
    "Original Message" forward whose "FW:" was typed over ("Complaint for TSCP"). A reply
    quotes others' mail as a matter of course, so only a new subject counts that way; and
    mail of the partnership's own, or the sender's, quoted is no one else's words."""
    subject = leading(msg.subject)
    if subject.forwarded or _MARKER.search(msg.text):
        return True
    attached = any(a.content_type.lower() == "message/rfc822" for a in msg.attachments)
    if attached or msg.own_text is not None:
        return True
    return not subject.answered and _quotes_another(msg, own)


def _quotes_another(msg: MailMessage, own: frozenset[str]) -> bool:
    """Whether the body's first header block (a From: line with a Sent: or Date: line just
    below it) is from someone other than the sender and the partnership."""
    writer = _block_from(msg.text.splitlines())
    if writer is None:
        return False
    found = _ADDRESS.search(writer)
    if found is not None:
        return found.group(0).lower() not in {msg.from_addr, *(a.lower() for a in own)}
    name = " ".join(writer.split()).lower()
    return bool(name) and name != " ".join(msg.from_name.split()).lower()


def _block_from(lines: list[str]) -> str | None:
    """What the From: line of the body's first header block names; None with no block."""
    block = _header_block(lines)
    return block[0] if block is not None else None


def _header_block(lines: list[str]) -> tuple[str, re.Match[str]] | None:
    """The body's first header block as (what its From: line names, its Sent: or Date: line
    read); None when its first From: line has no such line beside it. Outlook and Gmail
    put that line below From:; Thunderbird's inline forward puts "Date:" above it, in one run
    of header lines under "-------- Forwarded Message --------"."""
    for i, line in enumerate(lines):
        if (found := _FROM_VALUE.match(line)) is None:
            continue
        for below in lines[i + 1 : i + 1 + _HEADER_LINES]:
            if (sent := _SENT.match(below)) is not None:
                return found.group("who"), sent
        for above in reversed(lines[max(0, i - _HEADER_LINES) : i]):
            if not _HEADER.match(above):
                break  # a blank line or prose: the block began below it
            if (sent := _SENT.match(above)) is not None:
                return found.group("who"), sent
        return None
    return None


@dataclass(frozen=True)
class Written:
    """The day the forwarded email was sent, where the partnership is, when read for sure."""

    day: date | None
    # Why there is no day, when the Sent line's zone letters are the cause (sent_zone); None
    # when the day was read, or no reason more precise than "unreadable" is known.
    doubt: str | None = None


def first_written(msg: MailMessage, tz: tzinfo) -> date | None:
    """The day alone (see written), for callers with no use for why it is unsure."""
    return written(msg, tz).day


def written(msg: MailMessage, tz: tzinfo) -> Written:
    """The day the forwarded email was sent, read only where it cannot be misread; no day when
    there is none or it is unsure. A forward as attachment: the one attached email's own Date
    header, as a day where the partnership is (`tz`); several attached, none is sure to be the
    complaint. Inline: the Sent or Date line of the body's first header block; blocks further
    down are older mail that email quoted, not the complaint's own day."""
    if msg.attached_dates:
        only = msg.attached_dates[0] if len(msg.attached_dates) == 1 else None
        return Written(only.astimezone(tz).date() if only is not None else None)
    block = _header_block(msg.text.splitlines())
    return _sure_date(block[1], tz) if block is not None else Written(None)


def first_writer(msg: MailMessage) -> str | None:
    """The address of whoever wrote the forwarded email, where it is written: the one attached
    email's From; inline, the address on the From: line of the body's first header block (a
    name alone, as Outlook often writes it, is none). Several attached: none is sure."""
    if msg.attached_from:
        only = msg.attached_from[0] if len(msg.attached_from) == 1 else ""
        return only or None
    writer = _block_from(msg.text.splitlines())
    found = _ADDRESS.search(writer) if writer is not None else None
    return found.group(0).lower() if found is not None else None


def answerable_writer(
    msg: MailMessage, own: frozenset[str], agency_domains: frozenset[str]
) -> str | None:
    """The forwarded email's writer when an acknowledgement may go to them: an agency's
    address (a notification comes from one; an address read from quoted text is not sent the
    child's initials otherwise), not one of `own` (the partnership's, the forwarder's), not
    a no-reply mailbox."""
    writer = first_writer(msg)
    if writer is None or writer == msg.from_addr or not a_person(writer, own):
        return None
    return writer if is_agency(writer, agency_domains) else None


def counted_from(written: date | None, arrived: date) -> date | None:
    """The forwarded email's day when the clock should run from it: earlier than the forward's
    arrival, and not a year before it (a mistyped year, or old correspondence forwarded now,
    which would make a complaint overdue the day it is read). None: count from arrival."""
    if written is None or written >= arrived:
        return None
    return written if written >= add_months(arrived, -RECEIVED_BEFORE_ARRIVAL_MONTHS) else None


def _sure_date(sent: re.Match[str], tz: tzinfo) -> Written:
    """The day in a Sent or Date line, where the partnership is (`tz`); none when it is
    unreadable or could be two days (05/12/2026 from an American mail program is 12 May)."""
    line = sent.group("when").strip()
    read = _day_and_time(line)
    if read is None:
        return Written(None)
    day, at = read
    if not MINYEAR < day.year < MAXYEAR:
        return Written(None)  # its day in another zone may be past what a date can hold
    zoned = _ZONED.search(at)  # in the time, never the date before it
    if zoned is None:
        return Written(day)
    return _local_day(day, zoned, tz, sent.group("label"))


def _day_and_time(line: str) -> tuple[date, str] | None:
    """The day a Sent or Date line gives and the line from its time on: as an English date is
    written, or (bot.core.quoted_dates) with its month's name in another language."""
    words = _TIME.sub("", line).strip(" ,")
    numeric = _NUMERIC.fullmatch(words)
    if numeric is not None:
        first, second = int(numeric.group(1)), int(numeric.group(2))
        if first != second and first <= 12 and second <= 12:
            return None
    try:
        return parse_uk_date(words), line[len(words) :]
    except DateError:
        return named_month_day(line)


def _local_day(day: date, zoned: re.Match[str], tz: tzinfo, label: str) -> Written:
    """The day in `tz` of the time `zoned` read on `day`: "Wed 16 Jun 2027 23:30 +0000" and
    "16 June 2027 at 19:30:00 EDT" were Thursday 17 June in London. No day when the time or
    the offset cannot be one, or when the zones its letters may mean put it on different days
    ("17 Jun 2027 00:30 BST": British Summer Time the 17th, Bangladesh the 16th), and then
    the letters are the doubt named."""
    hour, minute, half = int(zoned["h"]), int(zoned["m"]), zoned["half"]
    if half is not None:
        if not 1 <= hour <= 12:
            return Written(None)
        hour = hour % 12 + (12 if half[0].lower() == "p" else 0)
    if zoned["unknown"] is not None:
        return Written(None, unknown_zone_doubt(label, zoned["unknown"]))
    zone = _offsets(zoned)
    if hour > 23 or minute > 59 or not zone:
        return Written(None)
    days = local_days(day, time(hour, minute), zone, tz)
    if len(days) == 1:
        return Written(days.pop())
    return Written(None, zone_doubt(label, zoned["name"], days))


def _offsets(zoned: re.Match[str]) -> tuple[timedelta, ...]:
    """The offsets from UTC `zoned` may mean, in figures or by a zone's letters; none when the
    figures cannot be one."""
    if zoned["name"] is not None:
        return offsets(zoned["name"])
    sign, hours, minutes = zoned["sign"], zoned["oh"], zoned["om"]
    if sign is None:
        sign, hours, minutes = zoned["nsign"], zoned["noh"], zoned["nom"]
    hours, minutes = int(hours), int(minutes or 0)
    if hours > 14 or minutes > 59:
        return ()
    offset = timedelta(hours=hours, minutes=minutes)
    return (-offset if sign == "-" else offset,)

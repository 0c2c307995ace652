"""Build iCalendar (RFC 5545) meeting requests for the Screening Panel, and read the answers.

The bytes returned here go into the text/calendar part of an email (see email_builder); Outlook
and Gmail only show a "meeting" with accept/decline buttons when METHOD:REQUEST, ORGANIZER and
ATTENDEE with RSVP are all present.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar import Calendar, Component, Event, vCalAddress

from bot.adapters.ical_timezone import vtimezone
from bot.core.meeting_replies import CalendarItem

PRODID = "-//Tameside Safeguarding Children Partnership//tscp-bot//EN"


def build_invitation(
    *,
    uid: str,
    sequence: int,
    start: datetime,
    end: datetime,
    summary: str,
    description: str,
    location: str,
    organizer: tuple[str, str],
    attendees: Sequence[tuple[str, str]],
    stamp: datetime,
    tz: ZoneInfo,
    method: str = "REQUEST",
) -> bytes:
    """Return one VCALENDAR with METHOD:REQUEST (or CANCEL) and a single VEVENT.

    A rescheduled or cancelled meeting must keep the same uid and raise sequence, otherwise
    calendars show two meetings instead of moving (or removing) the first one.
    """
    local_start, local_end = _in_zone(start, tz), _in_zone(end, tz)
    if local_end <= local_start:
        raise ValueError("meeting must end after it starts")
    event = _event(uid, sequence, stamp, summary, description, location)
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    event.add("dtstart", local_start)
    event.add("dtend", local_end)
    # Only the years around the meeting: a VTIMEZONE covering 1970-2038 would bloat every mail
    # and some clients choke on very long transition lists.
    years = (local_start.year - 1, local_end.year + 2)
    head, tail = _frame(method, _tzids(tz), years)
    body = _with_people(event.to_ical(), *_people(organizer, tuple(attendees)))
    return head + body + tail


def _with_people(body: bytes, attendees: bytes, organizer: bytes) -> bytes:
    """The VEVENT `body`, serialised without its people, with their lines put where icalendar
    puts them: after the event's canonical properties, the rest in name order (ATTENDEE before
    DESCRIPTION, ORGANIZER before STATUS). A property's own line starts after a CRLF; a folded
    line's continuation starts with a space, so neither name is found inside another's text."""
    before_description = body.index(b"\r\nDESCRIPTION") + 2
    before_status = body.index(b"\r\nSTATUS") + 2
    return b"".join(
        (
            body[:before_description],
            attendees,
            body[before_description:before_status],
            organizer,
            body[before_status:],
        )
    )


@lru_cache(maxsize=16)
def _people(
    organizer: tuple[str, str], attendees: tuple[tuple[str, str], ...]
) -> tuple[bytes, bytes]:
    """The ATTENDEE lines and the ORGANIZER line, as icalendar writes them: the same for every
    invitation of the same panel, so built and folded once, not per invitation (folding the
    long attendee lines, character by character, was most of an invitation's cost)."""
    event = Event()
    event.add("organizer", _address(*organizer))
    for name, email in attendees:
        event.add("attendee", _attendee(name, email))
    raw: bytes = event.to_ical()
    begin, end = b"BEGIN:VEVENT\r\n", b"END:VEVENT\r\n"
    if not (raw.startswith(begin) and raw.endswith(end)):
        raise AssertionError("icalendar no longer writes a VEVENT as BEGIN ... END")
    lines = raw[len(begin) : -len(end)]
    split = (b"\r\n" + lines).index(b"\r\nORGANIZER")  # where its line starts in `lines`
    return lines[:split], lines[split:]


@lru_cache(maxsize=16)
def _tzids(tz: ZoneInfo) -> frozenset[str]:
    """The TZIDs an invitation's times in `tz` name, as icalendar finds them: its start and
    end are in `tz` and its stamp in UTC, whatever the meeting, so they are found once per
    zone from an event like it, not by walking every invitation's calendar."""
    probe = Event()
    moment = datetime(2000, 1, 1, 12, tzinfo=tz)
    probe.add("dtstamp", _as_utc(moment))
    probe.add("dtstart", moment)
    probe.add("dtend", moment)
    holder = Calendar()
    holder.add_component(probe)
    return frozenset(holder.get_missing_tzids())


@lru_cache(maxsize=16)
def _frame(method: str, tzids: frozenset[str], years: tuple[int, int]) -> tuple[bytes, bytes]:
    """The calendar's bytes before and after its one VEVENT: the same for every invitation of
    a year, so its VTIMEZONE is built and serialised once, not per invitation (it was most of
    an invitation's cost). Byte for byte what icalendar writes for the whole calendar, but for
    the VTIMEZONE, built from zoneinfo (see ical_timezone)."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", method)
    for tzid in sorted(tzids):
        try:
            zone = ZoneInfo(tzid)
        except (ZoneInfoNotFoundError, ValueError):  # left out, as add_missing_timezones does
            continue
        cal.add_component(vtimezone(zone, date(years[0], 1, 1), date(years[1], 1, 1)))
    raw: bytes = cal.to_ical()
    end = b"END:VCALENDAR\r\n"
    if not raw.endswith(end):
        raise AssertionError("icalendar no longer ends a calendar with END:VCALENDAR")
    return raw[: -len(end)], end


def _event(
    uid: str, sequence: int, stamp: datetime, summary: str, description: str, location: str
) -> Event:
    """The VEVENT's own properties; its people are added as bytes (_people)."""
    event = Event()
    event.add("uid", uid)
    event.add("sequence", sequence)
    event.add("dtstamp", _as_utc(stamp))
    event.add("summary", summary)
    event.add("description", description)
    if location:
        event.add("location", location)
    return event


def _address(name: str, email: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    if name:
        address.params["CN"] = name
    return address


def _attendee(name: str, email: str) -> vCalAddress:
    address = _address(name, email)
    address.params["CUTYPE"] = "INDIVIDUAL"
    address.params["ROLE"] = "REQ-PARTICIPANT"
    address.params["PARTSTAT"] = "NEEDS-ACTION"
    address.params["RSVP"] = "TRUE"
    return address


def _in_zone(moment: datetime, tz: ZoneInfo) -> datetime:
    # A naive time is taken as wall-clock time in tz (that is how the panel thinks of it);
    # an aware one is converted so DTSTART always carries TZID=<tz>.
    if moment.tzinfo is None:
        return moment.replace(tzinfo=tz)
    return moment.astimezone(tz)


def _as_utc(moment: datetime) -> datetime:
    # RFC 5545 requires DTSTAMP in UTC; a naive stamp is assumed to already be UTC.
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


# Reading calendars that arrive ------------------------------------------------------------


class CalendarReadError(ValueError):
    """An iCalendar part that icalendar cannot read."""


def read_calendar(data: bytes | str) -> tuple[CalendarItem, ...]:
    """Every VEVENT of one iCalendar object, with the object's METHOD; raises CalendarReadError."""
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    try:
        cal = Calendar.from_ical(text)
        method = str(cal.get("method", "")).strip().upper()
        return tuple(_item(method, event) for event in cal.walk("VEVENT"))
    except (ValueError, KeyError, TypeError, IndexError) as exc:
        raise CalendarReadError(f"{type(exc).__name__}: {exc}") from exc


def _item(method: str, event: Component) -> CalendarItem:
    return CalendarItem(
        method=method,
        uid=str(event.get("uid", "")).strip(),
        sequence=_int(event.get("sequence", 0)),
        attendees=tuple(_answers(event.get("attendee"))),
        start=_start(event),
        comment=_comment(event),
    )


def _comment(event: Component) -> str:
    """The note typed with the answer: the event's COMMENT lines, else each attendee's
    X-RESPONSE-COMMENT parameter."""
    notes = [str(c).strip() for c in _listed(event.get("comment"))]
    if not any(notes):
        params = (getattr(a, "params", {}) for a in _listed(event.get("attendee")))
        notes = [str(p.get("X-RESPONSE-COMMENT", "")).strip() for p in params]
    return "\n".join(n for n in notes if n)


def _listed(value: object) -> list[object]:
    return value if isinstance(value, list) else [value] if value is not None else []


def _int(value: object) -> int:
    try:
        return int(str(value).strip())
    except ValueError:
        return 0


def _answers(value: object) -> list[tuple[str, str]]:
    found = []
    for attendee in _listed(value):
        address = str(attendee).strip()
        if address.lower().startswith("mailto:"):
            address = address[len("mailto:") :]
        params = getattr(attendee, "params", {})
        partstat = str(params.get("PARTSTAT", "NEEDS-ACTION")).strip().upper()
        if address:
            found.append(("".join(address.split()).lower(), partstat))
    return found


def _start(event: Component) -> datetime | None:
    prop = event.get("dtstart")
    value = getattr(prop, "dt", None)
    return value if isinstance(value, datetime) and value.tzinfo is not None else None

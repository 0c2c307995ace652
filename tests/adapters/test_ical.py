"""Invitations parse back with icalendar and carry what Outlook and Gmail need."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from bot.adapters.ical import build_invitation, read_calendar

LONDON = ZoneInfo("Europe/London")


def _invite(**overrides: Any) -> bytes:
    args: dict[str, Any] = {
        "uid": "tscp-2026-0007-screening@tscp.example.org",
        "sequence": 0,
        "start": datetime(2026, 12, 29, 10, 0, tzinfo=LONDON),
        "end": datetime(2026, 12, 29, 11, 0, tzinfo=LONDON),
        "summary": "[TSCP-2026-0007] Screening Panel",
        "description": "Decide whether TSCP-2026-0007 meets the criteria for a Rapid Review.",
        "location": "Microsoft Teams",
        "organizer": ("Pat Example", "pat.example@example.org"),
        "attendees": [
            ("Sam Sample", "sam.sample@example.org"),
            ("Lee Tester, DCI", "lee.tester@example.net"),
        ],
        "stamp": datetime(2026, 12, 24, 15, 0, tzinfo=UTC),
        "tz": LONDON,
    }
    args.update(overrides)
    return build_invitation(**args)


def _parse(raw: bytes) -> tuple[Calendar, Any]:
    cal = Calendar.from_ical(raw)
    (event,) = cal.walk("VEVENT")
    return cal, event


def test_calendar_header() -> None:
    cal, _ = _parse(_invite())
    assert str(cal["METHOD"]) == "REQUEST"
    assert str(cal["VERSION"]) == "2.0"
    assert "tscp-bot" in str(cal["PRODID"])


def test_times_carry_the_london_zone_and_a_matching_vtimezone() -> None:
    raw = _invite()
    cal, event = _parse(raw)
    assert b"DTSTART;TZID=Europe/London:20261229T100000" in raw
    assert b"DTEND;TZID=Europe/London:20261229T110000" in raw
    assert event.start == datetime(2026, 12, 29, 10, 0, tzinfo=LONDON)
    assert event.end - event.start == timedelta(hours=1)
    assert [tz.tz_name for tz in cal.timezones] == ["Europe/London"]


def test_summer_meeting_is_in_bst() -> None:
    raw = _invite(
        start=datetime(2026, 7, 1, 9, 0, tzinfo=UTC), end=datetime(2026, 7, 1, 10, 0, tzinfo=UTC)
    )
    _, event = _parse(raw)
    assert b"DTSTART;TZID=Europe/London:20260701T100000" in raw  # UTC converted to BST
    assert event.start.utcoffset() == timedelta(hours=1)


def test_naive_times_are_wall_clock_london() -> None:
    raw = _invite(start=datetime(2026, 12, 29, 10), end=datetime(2026, 12, 29, 11))
    assert b"DTSTART;TZID=Europe/London:20261229T100000" in raw


def test_event_properties() -> None:
    raw = _invite(sequence=2)
    _, event = _parse(raw)
    assert str(event["UID"]) == "tscp-2026-0007-screening@tscp.example.org"
    assert int(event["SEQUENCE"]) == 2
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["SUMMARY"]) == "[TSCP-2026-0007] Screening Panel"
    assert str(event["LOCATION"]) == "Microsoft Teams"
    assert b"DTSTAMP:20261224T150000Z" in raw


def test_organizer_and_attendees() -> None:
    _, event = _parse(_invite())
    assert str(event["ORGANIZER"]) == "mailto:pat.example@example.org"
    assert event["ORGANIZER"].params["CN"] == "Pat Example"
    attendees = event.attendees
    assert [str(a) for a in attendees] == [
        "mailto:sam.sample@example.org",
        "mailto:lee.tester@example.net",
    ]
    assert attendees[1].params["CN"] == "Lee Tester, DCI"
    for attendee in attendees:
        assert attendee.params["ROLE"] == "REQ-PARTICIPANT"
        assert attendee.params["PARTSTAT"] == "NEEDS-ACTION"
        assert attendee.params["RSVP"] == "TRUE"


def test_lines_end_with_crlf() -> None:
    raw = _invite()
    assert raw.count(b"\n") == raw.count(b"\r\n")


def test_end_before_start_is_refused() -> None:
    start = datetime(2026, 12, 29, 10, 0, tzinfo=LONDON)
    with pytest.raises(ValueError, match="end after it starts"):
        _invite(start=start, end=start)


def _whole_calendar(method: str, **overrides: Any) -> bytes:
    """The invitation as icalendar writes it when given the whole calendar at once."""
    raw = _invite(method=method, **overrides)
    _, event = _parse(raw)
    cal = Calendar()
    cal.add("prodid", "-//Tameside Safeguarding Children Partnership//tscp-bot//EN")
    cal.add("version", "2.0")
    cal.add("method", method)
    cal.add_component(event)
    start = event.start
    cal.add_missing_timezones(
        first_date=start.date().replace(year=start.year - 1, month=1, day=1),
        last_date=event.end.date().replace(year=event.end.year + 2, month=1, day=1),
    )
    whole: bytes = cal.to_ical()
    return whole


@pytest.mark.parametrize("method", ["REQUEST", "CANCEL"])
@pytest.mark.parametrize("month", [1, 7, 12])
def test_the_frame_built_once_gives_the_bytes_of_the_whole_calendar(
    method: str, month: int
) -> None:
    # The VTIMEZONE and the calendar's own lines are built once per year and method; the
    # invitation must still be byte for byte what icalendar writes for the whole calendar.
    start = datetime(2027, month, 5, 10, 0, tzinfo=LONDON)
    raw = _invite(method=method, start=start, end=start + timedelta(hours=1), sequence=month)
    whole = _whole_calendar(method, start=start, end=start + timedelta(hours=1), sequence=month)
    assert _without_vtimezone(raw) == _without_vtimezone(whole)
    assert raw.count(b"BEGIN:VTIMEZONE") == 1


@pytest.mark.parametrize("zone", ["America/New_York", "UTC", "Europe/Dublin"])
def test_each_zone_s_invitations_carry_its_own_time_zone_block(zone: str) -> None:
    # The zone's TZIDs are found once per zone, not by walking every invitation's calendar;
    # an invitation in another zone still names, and describes, its own.
    tz = ZoneInfo(zone)
    for month in (3, 9):
        start = datetime(2027, month, 5, 10, 0, tzinfo=tz)
        kwargs: dict[str, Any] = {"start": start, "end": start + timedelta(hours=1), "tz": tz}
        raw = _invite(**kwargs)
        whole = _whole_calendar("REQUEST", **kwargs)
        assert _without_vtimezone(raw) == _without_vtimezone(whole)
        assert raw.count(b"BEGIN:VTIMEZONE") == whole.count(b"BEGIN:VTIMEZONE")
        assert (f"TZID:{zone}".encode() in raw) == (zone != "UTC")


def test_invitations_in_one_zone_look_for_its_time_zone_ids_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    walked: list[object] = []
    real = Calendar.get_missing_tzids

    def get_missing_tzids(self: Calendar) -> set[str]:
        walked.append(self)
        found: set[str] = real(self)
        return found

    monkeypatch.setattr(Calendar, "get_missing_tzids", get_missing_tzids)
    tz = ZoneInfo("Europe/Paris")  # a zone no other test of this process has invited in
    for day in range(1, 6):
        start = datetime(2027, 2, day, 10, 0, tzinfo=tz)
        raw = _invite(start=start, end=start + timedelta(hours=1), tz=tz, sequence=day)
        assert b"DTSTART;TZID=Europe/Paris:202702" in raw
    assert len(walked) <= 1


def _without_vtimezone(raw: bytes) -> bytes:
    # The VTIMEZONE is built from zoneinfo, not by icalendar (see the tests below).
    head, _, rest = raw.partition(b"BEGIN:VTIMEZONE\r\n")
    _, _, tail = rest.partition(b"END:VTIMEZONE\r\n")
    return head + tail


def _changes_in_block(raw: bytes) -> set[tuple[datetime, timedelta, timedelta]]:
    """Each change the VTIMEZONE states, as (UTC instant, offset before, offset after): its
    DTSTART and RDATEs are local times read with TZOFFSETFROM (RFC 5545 3.6.5)."""
    (zone,) = Calendar.from_ical(raw).walk("VTIMEZONE")
    found: set[tuple[datetime, timedelta, timedelta]] = set()
    parts: list[Any] = list(zone.subcomponents)
    for part in parts:
        before, after = part["TZOFFSETFROM"].td, part["TZOFFSETTO"].td
        rdates = part.get("RDATE", [])
        listed = [part["DTSTART"].dt] + [
            d.dt for r in (rdates if isinstance(rdates, list) else [rdates]) for d in r.dts
        ]
        found |= {((d - before).replace(tzinfo=UTC), before, after) for d in listed}
    return {c for c in found if c[1] != c[2]}


def _london_changes(first: int, last: int) -> set[tuple[datetime, timedelta, timedelta]]:
    """Every change of London's offset from 1 January `first` to 1 January `last`, hour by
    hour from zoneinfo."""
    moment, end = datetime(first, 1, 1, tzinfo=UTC), datetime(last, 1, 1, tzinfo=UTC)
    found: set[tuple[datetime, timedelta, timedelta]] = set()
    while moment < end:
        before = moment.astimezone(LONDON).utcoffset()
        after = (moment + timedelta(hours=1)).astimezone(LONDON).utcoffset()
        if before != after:
            assert before is not None and after is not None
            found.add((moment + timedelta(hours=1), before, after))
        moment += timedelta(hours=1)
    return found


@pytest.mark.parametrize("year", [2026, 2027, 2031, 2035])
def test_the_time_zone_block_changes_the_clocks_when_london_does(year: int) -> None:
    # Spring: 01:00 GMT becomes 02:00 BST, so the DAYLIGHT part starts at 01:00 local (GMT);
    # autumn: 02:00 BST becomes 01:00 GMT, the STANDARD part starts at 02:00 local (BST).
    start = datetime(year, 6, 5, 10, 0, tzinfo=LONDON)
    raw = _invite(start=start, end=start + timedelta(hours=1))
    assert _changes_in_block(raw) == _london_changes(year - 1, year + 2)
    block = raw.partition(b"BEGIN:DAYLIGHT")[2].partition(b"END:DAYLIGHT")[0]
    assert f"DTSTART:{year - 1}03".encode() in block and b"T010000\r\n" in block


REPLY = (
    "BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\n"
    "UID:screening-TSCP-2026-0001@tscp-bot\r\nSEQUENCE:0\r\nDTSTAMP:20261216T150000Z\r\n"
    "{lines}END:VEVENT\r\nEND:VCALENDAR\r\n"
)


@pytest.mark.parametrize(
    ("lines", "comment"),
    [
        # Outlook and Exchange: the note typed with the answer is the event's COMMENT.
        ("ATTENDEE;PARTSTAT=DECLINED:mailto:a@b.example\r\nCOMMENT:On leave, sorry.\r\n",
         "On leave, sorry."),
        # Google Calendar: the attendee's note is a parameter of their ATTENDEE line.
        ('ATTENDEE;PARTSTAT=ACCEPTED;X-RESPONSE-COMMENT="Mum arrested":mailto:a@b.example\r\n',
         "Mum arrested"),
        ("ATTENDEE;PARTSTAT=ACCEPTED:mailto:a@b.example\r\nCOMMENT:\r\n", ""),
    ],
)  # fmt: skip
def test_the_note_typed_with_an_answer_is_read(lines: str, comment: str) -> None:
    [item] = read_calendar(REPLY.format(lines=lines))
    assert item.comment == comment and item.attendees[0][0] == "a@b.example"


def _one_event(method: str, **overrides: Any) -> bytes:
    """The VEVENT as icalendar writes it with every property, people and all, added to it."""
    from icalendar import Event, vCalAddress

    args: dict[str, Any] = {
        "uid": "tscp-2026-0007-screening@tscp.example.org",
        "summary": "[TSCP-2026-0007] Screening Panel",
        "description": "Decide whether TSCP-2026-0007 meets the criteria for a Rapid Review.",
        "location": "Microsoft Teams",
        "organizer": ("Pat Example", "pat.example@example.org"),
        "attendees": [
            ("Sam Sample", "sam.sample@example.org"),
            ("Lee Tester, DCI", "lee.tester@example.net"),
        ],
        **overrides,
    }
    start = datetime(2027, 3, 5, 10, 0, tzinfo=LONDON)
    event = Event()
    event.add("uid", args["uid"])
    event.add("sequence", 2)
    event.add("dtstamp", datetime(2026, 12, 24, 15, 0, tzinfo=UTC))
    event.add("summary", args["summary"])
    event.add("description", args["description"])
    if args["location"]:
        event.add("location", args["location"])
    for key, (name, mail) in [("organizer", args["organizer"])] + [
        ("attendee", a) for a in args["attendees"]
    ]:
        address = vCalAddress(f"mailto:{mail}")
        if name:
            address.params["CN"] = name
        if key == "attendee":
            address.params.update(
                CUTYPE="INDIVIDUAL", ROLE="REQ-PARTICIPANT", PARTSTAT="NEEDS-ACTION", RSVP="TRUE"
            )
        event.add(key, address)
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(hours=1))
    body: bytes = event.to_ical()
    return body


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"location": ""},
        {"attendees": []},
        {"organizer": ("", "tscp@example.org")},
        {
            "attendees": [
                ("Zoë Ørsted-Llewellyn, Detective Chief Inspector (Public Protection)", "z@x.org"),
                ("Lee Tester, DCI", "lee.tester@example.net"),
                ("", "named.nurse@nhs.net"),
                ('Aled ap Rhys; "Safeguarding" lead', "a@b.org"),
            ]
        },
        {
            "description": "A long description naming the STATUS and DESCRIPTION of the case "
            "ORGANIZER ATTENDEE, folded across several lines: " + "x" * 200,
            "summary": "[TSCP-2026-0007] ORGANIZER\r\nSTATUS",
        },
    ],
)
@pytest.mark.parametrize("method", ["REQUEST", "CANCEL"])
def test_the_people_folded_once_give_the_bytes_of_the_whole_event(
    method: str, overrides: dict[str, Any]
) -> None:
    # The organizer's and attendees' lines are built once per panel and put into each
    # invitation's VEVENT: byte for byte what icalendar writes for the event given all of them.
    start = datetime(2027, 3, 5, 10, 0, tzinfo=LONDON)
    raw = _invite(
        method=method, start=start, end=start + timedelta(hours=1), sequence=2, **overrides
    )
    event = raw[raw.index(b"BEGIN:VEVENT") : raw.index(b"END:VEVENT") + len(b"END:VEVENT\r\n")]
    assert event == _one_event(method, **overrides)


def test_invitations_to_one_panel_build_its_people_s_lines_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import bot.adapters.ical as ical

    built: list[str] = []
    real = ical._attendee

    def attendee(name: str, email: str) -> Any:
        built.append(email)
        return real(name, email)

    monkeypatch.setattr(ical, "_attendee", attendee)
    panel = [("Kit Once", "kit.once@example.org"), ("Ash Once", "ash.once@example.org")]
    for day in range(1, 5):
        start = datetime(2027, 4, day, 10, 0, tzinfo=LONDON)
        raw = _invite(start=start, end=start + timedelta(hours=1), attendees=panel)
        assert raw.count(b"ATTENDEE;") == 2 and b"mailto:ash.once@example.org" in raw
    assert built == ["kit.once@example.org", "ash.once@example.org"]

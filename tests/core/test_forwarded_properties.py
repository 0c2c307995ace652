"""Properties of the day read from a forwarded email's Sent or Date line (bot.core.forwarded),
the day a forwarded complaint's clock may count from: over any moment from 2000 to 2060 and
any offset a mail program writes, the day read is the partnership's day at that moment, or
none; never another day."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from bot.core.dates import MONTH_NAMES, weekday_name
from bot.core.forwarded import first_written
from bot.core.message import MailMessage

LONDON = ZoneInfo("Europe/London")
moments = st.datetimes(min_value=datetime(2000, 1, 2), max_value=datetime(2060, 12, 30)).map(
    lambda m: m.replace(second=0, microsecond=0, tzinfo=UTC)
)
# Every offset in use, in quarter hours, from -12:00 to +14:00.
offsets = st.integers(min_value=-48, max_value=56).map(lambda q: timedelta(minutes=15 * q))


def _offset(off: timedelta, colon: bool = False) -> str:
    sign = "-" if off < timedelta(0) else "+"
    hours, minutes = divmod(abs(off) // timedelta(minutes=1), 60)
    return f"{sign}{hours:02}{':' if colon else ''}{minutes:02}"


def _h12(t: datetime) -> str:
    return f"{(t.hour - 1) % 12 + 1}:{t.minute:02} {'AM' if t.hour < 12 else 'PM'}"


# A moment as mail programs write it in a Sent or Date line, with its offset.
ZONED: dict[str, Callable[[datetime, timedelta], str]] = {
    "RFC 5322": lambda t, off: (
        f"{weekday_name(t.weekday())[:3]}, {t.day} {MONTH_NAMES[t.month - 1][:3]} {t.year} "
        f"{t:%H:%M:%S} {_offset(off)}"
    ),
    "Outlook, American": lambda t, off: (
        f"{weekday_name(t.weekday())}, {MONTH_NAMES[t.month - 1]} {t.day}, {t.year} "
        f"{_h12(t)} {_offset(off)}"
    ),
    "GMT+hh:mm": lambda t, off: (
        f"{t.day} {MONTH_NAMES[t.month - 1]} {t.year} {t:%H:%M} (GMT{_offset(off, colon=True)})"
    ),
}


def _forward(sent: str) -> MailMessage:
    text = f"FYI\n\nFrom: Chris Member <c@example.org>\nSent: {sent}\nTo: BM\n\nComplaint"
    return MailMessage("<m@t>", "FW: Complaint", "a@example.org", "A", text=text)


@given(moments, offsets, st.sampled_from(sorted(ZONED)))
def test_a_sent_line_with_its_offset_gives_the_partnerships_day(
    moment: datetime, off: timedelta, way: str
) -> None:
    local = moment.astimezone(timezone(off))
    day = first_written(_forward(ZONED[way](local, off)), LONDON)
    assert day == moment.astimezone(LONDON).date(), ZONED[way](local, off)


@given(moments)
def test_a_sent_line_without_an_offset_gives_the_day_written(moment: datetime) -> None:
    """As the writer's own mail program showed it: Outlook in England writes no offset."""
    t = moment.astimezone(LONDON)
    for sent in (
        f"{weekday_name(t.weekday())} {t.day} {MONTH_NAMES[t.month - 1]} {t.year} {t:%H:%M}",
        f"{t.day} {MONTH_NAMES[t.month - 1]} {t.year} {t:%H:%M}",
        f"{weekday_name(t.weekday())[:3]}, {t.day} {MONTH_NAMES[t.month - 1][:3]} {t.year} "
        f"at {t:%H:%M}",
    ):
        assert first_written(_forward(sent), LONDON) == t.date(), sent


@given(moments)
def test_a_day_in_figures_is_read_only_where_it_cannot_be_the_other_way_round(
    moment: datetime,
) -> None:
    """05/12/2026 from an American mail program is 12 May: read only when the two numbers
    cannot swap (one is over 12, or they are the same)."""
    t = moment.astimezone(LONDON)
    day = first_written(_forward(f"{t.day:02}/{t.month:02}/{t.year} {t:%H:%M}"), LONDON)
    unsure = t.day <= 12 and t.day != t.month
    assert day == (None if unsure else t.date())

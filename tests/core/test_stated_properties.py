"""Properties of what an email states about time, looked at again on the day it goes
(bot.core.stated_dates, bot.core.stated_acks), over any day it was written, any day it goes,
and any change to the case between: an email let go says only what is true that day, one
written again passes the same look at once (it is never reworded twice for the same day), a
re-dated Appendix B request never asks for its return sooner, and the stated facts kept with
an email in the outbox read back as they were written."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from bot.adapters.bank_holidays import working_calendar
from bot.core.publication import check_notice
from bot.core.stated_acks import CaseNow, key_dates_on, on_sending_ack
from bot.core.stated_dates import (
    APPENDIX_B_REQUEST,
    COMPLAINT_ACK,
    DELAY_NOTICE,
    INVITATION,
    PUBLICATION_NOTICE,
    SIN_ACK,
    Action,
    ReturnClock,
    Stated,
    on_sending,
)

CAL = working_calendar(
    range(2026, 2031), {date(2027, 12, d): "Office closure" for d in (29, 30, 31)}
)
days = st.dates(min_value=date(2027, 1, 4), max_value=date(2029, 12, 31))
gap = st.integers(min_value=0, max_value=40).map(timedelta)
offsets = st.integers(min_value=-12, max_value=14).map(lambda h: timedelta(hours=h))
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=6,
)


def _moment(day: date, hour: int, offset: timedelta) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=timezone(offset))


@st.composite
def moments(draw: st.DrawFn) -> datetime:
    return _moment(draw(days), draw(st.integers(min_value=0, max_value=23)), draw(offsets))


@st.composite
def stated(draw: st.DrawFn) -> Stated:
    maybe_day = st.none() | days
    return Stated(
        written_on=draw(days),
        promised=draw(maybe_day),
        planned=draw(maybe_day),
        given=draw(st.none() | st.integers(min_value=-30, max_value=60)),
        late=draw(st.booleans()),
        report_sent_on=draw(maybe_day),
        return_by=draw(maybe_day),
        received=draw(maybe_day),
        meeting_at=draw(st.none() | moments()),
        meeting_gone=draw(st.booleans()),
        key_dates=tuple(draw(st.lists(st.tuples(days, st.sampled_from(["", "today", "passed"]))))),
        kept=draw(st.dictionaries(st.text(max_size=8), json_values, max_size=4)),
        counted=draw(st.none() | st.integers(min_value=0, max_value=60)),
    )


@given(stated())
def test_the_stated_facts_kept_in_the_outbox_read_back_as_written(said: Stated) -> None:
    assert Stated.from_json(said.as_json()) == said


@given(days, gap, days)
def test_a_promised_day_goes_only_while_it_is_still_to_come(
    written: date, later: timedelta, promised: date
) -> None:
    on = written + later
    verdict = on_sending(DELAY_NOTICE, Stated(written, promised=promised), on, CAL)
    assert (verdict is None) == (promised > on)
    assert verdict is None or verdict.action is Action.HOLD


@given(days, st.integers(min_value=-25, max_value=0).map(timedelta), gap, st.none() | days)
def test_a_publication_notice_goes_only_saying_the_notice_it_gives_that_day(
    planned: date, before: timedelta, later: timedelta, sent: date | None
) -> None:
    written = planned + before
    at_writing = check_notice(written, planned, True, CAL, sent)
    said = Stated(written, planned=planned, given=at_writing.given, late=at_writing.late,
                  report_sent_on=sent)  # fmt: skip
    on = written + later
    verdict = on_sending(PUBLICATION_NOTICE, said, on, CAL, report_sent_on=sent)
    now = check_notice(on, planned, True, CAL, sent)
    assert (verdict is None) == ((now.given, now.late) == (at_writing.given, at_writing.late))


@given(days, st.integers(min_value=1, max_value=60).map(timedelta), gap, st.integers(0, 30))
def test_a_re_dated_request_never_asks_for_its_return_sooner(
    written: date, period: timedelta, later: timedelta, counted: int
) -> None:
    return_by = written + period
    on = written + later
    said = Stated(written, return_by=return_by, counted=counted or None)
    verdict = on_sending(APPENDIX_B_REQUEST, said, on, CAL, clock=ReturnClock(return_by))
    if on == written:
        assert verdict is None
        return
    assert verdict is not None and verdict.action is Action.REDATE
    assert verdict.requested_on == on
    assert verdict.return_by is not None and verdict.return_by >= return_by
    # As many working days from the day it goes as it first gave (one at least), or more.
    first_gave = max(CAL.working_days_between(written, return_by), 1)
    assert CAL.working_days_between(on, verdict.return_by) >= first_gave


@st.composite
def case_now(draw: st.DrawFn) -> CaseNow:
    return CaseNow(
        received=draw(st.none() | days),
        reply_due=draw(st.none() | days),
        meeting_at=draw(st.none() | moments()),
        key_dates=tuple(draw(st.lists(st.tuples(days, st.booleans()), max_size=5))),
        decided=draw(st.booleans()),
    )


@given(st.sampled_from([COMPLAINT_ACK, SIN_ACK, INVITATION]), stated(), moments(), case_now())
def test_an_email_written_again_passes_the_same_look_at_once(
    kind: str, said: Stated, now: datetime, live: CaseNow
) -> None:
    on = now.astimezone(UTC).date()
    verdict = on_sending_ack(kind, said, now, on, live)
    if verdict is None or verdict.restated is None:
        return
    assert verdict.action is Action.REWORD
    assert on_sending_ack(kind, verdict.restated, now, on, live) is None


@given(stated(), moments(), case_now())
def test_an_acknowledgement_let_go_shows_no_day_come_as_still_to_come(
    said: Stated, now: datetime, live: CaseNow
) -> None:
    on = now.astimezone(UTC).date()
    verdict = on_sending_ack(SIN_ACK, said, now, on, live)
    shown = said if verdict is None else verdict.restated
    assert shown is not None
    assert shown.key_dates == key_dates_on(live.key_dates, on)
    met = {due for due, was_met in live.key_dates if was_met}
    assert all(mark or due > on or due in met for due, mark in shown.key_dates)
    if live.meeting_at is not None and live.meeting_at <= now:
        assert shown.meeting_gone and shown.meeting_at == live.meeting_at


@given(stated(), moments(), case_now())
def test_a_complaint_acknowledgement_never_promises_a_day_that_has_come(
    said: Stated, now: datetime, live: CaseNow
) -> None:
    on = now.astimezone(UTC).date()
    verdict = on_sending_ack(COMPLAINT_ACK, said, now, on, live)
    if said.received is None or live.received is None or live.reply_due is None:
        assert verdict is None
        return
    shown = said if verdict is None else verdict.restated
    assert shown is not None
    assert shown.promised is None or shown.promised > on
    assert shown.received == live.received

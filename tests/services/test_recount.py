"""A local closure taken out of the configuration after a case opened: at the next pass the
deadlines counted over it are counted again. An earlier day is stored, explained, recorded on
the case and put before the Business Manager; a later one (a closure added) is never stored,
only told, once."""

from __future__ import annotations

import logging
import socket
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.adapters.db.models import CalendarState, Case, CaseEvent
from bot.services.doctor_deadlines import deadline_checks
from bot.services.recount import STATE
from tests.fixtures.app import AppFactory, example_data
from tests.services.test_lifecycle import SECTIONS, Bot, body_of
from tests.services.test_never_later import new_release

REF = "TSCP-2026-0001"
CLOSED = {
    "local_closures": [
        {"date": date(2026, 12, day), "name": "Council office closure"} for day in (29, 30, 31)
    ]
}


def _partnership(**changes: Any) -> dict[str, Any]:
    return {**example_data()["partnership"], **changes}


def _opened(
    make_app: AppFactory,
    tmp_path: Path,
    partnership: dict[str, Any],
    config_file: str = "",
    at: str = "2026-12-24T09:00",
) -> Bot:
    """A SIN read on Thu 24 Dec 2026 opens the case: the Screening Panel's 2 working days
    run over Christmas, Boxing Day and, when configured, the council's 29-31 Dec closure."""
    bot = Bot(make_app, tmp_path, at, partnership=partnership)
    if config_file:
        bot.app.config = replace(bot.app.config, source=tmp_path / config_file)
    bot.mail(
        "casey.invented@gmp.police.uk",
        "Serious Incident Notification - GM SIN form",
        "Please find the GM SIN form for the Screening Panel.",
    )
    bot.run()
    return bot


def _with(bot: Bot, partnership: dict[str, Any]) -> None:
    """The configuration changed and the bot restarted on the same database."""
    bot.sections = {**SECTIONS, "partnership": partnership}
    bot.restart()


def _events(bot: Bot, what: str) -> list[CaseEvent]:
    with bot.app.sessions() as s:
        return list(
            s.scalars(
                select(CaseEvent)
                .join(Case)
                .where(Case.ref == REF, CaseEvent.what == what)
                .order_by(CaseEvent.id)
            )
        )


def _explained(bot: Bot, name: str) -> str:
    return next(d.explanation for d in bot.case().deadlines if d.name == name)


def _digest(bot: Bot, day: str) -> str:
    [digest] = [r for r in bot.outbox("daily_digest") if f"({day})" in r.subject]
    return " ".join(body_of(digest).split())


def _doctor(bot: Bot) -> list[str]:
    return [c.line for c in deadline_checks(bot.app.config, bot.clock.now(), bot.app.engine)]


@pytest.fixture
def removed(make_app: AppFactory, tmp_path: Path) -> Bot:
    bot = _opened(make_app, tmp_path, _partnership(**CLOSED))
    assert bot.due("screening_meeting") == date(2027, 1, 5)
    assert bot.due("panel_notification") == date(2027, 1, 5)  # the National Panel's days
    _with(bot, _partnership())  # the office opens after all
    bot.at("2026-12-29T10:00").run()
    return bot


def test_a_closure_taken_out_moves_the_screening_panel_earlier(removed: Bot) -> None:
    assert removed.due("screening_meeting") == date(2026, 12, 30)
    explained = _explained(removed, "screening_meeting")
    assert explained.startswith("Due Wed 30 Dec 2026: 2 working days after")
    assert "Council office closure" not in explained
    assert removed.due("panel_notification") == date(2027, 1, 5)  # never counted them


def test_the_case_records_why_and_the_digest_asks_the_business_manager_to_look(
    removed: Bot,
) -> None:
    [event] = _events(removed, "deadline_moved_earlier")
    assert "from Tue 5 Jan 2027 to Wed 30 Dec 2026" in event.detail
    assert "Tue 29 Dec 2026 (Council office closure)" in event.detail
    assert "no longer closed" in event.detail
    digest = _digest(removed, "Tue 29 Dec 2026")
    attention = digest.split("NEEDS YOUR ATTENTION", 1)[1].split("AWAITING YOUR APPROVAL")[0]
    assert f"{REF} deadline moved earlier" in attention
    assert "screening_meeting moved earlier, from Tue 5 Jan 2027 to Wed 30 Dec 2026" in attention


def test_it_is_counted_again_once_not_at_every_pass_or_restart(removed: Bot) -> None:
    removed.at("2026-12-29T10:05").run()
    removed.restart()
    removed.at("2026-12-29T10:10").run()
    assert len(_events(removed, "deadline_moved_earlier")) == 1


def test_a_closure_added_keeps_the_earlier_date_and_says_so_once(
    make_app: AppFactory, tmp_path: Path
) -> None:
    bot = _opened(make_app, tmp_path, _partnership())
    assert bot.due("screening_meeting") == date(2026, 12, 30)
    _with(bot, _partnership(**CLOSED))
    bot.at("2026-12-29T10:00").run()
    bot.restart()
    bot.at("2027-01-04T10:00").run()
    assert bot.due("screening_meeting") == date(2026, 12, 30)  # never later unseen
    assert "Council office closure" not in _explained(bot, "screening_meeting")
    [event] = _events(bot, "deadline_kept_earlier")
    assert "kept at Wed 30 Dec 2026, though counted again it would be Tue 5 Jan 2027" in (
        event.detail
    )
    digest = _digest(bot, "Mon 4 Jan 2027")
    assert f"{REF} deadline kept earlier" in digest
    assert "the bot never moves a date later by itself" in digest


def test_doctor_says_what_the_next_tick_will_move_and_then_that_all_is_counted(
    make_app: AppFactory, tmp_path: Path
) -> None:
    bot = _opened(make_app, tmp_path, _partnership(**CLOSED))
    _with(bot, _partnership())
    bot.at("2026-12-29T09:00")
    changed, moving = _doctor(bot)
    assert changed.startswith("warn deadlines: the working calendar changed")
    assert "Tue 29 Dec 2026 Council office closure" in changed and "no longer closed" in changed
    assert moving == (
        f"warn deadlines: 1 open deadline: {REF} screening_meeting Tue 5 Jan 2027 "
        "(now Wed 30 Dec 2026) will move earlier at the next deadline tick"
    )
    bot.run()
    assert _doctor(bot) == ["ok deadlines: open deadlines counted on the working calendar in use"]


def test_doctor_names_a_date_kept_earlier_for_as_long_as_it_is(
    make_app: AppFactory, tmp_path: Path
) -> None:
    bot = _opened(make_app, tmp_path, _partnership())
    _with(bot, _partnership(**CLOSED))
    bot.at("2026-12-29T10:00").run()
    bot.at("2026-12-29T10:05").run()
    counted, kept = _doctor(bot)
    assert counted.startswith("ok deadlines")
    assert kept.startswith(
        f"warn deadlines: 1 open deadline: {REF} screening_meeting Wed 30 Dec 2026 "
        "(now Tue 5 Jan 2027) kept earlier than their rule now gives"
    )


def _instance(make_app: AppFactory, tmp_path: Path, name: str, partnership: dict[str, Any]) -> Bot:
    """An instance with its own configuration file, on the shared database and mailbox."""
    bot = Bot(make_app, tmp_path, "2026-12-29T10:00", partnership=partnership)
    bot.app.config = replace(bot.app.config, source=tmp_path / name)
    return bot


def test_two_instances_with_other_closure_days_never_count_each_other_back(
    make_app: AppFactory, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    first = _opened(make_app, tmp_path, _partnership(**CLOSED), "first.toml")
    second = _instance(make_app, tmp_path, "second.toml", _partnership())
    with caplog.at_level(logging.WARNING, logger="bot.services.recount"):
        second.run()
        second.at("2026-12-29T10:05").run()
    first.at("2026-12-29T10:10").run()
    assert second.due("screening_meeting") == date(2027, 1, 5)  # as the first counted it
    assert _events(second, "deadline_moved_earlier") == []
    said = [r.getMessage() for r in caplog.records if "closure days differ" in r.getMessage()]
    assert said == [
        "deadlines: the instances' closure days differ: the open deadlines were counted by "
        f"{tmp_path / 'first.toml'} on {socket.gethostname()} (Tue 29 Dec 2026 Council office "
        "closure, Wed 30 Dec 2026 Council office closure, Thu 31 Dec 2026 Council office "
        "closure closed there, not here), so this instance "
        f"({tmp_path / 'second.toml'} on {socket.gethostname()}) does not count them back; "
        f"make [partnership] local_closures the same in {tmp_path / 'second.toml'} and "
        f"{tmp_path / 'first.toml'}, then restart the instance you changed"
    ]
    [line] = _doctor(second)
    assert line == "FAIL deadlines: " + said[0].removeprefix("deadlines: ")
    # Mended: the second instance's file given the first's closures, nothing more is said.
    mended = _instance(make_app, tmp_path, "second.toml", _partnership(**CLOSED))
    mended.run()
    assert _doctor(mended)[0].startswith("ok deadlines")


def test_one_instance_whose_closures_changed_still_counts_again(
    make_app: AppFactory, tmp_path: Path
) -> None:
    _opened(make_app, tmp_path, _partnership(**CLOSED), "config.toml")
    again = _instance(make_app, tmp_path, "config.toml", _partnership())
    again.run()
    assert again.due("screening_meeting") == date(2026, 12, 30)


def test_an_instance_not_heard_from_for_a_week_no_longer_holds_the_other_back(
    make_app: AppFactory, tmp_path: Path
) -> None:
    _opened(make_app, tmp_path, _partnership(**CLOSED), "first.toml")
    second = _instance(make_app, tmp_path, "second.toml", _partnership())
    second.at("2026-12-31T09:06").run()
    assert second.due("screening_meeting") == date(2026, 12, 30)


BOXING_DAY_OBSERVED = date(2026, 12, 28)


def _counted_on(bot: Bot) -> dict[str, object]:
    with bot.app.sessions() as s:
        state = s.get(CalendarState, STATE)
        assert state is not None
        return dict(state.closed)


def test_a_bank_holiday_renamed_on_the_same_day_is_not_counted_again(
    make_app: AppFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot = _opened(make_app, tmp_path, _partnership())
    new_release(monkeypatch, {BOXING_DAY_OBSERVED: "Boxing Day (renamed)"})
    _with(bot, _partnership())
    bot.at("2026-12-24T10:00").run()
    # The calendar the deadlines were counted on still has its first name: not counted again.
    assert _counted_on(bot)["2026-12-28"] == "Boxing Day (substitute day)"
    assert _doctor(bot) == ["ok deadlines: open deadlines counted on the working calendar in use"]
    assert _events(bot, "deadline_moved_earlier") == _events(bot, "deadline_kept_earlier") == []


def test_a_bank_holiday_moved_to_another_day_is_counted_again(
    make_app: AppFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot = _opened(make_app, tmp_path, _partnership())
    assert bot.due("screening_meeting") == date(2026, 12, 30)
    new_release(monkeypatch, {BOXING_DAY_OBSERVED: None, date(2027, 1, 8): "Boxing Day (moved)"})
    _with(bot, _partnership())
    bot.at("2026-12-24T10:00")
    changed = _doctor(bot)[0]
    assert "Mon 28 Dec 2026 Boxing Day (substitute day) no longer closed" in changed
    assert "Fri 8 Jan 2027 Boxing Day (moved) now closed" in changed
    bot.run()
    assert bot.due("screening_meeting") == date(2026, 12, 29)
    assert "2026-12-28" not in _counted_on(bot) and "2027-01-08" in _counted_on(bot)
    [event] = _events(bot, "deadline_moved_earlier")
    assert "Mon 28 Dec 2026 (Boxing Day (substitute day)) is no longer closed" in event.detail


def test_a_closure_taken_out_flags_the_key_dates_sent_and_a_panel_now_after_its_due_day(
    make_app: AppFactory, tmp_path: Path
) -> None:
    """Read at 13:00, too late for that day's 14:00 slot, the SIN's panel is booked for Mon 4
    Jan 2027, within the 2 working days counted over the closure (Tue 5 Jan), and the referrer
    and the panel are told that day. With the closure gone it is due Wed 30 Dec: the booking
    and the two emails are put to the Business Manager, never left to say the old day."""
    bot = _opened(make_app, tmp_path, _partnership(**CLOSED), at="2026-12-24T13:00")
    sent = {r.event: r.id for r in bot.outbox() if r.status == "sent"}
    _with(bot, _partnership())
    bot.at("2026-12-29T10:00").run()
    assert bot.due("screening_meeting") == date(2026, 12, 30)
    [late] = _events(bot, "screening_after_deadline")
    assert late.detail == (
        "Screening Panel booked for Mon 4 Jan 2027 10:00, after its 2 working days counted "
        "again on today's working calendar (due Wed 30 Dec 2026)"
    )
    told = [e.detail for e in _events(bot, "sent_notice_outdated")]
    moved = "screening_meeting Tue 5 Jan 2027, now Wed 30 Dec 2026"
    assert told == [
        f"Screening Panel invitation (#{sent['screening_invitation']}), already sent, gave key "
        f"dates the working calendar now counts earlier ({moved}): tell the panel the new due "
        "days",
        f"Acknowledgement of a serious incident notification (#{sent['sin_acknowledgement']}), "
        f"already sent, gave key dates the working calendar now counts earlier ({moved}): tell "
        "the referrer the new due days",
    ]
    attention = _digest(bot, "Tue 29 Dec 2026").split("NEEDS YOUR ATTENTION", 1)[1]
    assert f"{REF} screening after deadline Screening Panel booked for Mon 4 Jan" in attention
    assert "tell the referrer the new due days" in attention

"""Numbers that load but could never work (a first retry wait longer than the longest, a
notice no panel slot could meet, an interval of a day) are refused in one line naming the
key, what it may be and why; and the file, from every command that loads the config."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.config.test_loader import error_for, example, parse
from tests.test_cli import Run, cli, one_line_error, write_config

__all__ = ["cli"]  # the fixture this module borrows


def _with(section: str, **values: int) -> dict[str, Any]:
    data = example()
    data.setdefault(section, {}).update(values)
    return data


@pytest.mark.parametrize(
    ("section", "values", "key", "said"),
    [
        (
            "outgoing",
            {"retry_base_seconds": 7200, "retry_max_seconds": 3600},
            "outgoing.retry_base_seconds",
            "no more than retry_max_seconds (3600): the first wait before a failed send is "
            "retried cannot be longer than the longest, got 7200",
        ),
        (
            "screening",
            {"min_notice_minutes": 50_000},
            "screening.min_notice_minutes",
            "from 0 to 44640 (31 days: no slot is looked for further ahead than that, so no "
            "panel could ever be booked), got 50000",
        ),
        ("screening", {"duration_minutes": 600}, "screening.duration_minutes", "15 to 480"),
        ("screening", {"duration_minutes": 0}, "screening.duration_minutes", "15 to 480"),
        ("mailbox", {"poll_seconds": 60_000}, "mailbox.poll_seconds", "1 to 3600 (an hour"),
        ("mailbox", {"poll_seconds": 0}, "mailbox.poll_seconds", "1 to 3600"),
        ("daemon", {"outbox_every_seconds": 86_400}, "daemon.outbox_every_seconds", "1 to 3600"),
        ("daemon", {"jobs_every_seconds": 7200}, "daemon.jobs_every_seconds", "the digest"),
        ("daemon", {"jobs_every_seconds": -300}, "daemon.jobs_every_seconds", "1 to 3600"),
        ("daemon", {"lease_seconds": 0}, "daemon.lease_seconds", "1 to 600"),
        ("daemon", {"lease_seconds": 3600}, "daemon.lease_seconds", "not report the bot down"),
        ("outgoing", {"retry_max_seconds": 0}, "outgoing.retry_max_seconds", ">= 1"),
        ("reminders", {"days_before": -1}, "reminders.days_before", "0 to 10"),
        ("reminders", {"days_before": 30}, "reminders.days_before", "every working day"),
        (
            "review",
            {"delay_notice_working_days_before": 15},
            "review.delay_notice_working_days_before",
            "from 0 to 14 (the Rapid Review is due on working day 15",
        ),
        ("ingest", {"max_pages": 0}, "ingest.max_pages", ">= 1"),
    ],
)
def test_a_number_that_could_never_work_is_refused_naming_the_key(
    tmp_path: Path, section: str, values: dict[str, int], key: str, said: str
) -> None:
    message = error_for(_with(section, **values), tmp_path)
    assert message.startswith(f"{key}: expected a whole number ")
    assert said in message


@pytest.mark.parametrize(
    ("section", "key", "text", "said"),
    [
        ("digest", "time", "24:00", 'a time like "08:00"'),
        ("reminders", "working_hours_start", "25:00", 'a time like "09:00"'),
        ("screening", "times", ["10:00", "-1:00"], 'a non-empty list of times like "10:00"'),
    ],
)
def test_a_time_outside_a_day_is_refused(
    tmp_path: Path, section: str, key: str, text: object, said: str
) -> None:
    data = example()
    data.setdefault(section, {})[key] = text
    message = error_for(data, tmp_path)
    assert message.startswith(f"{section}.{key}: expected {said}")


@pytest.mark.parametrize(
    ("section", "values"),
    [
        ("outgoing", {"retry_base_seconds": 3600, "retry_max_seconds": 3600}),
        ("screening", {"min_notice_minutes": 44_640, "duration_minutes": 480}),
        ("screening", {"min_notice_minutes": 0, "duration_minutes": 15}),
        ("mailbox", {"poll_seconds": 3600}),
        ("daemon", {"outbox_every_seconds": 3600, "jobs_every_seconds": 3600}),
        ("daemon", {"lease_seconds": 600}),
        ("reminders", {"days_before": 10}),
        ("review", {"delay_notice_working_days_before": 14}),
    ],
)
def test_the_edges_of_each_range_load(tmp_path: Path, section: str, values: dict[str, int]) -> None:
    config = parse(_with(section, **values), tmp_path)
    settings = getattr(config, section)
    assert {k: getattr(settings, k) for k in values} == values


def _imap_timeout(seconds: int) -> dict[str, Any]:
    data = example()
    data["mailbox"] = {
        "backend": "imap",
        "imap": {
            "host": "imap.invented.example",
            "username": "tscp@invented.example",
            "password_env": "TSCP_IMAP_PASSWORD",
            "timeout_seconds": seconds,
        },
    }
    return data


def test_an_imap_timeout_that_would_hide_a_hung_server_is_refused(tmp_path: Path) -> None:
    """A read may wait five minutes at most: longer, and no mail is read meanwhile."""
    env = {"TSCP_IMAP_PASSWORD": "invented"}
    message = error_for(_imap_timeout(3600), tmp_path, env)
    assert message == (
        "mailbox.imap.timeout_seconds: expected a whole number from 1 to 300 (five minutes at "
        "most: no mail is read while one read waits), got 3600"
    )
    imap = parse(_imap_timeout(300), tmp_path, env).mailbox.imap
    assert imap is not None and imap.timeout_seconds == 300


def test_run_doctor_and_a_listing_refuse_it_in_one_line_naming_the_file(
    cli: Run, tmp_path: Path, database_url: str
) -> None:
    path = write_config(
        tmp_path,
        database_url,
        outgoing={
            "backend": "maildir",
            "maildir_path": "mail/outbox",
            "retry_base_seconds": 7200,
            "retry_max_seconds": 3600,
        },
    )
    for command in (("run", "--once"), ("doctor",), ("cases",)):
        code, out, err = cli("--config", str(path), *command)
        assert (code, out) == (2, ""), command
        assert one_line_error(err) == (
            f"tscp-bot: configuration: {path}: outgoing.retry_base_seconds: expected a whole "
            "number no more than retry_max_seconds (3600): the first wait before a failed send "
            "is retried cannot be longer than the longest, got 7200\n"
        )

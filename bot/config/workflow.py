"""Config sections for how the work is done: screening slots, ingest limits, digest,
commands by email, reminders and review defaults."""

from __future__ import annotations

from datetime import time
from typing import Literal, cast

from bot.config.model import (
    CommandSettings,
    DigestSettings,
    IngestSettings,
    ReminderSettings,
    ReviewSettings,
    ScreeningSettings,
)
from bot.config.reader import Reader
from bot.core.deadline_rules import RULES
from bot.core.loop_guard import ACKNOWLEDGEMENTS_PER_DAY
from bot.core.panel_slots import SEARCH_DAYS_AFTER_DEADLINE

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri")
# A longer notice than the slot search reaches books nothing, and every SIN's panel is left
# to the Business Manager by hand; a panel meeting longer than a working day is a typo.
_MOST_NOTICE = SEARCH_DAYS_AFTER_DEADLINE * 24 * 60
_LONGEST_PANEL = 8 * 60
# Reminders go every working day from days_before; two working weeks is already longer than
# the notification (5) and Appendix B (7) clocks.
_MOST_DAYS_BEFORE = 10
# Working days: the question about a Rapid Review's delay must come within its clock.
_RAPID_REVIEW_DAYS = RULES["rapid_review"].amount


def _clock_time(value: str) -> time:
    parsed = time.fromisoformat(value)
    if parsed.tzinfo is not None:
        # Times are in the partnership's time zone; an offset would be dropped or crash later.
        raise ValueError(value)
    return parsed


def screening_section(r: Reader) -> ScreeningSettings:
    days = r.texts("weekdays", list(WEEKDAYS))
    bad = [d for d in days if d not in WEEKDAYS]
    if bad or not days:
        raise r.fail("weekdays", "a non-empty list drawn from " + ", ".join(WEEKDAYS), days)
    raw_times = r.texts("times", ["10:00", "14:00"])  # as config.example.toml and the README
    if not raw_times or not all(_is_time(t) for t in raw_times):
        raise r.fail("times", 'a non-empty list of times like "10:00"', raw_times)
    s = ScreeningSettings(
        weekdays=tuple(WEEKDAYS.index(d) for d in days),
        times=tuple(sorted(_clock_time(t) for t in raw_times)),
        duration_minutes=r.number(
            "duration_minutes", 60, minimum=15, maximum=_LONGEST_PANEL, why="8 hours at most"
        ),
        min_notice_minutes=r.number(
            "min_notice_minutes",
            120,
            maximum=_MOST_NOTICE,
            why=f"{SEARCH_DAYS_AFTER_DEADLINE} days: no slot is looked for further ahead than "
            "that, so no panel could ever be booked",
        ),
        location=r.text("location", "Microsoft Teams (link to follow)"),
    )
    r.finish()
    return s


def _is_time(value: str) -> bool:
    try:
        _clock_time(value)
    except ValueError:
        return False
    return True


def ingest_section(r: Reader) -> IngestSettings:
    s = IngestSettings(
        max_attachment_bytes=r.number("max_attachment_bytes", 10_000_000, minimum=1),
        max_attempts=r.number("max_attempts", 3, minimum=1),
        max_expanded_bytes=r.number("max_expanded_bytes", 50_000_000, minimum=1),
        max_pages=r.number("max_pages", 200, minimum=1),
        since=r.day("since") if r.has("since") else None,
        # One pass is a blip by definition: never set aside on a single failure.
        stuck_message_passes=r.number("stuck_message_passes", 5, minimum=2),
        stuck_message_minutes=r.number("stuck_message_minutes", 30, minimum=1),
        gateway_banners=_banners(r),
        max_acknowledgements_per_day=r.number(
            "max_acknowledgements_per_day", ACKNOWLEDGEMENTS_PER_DAY, minimum=1
        ),
        read_in_child=r.flag("read_in_child", True),
        read_seconds=r.number("read_seconds", 60, minimum=1),
        # Below about 256 MB the child cannot even load its readers.
        read_memory_mb=r.number("read_memory_mb", 1024, minimum=256),
    )
    r.finish()
    return s


def _banners(r: Reader) -> tuple[str, ...]:
    banners = r.texts("gateway_banners", [])
    # Two words could be anyone's ("External email"): a line of them would go unseen.
    short = [b for b in banners if len(b.split()) < _BANNER_WORDS]
    if short:
        raise r.fail(
            "gateway_banners", f"each banner's whole text, {_BANNER_WORDS} words or more", short[0]
        )
    return tuple(banners)


_BANNER_WORDS = 3


def digest_section(r: Reader) -> DigestSettings:
    s = DigestSettings(
        time=r.parsed("time", _clock_time, 'a time like "08:00"', "08:00"),
        upcoming_working_days=r.number("upcoming_working_days", 5, minimum=1),
        cc=email_list(r, "cc"),
        alert_on_case_reply=r.flag("alert_on_case_reply", True),
        monthly_report=r.flag("monthly_report", True),
    )
    r.finish()
    return s


def commands_section(r: Reader) -> CommandSettings:
    s = CommandSettings(
        auth_mode=cast(
            Literal["required", "advisory", "off"],
            r.choice("auth_mode", ("required", "advisory", "off"), "required"),
        ),
        trusted_authserv_ids=tuple(i.lower() for i in r.texts("trusted_authserv_ids", [])),
        trust_topmost_unlabelled=r.flag("trust_topmost_unlabelled", False),
        trust_exchange_internal=r.flag("trust_exchange_internal", False),
        exchange_accepted_domains=_domains(r, "exchange_accepted_domains"),
        exchange_auth_sources=_domains(r, "exchange_auth_sources"),
        receiving_hosts=_domains(r, "receiving_hosts"),
    )
    if s.trust_topmost_unlabelled and not s.receiving_hosts:
        raise r.fail(
            "receiving_hosts",
            'the host your mail server names after "by" in its Received header, like '
            '["mail.protection.outlook.com"] for Microsoft 365 '
            "(needed when trust_topmost_unlabelled = true)",
            [],
        )
    if s.trust_exchange_internal and not s.exchange_accepted_domains:
        raise r.fail(
            "exchange_accepted_domains",
            'the domains your Exchange organisation accepts, like ["tameside.gov.uk"] '
            "(needed when trust_exchange_internal = true)",
            [],
        )
    trusts_something = (
        s.trusted_authserv_ids or s.trust_topmost_unlabelled or s.trust_exchange_internal
    )
    if s.auth_mode == "required" and not trusts_something:
        raise r.fail(
            "trusted_authserv_ids",
            "the authserv-id your mail server writes in Authentication-Results "
            '(or auth_mode = "advisory" / "off")',
            [],
        )
    r.finish()
    return s


def email_list(r: Reader, key: str) -> tuple[str, ...]:
    values = tuple(dict.fromkeys(v.strip().lower() for v in r.texts(key, [])))
    bad = [v for v in values if "@" not in v or " " in v]
    if bad:
        raise r.fail(key, "a list of email addresses", bad[0])
    return values


def _domains(r: Reader, key: str) -> tuple[str, ...]:
    values = tuple(v.strip().strip(".").lower() for v in r.texts(key, []))
    bad = [v for v in values if not v or "@" in v or " " in v or "." not in v]
    if bad:
        raise r.fail(key, 'a list of domain names like "tameside.gov.uk"', bad[0])
    return values


def reminders_section(r: Reader) -> ReminderSettings:
    s = ReminderSettings(
        days_before=r.number(
            "days_before",
            1,
            maximum=_MOST_DAYS_BEFORE,
            why="two working weeks at most: a reminder goes every working day from then",
        ),
        overdue_reminders=r.number("overdue_reminders", 3),
        escalate=r.flag("escalate", True),
        start=r.parsed("working_hours_start", _clock_time, 'a time like "09:00"', "09:00"),
        end=r.parsed("working_hours_end", _clock_time, 'a time like "17:00"', "17:00"),
    )
    if s.end <= s.start:
        # As written in the file ("08:00"), not as Python prints a time ("08:00:00").
        start, end = s.start.strftime("%H:%M"), s.end.strftime("%H:%M")
        raise r.fail("working_hours_end", f"a time after working_hours_start ({start})", end)
    r.finish()
    return s


def review_section(r: Reader) -> ReviewSettings:
    s = ReviewSettings(
        appendix_b_working_days=r.number("appendix_b_working_days", 7, minimum=1),
        delay_notice_working_days_before=r.number(
            "delay_notice_working_days_before",
            3,
            maximum=_RAPID_REVIEW_DAYS - 1,
            why=f"the Rapid Review is due on working day {_RAPID_REVIEW_DAYS}: asking sooner "
            "would ask before its clock began",
        ),
        approval_required_for=tuple(
            a.lower() for a in r.texts("approval_required_for", list(_OUTSIDE_BODIES))
        ),
    )
    unknown = [a for a in s.approval_required_for if "@" not in a and a not in _PEOPLE_KEYS]
    if unknown:
        raise r.fail(
            "approval_required_for",
            "email addresses or people keys (" + ", ".join(_PEOPLE_KEYS) + ")",
            unknown[0],
        )
    r.finish()
    return s


# People keys whose mail waits for approval unless the config says otherwise.
_OUTSIDE_BODIES = ("national_panel", "ofsted", "dfe", "secretary_of_state")
_PEOPLE_KEYS = ("business_manager", "independent_scrutineer", *_OUTSIDE_BODIES)

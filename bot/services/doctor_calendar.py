"""`tscp-bot doctor`'s calendar lines, when the Screening Panel is booked on the mailbox's
calendar ([mailbox.graph] or [mailbox.ews] calendar = true): can the bot read the panel's
free/busy, see the calendar and create meetings in it. Nothing is created or changed.

Each line is (status, what, detail) for bot.services.doctor to wrap; the detail names what to
grant in words an IT administrator can act on.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Literal

from bot.adapters.meeting_calendar import CalendarAccess, CalendarError
from bot.adapters.oauth_tokens import EntraApp, TokenError
from bot.bootstrap import make_calendar
from bot.config import Config
from bot.services.panel_calendar import attendees

Line = tuple[Literal["ok", "warn", "FAIL"], str, str]
# The window looked at: the next week, where a Screening Panel would be booked.
WINDOW = timedelta(days=7)
GRAPH_PERMISSION = "Calendars.ReadWrite"


def calendar_checks(
    config: Config,
    tokens: EntraApp | None,
    now: datetime,
    roles: Callable[[str], list[str] | None],
) -> list[Line]:
    """No lines when the panel is invited by email (no calendar configured)."""
    calendar = make_calendar(config, tokens)
    if calendar is None:
        return []
    people = [address for _, _, address in attendees(config)]
    try:
        access = calendar.access(people, now, now + WINDOW)
    except CalendarError as exc:
        return [("FAIL", "calendar", f"{exc}; until then the panel is invited by email")]
    finally:
        calendar.close()
    lines = [_free_busy(access, len(people)), _folder(access)]
    if config.mailbox.backend == "graph" and config.mailbox.graph is not None:
        lines.append(_graph_roles(tokens, config.mailbox.graph.scopes, roles))
    return [line for line in lines if line is not None]


def _free_busy(access: CalendarAccess, asked: int) -> Line:
    if access.unshared:
        hidden = "; ".join(access.unshared)
        return (
            "warn",
            "calendar free/busy",
            f"{asked - len(access.unshared)} of {asked} people's free/busy can be read; "
            f"not: {hidden} (their busy times are ignored when choosing the slot)",
        )
    return ("ok", "calendar free/busy", f"free/busy of all {asked} panel members can be read")


def _folder(access: CalendarAccess) -> Line | None:
    if access.can_create is False:
        return ("FAIL", "calendar", f"{access.where}: {access.advice}")
    if access.meetings is None:
        return None  # the service says nothing more than free/busy did
    rights = "and meetings can be created there" if access.can_create else ""
    return (
        "ok",
        "calendar",
        f"{access.where} can be read ({access.meetings} meetings in the next 7 days) {rights}",
    )


def _graph_roles(
    tokens: EntraApp | None, scopes: tuple[str, ...], roles: Callable[[str], list[str] | None]
) -> Line | None:
    """Graph's getSchedule works with Calendars.Read too: only the token's roles tell whether
    the app may create events before it tries."""
    if tokens is None:
        return None
    try:
        held = roles(tokens.token(scopes).value)
    except TokenError:
        return None  # the sign-in line already says why
    if held is None:
        return (
            "warn",
            "calendar",
            f"whether the app holds {GRAPH_PERMISSION} shows only when it books a panel",
        )
    if GRAPH_PERMISSION not in held:
        return (
            "FAIL",
            "calendar",
            f"the app's Graph token lacks the {GRAPH_PERMISSION} application permission: add "
            "it in Entra ID and grant admin consent (it may read free/busy, not book)",
        )
    return ("ok", "calendar", f"Graph token holds {GRAPH_PERMISSION}")

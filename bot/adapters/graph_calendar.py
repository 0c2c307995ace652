"""The shared mailbox's calendar through Microsoft Graph: free/busy, and the Screening Panel
booked, moved, cancelled and read back as a real event (Calendars.ReadWrite).

Each call is shaped as Microsoft documents it:
- free/busy: `POST /users/{id}/calendar/getSchedule` ("calendar: getSchedule",
  learn.microsoft.com/graph/api/calendar-getschedule): schedules, startTime/endTime as
  dateTimeTimeZone, availabilityViewInterval; each answer's scheduleItems with a status of
  free, tentative, busy, oof or workingElsewhere;
- create: `POST /users/{id}/events` ("Create event", learn.microsoft.com/graph/api/user-post-events)
  with `transactionId`, "a custom identifier specified by a client app for the server to avoid
  redundant POST operations in case of client retries to create the same event";
- move: `PATCH /users/{id}/events/{id}` ("Update event",
  learn.microsoft.com/graph/api/event-update);
- cancel: `POST /users/{id}/events/{id}/cancel` with a Comment ("event: cancel",
  learn.microsoft.com/graph/api/event-cancel; 202 Accepted, the organizer only);
- answers: `GET /users/{id}/events/{id}?$select=attendees` ("Get event"): each attendee's
  status.response (none, organizer, tentativelyAccepted, accepted, declined, notResponded).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import quote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.adapters.graph_error import GraphError
from bot.adapters.meeting_calendar import Attendee, Busy, CalendarAccess, CalendarError
from bot.core.meeting_replies import Answer

if TYPE_CHECKING:
    from bot.adapters.graph_client import GraphClient

PERMISSION = "Calendars.ReadWrite"
# Graph's free/busy statuses that mean "cannot come"; free, tentative and working elsewhere
# do not block (availabilityView counts working elsewhere as free). Microsoft's own examples
# spell them "Busy" as well as "busy".
_BUSY = frozenset({"busy", "oof"})
# Graph's responseType as the iCalendar PARTSTAT a mailed reply would carry; "none",
# "notResponded" and "organizer" are no answer.
_ANSWERS = {
    "accepted": Answer.ACCEPTED,
    "declined": Answer.DECLINED,
    "tentativelyAccepted": Answer.TENTATIVE,
}


class GraphCalendar:
    """A MeetingCalendar on Microsoft Graph; every failure is a CalendarError."""

    def __init__(self, client: GraphClient, user: str, tz: ZoneInfo) -> None:
        self._client = client
        self._user = user
        self._tz = tz

    def _url(self, rest: str) -> str:
        return self._client.url(f"users/{quote(self._user)}/{rest}")

    def _when(self, moment: datetime) -> dict[str, str]:
        local = moment.astimezone(self._tz).replace(tzinfo=None)
        return {"dateTime": local.isoformat(timespec="seconds"), "timeZone": self._tz.key}

    def busy(self, addresses: Sequence[str], start: datetime, end: datetime) -> list[Busy]:
        """Every busy (or out-of-office) interval of `addresses` between start and end."""
        body = {
            "schedules": list(addresses),
            "startTime": self._when(start),
            "endTime": self._when(end),
            "availabilityViewInterval": 30,
        }
        with _guard():
            answer = self._client.json(
                "POST",
                self._url("calendar/getSchedule"),
                what="free/busy (getSchedule)",
                permission=PERMISSION,
                json=body,
                headers={"Prefer": f'outlook.timezone="{self._tz.key}"'},
                repeatable=True,  # a question, for all it is a POST
            )
        found: list[Busy] = []
        for schedule in answer.get("value") or []:
            address = str(schedule.get("scheduleId") or "").lower()
            for item in schedule.get("scheduleItems") or []:
                if str(item.get("status") or "").lower() in _BUSY:
                    found.append(self._busy(address, item))
        return found

    def _busy(self, address: str, item: Any) -> Busy:
        try:
            return Busy(address, _moment(item["start"], self._tz), _moment(item["end"], self._tz))
        except (KeyError, TypeError, ValueError) as exc:  # never a crash: the pass goes on
            raise CalendarError(f"Graph free/busy: an unreadable busy time ({exc})") from None

    def create(
        self,
        *,
        subject: str,
        start: datetime,
        end: datetime,
        location: str,
        body: str,
        attendees: Sequence[tuple[str, str]],
        key: str,
    ) -> tuple[str, datetime | None]:
        """The event's Graph id and start; `key` is the event's transactionId, so the same key
        again returns the event made the first time (at the time asked for then)."""
        with _guard():
            event = self._post_event(subject, start, end, location, body, attendees, key)
        event_id = event.get("id")
        if not isinstance(event_id, str) or not event_id:
            raise CalendarError("Graph create the Screening Panel event: no event id")
        try:
            return event_id, _moment(event["start"], self._tz)
        except (KeyError, TypeError, ValueError):
            return event_id, None

    def _post_event(
        self,
        subject: str,
        start: datetime,
        end: datetime,
        location: str,
        body: str,
        attendees: Sequence[tuple[str, str]],
        transaction_id: str,
    ) -> dict[str, Any]:
        return self._client.json(
            "POST",
            self._url("events"),
            what="create the Screening Panel event",
            permission=PERMISSION,
            json={
                "subject": subject,
                "body": {"contentType": "text", "content": body},
                "start": self._when(start),
                "end": self._when(end),
                "location": {"displayName": location},
                "attendees": [
                    {"emailAddress": {"address": addr, "name": name}, "type": "required"}
                    for name, addr in attendees
                ],
                "isOnlineMeeting": False,
                "transactionId": transaction_id,
            },
            # Graph answers a second POST with the same transactionId with the first event.
            repeatable=True,
        )

    def move(self, event_id: str, start: datetime, end: datetime) -> None:
        with _guard():
            self._client.call(
                "PATCH",
                self._url(f"events/{quote(event_id)}"),
                what="move the Screening Panel event",
                permission=PERMISSION,
                json={"start": self._when(start), "end": self._when(end)},
            )

    def cancel(self, event_id: str, comment: str) -> None:
        with _guard():
            self._client.call(
                "POST",
                self._url(f"events/{quote(event_id)}/cancel"),
                what="cancel the Screening Panel event",
                permission=PERMISSION,
                json={"Comment": comment},
            )

    def answers(self, event_id: str) -> list[Attendee]:
        with _guard():
            event = self._client.json(
                "GET",
                self._url(f"events/{quote(event_id)}"),
                what="read the Screening Panel answers",
                permission=PERMISSION,
                params={"$select": "attendees"},
            )
        return [
            Attendee(
                str((a.get("emailAddress") or {}).get("address") or "").lower(),
                _ANSWERS.get(str((a.get("status") or {}).get("response") or "none")),
            )
            for a in event.get("attendees") or []
            if isinstance(a, dict)
        ]

    def access(self, addresses: Sequence[str], start: datetime, end: datetime) -> CalendarAccess:
        """getSchedule answers with Calendars.Read or ReadWrite; whether the app may create
        events shows only in its token's roles (checked by doctor) or when it tries."""
        self.busy(addresses, start, end)
        return CalendarAccess(f"{self._user} through Microsoft Graph")

    def close(self) -> None:
        self._client.close()


@contextmanager
def _guard() -> Iterator[None]:
    try:
        yield
    except GraphError as exc:
        raise CalendarError(str(exc)) from exc


def _moment(value: Any, asked: ZoneInfo) -> datetime:
    """A dateTimeTimeZone as an aware datetime (Graph gives 7 fractional digits). Its zone is
    the one `Prefer: outlook.timezone` asked for, which Graph may name the Windows way ("GMT
    Standard Time" for Europe/London): a name that is no IANA zone is read as that one."""
    text = str(value["dateTime"])
    head, _, frac = text.partition(".")
    naive = datetime.fromisoformat(head + (f".{frac[:6]}" if frac else ""))
    name = str(value.get("timeZone") or "UTC")
    try:
        zone = ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        zone = asked
    return naive.replace(tzinfo=zone)

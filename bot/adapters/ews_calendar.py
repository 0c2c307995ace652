"""The shared mailbox's calendar on on-premises Exchange Server (EWS, with exchangelib): a
MeetingCalendar for the Screening Panel ([mailbox.ews] calendar = true).

- free/busy: GetUserAvailability (`protocol.get_free_busy_info`, which first asks the server's
  definition of the time zone with GetServerTimeZones), asked in UTC; a CalendarEvent whose
  BusyType is Busy or OOF blocks the slot, Free, Tentative, WorkingElsewhere and NoData do not
  (as the Graph backend counts them);
- create: CreateItem of a CalendarItem with the panel as RequiredAttendees and
  SendMeetingInvitations="SendToAllAndSaveCopy", so Exchange sends the invitations;
- move: UpdateItem of Start and End, the update sent to all attendees;
- cancel: CreateItem of a CancelCalendarItem referring to the meeting, the reason as its body;
- answers: GetItem of the meeting's RequiredAttendees and each one's ResponseType.

EWS has no transactionId. The meeting's iCalendar UID is the booking key (one per case and
meeting version), and before creating, the calendar around the slot is searched for an item
with that UID (FindItem with a CalendarView: EWS cannot restrict on calendar:UID), so a crash
between creating and the database commit never books twice.

Only the item id is kept: the ChangeKey an update needs is read fresh (GetItem) just before
each change, because it changes every time an attendee's answer lands on the item.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.adapters.ews_connection import EwsConnection
from bot.adapters.mail_source import MailboxError
from bot.adapters.meeting_calendar import Attendee, Busy, CalendarAccess, CalendarError
from bot.core.meeting_replies import Answer

log = logging.getLogger(__name__)

_BUSY = frozenset({"Busy", "OOF"})
# EWS's ResponseType as the iCalendar PARTSTAT a mailed reply would carry; Unknown,
# NoResponseReceived and Organizer are no answer.
_ANSWERS = {"Accept": Answer.ACCEPTED, "Decline": Answer.DECLINED, "Tentative": Answer.TENTATIVE}
# How far either side of the slot a retry looks for the meeting it may have made: a retry
# chooses among the same few days of candidate slots, so a month either way is ample, and
# EWS allows a CalendarView of up to two years.
SEARCH_AROUND = timedelta(days=31)
_OUTSIDE = (
    "Exchange cannot fetch free/busy from this person's organisation: set up an organization "
    "relationship with free/busy access (New-OrganizationRelationship -FreeBusyAccessEnabled "
    "$true) or an availability address space (Add-AvailabilityAddressSpace) for their domain"
)
# What an IT administrator must grant, by the EWS error that says it is missing.
_ADVICE = {
    "ErrorAccessDenied": "the service account needs FullAccess on the shared mailbox "
    "(Add-MailboxPermission -AccessRights FullAccess), which covers its Calendar folder",
    "ErrorFolderNotFound": "the service account cannot open the shared mailbox's Calendar "
    "folder: grant it FullAccess on the mailbox (Add-MailboxPermission -AccessRights FullAccess)",
    "ErrorNoFreeBusyAccess": "the partners' free/busy is not shared with the service account: "
    "set their calendars' Default permission to at least AvailabilityOnly "
    "(Set-MailboxFolderPermission <user>:\\Calendar -User Default -AccessRights AvailabilityOnly)",
    "ErrorAvailabilityConfigNotFound": _OUTSIDE,
    "ErrorAddressSpaceNotFound": _OUTSIDE,
}


# Free/busy refusals about one person, not the mailbox: an unknown address, a calendar not
# shared, or (the police and NHS representatives) someone outside the organisation whose
# free/busy Exchange cannot fetch without an organization relationship or availability
# address space. That person's busy times are then unknown; the others still choose the slot.
_PERSONAL = frozenset(
    {
        "ErrorNoFreeBusyAccess",
        "ErrorMailRecipientNotFound",
        "ErrorFreeBusyGenerationFailed",
        "ErrorAvailabilityConfigNotFound",
        "ErrorAddressSpaceNotFound",
        "ErrorServiceDiscoveryFailed",
        "ErrorProxyRequestNotAllowed",
        "ErrorProxyRequestProcessingFailed",
        "ErrorProxyServiceDiscoveryFailed",
    }
)
# Refusals that are about the meeting rather than the connection (reported as they are).
_REFUSALS = frozenset(
    {"ErrorItemNotFound", "ErrorIrresolvableConflict", "ErrorCalendarIsOrganizerForAccept"}
)


class EwsCalendar:
    """A MeetingCalendar on the shared mailbox's Calendar folder; every failure is a
    CalendarError naming the permission to grant when that is the cause."""

    def __init__(self, connection: EwsConnection) -> None:
        self._ews = connection

    def busy(self, addresses: Sequence[str], start: datetime, end: datetime) -> list[Busy]:
        found: list[Busy] = []
        for address, view in self._free_busy(addresses, start, end):
            if isinstance(view, Exception):
                # One person unknown or not shared: the others still choose the slot.
                log.warning("no free/busy for one attendee: %s", type(view).__name__)
                continue
            for event in view.calendar_events or []:
                if event.busy_type in _BUSY:
                    found.append(Busy(address.lower(), _utc(event.start), _utc(event.end)))
        return found

    def _free_busy(
        self, addresses: Sequence[str], start: datetime, end: datetime
    ) -> list[tuple[str, Any]]:
        """(address, FreeBusyView or the refusal EWS answered for that person). exchangelib
        raises one person's refusal for the whole request, so then each is asked alone."""
        from exchangelib import EWSDateTime
        from exchangelib.errors import ResponseMessageError

        window = (
            EWSDateTime.from_datetime(start.astimezone(UTC)),
            EWSDateTime.from_datetime(end.astimezone(UTC)),
        )
        with self._guard("reading free/busy (GetUserAvailability)"):
            try:
                return list(zip(addresses, self._ask(addresses, *window), strict=True))
            except ResponseMessageError as exc:
                if type(exc).__name__ not in _PERSONAL or len(addresses) < 2:
                    raise
            found: list[tuple[str, Any]] = []
            for address in addresses:
                try:
                    found += [(address, view) for view in self._ask([address], *window)]
                except ResponseMessageError as exc:
                    if type(exc).__name__ not in _PERSONAL:
                        raise
                    found.append((address, exc))
            return found

    def _ask(self, addresses: Sequence[str], start: Any, end: Any) -> list[Any]:
        protocol = self._ews.account().protocol
        views = protocol.get_free_busy_info(
            accounts=[(address, "Required", False) for address in addresses],
            start=start,
            end=end,
            merged_free_busy_interval=30,
            requested_view="FreeBusy",
        )
        return list(views)

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
        from exchangelib import Body, CalendarItem, EWSDateTime
        from exchangelib.items import SEND_TO_ALL_AND_SAVE_COPY
        from exchangelib.properties import Attendee as EwsAttendee
        from exchangelib.properties import Mailbox

        uid = meeting_uid(key)
        with self._guard("booking the Screening Panel on the calendar"):
            earlier = self._find(uid, start)
            if earlier is not None:
                return earlier
            account = self._ews.account()
            item = CalendarItem(
                account=account,
                folder=account.calendar,
                subject=subject,
                body=Body(body),
                start=EWSDateTime.from_datetime(start.astimezone(UTC)),
                end=EWSDateTime.from_datetime(end.astimezone(UTC)),
                location=location,
                required_attendees=[
                    EwsAttendee(mailbox=Mailbox(email_address=addr, name=name))
                    for name, addr in attendees
                ],
                uid=uid,
            )
            item.save(send_meeting_invitations=SEND_TO_ALL_AND_SAVE_COPY)
            return str(item.id), start

    def _find(self, uid: str, around: datetime) -> tuple[str, datetime | None] | None:
        """The meeting already made with this UID (by a pass that crashed before its commit)."""
        from exchangelib import EWSDateTime

        view = self._ews.account().calendar.view(
            start=EWSDateTime.from_datetime((around - SEARCH_AROUND).astimezone(UTC)),
            end=EWSDateTime.from_datetime((around + SEARCH_AROUND).astimezone(UTC)),
        )
        for item in view.only("uid", "start"):
            if getattr(item, "uid", None) == uid:
                log.info(
                    "the Screening Panel meeting was already on the calendar: not booked again"
                )
                return str(item.id), _utc(item.start) if item.start else None
        return None

    def move(self, event_id: str, start: datetime, end: datetime) -> None:
        from exchangelib import EWSDateTime
        from exchangelib.items import SEND_TO_ALL_AND_SAVE_COPY

        with self._guard("moving the Screening Panel meeting"):
            item = self._item(event_id, "start", "end")
            item.start = EWSDateTime.from_datetime(start.astimezone(UTC))
            item.end = EWSDateTime.from_datetime(end.astimezone(UTC))
            item.save(
                update_fields=["start", "end"], send_meeting_invitations=SEND_TO_ALL_AND_SAVE_COPY
            )

    def cancel(self, event_id: str, comment: str) -> None:
        from exchangelib import Body

        with self._guard("cancelling the Screening Panel meeting"):
            self._item(event_id, "subject").cancel(new_body=Body(comment))

    def answers(self, event_id: str) -> list[Attendee]:
        with self._guard("reading the Screening Panel answers"):
            item = self._item(event_id, "required_attendees")
            return [
                Attendee(str(a.mailbox.email_address or "").lower(), _ANSWERS.get(a.response_type))
                for a in item.required_attendees or []
                if a.mailbox is not None
            ]

    def access(self, addresses: Sequence[str], start: datetime, end: datetime) -> CalendarAccess:
        """Free/busy of each person; the Calendar folder's EffectiveRights (GetFolder) and the
        meetings in it (FindItem with a CalendarView)."""
        from exchangelib import EWSDateTime

        unshared = tuple(
            f"{address}: {advice(type(view).__name__)}"
            for address, view in self._free_busy(addresses, start, end)
            if isinstance(view, Exception)
        )
        with self._guard("opening the shared mailbox's Calendar folder"):
            folder = self._ews.account().calendar
            rights = folder.effective_rights
            view = folder.view(
                start=EWSDateTime.from_datetime(start.astimezone(UTC)),
                end=EWSDateTime.from_datetime(end.astimezone(UTC)),
            )
            seen = sum(1 for _ in view.only("uid"))
        can_create = None if rights is None else bool(rights.create_contents and rights.modify)
        return CalendarAccess(
            f"the Calendar of {self._ews.login.mailbox} on {self._ews.login.describe()}",
            unshared=unshared,
            meetings=seen,
            can_create=can_create,
            advice="the service account may read the Calendar but not create meetings in it: "
            + _ADVICE["ErrorAccessDenied"],
        )

    def close(self) -> None:
        self._ews.close()

    def _item(self, event_id: str, *fields: str) -> Any:
        """The meeting with its current ChangeKey and `fields` (GetItem)."""
        from exchangelib import CalendarItem

        account = self._ews.account()
        [item] = list(account.fetch(ids=[(event_id, None)], only_fields=list(fields)))
        if isinstance(item, Exception):
            raise item
        if not isinstance(item, CalendarItem):
            raise CalendarError(f"{self._ews.login.describe()}: {event_id[:12]}… is not a meeting")
        return item

    @contextmanager
    def _guard(self, doing: str) -> Iterator[None]:
        from exchangelib.errors import ResponseMessageError

        try:
            with self._ews.guard(doing):
                try:
                    yield
                except ResponseMessageError as exc:
                    if type(exc).__name__ not in _ADVICE and type(exc).__name__ not in _REFUSALS:
                        raise  # busy, throttled, unreachable: the connection's words for it
                    # The server answered and refused: its error code names what is wrong.
                    where = self._ews.login.describe()
                    said = f"{where}: {type(exc).__name__} while {doing} ({exc})"
                    raise CalendarError(advice(said)) from None
        except MailboxError as exc:
            raise CalendarError(advice(str(exc))) from exc


def meeting_uid(key: str) -> str:
    """The iCalendar UID of the meeting booked under `key` (a UUID made from the case and the
    meeting's version), so a retry can recognise its own meeting."""
    return f"{key}@tscp-bot"


def advice(message: str) -> str:
    """The failure, and what to grant when a missing permission caused it."""
    for code, grant in _ADVICE.items():
        if code in message:
            return f"{message}; {grant}"
    return message


def _utc(moment: datetime) -> datetime:
    """A plain aware datetime (exchangelib's EWSDateTime accepts only its own zones)."""
    plain = datetime.fromisoformat(moment.isoformat())
    return plain.astimezone(UTC) if plain.tzinfo else plain.replace(tzinfo=UTC)

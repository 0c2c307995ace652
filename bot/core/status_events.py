"""The last events of the case view that `Status` sends, and how much of each the asker reads.

Pure. The case history (case_events) is what the bot and people recorded, in their words:
a form answer the bot could not place, an attachment's file name, an email's subject, a
reason typed after a command's keyword, a complainant's address. No list of names can screen
that, so the view decides by who asked, not by what the text seems to hold:

- the Business Manager (who keeps the case record) reads each event as recorded, less what a
  person typed after a command's keyword and the values the forms recorded;
- a statutory partner's representative reads, of each event, its date, a fixed phrase for its
  kind (EVENT_WORDS; a command by its keyword from the command table) and who acted by role.
  Nothing recorded is copied: a kind with no phrase here reads "case updated".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType

from bot.core.commands import command_keyword
from bot.core.lifecycle_stages import ROLE_NAMES, Role
from bot.core.personal_data import withhold

LAST_EVENTS = 10
BOT_ROLE = "bot"  # the "role" of the bot's own events
UPDATED = "case updated"  # an event kind with no phrase below
COMMAND = "command carried out"  # a command whose keyword the command table does not know

# Event kind -> what a partner reads of it. Fixed words only: a phrase never takes a value.
EVENT_WORDS = MappingProxyType(
    {
        "acknowledged": "acknowledgement to the referrer queued",
        "action_done": "action marked done",
        "authentication_advisory": "commands carried out without a passing authentication check",
        "awareness_corrected": "date the local authority became aware corrected",
        "awareness_flag": "date the local authority became aware needs checking",
        "case_closed": "case closed",
        "case_opened": "case opened",
        "case_reopened": "case reopened",
        "case_status_withheld": "case view not sent outside the partnership",
        "closed_with_clocks_open": "closed with deadlines still open",
        "closed_with_cspr_owed": "closed with the CSPR decision still owed",
        "command_refused": "a command was not carried out",
        "commands_not_carried_out": "commands from a sender not allowed to give them",
        "complaint_answered": "complaint answered",
        "complaint_opened": "complaint record opened",
        "complaint_overdue_on_arrival": "complaint already late when it was read",
        "complaint_raised": "a complaint was raised about this case",
        "cspr_decided": "CSPR decision recorded",
        "date_corrected": "a recorded date corrected",
        "date_moved_earlier": "a recorded date moved earlier",
        "deadline_overdue": "a deadline became overdue",
        "deadline_extended": "a due date extended by agreement",
        "deadline_set": "deadline set",
        "decision_changed": "Screening Panel decision changed",
        "decision_reopened": "Screening Panel decision withdrawn",
        "decision_unchanged": "Screening Panel decision unchanged",
        "delay_notice_drafted": "Rapid Review delay notice drafted",
        "draft_approved": "draft approved",
        "draft_restated": "draft written again for approval",
        "draft_withdrawn": "draft withdrawn",
        "escalated": "deadline escalated",
        "escalation_restated": "escalation worded for the day it went",
        "escalation_opened": "escalation record opened",
        "escalation_raised": "an escalation was raised about this case",
        "escalation_linked": "an escalation was linked to this case",
        "family_preview": "family preview recorded",
        "form_fields_updated": "form details updated",
        "form_names_other_case": "the form names another case",
        "form_problem": "a form could not be read in full",
        "form_read": "SIN email checked for its form",
        "looked_after_death": "SoS and Ofsted to be notified of a death reported on the form",
        "looked_after_death_check": "SoS and Ofsted notice: the form to be checked",
        "looked_after_death_not_required": "SoS and Ofsted notice not required",
        "looked_after_death_notified": "SoS and Ofsted notified",
        "mail_not_delivered": "an email was not delivered",
        "mail_put_off": "an email is being sent again to people the mail server put off",
        "meeting_declined": "a panel member declined the meeting",
        "meeting_new_time_proposed": "a new meeting time was proposed",
        "meeting_reply": "a meeting reply came",
        "mentioned_by": "another case's SIN mentions this case",
        "mentions_case": "the SIN mentions another case",
        "message_filed": "email filed on the case",
        "new_on_case": "new email on the case",
        "notifiable_recorded": "notifiable decision recorded",
        "panel_notified": "National Panel notification recorded",
        "possible_repeat": "possibly a repeat of an earlier email",
        "publication_after_report_due": "publication planned after the report is due",
        "publication_delayed": "publication delayed",
        "publication_not_publishing": "report not to be published",
        "publication_notice_short": "publication notice shorter than required",
        "referrer_told": "referrer told of the Screening Panel decision",
        "reminded": "reminder queued",
        "reminder_superseded": "reminder no longer needed",
        "reminder_withdrawn": "reminder withdrawn",
        "report_not_sent": "report not sent",
        "report_sent": "report sent",
        "return_asked_again": "Appendix B asked for again",
        "return_read": "Appendix B return read",
        "return_received": "Appendix B return received",
        "return_request_withdrawn": "Appendix B request withdrawn",
        "return_sent_on": "Appendix B return recorded",
        "return_unreadable": "Appendix B return could not be read",
        "return_updated": "Appendix B return updated",
        "returns_requested": "Appendix B returns requested",
        "reviewer_appointed": "reviewer appointed",
        "rr_meeting_held": "Rapid Review meeting held",
        "rr_submitted": "Rapid Review submitted",
        "screening_after_deadline": "Screening Panel set after its deadline",
        "screening_booked": "Screening Panel booked",
        "screening_calendar_failed": "Screening Panel emailed, not booked in the calendar",
        "screening_cancel_failed": "Screening Panel could not be cancelled",
        "screening_cancelled": "Screening Panel cancelled",
        "screening_decided": "Screening Panel decision recorded",
        "screening_not_booked": "Screening Panel not booked",
        "screening_rescheduled": "Screening Panel rescheduled",
        "screening_split": "Screening Panel vote split",
        "scrutineer_agrees": "Independent Scrutineer agrees",
        "scrutineer_disagrees": "Independent Scrutineer disagrees",
        "sent_notice_outdated": "a notice already sent is out of date",
        "vote_chased": "vote chased",
        "vote_not_counted": "vote not counted",
        "vote_recorded": "vote recorded",
    }
)
# A command keyword's words as people write them, where capitalising the first is not enough.
_KEYWORD_CASE = {"cspr": "CSPR", "sos": "SoS", "ofsted": "Ofsted"}

# Events whose detail is what a person wrote: news for the Business Manager's digest, not for
# an email, even to the Business Manager.
_PERSONS_TEXT = frozenset(
    {
        "new_on_case",
        "command_refused",
        "commands_not_carried_out",
        # Events that record a reason someone typed after the command's keyword.
        "case_closed",
        "case_reopened",
        "screening_cancelled",
        "scrutineer_disagrees",
        "cspr_decided",
        "awareness_corrected",
        "looked_after_death_not_required",
        "publication_delayed",
        "publication_not_publishing",
    }
)
_PERSONS_TEXT_NOTE = "(not repeated by email: see the case record)"
# Commands whose words after the keyword are only dates, numbers and choices: in the Business
# Manager's view a "command" event repeats these lines whole; of any other, only the keyword
# and what the bot did ("Agree: <reason>" takes the Scrutineer's words, so it is not here).
_PLAIN_COMMANDS = (
    "vote",
    "decision",
    "notifiable",
    "notified",
    "meeting held",
    "report submitted",
    "report sent",
    "published",
    "publication:",
    "family preview",
    "answered",
    "complaint extended",
    "report extended",
    "approve",
    "action done",
    "reschedule",
    "status",
)


@dataclass(frozen=True)
class RecordedEvent:
    """One row of the case history, as the service read it."""

    at: datetime
    actor: str  # an email address, or the bot's own name
    roles: frozenset[str]  # the actor's (lifecycle_table.Role values, or BOT_ROLE); may be empty
    what: str
    detail: str


@dataclass(frozen=True)
class EventLine:
    """One event as the view prints it."""

    at: datetime
    who: str
    what: str
    detail: str


def in_full(asked_as: str) -> bool:
    """Whether the asker reads the events as recorded: the Business Manager only."""
    return asked_as == Role.BUSINESS_MANAGER


def last_events(
    events: Iterable[RecordedEvent], secrets: frozenset[str], *, asked_as: str
) -> tuple[EventLine, ...]:
    """The newest events, newest first, as the one who asked (a role) may read them."""
    # Recorded order breaks ties: one message's events share a moment.
    ordered = sorted(enumerate(events), key=lambda pair: (pair[1].at, pair[0]), reverse=True)
    newest = [e for _, e in ordered[:LAST_EVENTS]]
    if not in_full(asked_as):
        return tuple(EventLine(e.at, by_role(e.roles), event_words(e), "") for e in newest)
    return tuple(
        EventLine(
            e.at,
            withhold(e.actor, secrets),
            e.what.replace("_", " "),
            withhold(_shown_detail(e), secrets),
        )
        for e in newest
    )


def event_words(e: RecordedEvent) -> str:
    """The fixed phrase for the event's kind; for a command, the command table's keyword."""
    if e.what != "command":
        return EVENT_WORDS.get(e.what, UPDATED)
    keyword = command_keyword(e.detail.partition(" -> ")[0])  # the line, less the outcome
    if keyword is None:
        return COMMAND
    first, *rest = (_KEYWORD_CASE.get(w, w) for w in keyword.split())
    return f"command: {' '.join([first[:1].upper() + first[1:], *rest])}"


def by_role(roles: frozenset[str]) -> str:
    """Who acted, by role ("the police representative"); nothing for someone holding none (a
    referrer, an agency, a member of the public): an address is never shown."""
    if BOT_ROLE in roles:
        return "the bot"
    # An address holding two roles: the first in the table's order, as for a command.
    return next((ROLE_NAMES[r] for r in Role if r in roles), "")


def _shown_detail(e: RecordedEvent) -> str:
    if e.what in _PERSONS_TEXT:
        return _PERSONS_TEXT_NOTE
    if e.what != "command":
        return e.detail
    line, arrow, result = e.detail.partition(" -> ")
    if " ".join(line.casefold().split()).startswith(_PLAIN_COMMANDS):
        return e.detail
    keyword, colon, _ = line.partition(":")
    return f"{keyword.strip()}{': (words not repeated)' if colon else ''}{arrow}{result}"

"""The review lifecycle: each command (by email or at the terminal) applied to a case.

Every handler records an append-only event saying who did what and why, and returns a short
sentence for the confirmation email. A command that does not fit the case's state raises
CommandRefused with a sentence saying why; nothing is changed then.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.core import commands as c
from bot.services.review.common import Actor, CommandRefused, agency_addresses
from bot.services.review.complaints import answered
from bot.services.review.corrections import correct_date
from bot.services.review.escalations import about_case
from bot.services.review.extensions import extended
from bot.services.review.later import (
    action_done,
    add_action,
    approve_cmd,
    close,
    cspr,
    family_preview,
    reviewer,
)
from bot.services.review.looked_after import notified as looked_after_notified
from bot.services.review.meetings import cancel_meeting, reschedule
from bot.services.review.notified import notification_sent
from bot.services.review.publishing import (
    publication_delay,
    publication_planned,
    published,
    report_sent,
)
from bot.services.review.rapid_review import (
    delay,
    draft_delay_notice,
    la_aware,
    meeting_held,
    report_submitted,
    request_returns,
)
from bot.services.review.reopening import reopen_case
from bot.services.review.request_withdrawal import withdraw_request
from bot.services.review.returns import return_from
from bot.services.review.screening import bm_decision, notifiable, scrutineer, vote
from bot.services.review.status import status

__all__ = ["HANDLERS", "Actor", "CommandRefused", "agency_addresses", "draft_delay_notice"]

# Who may give each command, and in which stage, is the lifecycle table's (bot.core.lifecycle).
HANDLERS: dict[type, Callable[..., str]] = {
    c.Vote: vote,
    c.Decision: bm_decision,
    c.Notifiable: notifiable,
    c.ScrutineerView: scrutineer,
    c.LaAware: la_aware,
    c.NotificationSent: notification_sent,
    c.LookedAfterDeathNotified: looked_after_notified,
    c.RequestReturns: request_returns,
    c.ReturnFrom: return_from,
    c.WithdrawRequest: withdraw_request,
    c.MeetingHeld: meeting_held,
    c.ReportSubmitted: report_submitted,
    c.Answered: answered,
    c.ComplaintExtended: extended,
    c.ReportExtended: extended,
    c.AboutCase: about_case,
    c.Delay: delay,
    c.CsprDecision: cspr,
    c.CorrectDate: correct_date,
    c.CorrectReceived: correct_date,
    c.ReviewerAppointed: reviewer,
    c.FamilyPreview: family_preview,
    c.PublicationPlanned: publication_planned,
    c.ReportSent: report_sent,
    c.Published: published,
    c.PublicationDelay: publication_delay,
    c.NotPublishing: publication_delay,
    c.AddAction: add_action,
    c.ActionDone: action_done,
    c.Approve: approve_cmd,
    c.Reschedule: reschedule,
    c.CancelMeeting: cancel_meeting,
    c.StatusRequest: status,
    c.Close: close,
    c.Reopen: reopen_case,
}

"""The review lifecycle: each command (by email or at the terminal) applied to a case.

Every handler records an append-only event saying who did what and why, and returns a short
sentence for the confirmation email. A command that does not fit the case's state raises
CommandRefused with a sentence saying why; nothing is changed then.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.core import commands as c
from bot.services.review.common import Actor, CommandRefused, agency_addresses
from bot.services.review.later import (
    action_done,
    add_action,
    approve_cmd,
    close,
    cspr,
    family_preview,
    publication_delay,
    publication_planned,
    published,
    report_sent,
    reviewer,
)
from bot.services.review.looked_after import notified as looked_after_notified
from bot.services.review.rapid_review import (
    delay,
    draft_delay_notice,
    la_aware,
    meeting_held,
    notification_sent,
    report_submitted,
    request_returns,
)
from bot.services.review.screening import bm_decision, notifiable, scrutineer, vote

__all__ = ["HANDLERS", "Actor", "CommandRefused", "agency_addresses", "draft_delay_notice"]

HANDLERS: dict[type, tuple[str, Callable[..., str]]] = {
    c.Vote: ("partner", vote),
    c.Decision: ("business_manager", bm_decision),
    c.Notifiable: ("business_manager", notifiable),
    c.ScrutineerView: ("independent_scrutineer", scrutineer),
    c.LaAware: ("business_manager", la_aware),
    c.NotificationSent: ("business_manager", notification_sent),
    c.LookedAfterDeathNotified: ("business_manager_or_local_authority", looked_after_notified),
    c.RequestReturns: ("business_manager", request_returns),
    c.MeetingHeld: ("business_manager", meeting_held),
    c.ReportSubmitted: ("business_manager", report_submitted),
    c.Delay: ("business_manager", delay),
    c.CsprDecision: ("business_manager", cspr),
    c.ReviewerAppointed: ("business_manager", reviewer),
    c.FamilyPreview: ("business_manager", family_preview),
    c.PublicationPlanned: ("business_manager", publication_planned),
    c.ReportSent: ("business_manager", report_sent),
    c.Published: ("business_manager", published),
    c.PublicationDelay: ("business_manager", publication_delay),
    c.NotPublishing: ("business_manager", publication_delay),
    c.AddAction: ("business_manager", add_action),
    c.ActionDone: ("business_manager", action_done),
    c.Approve: ("business_manager", approve_cmd),
    c.Close: ("business_manager", close),
}

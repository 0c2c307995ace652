"""The lifecycle table itself: for each command who may give it, in which stages it is
accepted (with the sentence saying why not elsewhere, and on a closed case while which
statutory notice is owed), the stage that follows and the clocks it starts, meets or keeps.
The stages and roles are named in bot.core.lifecycle_stages. Data only; bot.core.lifecycle
answers questions about it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from bot.core import commands as c
from bot.core.lifecycle_stages import (
    AFTER_RAPID_REVIEW,
    ALL_STAGES,
    BM,
    BM_OR_LA,
    BM_OR_PARTNERS,
    DECIDED,
    FROM_RAPID_REVIEW,
    NOTICE_STAGES,
    OPEN_STAGES,
    PARTNERS,
    REVIEW_STAGES,
    Next,
    Role,
    Stage,
    describe_stage,
)
from bot.core.wording import with_article


@dataclass(frozen=True)
class Rule:
    """What one command means, apart from the stage it is given in."""

    keyword: str  # as the sender types it, for refusal sentences
    roles: frozenset[Role]
    accepted_in: tuple[Stage, ...]
    refusal: Mapping[Stage, str]  # why not, and what to do, for every other stage
    then: Stage | Next = Next.UNCHANGED
    moves_from: tuple[Stage, ...] | None = None  # None: every stage it is accepted in
    starts: tuple[str, ...] = ()  # clock names (bot.core.deadlines) or prefixes ending in ":"
    meets: tuple[str, ...] = ()
    keeps: tuple[str, ...] = ()  # started clocks whose start it may not move later
    corrects: bool = False  # the explicit correction: may move a recorded start later
    # On a closed case: accepted only while one of these statutory notices is still owed
    # (neither made nor set aside), and `settled` says why not once none is.
    while_owed: tuple[str, ...] = ()
    settled: str = ""


_CLOSED = "the case is closed; nothing more is recorded on it"
_NOT_REVIEW = "this is {stage} record, not a review case; review commands do not apply to it"
_NO_DECISION = (
    "the Screening Panel has not decided yet; record the decision (Vote: or Decision:) first"
)
_NOT_RR = "this applies to a Rapid Review, and the panel decided {decision}"
_RR_DONE = "the Rapid Review has been submitted; this belongs to the Rapid Review"
_SCREENING_PAST = (
    "the Screening Panel's decision is past: the Rapid Review has been submitted "
    "(the case is at stage {stage})"
)
_NEEDS_CSPR = "there is no CSPR on this case; record CSPR: yes first"
_COMPLAINTS_ONLY = "this applies to complaint records only; this is a review case"
_NO_RESPONSE_CLOCK = (
    "this applies to complaint records only; an escalation record has no response clock"
)
_ANSWERED = {**{s: _COMPLAINTS_ONLY for s in REVIEW_STAGES}, Stage.ESCALATION: _NO_RESPONSE_CLOCK}
_STILL_OPEN = "the case is open; only a closed case can be reopened"
_ESCALATIONS_ONLY = {s: "this applies to escalation records only" for s in OPEN_STAGES}
_NEEDS_RR = "record Report submitted: <date> first; the CSPR decision follows the Rapid Review"


def _default_reason(stage: Stage) -> str:
    if stage is Stage.CLOSED:
        return _CLOSED
    if stage in (Stage.COMPLAINT, Stage.ESCALATION):
        return _NOT_REVIEW.format(stage=with_article(describe_stage(stage)))
    if stage is Stage.SCREENING:
        return _NO_DECISION
    if stage in (Stage.LOCAL_REVIEW, Stage.NO_FURTHER_ACTION):
        return _NOT_RR.format(decision=describe_stage(stage))
    return f"this does not apply at stage {describe_stage(stage)}"


def _rule(
    keyword: str,
    roles: frozenset[Role],
    accepted_in: tuple[Stage, ...],
    special: Mapping[Stage, str] | None = None,
    *,
    then: Stage | Next = Next.UNCHANGED,
    moves_from: tuple[Stage, ...] | None = None,
    starts: tuple[str, ...] = (),
    meets: tuple[str, ...] = (),
    keeps: tuple[str, ...] = (),
    corrects: bool = False,
    while_owed: tuple[str, ...] = (),
    settled: str = "",
) -> Rule:
    """A rule whose refusals are the stage's default sentence unless `special` says better."""
    refusal = {
        s: (special or {}).get(s, _default_reason(s)) for s in ALL_STAGES if s not in accepted_in
    }
    return Rule(
        keyword,
        roles,
        accepted_in,
        MappingProxyType(refusal),
        then,
        moves_from,
        starts,
        meets,
        keeps,
        corrects,
        while_owed,
        settled,
    )


_VOTE_PAST = {s: _SCREENING_PAST.format(stage=describe_stage(s)) for s in AFTER_RAPID_REVIEW}
_RR_OVER = {s: _RR_DONE for s in AFTER_RAPID_REVIEW}
_CSPR_ONLY = {s: _NEEDS_CSPR for s in (*DECIDED, Stage.CSPR_DECISION)}
_PUBLISHING = (Stage.CSPR, Stage.ACTION_PLAN)
_PUBLICATION = {s: _NEEDS_CSPR for s in (Stage.SCREENING, *DECIDED, Stage.CSPR_DECISION)}
_RECEIPT_PAST = "the Rapid Review has been submitted: the clocks counted from receipt are settled"
_SETTLED = {s: _RECEIPT_PAST for s in AFTER_RAPID_REVIEW}
_ACTIONS = {Stage.NO_FURTHER_ACTION: "the panel decided no further action; there is no action plan"}
# A closed case takes `Aware:` and `Notifiable:` only to re-time or settle a statutory
# notification still owed (one closed before `Close:` waited for it): once it is made or set
# aside, the closed case's record of it is final, as the timeliness report counts it.
_AWARENESS_SETTLED = (
    "the case is closed and owes no statutory notification (each was recorded as made, or set "
    "aside as not required), so the day the local authority became aware is settled: Aware: "
    "re-times a notification only while it is still owed"
)
_NOTIFIABILITY_SETTLED = (
    "the case is closed and its National Panel notification is no longer owed (recorded as "
    "made, or set aside as not required), so notifiability is settled; if it was set aside "
    "wrongly and the local authority has since notified the National Panel, reply Notified: "
    "<date>"
)

RULES: Mapping[type, Rule] = MappingProxyType(
    {
        c.Vote: _rule(
            "Vote:",
            PARTNERS,
            (Stage.SCREENING, *DECIDED),
            _VOTE_PAST,
            then=Next.BY_DECISION,
            meets=("screening_meeting",),
        ),
        c.Decision: _rule(
            "Decision:",
            BM,
            (Stage.SCREENING, *DECIDED),
            _VOTE_PAST,
            then=Next.BY_DECISION,
            meets=("screening_meeting",),
        ),
        c.Notifiable: _rule(
            "Notifiable:",
            BM,
            (Stage.SCREENING, *DECIDED, Stage.CSPR_DECISION, Stage.CLOSED),
            {
                s: "notifiability is settled once a CSPR decision is recorded"
                for s in (Stage.CSPR, Stage.ACTION_PLAN)
            },
            meets=("panel_notification",),
            while_owed=("panel_notification",),
            settled=_NOTIFIABILITY_SETTLED,
        ),
        c.ScrutineerView: _rule(
            "Agree / Disagree:",
            frozenset({Role.INDEPENDENT_SCRUTINEER}),
            (*DECIDED, *AFTER_RAPID_REVIEW),
            {Stage.SCREENING: "there is no screening outcome yet to agree or disagree with"},
        ),
        # On a closed case while a statutory notification is still owed: the day the local
        # authority became aware re-times the National Panel's clock and brings a looked-after
        # death's forward (bot.services.review.looked_after), both still chased.
        c.LaAware: _rule(
            "Aware:",
            BM_OR_LA,
            NOTICE_STAGES,
            starts=("panel_notification",),
            keeps=("panel_notification",),
            while_owed=("panel_notification", "looked_after_death_notification"),
            settled=_AWARENESS_SETTLED,
        ),
        c.NotificationSent: _rule(
            "Notified:",
            BM_OR_LA,
            NOTICE_STAGES,
            starts=("rapid_review",),
            meets=("panel_notification",),
            keeps=("rapid_review",),
        ),
        c.LookedAfterDeathNotified: _rule(
            "SoS and Ofsted notified:",
            BM_OR_LA,
            NOTICE_STAGES,
            meets=("looked_after_death_notification",),
        ),
        c.RequestReturns: _rule(
            "Agencies:",
            BM,
            (Stage.RAPID_REVIEW,),
            _RR_OVER,
            starts=("appendix_b:",),
        ),
        c.ReturnFrom: _rule("Return from:", BM, FROM_RAPID_REVIEW, meets=("appendix_b:",)),
        c.WithdrawRequest: _rule("Withdraw request:", BM, FROM_RAPID_REVIEW),
        c.MeetingHeld: _rule("Meeting held:", BM, FROM_RAPID_REVIEW),
        # Accepted on a closed case too: a Rapid Review owed after notification is still
        # recorded when it is done (the case warning asks for exactly this); it stays closed.
        c.ReportSubmitted: _rule(
            "Report submitted:",
            BM,
            (*FROM_RAPID_REVIEW, Stage.CLOSED),
            then=Stage.CSPR_DECISION,
            moves_from=(Stage.RAPID_REVIEW,),
            meets=("rapid_review",),
        ),
        # The reply meets the complaint's clock; the record stays open until `Close:`.
        c.Answered: _rule(
            "Answered:", BM, (Stage.COMPLAINT,), _ANSWERED, meets=("complaint_response",)
        ),
        # A later day agreed with the complainant, or the National Panel (see extensions).
        c.ComplaintExtended: _rule("Complaint extended:", BM, (Stage.COMPLAINT,), _ANSWERED),
        c.ReportExtended: _rule("Report extended:", BM, _PUBLISHING, _PUBLICATION),
        # An escalation opened with no case, tied to the case it turns out to be about; closed
        # too, as it is often learnt only later (the handler refuses a closed case or complaint).
        c.AboutCase: _rule("About case:", BM, (Stage.ESCALATION, Stage.CLOSED), _ESCALATIONS_ONLY),
        c.Delay: _rule("Delay:", BM, (Stage.RAPID_REVIEW,), _RR_OVER),
        c.CsprDecision: _rule(
            "CSPR:",
            BM,
            AFTER_RAPID_REVIEW,
            {Stage.RAPID_REVIEW: _NEEDS_RR},
            then=Next.BY_CSPR,
            starts=("cspr_report",),
            keeps=("cspr_report",),
        ),
        c.ReviewerAppointed: _rule(
            "Reviewer:", BM, (Stage.CSPR, Stage.ACTION_PLAN), {**_PUBLICATION, **_CSPR_ONLY}
        ),
        c.FamilyPreview: _rule("Family preview:", BM, _PUBLISHING, _PUBLICATION),
        c.PublicationPlanned: _rule(
            "Publication:",
            BM,
            (Stage.CSPR, Stage.ACTION_PLAN),
            _PUBLICATION,
            starts=("publication_notice",),
        ),
        c.ReportSent: _rule(
            "Report sent:",
            BM,
            (Stage.CSPR, Stage.ACTION_PLAN),
            _PUBLICATION,
            meets=("publication_notice",),
        ),
        c.Published: _rule(
            "Published:",
            BM,
            (Stage.CSPR, Stage.ACTION_PLAN),
            _PUBLICATION,
            then=Stage.ACTION_PLAN,
            starts=("publication_period_end",),
            meets=("cspr_report",),
            keeps=("publication_period_end",),
        ),
        c.PublicationDelay: _rule(
            "Publication delayed:", BM, (Stage.CSPR, Stage.ACTION_PLAN), _PUBLICATION
        ),
        c.NotPublishing: _rule(
            "Not publishing:", BM, (Stage.CSPR, Stage.ACTION_PLAN), _PUBLICATION
        ),
        c.AddAction: _rule(
            "Action:",
            BM,
            (Stage.RAPID_REVIEW, Stage.LOCAL_REVIEW, *AFTER_RAPID_REVIEW),
            _ACTIONS,
            starts=("action:",),
        ),
        c.ActionDone: _rule(
            "Action done:",
            BM,
            (Stage.RAPID_REVIEW, Stage.LOCAL_REVIEW, *AFTER_RAPID_REVIEW),
            _ACTIONS,
            meets=("action:",),
        ),
        # Every event in c.Corrected but Received; the handler refuses what a record lacks.
        c.CorrectDate: _rule(
            "Correct <event>:",
            BM,
            (*DECIDED, *AFTER_RAPID_REVIEW, Stage.COMPLAINT),
            {Stage.SCREENING: "nothing has been recorded yet that could be corrected"},
            corrects=True,
        ),
        # A SIN's receipt while the clocks from it are open or just met (see README).
        c.CorrectReceived: _rule(
            "Correct Received:",
            BM,
            (Stage.SCREENING, *DECIDED, Stage.COMPLAINT),
            _SETTLED,
            corrects=True,
        ),
        # The screening meeting: moved or called off while the panel's decision is open or
        # fresh (the Scrutineer's disagreement asks for a meeting after the decision).
        c.Reschedule: _rule("Reschedule:", BM, (Stage.SCREENING, *DECIDED), _VOTE_PAST),
        # On a closed case too: a meeting `Close:` could not cancel in the calendar is still on
        # (the panel expects it), and cancelling it puts its flag right.
        c.CancelMeeting: _rule(
            "Cancel meeting", BM, (Stage.SCREENING, *DECIDED, Stage.CLOSED), _VOTE_PAST
        ),
        # A draft queued before the case closed may still need approving.
        c.Approve: _rule("Approve", BM, ALL_STAGES),
        # Read-only: the case view by email. No next stage, no clock started, met or kept.
        c.StatusRequest: _rule("Status", BM_OR_PARTNERS, ALL_STAGES),
        c.Close: _rule(
            "Close:",
            BM,
            OPEN_STAGES,
            {Stage.CLOSED: "the case is already closed"},
            then=Stage.CLOSED,
        ),
        # Back to the stage it was closed at, its unmet clocks chased again from their days.
        c.Reopen: _rule(
            "Reopen:",
            BM,
            (Stage.CLOSED,),
            {s: _STILL_OPEN for s in OPEN_STAGES},
            then=Next.BEFORE_CLOSING,
        ),
    }
)

CHOICE_STAGE: Mapping[str, Stage] = MappingProxyType(
    {
        c.Choice.RAPID_REVIEW: Stage.RAPID_REVIEW,
        c.Choice.LOCAL_REVIEW: Stage.LOCAL_REVIEW,
        c.Choice.NO_FURTHER_ACTION: Stage.NO_FURTHER_ACTION,
    }
)

"""Warnings the Business Manager needs about a review case: facts that contradict each other.

Pure: a frozen snapshot of the case's facts in, warning sentences out. Each sentence says what
is wrong and the command that puts it right, because a warning nobody can act on is noise.

The checks, in the order they are reported:

1. The National Panel was notified but the case is closed, or was decided "no further action"
   (or a local learning review), before the Rapid Review was submitted: once a notification is
   made a Rapid Review is required, so one is still expected. Not on a case notified only once
   it was closed: no Rapid Review clock is started then, and none is expected.
2. The Screening Panel decided on a Rapid Review but the case is recorded as not notifiable: a
   Rapid Review follows a notification, so one of the two records is wrong.
3. An outstanding Appendix B return is due after the Rapid Review deadline, so the review
   cannot be finished on time with it.

Only the first applies to a closed case: the others concern work still in progress.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.core.deadlines import fmt_date

RAPID_REVIEW = "rapid_review"
DECISION_LABELS = {
    "rapid_review": "Rapid Review",
    "local_review": "local learning review",
    "no_further_action": "no further action",
}


@dataclass(frozen=True)
class ReturnFacts:
    agency: str  # the agency's key, as the Business Manager types it in Agencies:
    return_by: date
    received: bool
    name: str = ""  # the agency's plain name, as the Business Manager reads it


@dataclass(frozen=True)
class CaseFacts:
    closed: bool
    decision: str | None  # rapid_review | local_review | no_further_action
    notifiable: bool | None
    notification_sent_on: date | None
    rapid_review_due: date | None
    rapid_review_submitted: bool
    returns: tuple[ReturnFacts, ...] = ()


@dataclass(frozen=True)
class CaseWarning:
    what: str  # a short heading for the digest's "needs attention" list
    sentence: str


def case_warnings(facts: CaseFacts) -> list[CaseWarning]:
    found = [w for w in (_review_still_expected(facts),) if w is not None]
    if facts.closed:
        return found
    if facts.decision == RAPID_REVIEW and facts.notifiable is False:
        found.append(_not_notifiable_review())
    return found + _late_returns(facts)


def _review_still_expected(facts: CaseFacts) -> CaseWarning | None:
    sent = facts.notification_sent_on
    if sent is None or facts.rapid_review_submitted:
        return None
    if facts.closed:
        if facts.rapid_review_due is None:
            # Notified only once closed: no Rapid Review clock was started, as nobody will hold
            # one (bot.core.lifecycle.starts_clock), so no review is expected of the case.
            return None
        done, record = "the case is closed", _RECORD_ON_CLOSED
    elif facts.decision is not None and facts.decision != RAPID_REVIEW:
        done = f'the case was decided "{DECISION_LABELS.get(facts.decision, facts.decision)}"'
        record = _RECORD_AFTER_DECISION
    else:
        return None
    due = f" (due {fmt_date(facts.rapid_review_due)})" if facts.rapid_review_due else ""
    return CaseWarning(
        "Rapid Review still expected",
        f"The National Panel was notified on {fmt_date(sent)} but {done}: a Rapid Review is "
        f"still expected{due}. {record}",
    )


# `Report submitted:` is taken on a closed case, but not at another decision's stage: there the
# decision comes first; and a closed case takes no correction until it is reopened
# (bot.core.lifecycle_table). The advice names only commands the bot would accept.
_RECORD_ON_CLOSED = (
    "Record it with Report submitted: <date>; or, if the notification date is wrong, give "
    "Reopen: <reason> and then Correct Notified: <date> because <reason>."
)
_RECORD_AFTER_DECISION = (
    "To record it, the decision must first be a Rapid Review (the partners' votes, or "
    "Decision: rapid review), then Report submitted: <date>; or correct the notification date "
    "(Correct Notified: <date> because <reason>)."
)


def _not_notifiable_review() -> CaseWarning:
    return CaseWarning(
        "Rapid Review but not notifiable",
        "The Screening Panel decided on a Rapid Review but the case is recorded as not "
        "notifiable to the National Panel: a Rapid Review follows a notification. Correct "
        "one of them (Notifiable: yes, or Decision: <the panel's decision>).",
    )


def _late_returns(facts: CaseFacts) -> list[CaseWarning]:
    due = facts.rapid_review_due
    if due is None or facts.rapid_review_submitted:
        return []
    return [
        CaseWarning(
            "Appendix B due after the Rapid Review",
            f"The Appendix B return from {r.name or r.agency} is due "
            f"{fmt_date(r.return_by)}, after the Rapid Review deadline of {fmt_date(due)}. "
            f"Agree an earlier date (Agencies: {r.agency} with Return by: <date>) or tell the "
            "National Panel of the delay "
            "(Delay: <reason>; expected <date>).",
        )
        for r in facts.returns
        if not r.received and r.return_by > due
    ]

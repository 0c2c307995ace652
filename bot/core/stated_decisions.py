"""What an email telling an outside body of a decision says, and whether it is still true on
the day it actually goes.

Pure: no clock and no I/O. Two emails tell a decision the Business Manager may change before
the mail server takes them:

* cspr_decision, to the three Designated Safeguarding Partners and the Independent
  Scrutineer: held or not, the day it was made, the report's due day. A decision given again
  (`CSPR: no`, `CSPR: yes <earlier day>`) queues its own email: the one still waiting is
  withdrawn. One moved by `Correct CSPR:`, or a `CSPR: no` given again the same day with
  another reason, queues none while one waits: the waiting one is written again for the
  decision as it stands, so the partners hear the decision once, and truly. A decision to hold
  one saying the independent reviewer is still to be appointed, when `Reviewer:` was recorded
  while it waited, is written again saying they are.
* referrer_outcome, the Screening Panel's decision told to the referrer: withdrawn when the
  decision changed since (the email of the new one follows) or the referrer already has it,
  or, flagged to the Business Manager to write herself, when it says what the partners will
  do (a Rapid Review, local activity) and the case was closed since;
  one saying the decision "has changed since we last wrote" is written again without it when
  no earlier email of the decision ever went.
* screening_outcome, the Screening Panel's decision with its votes to the Business Manager and
  the Independent Scrutineer (or a later vote against it): withdrawn when the decision
  changed since, as every change is emailed to them afresh, or was withdrawn (the email
  asking to reconvene the panel, copied to the Scrutineer, says so); written again when its
  line on whether the case is notifiable to the National Panel changed since, or its next
  steps did (one done since, as the National Panel notified or the case closed: the email
  never asks for what is already done).
* screening_reconvene, to the Business Manager (the Scrutineer copied when a decision they were
  told of was withdrawn): the panel has no decision, reconvene it. Withdrawn when the panel
  decided since: the outcome email of that decision tells them what stands.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from bot.core.deadlines import fmt_date
from bot.core.screening_vote import CHOICE_LABELS

CSPR_DECISION = "cspr_decision"
REFERRER_OUTCOME = "referrer_outcome"
SCREENING_OUTCOME = "screening_outcome"
SCREENING_RECONVENE = "screening_reconvene"
DECISIONS = frozenset({CSPR_DECISION, REFERRER_OUTCOME, SCREENING_OUTCOME, SCREENING_RECONVENE})


@dataclass(frozen=True)
class CsprSaid:
    """A CSPR decision as an email gives it, or as the case now records it."""

    hold: bool
    decided_on: date
    report_due: date | None = None  # None: no CSPR, or not kept with an email queued earlier
    reason: str | None = None  # why no CSPR; None: a CSPR, or not kept with an email queued earlier


class Fate(StrEnum):
    WITHDRAW = "withdrawn"  # never sent: another email tells what stands, or nothing needs telling
    REWRITE = "reworded"  # written again as the case stands, then sent


@dataclass(frozen=True)
class DecisionVerdict:
    fate: Fate
    untrue: str  # what it says that is no longer true, for the Business Manager and the history
    done: str = ""  # how a REWRITE puts it right, after `untrue`, when that does not say
    todo: str = ""  # what the Business Manager must do of a WITHDRAW: it is flagged to her
    # A REWRITE of only what the email asks its own readers to do next (the Business Manager
    # did it meanwhile, often in the same email): said in the case's history, not emailed.
    quiet: bool = False


def cspr_on_sending(
    said: CsprSaid, now: CsprSaid | None, told_by: int | None
) -> DecisionVerdict | None:
    """Whether a CSPR decision email saying `said` may go as written; None when it may.
    `now`: the decision as the case records it; `told_by`: another email (its id), sent or to
    go, that gives `now`."""
    if now is not None and says_the_same(said, now):
        return None
    was = f"it gives {cspr_words(said)}"
    if now is None:
        return DecisionVerdict(Fate.WITHDRAW, f"{was}, but no CSPR decision is recorded now")
    untrue = f"{was}, but the decision is now {cspr_words(now)}"
    if (said.hold, said.decided_on) == (now.hold, now.decided_on):  # only the reason differs
        untrue = f'{was}, with the reason "{said.reason}", but the reason is now "{now.reason}"'
    if told_by is not None:
        return DecisionVerdict(Fate.WITHDRAW, f"{untrue}; email #{told_by} tells them that")
    return DecisionVerdict(Fate.REWRITE, untrue, ": it was written again with that decision")


def reviewer_on_sending(said_appointed: bool, appointed: bool) -> DecisionVerdict | None:
    """Whether an email of the decision to hold a CSPR may go as written; None when it may.
    `said_appointed`: whether it says the independent reviewer is appointed (else it says the
    National Panel, Ofsted and DfE are told once they are); `appointed`: whether they are now."""
    if said_appointed or not appointed:
        return None
    return DecisionVerdict(
        Fate.REWRITE,
        "it says the National Panel, Ofsted and the Department for Education will be told once "
        "the independent reviewer is appointed, but the reviewer was appointed since",
        ": it was written again saying the reviewer is appointed",
    )


def says_the_same(said: CsprSaid, now: CsprSaid) -> bool:
    """Whether an email saying `said` tells the decision `now` (a due day not kept with an
    email queued earlier is taken as the one counted from its day)."""
    due_known = said.report_due is not None and now.report_due is not None
    reason_known = said.reason is not None and now.reason is not None
    return (
        (said.hold, said.decided_on) == (now.hold, now.decided_on)
        and (not due_known or said.report_due == now.report_due)
        and (not reason_known or said.reason == now.reason)
    )


def cspr_words(said: CsprSaid) -> str:
    """ "a CSPR to be held, decided on Thu 7 Jan 2027, the report due Wed 7 Jul 2027"."""
    what = "a CSPR to be held" if said.hold else "no CSPR"
    due = f", the report due {fmt_date(said.report_due)}" if said.report_due else ""
    return f"{what}, decided on {fmt_date(said.decided_on)}{due}"


# What the referrer's outcome email says is still to be done, by decision: untrue once the
# case is closed.
_STILL_TO_DO = {
    "rapid_review": "the safeguarding partners will carry out a Rapid Review",
    "local_review": "the partners will look at it through local audit, learning or assurance "
    "activity",
}


def referrer_on_sending(
    choice: str, changed: bool, now: str | None, last_sent: str | None, closed: bool = False
) -> DecisionVerdict | None:
    """Whether an outcome email to the referrer giving `choice` (`changed`: saying it changed
    since the referrer was last written to) may go as written; None when it may. `now`: the
    Screening Panel's decision as the case records it; `last_sent`: the decision the last
    outcome email that went to the referrer gave; `closed`: whether the case is closed now."""
    said = f"it gives the Screening Panel's decision as {_label(choice)}"
    if now != choice:
        if now is None:
            return DecisionVerdict(
                Fate.WITHDRAW,
                f"{said}, but that decision was withdrawn; the referrer is written to when the "
                "panel decides again",
            )
        return DecisionVerdict(
            Fate.WITHDRAW,
            f"{said}, but it is now {_label(now)}; the email giving that decision follows"
            if now != last_sent
            else f"{said}, but it is now {_label(now)}, as the referrer was already told",
        )
    if last_sent == choice:
        return DecisionVerdict(Fate.WITHDRAW, f"{said}: the referrer was already told that")
    if closed and choice in _STILL_TO_DO:
        return DecisionVerdict(
            Fate.WITHDRAW,
            f"it says {_STILL_TO_DO[choice]}, but the case was closed since",
            todo="write to the referrer yourself with the outcome as it now stands",
        )
    if changed and last_sent is None:
        return DecisionVerdict(
            Fate.REWRITE,
            f"{said} and says it changed since the referrer was last written to, but no "
            "earlier decision was sent to them: it was written again without saying so",
        )
    return None


# The outcome email's next steps, by the name each is kept under, as the history names them.
STEP_NAMES = {
    "panel_notification": "the National Panel notification",
    "looked_after_death_notification": "telling the Secretary of State and Ofsted",
    "appendix_b": "the Appendix B requests",
    "requests_made": "the Appendix B requests made",
    "local_activity": "the local audit, learning or assurance activity",
    "close": "closing the case",
    "closed": "the case closed",
    "moved_on": "the Rapid Review submitted",
}

Steps = Mapping[str, str]  # a next step's name, and its words


def outcome_on_sending(
    choice: str,
    now: str | None,
    notifiable: tuple[bool | None, bool | None] | None = None,
    steps: tuple[Steps, Steps] | None = None,
) -> DecisionVerdict | None:
    """Whether the Screening Panel's outcome email giving `choice` may go; None when it may.
    `now`: the decision as the case records it; `notifiable`: whether the case is notifiable
    to the National Panel as the email says it and as the case records it now; `steps`: its
    next steps, as it gives them and as they stand now (each None: not kept with an email
    queued earlier)."""
    said = f"it gives the Screening Panel's decision as {_label(choice)}"
    if now == choice:
        if notifiable is not None and notifiable[0] != notifiable[1]:
            was, is_now = (notifiable_words(n) for n in notifiable)
            return DecisionVerdict(
                Fate.REWRITE,
                f'{said} and "Notifiable to the National Panel: {was}", but that is now {is_now}',
            )
        stale = _stale_steps(*steps) if steps is not None else None
        return DecisionVerdict(Fate.REWRITE, f"{said} and {stale}", quiet=True) if stale else None
    if now is None:
        return DecisionVerdict(
            Fate.WITHDRAW,
            f"{said}, but that decision was withdrawn; the email asking to reconvene the panel "
            "says so",
        )
    return DecisionVerdict(
        Fate.WITHDRAW,
        f"{said}, but it is now {_label(now)}; the email giving that decision follows",
    )


def _stale_steps(was: Steps, now: Steps) -> str | None:
    """What is no longer true of the next steps `was`, the steps standing `now`; None when
    they are the same."""
    gone = [n for n, words in was.items() if now.get(n) != words]
    new = [n for n in now if n not in was]
    if not gone and not new:
        return None
    if not gone:
        return f"next steps that leave out {_names(new)}, which now stand"
    ends = f", now {_names(new)}" if new else ""
    return f"the next steps {_names(gone)}, which no longer stand as written{ends}"


def _names(steps: list[str]) -> str:
    return " and ".join(STEP_NAMES.get(n, n.replace("_", " ")) for n in steps)


def reconvene_on_sending(now: str | None) -> DecisionVerdict | None:
    """Whether the email asking to reconvene the Screening Panel, as it has no decision, may
    go; None when it may. `now`: the decision as the case records it."""
    if now is None:
        return None
    return DecisionVerdict(
        Fate.WITHDRAW,
        f"it says the Screening Panel has no decision, but it has since decided {_label(now)}; "
        "the outcome email of that decision tells them",
    )


def notifiable_words(notifiable: bool | None) -> str:
    """As the outcome email's line gives it."""
    return "not yet recorded" if notifiable is None else "yes" if notifiable else "no"


def _label(choice: str) -> str:
    return CHOICE_LABELS.get(choice, choice)

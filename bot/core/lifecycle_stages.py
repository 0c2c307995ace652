"""The lifecycle's vocabulary: the stages a case or record passes through, the roles that
give commands, and the groups of stages the table (bot.core.lifecycle_table) names. Data only.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType


class Stage(StrEnum):
    SCREENING = "screening"
    RAPID_REVIEW = "rapid_review"
    LOCAL_REVIEW = "local_review"
    NO_FURTHER_ACTION = "no_further_action"
    CSPR_DECISION = "cspr_decision"  # the Rapid Review is submitted; CSPR yes or no next
    CSPR = "cspr"
    ACTION_PLAN = "action_plan"
    CLOSED = "closed"
    COMPLAINT = "complaint"  # complaint and escalation records have their own stages
    ESCALATION = "escalation"


class Role(StrEnum):
    BUSINESS_MANAGER = "business_manager"
    INDEPENDENT_SCRUTINEER = "independent_scrutineer"
    LOCAL_AUTHORITY = "local_authority"
    POLICE = "police"
    HEALTH = "health"


PARTNERS = frozenset({Role.LOCAL_AUTHORITY, Role.POLICE, Role.HEALTH})
BM = frozenset({Role.BUSINESS_MANAGER})
BM_OR_LA = frozenset({Role.BUSINESS_MANAGER, Role.LOCAL_AUTHORITY})
BM_OR_PARTNERS = frozenset({Role.BUSINESS_MANAGER, *PARTNERS})

ROLE_NAMES: Mapping[str, str] = MappingProxyType(
    {
        Role.BUSINESS_MANAGER: "the Business Manager",
        Role.INDEPENDENT_SCRUTINEER: "the Independent Scrutineer",
        Role.LOCAL_AUTHORITY: "the local authority representative",
        Role.POLICE: "the police representative",
        Role.HEALTH: "the health representative",
    }
)

REVIEW_STAGES = (
    Stage.SCREENING,
    Stage.RAPID_REVIEW,
    Stage.LOCAL_REVIEW,
    Stage.NO_FURTHER_ACTION,
    Stage.CSPR_DECISION,
    Stage.CSPR,
    Stage.ACTION_PLAN,
)
DECIDED = (Stage.RAPID_REVIEW, Stage.LOCAL_REVIEW, Stage.NO_FURTHER_ACTION)
AFTER_RAPID_REVIEW = (Stage.CSPR_DECISION, Stage.CSPR, Stage.ACTION_PLAN)
FROM_RAPID_REVIEW = (Stage.RAPID_REVIEW, *AFTER_RAPID_REVIEW)
# A statutory notification is owed however the case ended, so it is recorded on a closed one.
NOTICE_STAGES = (*REVIEW_STAGES, Stage.CLOSED)
OPEN_STAGES = (*REVIEW_STAGES, Stage.COMPLAINT, Stage.ESCALATION)
ALL_STAGES = tuple(Stage)


class Next(StrEnum):
    """A next stage that depends on the outcome, not only on the command's type."""

    UNCHANGED = "unchanged"
    BY_DECISION = "by_decision"  # the stage for the panel's decision; screening when none
    BY_CSPR = "by_cspr"  # cspr when a CSPR is held, action_plan when not
    BEFORE_CLOSING = "before_closing"  # the stage the case was closed at (`Reopen:`)


def describe_stage(stage: Stage) -> str:
    return stage.value.replace("_", " ")

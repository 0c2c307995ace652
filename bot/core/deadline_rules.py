"""The deadline rules: each clock's kind (working days after or before, months, a date set
when asked), its amount, what it is in words and where the rule comes from; and which clocks
are owed to the National Panel, the Secretary of State and Ofsted, who count their own days.

Data, read by bot.core.deadlines to compute and explain each deadline.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from bot.core.working_days import WorkingCalendar

APPENDIX_B = "appendix_b"
ACTION = "action"
# Rules whose deadline name carries a qualifier after a colon: appendix_b:<agency>, action:<n>.
QUALIFIED = frozenset({APPENDIX_B, ACTION})


class RuleKind(StrEnum):
    WORKING_DAYS_AFTER = "working_days_after"
    WORKING_DAYS_BEFORE = "working_days_before"
    MONTHS_AFTER_ROLL_BACK = "months_after_roll_back"
    MONTHS_AFTER_ROLL_FORWARD = "months_after_roll_forward"
    FIXED_DATE = "fixed_date"


@dataclass(frozen=True)
class DeadlineRule:
    name: str
    kind: RuleKind
    amount: int
    summary: str
    source: str
    start_label: str

    @property
    def national(self) -> bool:
        """Owed to an outside body that counts only weekends and bank holidays: counted
        forward, the partnership's closure days would put the date after theirs; counted back
        from publication, they would say notice fell short when it did not."""
        return self.name in NATIONAL_CLOCKS


# Working days counted as the National Panel, the Secretary of State and Ofsted count them.
NATIONAL_CLOCKS = frozenset(
    {"panel_notification", "looked_after_death_notification", "rapid_review", "publication_notice"}
)

# Who counts each national clock's working days, as its explanation says when it counts a
# local closure day (bot.core.deadlines): the body the deadline is owed to.
COUNTED_BY: Mapping[str, str] = MappingProxyType(
    {
        "panel_notification": "the National Panel counts",
        "rapid_review": "the National Panel counts",
        "looked_after_death_notification": "the Secretary of State and Ofsted count",
        "publication_notice": "the National Panel, the Secretary of State and Ofsted count",
    }
)

# The statutory notifications owed whatever the Screening Panel decided, and however the case
# ends: `Close:` waits for each, the digest shows one overdue on a closed case, and the
# timeliness report counts one never made as missed (bot.core.lifecycle, bot.core.timeliness).
STATUTORY_NOTICES = frozenset({"panel_notification", "looked_after_death_notification"})


def counted_on(name: str, calendar: WorkingCalendar) -> WorkingCalendar:
    """The calendar a deadline's days, lateness too, are counted on (national: closures count)."""
    return calendar.national() if is_national(name) else calendar


def is_national(name: str) -> bool:
    """Whether the deadline `name` ("appendix_b:gmp" too) is a national clock."""
    rule = RULES.get(name.partition(":")[0])
    return rule is not None and rule.national


def _rule(
    name: str, kind: RuleKind, amount: int, summary: str, source: str, start_label: str
) -> tuple[str, DeadlineRule]:
    return name, DeadlineRule(name, kind, amount, summary, source, start_label)


RULES: Mapping[str, DeadlineRule] = MappingProxyType(
    dict(
        [
            _rule(
                "screening_meeting",
                RuleKind.WORKING_DAYS_AFTER,
                2,
                "Screening Panel meets within 2 working days of the SIN form being received",
                "TSCP CSPR procedure, Screening Panel",
                "SIN form received",
            ),
            _rule(
                "panel_notification",
                RuleKind.WORKING_DAYS_AFTER,
                5,
                "Local authority notifies the National Panel within 5 working days of becoming "
                "aware of the serious incident",
                "Working Together 2023; GOV.UK serious incident notification",
                "local authority became aware",
            ),
            _rule(
                "looked_after_death_notification",
                RuleKind.WORKING_DAYS_AFTER,
                5,
                "Local authority notifies the Secretary of State and Ofsted of the death of a "
                "looked-after child or a care leaver (aged 24 or under) within 5 working days "
                "of becoming aware, whether or not abuse or neglect is known or suspected",
                "GOV.UK Report a serious child safeguarding incident (death of a looked-after "
                "child, whether or not abuse or neglect is known or suspected); Working "
                "Together 2023 (death of a care leaver up to and including age 24)",
                "local authority became aware of the death",
            ),
            _rule(
                "rapid_review",
                RuleKind.WORKING_DAYS_AFTER,
                15,
                "Rapid review completed within 15 working days of the notification being sent "
                "to the National Panel",
                "National Panel guidance (non-statutory expectation)",
                "notification sent to the National Panel",
            ),
            _rule(
                APPENDIX_B,
                RuleKind.FIXED_DATE,
                0,
                "Agency returns its Appendix B information by the date set in the request",
                "TSCP rapid review procedure, Appendix B",
                "Appendix B requested",
            ),
            _rule(
                ACTION,
                RuleKind.FIXED_DATE,
                0,
                "Agency completes its action-plan recommendation by the agreed date",
                "TSCP CSPR procedure, action plan monitoring",
                "action agreed",
            ),
            _rule(
                "cspr_report",
                RuleKind.MONTHS_AFTER_ROLL_BACK,
                6,
                "Final CSPR report published within 6 months of the decision to hold the review",
                "Working Together 2023",
                "CSPR decision",
            ),
            _rule(
                "publication_notice",
                RuleKind.WORKING_DAYS_BEFORE,
                7,
                "Report sent to the National Panel, Secretary of State and Ofsted no later than "
                "7 working days before publication",
                "Working Together 2023",
                "planned publication",
            ),
            _rule(
                "publication_period_end",
                RuleKind.MONTHS_AFTER_ROLL_FORWARD,
                12,
                "Published report stays publicly available for at least 12 months",
                "Working Together 2023; TSCP website",
                "publication",
            ),
            _rule(
                "complaint_response",
                RuleKind.WORKING_DAYS_AFTER,
                20,
                "Written response to a complaint within 20 working days of receipt",
                "TSCP complaints procedure",
                "complaint received",
            ),
        ]
    )
)

"""Reading `Complaint extended:` and `Report extended:`: the new date, who agreed it (by
role) and the day they did, all three required."""

from __future__ import annotations

import re
from datetime import date

from bot.core.commands.extended import ComplaintExtended, ReportExtended
from bot.core.commands.values import _BadValue, _date
from bot.core.extensions import COMPLAINT, CSPR_REPORT, Agreed, parties, party, usage

# "20/01/2027 agreed with the complainant on 06/12/2026": the first date, who, the second.
_VALUE = re.compile(
    r"^(?:to\s+)?(?P<to>.+?)[\s,;]+agreed\s+with\s+(?P<who>.+?)\s+on\s+(?P<on>.+)$",
    re.IGNORECASE,
)


def _agreed(clock: str, value: str, today: date) -> Agreed:
    m = _VALUE.match(" ".join(value.split()))
    if m is None:
        raise _BadValue(f"give the new date, with whom and when it was agreed: {usage(clock)}")
    who = party(clock, m.group("who"))
    if who is None:
        raise _BadValue(f"name who agreed it by role ({parties(clock)}): {usage(clock)}")
    return Agreed(clock, _date(m.group("to"), today), who, _date(m.group("on"), today))


def _read_complaint_extended(value: str, line: str, today: date) -> ComplaintExtended:
    return ComplaintExtended(_agreed(COMPLAINT, value, today), line)


def _read_report_extended(value: str, line: str, today: date) -> ReportExtended:
    return ReportExtended(_agreed(CSPR_REPORT, value, today), line)

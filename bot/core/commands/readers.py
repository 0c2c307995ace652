"""One reader per keyword: the value after the keyword, and the line, made into a command.

Every reader has the same signature, (value, line, today), so the keyword table can hold
them; an unreadable value raises _BadValue.
"""

from __future__ import annotations

import re
from datetime import date

from bot.core.commands.model import (
    Answered,
    CorrectDate,
    Corrected,
    CorrectReceived,
    CsprDecision,
    Decision,
    Delay,
    FamilyPreview,
    LaAware,
    LookedAfterDeathNotified,
    MeetingHeld,
    Notifiable,
    NotificationSent,
    NotPublishing,
    PublicationDelay,
    PublicationPlanned,
    Published,
    ReportSent,
    ReportSubmitted,
    ReturnFrom,
    ReviewerAppointed,
    ScrutineerView,
    Vote,
    WithdrawRequest,
)
from bot.core.commands.partials import (
    _Agencies,
    _DelayReason,
    _Expected,
    _Parsed,
    _Period,
    _Reader,
    _ReturnBy,
)
from bot.core.commands.values import (
    _after_because,
    _BadValue,
    _choice,
    _date,
    _free,
    _leading_date,
    _optional_date,
    _trailing_date,
    _value,
    _yes_no,
)
from bot.core.dates import DAY_AND_MONTH


def _read_vote(value: str, line: str, today: date) -> _Parsed:
    return Vote(_choice(value, "Vote"), line)


def _read_decision(value: str, line: str, today: date) -> _Parsed:
    choice, on = _trailing_date(value, today)
    return Decision(_choice(choice, "Decision"), line, on)


def _read_notifiable(value: str, line: str, today: date) -> _Parsed:
    notifiable, rest = _yes_no(value)
    if notifiable and _A_DAY.search(rest):
        # "Notifiable: yes - notified 17/12/2026": read as Notifiable alone, she would take
        # the notification for recorded while its clock ran on.
        raise _BadValue(
            "a day after yes is not read here; give the day the National Panel was told on a "
            "line of its own, Notified: <date>"
        )
    return Notifiable(notifiable, line)


_A_DAY = re.compile(rf"{DAY_AND_MONTH}|\b(?:today|yesterday)\b", re.IGNORECASE)


_YES_OR_NO_FIRST = re.compile(r"\s*(yes|no|y|n)\b(.*)", re.IGNORECASE | re.DOTALL)


def _read_cspr(value: str, line: str, today: date) -> _Parsed:
    on: date | None = None
    # "yes 15/01/2027" and "no 15/01/2027 because ...": the decision's own date after yes/no.
    if m := _YES_OR_NO_FIRST.fullmatch(value):
        on, rest = _leading_date(m.group(2), today)
        if on is not None:
            value = f"{m.group(1)} - {rest}" if rest.strip() else m.group(1)
    try:
        hold, rationale = _yes_no(value)
    except _BadValue:
        raise _BadValue(
            "write CSPR: yes, or CSPR: no because <rationale> (or CSPR: no - <rationale>), with "
            "the decision's date after yes or no if it was not today, like 12/11/2026"
        ) from None
    if not hold and not rationale:
        raise _BadValue("a decision not to hold a CSPR needs its rationale: CSPR: no because ...")
    return CsprDecision(hold, rationale, line, on)


def _read_agree(value: str, line: str, today: date) -> _Parsed:
    return ScrutineerView(True, _after_because(value), line)


def _read_disagree(value: str, line: str, today: date) -> _Parsed:
    reason = _after_because(value)
    if not reason:
        raise _BadValue("give the reason for disagreeing: Disagree: <reason>")
    return ScrutineerView(False, reason, line)


def _read_scrutineer(value: str, line: str, today: date) -> _Parsed:
    m = re.fullmatch(r"(dis)?agree[sd]?\b(.*)", value.strip(), re.IGNORECASE | re.DOTALL)
    if m is None:
        raise _BadValue("write Scrutineer: agree, or Scrutineer: disagree, because <reason>")
    reader = _read_disagree if m.group(1) else _read_agree
    return reader(m.group(2), line, today)


_REASON_SPLIT = re.compile(r"\s*(?:\bbecause\b|;|\s[\-\u2013\u2014]\s|\()\s*", re.IGNORECASE)


def _read_la_aware(value: str, line: str, today: date) -> _Parsed:
    """ "Aware: 30/12/2026" or "Aware: 30/12/2026 because the form date was a typo"."""
    first: _BadValue | None = None
    for split in _REASON_SPLIT.finditer(value):
        try:
            on = _date(value[: split.start()], today)
        except _BadValue as e:
            first = first or e
            continue
        reason = _after_because(value[split.end() :]).rstrip(" )")
        if not reason:
            raise _BadValue("give the reason after the date: Aware: <date> because <reason>")
        return LaAware(on, line, reason)
    try:
        return LaAware(_date(value, today), line)
    except _BadValue as whole:
        # "31/02/2026 because ..." is about the date, not about the words after it.
        raise (first or whole) from None


def _read_notified(value: str, line: str, today: date) -> _Parsed:
    return NotificationSent(_date(value, today) if _value(value) else None, line)


_NOT_REQUIRED = re.compile(r"not\s+(?:required|needed)\b(.*)", re.IGNORECASE | re.DOTALL)


def _read_looked_after_notified(value: str, line: str, today: date) -> _Parsed:
    if m := _NOT_REQUIRED.fullmatch(value.strip()):
        reason = _after_because(m.group(1))
        if not reason:
            raise _BadValue(
                "say why no notice is required: SoS and Ofsted notified: not required - <reason>"
            )
        return LookedAfterDeathNotified(None, True, reason, line)
    on = _date(value, today) if _value(value) else None
    return LookedAfterDeathNotified(on, False, "", line)


def _split_agencies(value: str) -> tuple[str, ...]:
    names: list[str] = []
    for part in re.split(r"[,;]", value):
        name = re.sub(r"^(?:and|&)\s+", "", part.strip(), flags=re.IGNORECASE).strip(" .")
        if name and name.lower() not in (n.lower() for n in names):
            names.append(name)
    return tuple(names)


def _read_agencies(value: str, line: str, today: date) -> _Parsed:
    names = _split_agencies(value)
    if not names:
        raise _BadValue("list the agencies after the colon, separated by commas")
    return _Agencies(names, line)


def _read_period(value: str, line: str, today: date) -> _Parsed:
    return _Period(_free(value, "review period").rstrip("."), line)


def _read_return_by(value: str, line: str, today: date) -> _Parsed:
    return _ReturnBy(_date(value, today), line)


# What may follow the agency to say its return was a nil return, written with no form.
_NIL = re.compile(
    r"[\s,;:\-\u2013\u2014(]*(?:a\s+)?(?:nil(?:\s+return)?|no\s+involvement)[\s.)]*",
    re.IGNORECASE,
)


def _read_return_from(value: str, line: str, today: date) -> _Parsed:
    """ "Return from: gmp" or "Return from: gmp 10/12/2026" (the day the agency sent it);
    "Return from: gmp nil 10/12/2026" when the agency said in words it had no involvement."""
    said, on = _trailing_date(_value(value), today)
    agency, _, rest = _value(said).partition(" ")
    agency = agency.strip(",;:")
    nil = bool(rest) and _NIL.fullmatch(rest) is not None
    if not agency or (rest and not nil):
        raise _BadValue(
            "name one agency, for example Return from: gmp 10/12/2026 (or Return from: gmp "
            "nil 10/12/2026 for a nil return written in an email)"
        )
    return ReturnFrom(agency.lower(), on, line, nil=nil)


def _read_withdraw_request(value: str, line: str, today: date) -> _Parsed:
    """ "Withdraw request: gmp" or "Withdraw request: gmp because asked on the wrong case"."""
    agency, _, reason = _value(value).partition(" ")
    if not agency.strip(",;:"):
        raise _BadValue("name one agency, for example Withdraw request: gmp")
    return WithdrawRequest(agency.strip(",;:").lower(), _after_because(reason), line)


def _read_meeting(value: str, line: str, today: date) -> _Parsed:
    return MeetingHeld(_optional_date(value, today), line)


def _read_report(value: str, line: str, today: date) -> _Parsed:
    return ReportSubmitted(_optional_date(value, today), line)


_ANSWERED_USAGE = "write Answered: <date the reply was sent>, for example Answered: 14/01/2027"


def _read_answered(value: str, line: str, today: date) -> _Parsed:
    # The day the reply went is the whole point of the line: never assumed to be today.
    if not _value(value):
        raise _BadValue(f"give the day the reply was sent; {_ANSWERED_USAGE}")
    return Answered(_date(value, today), line)


_EXPECTED_SPLIT = re.compile(r"\s*[;,\-\u2013\u2014(]\s*expected\b", re.IGNORECASE)


def _read_delay(value: str, line: str, today: date) -> _Parsed:
    splits = list(_EXPECTED_SPLIT.finditer(value))
    if not splits:
        return _DelayReason(_free(value, "reason for the delay"), line)
    last = splits[-1]
    reason = _free(value[: last.start()], "reason for the delay")
    when = re.sub(r"^[\s:=\-\u2013\u2014]+", "", value[last.end() :]).rstrip(" )")
    return Delay(reason, _date(when, today), line)


def _read_expected(value: str, line: str, today: date) -> _Parsed:
    return _Expected(_date(value, today), line)


def _read_reviewer(value: str, line: str, today: date) -> _Parsed:
    return ReviewerAppointed(_free(value, "reviewer's name").rstrip("."), line)


def _read_family_preview(value: str, line: str, today: date) -> _Parsed:
    return FamilyPreview(_date(value, today), line)


_LATE_NOTICE = re.compile(r"(.*?)[\s,;(\-\u2013\u2014]+late\s+notice\W*", re.IGNORECASE | re.DOTALL)


def _read_publication(value: str, line: str, today: date) -> _Parsed:
    if m := _LATE_NOTICE.fullmatch(value.strip()):
        return PublicationPlanned(_date(m.group(1), today), True, line)
    return PublicationPlanned(_date(value, today), False, line)


def _read_report_sent(value: str, line: str, today: date) -> _Parsed:
    return ReportSent(_date(value, today) if _value(value) else None, line)


def _read_published(value: str, line: str, today: date) -> _Parsed:
    return Published(_optional_date(value, today), line)


CORRECTION_KEYWORDS: dict[str, Corrected] = {
    "correct cspr": Corrected.CSPR,
    "correct cspr decision": Corrected.CSPR,
    "correct notified": Corrected.NOTIFIED,
    "correct meeting held": Corrected.MEETING_HELD,
    "correct report submitted": Corrected.REPORT_SUBMITTED,
    "correct report sent": Corrected.REPORT_SENT,
    "correct published": Corrected.PUBLISHED,
    "correct answered": Corrected.ANSWERED,
    "correct received": Corrected.RECEIVED,
}


def _correction_reader(what: Corrected, keyword: str) -> _Reader:
    usage = f"write {keyword}: <the right date> because <reason>"

    def read(value: str, line: str, today: date) -> _Parsed:
        on, rest = _leading_date(value, today)
        if on is None:
            raise _BadValue(f"give the right date first; {usage}")
        reason = _after_because(rest)
        if not reason:
            raise _BadValue(f"a correction needs its reason; {usage}")
        kind = CorrectReceived if what is Corrected.RECEIVED else CorrectDate
        return kind(what, on, reason, line)

    return read


def _read_publication_delay(value: str, line: str, today: date) -> _Parsed:
    return PublicationDelay(_free(value, "reason for the delay"), line)


def _read_not_publishing(value: str, line: str, today: date) -> _Parsed:
    return NotPublishing(_free(value, "reason for not publishing"), line)

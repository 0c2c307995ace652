"""The keyword table, and reading one line with it: a command, prose, or an error.

A line is a command when it starts with a known keyword after bullets and bold markers are
removed; each rule says whether its keyword needs a colon and whether a bad value is an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from bot.core.commands.action_readers import (
    _ACTION_DONE_LINE,
    _read_action,
    _read_action_done,
    _read_approve,
)
from bot.core.commands.case_readers import _read_about_case, _read_close, _read_reopen
from bot.core.commands.extension_readers import _read_complaint_extended, _read_report_extended
from bot.core.commands.meeting_readers import _read_cancel_meeting, _read_reschedule
from bot.core.commands.model import ActionDone
from bot.core.commands.partials import _Parsed, _Reader
from bot.core.commands.readers import (
    CORRECTION_KEYWORDS,
    _correction_reader,
    _read_agencies,
    _read_agree,
    _read_answered,
    _read_cspr,
    _read_decision,
    _read_delay,
    _read_disagree,
    _read_expected,
    _read_family_preview,
    _read_la_aware,
    _read_looked_after_notified,
    _read_meeting,
    _read_not_publishing,
    _read_notifiable,
    _read_notified,
    _read_period,
    _read_publication,
    _read_publication_delay,
    _read_published,
    _read_report,
    _read_report_sent,
    _read_return_by,
    _read_return_from,
    _read_reviewer,
    _read_scrutineer,
    _read_vote,
    _read_withdraw_request,
)
from bot.core.commands.sign_off import plain as _plain
from bot.core.commands.sign_off import without_postscript
from bot.core.commands.status import read_status
from bot.core.commands.values import _BadValue, _value
from bot.core.dates import DAY_AND_MONTH, WEEKDAY_WORDS


@dataclass(frozen=True)
class _Rule:
    keywords: tuple[str, ...]
    read: _Reader
    # Free-text values need a colon or dash, else "Close contact with..." would close a case.
    needs_separator: bool = False
    # A bad value is an error even without a colon: these lines are never ordinary prose.
    always_command: bool = False
    # A bad value is prose even after a colon: "Status: waiting for the police" is news.
    bad_is_prose: bool = False


def _shown(keyword: str) -> str:
    """ "correct report submitted" as people write it: "Correct Report submitted"."""
    first, _, rest = keyword.partition(" ")
    rest = rest.replace("cspr", "CSPR")
    return f"{first.capitalize()} {rest[:1].upper()}{rest[1:]}"


_RULES: tuple[_Rule, ...] = (
    _Rule(("vote", "my vote"), _read_vote, always_command=True),
    _Rule(
        ("decision", "panel decision", "screening decision", "screening panel decision"),
        _read_decision,
        always_command=True,
    ),
    _Rule(("notifiable",), _read_notifiable, always_command=True),
    _Rule(("cspr", "cspr decision"), _read_cspr, always_command=True),
    _Rule(
        (
            "scrutineer",
            "independent scrutineer",
            "scrutineer view",
            "scrutineers view",
            "scrutineer's view",
            "independent scrutineer view",
        ),
        _read_scrutineer,
    ),
    # "Agree with some of this, but..." is prose; "Agree" alone or "Agree: <reason>" is not.
    _Rule(("agree", "agreed"), _read_agree, needs_separator=True),
    _Rule(("disagree", "disagreed"), _read_disagree, always_command=True),
    _Rule(
        (
            "aware",
            "la aware",
            "local authority aware",
            "la aware date",
            "la awareness date",
            "la became aware",
            "local authority became aware",
        ),
        _read_la_aware,
    ),
    _Rule(
        (
            "notified",
            "notification sent",
            "national panel notified",
            "np notified",
            "notified national panel",
            "notified the national panel",
            "national panel notification sent",
            "notified np",
            "notified the np",
            "np notification sent",
            "notification sent to national panel",
            "notification sent to the national panel",
        ),
        _read_notified,
    ),
    _Rule(
        (
            "sos and ofsted notified",
            "secretary of state and ofsted notified",
            "ofsted and sos notified",
            "ofsted and secretary of state notified",
            "dfe and ofsted notified",
            "ofsted and dfe notified",
        ),
        _read_looked_after_notified,
    ),
    _Rule(("agencies",), _read_agencies, needs_separator=True),
    _Rule(("review period",), _read_period, needs_separator=True),
    # Never prose: a day that cannot be read stops the request it belongs to (parser.py).
    _Rule(("return by", "returns by"), _read_return_by, always_command=True),
    _Rule(("return from", "appendix b from"), _read_return_from, needs_separator=True),
    _Rule(
        ("withdraw request", "withdraw the request", "withdraw appendix b request"),
        _read_withdraw_request,
        needs_separator=True,
    ),
    _Rule(
        ("meeting held", "rapid review meeting", "rapid review meeting held", "rr meeting held"),
        _read_meeting,
    ),
    _Rule(
        (
            "report submitted",
            "rapid review submitted",
            "rapid review report submitted",
            "rr submitted",
            "rr report submitted",
        ),
        _read_report,
    ),
    _Rule(
        (
            "answered",
            "complaint answered",
            "response sent",
            "complaint response sent",
            "reply sent",
            "complaint reply sent",
            "responded",
        ),
        _read_answered,
    ),
    _Rule(
        ("complaint extended", "reply extended", "complaint reply extended"),
        _read_complaint_extended,
        always_command=True,
    ),
    _Rule(
        ("report extended", "cspr report extended", "cspr extended"),
        _read_report_extended,
        always_command=True,
    ),
    _Rule(("about case", "escalation about"), _read_about_case, needs_separator=True),
    _Rule(("delay", "delay reason"), _read_delay, needs_separator=True),
    _Rule(("expected",), _read_expected),
    _Rule(
        ("reviewer", "reviewer appointed", "lead reviewer"), _read_reviewer, needs_separator=True
    ),
    _Rule(("family preview",), _read_family_preview),
    _Rule(("publication", "publication date", "publish on"), _read_publication),
    _Rule(("published", "report published", "cspr published"), _read_published),
    _Rule(("report sent", "full report sent"), _read_report_sent),
    _Rule(
        ("publication delayed", "publication delay"), _read_publication_delay, needs_separator=True
    ),
    _Rule(("not publishing",), _read_not_publishing, needs_separator=True),
    _Rule(
        ("action done", "action complete", "action completed"),
        _read_action_done,
        always_command=True,
    ),
    _Rule(("action", "new action"), _read_action, needs_separator=True),
    *(
        _Rule((keyword,), _correction_reader(what, _shown(keyword)))
        for keyword, what in CORRECTION_KEYWORDS.items()
    ),
    _Rule(("approve", "approved"), _read_approve, always_command=True),
    _Rule(("close", "close case"), _read_close, needs_separator=True),
    _Rule(("reopen", "reopen case", "re-open", "re-open case"), _read_reopen, needs_separator=True),
    _Rule(
        ("reschedule", "reschedule meeting", "reschedule screening", "reschedule panel"),
        _read_reschedule,
    ),
    # "Cancel meeting" alone is the command; words after it without a colon are prose.
    _Rule(
        ("cancel meeting", "cancel the meeting", "cancel screening", "cancel panel"),
        _read_cancel_meeting,
        needs_separator=True,
    ),
    _Rule(("status", "case status", "status request"), read_status, bad_is_prose=True),
)

_RULE_BY_KEYWORD: dict[str, _Rule] = {k: rule for rule in _RULES for k in rule.keywords}
# Every keyword a command line may start with, and the table's own word for its command.
KEYWORDS: dict[str, str] = {k: rule.keywords[0] for k, rule in _RULE_BY_KEYWORD.items()}
# Longest first, so "publication delayed" wins over "publication".
_KEYWORD_LINE = re.compile(
    r"(?P<kw>"
    + "|".join(
        k.replace(" ", r"\s+").replace("'", "['\u2019]")
        for k in sorted(_RULE_BY_KEYWORD, key=len, reverse=True)
    )
    + r")(?![\w@])(?P<sep>\s*[:=\-\u2013\u2014]+|)\s*(?P<value>.*)",
    re.IGNORECASE | re.DOTALL,
)
_BULLET = re.compile(r"^(?:[-+•·‣◦▪▫●○■□➢➤►✓✔\u2013\u2014]\s*|\d{1,2}[.)]\s+|\(\d{1,2}\)\s+)+")


def _rule_of(m: re.Match[str]) -> _Rule:
    """The rule of the keyword a line matched, however its apostrophe was typed."""
    return _RULE_BY_KEYWORD[" ".join(m.group("kw").lower().replace("\u2019", "'").split())]


def command_text(line: str) -> str:
    """A line as commands are compared: no bullet, bold markers or "PS" before it (also
    bot.core.near_commands, which looks at the lines no command read)."""
    # "PS Vote: rapid review": a command in a postscript is the sender's as any other.
    return _BULLET.sub("", without_postscript(_plain(line)))


def _read_line(text: str, source: str, today: date) -> _Parsed | None:
    """The command on one line, None for prose; raises _BadValue for an unreadable command.

    `text` is the line as compared (no bullets or bold markers); `source` is kept as written.
    """
    if m := _ACTION_DONE_LINE.fullmatch(text):
        return ActionDone(int(m.group(1)), source)
    m = _KEYWORD_LINE.fullmatch(text)
    if m is None:
        return None
    rule = _rule_of(m)
    value = m.group("value")
    explicit = bool(m.group("sep")) or not _value(value)
    if rule.needs_separator and not explicit:
        return None
    try:
        return rule.read(value, source, today)
    except _BadValue:
        command = explicit or rule.always_command or _DATE_BEGUN.match(value) is not None
        if command and not rule.bad_is_prose:
            raise
        return None


# A value that begins as a date does ("on 17/12", "17th Dec", "Thursday"): "Notified on
# 31/02/2026" is a command with or without its colon, and one unread is answered with why,
# never taken for prose while she believes it recorded.
_DATE_BEGUN = re.compile(
    rf"(?:on\s+)?(?:the\s+)?(?:{DAY_AND_MONTH}|(?:{'|'.join(WEEKDAY_WORDS)})\b)", re.IGNORECASE
)


def command_keyword(line: str) -> str | None:
    """The table's own keyword for the command `line` begins with ("withdraw request" for
    "Withdraw the request: gmp because ..."), None when no keyword begins it.

    Only the table's words come back, never the line's: the case view sent to a partner names
    a command by this and repeats nothing a person typed after the keyword.
    """
    text = command_text(line.partition("\n")[0].strip())
    if _ACTION_DONE_LINE.fullmatch(text):
        return "action done"
    m = _KEYWORD_LINE.fullmatch(text)
    if m is None:
        return None
    return _rule_of(m).keywords[0]


def label_of(keyword: str) -> str:
    """The table's keyword as people write it, with its colon: "meeting held" as "Meeting
    held:", "cspr" as "CSPR:". What an answer echoes of a line, never the value after it."""
    said = keyword[:1].upper() + keyword[1:]
    return said.replace("cspr", "CSPR").replace("Cspr", "CSPR").replace("sos ", "SoS ") + ":"


def takes_free_text(keyword: str) -> bool:
    """Whether the command's value is words of any kind (Close, Delay, Reviewer, Action...):
    such a keyword needs its colon, and any value reads."""
    return _RULE_BY_KEYWORD[keyword].needs_separator


def reads_value(keyword: str, value: str, today: date) -> bool:
    """Whether the command would read `value` ("16/12/2026" for Notified, "rapid review" for
    Vote), as the line "<keyword>: <value>" is read."""
    try:
        return _RULE_BY_KEYWORD[keyword].read(value, f"{keyword}: {value}", today) is not None
    except _BadValue:
        return False


def below_signature_lines(lines: tuple[str, ...], today: date) -> tuple[tuple[str, str], ...]:
    """Each line that reads as a command, once, with its label (the answer names the label
    only), and the line with its spaces and case evened out, so that the same signature line
    is the same on every email. Not a line whose value no command reads ("Vote: no further
    action is never what we want" as a signature's motto): above the signature too it would
    carry nothing out."""
    found: list[tuple[str, str]] = []
    for raw in lines:
        try:
            read = _read_line(command_text(raw), " ".join(raw.split()), today) is not None
        except _BadValue:
            read = False
        keyword = command_keyword(raw) if read else None
        line = " ".join(command_text(raw).split()).casefold()
        if keyword is not None and (label_of(keyword), line) not in found:
            found.append((label_of(keyword), line))
    return tuple(found)


def labels_of(lines: tuple[tuple[str, str], ...]) -> tuple[str, ...]:
    """The lines' labels, each named once, in the order the lines came."""
    return tuple(dict.fromkeys(label for label, _ in lines))

"""Instructions people give the bot by replying to its emails: "Vote: rapid review" and so on.

Pure string handling. Only the new text of a reply is read (`new_text`): never the quoted
message below it, which usually contains the bot's own examples of these commands, and never
the signature.

Each line is read on its own. A line is a command when it starts with a known keyword, in any
case, after bullets and bold markers are removed; the colon after the keyword may be a dash or
missing ("VOTE - NFA", "Vote rapid review"). A command line whose value cannot be read gives a
CommandError naming the line: the value is never guessed. Without a colon, only keywords whose
value is checked (a vote, a date, yes/no, a number) are read at all, and a value that does not
check is taken to be ordinary prose ("Published reports are online") except for the keywords
that are always instructions (Vote, Decision, Notifiable, CSPR, Approve, Action done). Keywords
that take free text (Close, Reviewer, Agencies, Delay...) need the colon or dash.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import TypeAlias

from bot.core.dates import DateError, parse_uk_date

# ---------------------------------------------------------------------------------------------
# The commands.


class Choice(StrEnum):
    RAPID_REVIEW = "rapid_review"
    LOCAL_REVIEW = "local_review"
    NO_FURTHER_ACTION = "no_further_action"


_CHOICE_WORDS: dict[str, Choice] = {
    "rapid review": Choice.RAPID_REVIEW,
    "local learning review": Choice.LOCAL_REVIEW,
    "local review": Choice.LOCAL_REVIEW,
    "learning review": Choice.LOCAL_REVIEW,
    "audit": Choice.LOCAL_REVIEW,
    "assurance": Choice.LOCAL_REVIEW,
    "learning or assurance activity": Choice.LOCAL_REVIEW,
    "no further action": Choice.NO_FURTHER_ACTION,
    "nfa": Choice.NO_FURTHER_ACTION,
    "no action": Choice.NO_FURTHER_ACTION,
}


@dataclass(frozen=True)
class Vote:
    choice: Choice
    line: str


@dataclass(frozen=True)
class Decision:
    """The Business Manager recording the panel's decision when it met in person."""

    choice: Choice
    line: str


@dataclass(frozen=True)
class Notifiable:
    value: bool
    line: str


@dataclass(frozen=True)
class ScrutineerView:
    agrees: bool
    reason: str  # "" when agreeing without giving one
    line: str


@dataclass(frozen=True)
class LaAware:
    on: date
    line: str


@dataclass(frozen=True)
class NotificationSent:
    on: date | None  # None: the day of the email, which the caller fills in
    line: str


@dataclass(frozen=True)
class RequestReturns:
    """One "Agencies:" request, with the "Review period:" and "Return by:" lines of the email."""

    agencies: tuple[str, ...]  # as written; the caller resolves config keys and names
    period: str  # "" when not given
    return_by: date | None
    line: str  # the source lines, joined by newlines


@dataclass(frozen=True)
class MeetingHeld:
    on: date
    line: str


@dataclass(frozen=True)
class ReportSubmitted:
    on: date
    line: str


@dataclass(frozen=True)
class Delay:
    reason: str
    expected: date
    line: str


@dataclass(frozen=True)
class CsprDecision:
    hold: bool
    rationale: str  # always given when hold is False
    line: str


@dataclass(frozen=True)
class ReviewerAppointed:
    name: str
    line: str


@dataclass(frozen=True)
class FamilyPreview:
    on: date
    line: str


@dataclass(frozen=True)
class PublicationPlanned:
    on: date
    line: str


@dataclass(frozen=True)
class Published:
    on: date
    line: str


@dataclass(frozen=True)
class PublicationDelay:
    reason: str
    line: str


@dataclass(frozen=True)
class NotPublishing:
    reason: str
    line: str


@dataclass(frozen=True)
class AddAction:
    text: str
    owner: str  # as written; the caller resolves it
    due: date
    line: str


@dataclass(frozen=True)
class ActionDone:
    number: int
    line: str


@dataclass(frozen=True)
class Approve:
    outbox_id: int | None  # None: the one draft awaiting approval, if there is exactly one
    line: str


@dataclass(frozen=True)
class Close:
    reason: str
    line: str


Command: TypeAlias = (
    Vote
    | Decision
    | Notifiable
    | ScrutineerView
    | LaAware
    | NotificationSent
    | RequestReturns
    | MeetingHeld
    | ReportSubmitted
    | Delay
    | CsprDecision
    | ReviewerAppointed
    | FamilyPreview
    | PublicationPlanned
    | Published
    | PublicationDelay
    | NotPublishing
    | AddAction
    | ActionDone
    | Approve
    | Close
)


@dataclass(frozen=True)
class CommandError:
    line: str
    message: str  # a sentence for the sender, quoting the line


@dataclass(frozen=True)
class ParsedCommands:
    commands: tuple[Command, ...]
    errors: tuple[CommandError, ...]


# ---------------------------------------------------------------------------------------------
# The new text of a reply.

_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_ORIGINAL_MESSAGE = re.compile(
    r"-{2,}\s*(?:original message|forwarded message)\s*-{2,}|begin forwarded message:",
    re.IGNORECASE,
)
_OUTLOOK_RULE = re.compile(r"_{8,}")
_HEADER_FROM = re.compile(r"from:\s*\S", re.IGNORECASE)
_HEADER_FOLLOWING = re.compile(r"(?:sent|date|to|cc|subject):", re.IGNORECASE)
# "From: TSCP <tscp@...> Sent: ..." run into one line by an HTML-to-text conversion.
_INLINE_HEADER = re.compile(r"(?:^|\s)from:\s.*?\s(?:sent|date):\s", re.IGNORECASE)
_ON_WROTE = re.compile(r"on\s.*\bwrote:", re.IGNORECASE)
_ADDRESS_WROTE = re.compile(r".*\S@\S.*\swrote:", re.IGNORECASE)
_SIG_DASHES = re.compile(r"--")
_SIGN_OFF = re.compile(
    r"(?:(?:kind|kindest|best|warm|warmest|with\s+kind|with\s+best)\s+regards|best\s+wishes"
    r"|warm\s+wishes|yours\s+sincerely|yours\s+faithfully|all\s+the\s+best)\b"
    r"[,.!]*(?:\s*[^\s,]+(?:\s+[^\s,]+){0,3})?",
    re.IGNORECASE,
)
_BARE_SIGN_OFF = re.compile(
    r"(?:regards|thanks|thank\s+you|many\s+thanks|cheers|best)\s*[,.!]*", re.IGNORECASE
)
_MOBILE_FOOTER = re.compile(
    r"(?:sent\s+from\s+(?:my|mail|outlook)\b|get\s+outlook\s+for\b).*", re.IGNORECASE
)


def _plain(line: str) -> str:
    """The line as compared: no zero-width characters or bold markers, single spaces."""
    return " ".join(_ZERO_WIDTH.sub("", line).replace("*", "").split())


def _starts_quote(lines: list[str], i: int) -> bool:
    probe = _plain(lines[i])
    if _ORIGINAL_MESSAGE.fullmatch(probe) or _OUTLOOK_RULE.fullmatch(probe):
        return True
    if _HEADER_FROM.match(probe):
        if re.search(r"\s(?:sent|date):", probe, re.IGNORECASE):
            return True
        following = [_plain(x) for x in lines[i + 1 : i + 8]]
        if any(_HEADER_FOLLOWING.match(x) for x in following if x):
            return True
    if _ON_WROTE.fullmatch(probe) or _ADDRESS_WROTE.fullmatch(probe):
        return True
    if probe.lower().startswith("on ") and i + 1 < len(lines):
        # Gmail wraps a long attribution: "On Thu, 12 Nov 2026 at 10:02, TSCP <...>\nwrote:".
        joined = f"{probe} {_plain(lines[i + 1])}"
        if _ON_WROTE.fullmatch(joined) and re.search(r"\d", probe):
            return True
    return False


def _is_signature(probe: str, *, after_text: bool) -> bool:
    if _SIG_DASHES.fullmatch(probe) or _MOBILE_FOOTER.fullmatch(probe):
        return True
    # "Thanks." as the first line is a greeting; after something, it is the sign-off.
    return after_text and any(p.fullmatch(probe) for p in (_SIGN_OFF, _BARE_SIGN_OFF))


def new_text(body: str) -> str:
    """The part of a reply its sender wrote: above the quoted message and the signature.

    Stops at an Outlook header block ("From: ... Sent: ..."), an "-----Original Message-----"
    or forwarded-message line, Outlook's underscore rule, an "On <date>, X wrote:" line, a "-- "
    signature separator, or a sign-off on its own line below some text ("Kind regards",
    "Thanks"). Lines quoted with ">" are left out wherever they are, so an inline reply below
    a quote still counts.
    """
    lines = body.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept: list[str] = []
    for i, line in enumerate(lines):
        probe = _plain(line)
        if probe.startswith(">"):
            continue
        after_text = any(_plain(k) for k in kept)
        if _starts_quote(lines, i) or _is_signature(probe, after_text=after_text):
            break
        # An HTML-to-text conversion can run the quoted header onto the reply's last line.
        inline = _INLINE_HEADER.search(line) or _ORIGINAL_MESSAGE.search(line)
        if inline:
            kept.append(line[: inline.start()])
            break
        kept.append(line)
    return "\n".join(kept).strip()


# ---------------------------------------------------------------------------------------------
# Reading one line.


class _BadValue(Exception):
    """The line starts with a keyword but its value cannot be read."""


@dataclass(frozen=True)
class _Agencies:
    names: tuple[str, ...]
    line: str


@dataclass(frozen=True)
class _Period:
    text: str
    line: str


@dataclass(frozen=True)
class _ReturnBy:
    on: date
    line: str


@dataclass(frozen=True)
class _DelayReason:
    reason: str
    line: str


@dataclass(frozen=True)
class _Expected:
    on: date
    line: str


_Partial: TypeAlias = _Agencies | _Period | _ReturnBy | _DelayReason | _Expected
_Parsed: TypeAlias = Command | _Partial
_Reader: TypeAlias = Callable[[str, str, date], _Parsed]

_CHOICE_HINT = "rapid review, local learning review or no further action"


def _value(text: str) -> str:
    """A checked value without the punctuation and quotes people put round it."""
    return text.strip().strip("\"'\u201c\u201d\u2018\u2019").strip(" .!;,").strip()


def _free(text: str, what: str) -> str:
    found = text.strip()
    if not found:
        raise _BadValue(f"give the {what} after the colon")
    return found


def _after_because(text: str) -> str:
    """The reason in "no because X", "no - X", "no, X", "disagree: X"."""
    return re.sub(
        r"^(?:[\s,;:.\-\u2013\u2014(]+|because\b)+", "", text, flags=re.IGNORECASE
    ).strip()


def _choice(text: str, keyword: str) -> Choice:
    words = _value(text).lower().replace("_", " ").replace("-", " ")
    words = " ".join(words.split())
    words = re.sub(r"^for\s+(?:an?\s+)?", "", words)
    choice = _CHOICE_WORDS.get(words)
    if choice is None:
        if not words:
            raise _BadValue(f"no choice given; write {keyword}: {_CHOICE_HINT}")
        raise _BadValue(f'"{_value(text)}" is not one of {_CHOICE_HINT}')
    return choice


def _date(text: str, today: date) -> date:
    cleaned = re.sub(r"^(?:on|by)\s+", "", _value(text), flags=re.IGNORECASE)
    try:
        return parse_uk_date(cleaned, today=today)
    except DateError as e:
        raise _BadValue(str(e)) from None


_YES_NO = re.compile(r"(yes|no|y|n)\b(.*)", re.IGNORECASE | re.DOTALL)


def _yes_no(text: str) -> tuple[bool, str]:
    """yes/no and whatever follows a separator: "no - not met" is (False, "not met")."""
    m = _YES_NO.fullmatch(text.strip())
    rest = m.group(2).strip() if m else ""
    if m is None or (
        rest and not re.match(r"[,;:.\-\u2013\u2014(]|because\b", rest, re.IGNORECASE)
    ):
        raise _BadValue("answer yes or no")
    return m.group(1).lower().startswith("y"), _after_because(rest)


def _read_vote(value: str, line: str, today: date) -> _Parsed:
    return Vote(_choice(value, "Vote"), line)


def _read_decision(value: str, line: str, today: date) -> _Parsed:
    return Decision(_choice(value, "Decision"), line)


def _read_notifiable(value: str, line: str, today: date) -> _Parsed:
    return Notifiable(_yes_no(value)[0], line)


def _read_cspr(value: str, line: str, today: date) -> _Parsed:
    try:
        hold, rationale = _yes_no(value)
    except _BadValue:
        raise _BadValue(
            "write CSPR: yes, or CSPR: no because <rationale> (or CSPR: no - <rationale>)"
        ) from None
    if not hold and not rationale:
        raise _BadValue("a decision not to hold a CSPR needs its rationale: CSPR: no because ...")
    return CsprDecision(hold, rationale, line)


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


def _read_la_aware(value: str, line: str, today: date) -> _Parsed:
    return LaAware(_date(value, today), line)


def _read_notified(value: str, line: str, today: date) -> _Parsed:
    return NotificationSent(_date(value, today) if _value(value) else None, line)


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


def _read_meeting(value: str, line: str, today: date) -> _Parsed:
    return MeetingHeld(_date(value, today), line)


def _read_report(value: str, line: str, today: date) -> _Parsed:
    return ReportSubmitted(_date(value, today), line)


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


def _read_publication(value: str, line: str, today: date) -> _Parsed:
    return PublicationPlanned(_date(value, today), line)


def _read_published(value: str, line: str, today: date) -> _Parsed:
    return Published(_date(value, today), line)


def _read_publication_delay(value: str, line: str, today: date) -> _Parsed:
    return PublicationDelay(_free(value, "reason for the delay"), line)


def _read_not_publishing(value: str, line: str, today: date) -> _Parsed:
    return NotPublishing(_free(value, "reason for not publishing"), line)


_NUMBER = re.compile(r"#?\s*(\d{1,6})")
_ACTION_DONE_LINE = re.compile(
    r"actions?\s*(?:no\.?\s*|number\s*)?#?\s*(\d{1,6})\s*(?:[:=\-\u2013\u2014]\s*|is\s+)?"
    r"(?:done|complete|completed)[.!]?",
    re.IGNORECASE,
)
_ACTION_PART = re.compile(r"\s*[;,|]\s*(?=(?:owner|due)\b)", re.IGNORECASE)


def _read_action_done(value: str, line: str, today: date) -> _Parsed:
    m = _NUMBER.fullmatch(_value(value))
    if m is None:
        raise _BadValue("give the action's number: Action done: 3")
    return ActionDone(int(m.group(1)), line)


def _read_action(value: str, line: str, today: date) -> _Parsed:
    if m := re.fullmatch(r"#?\s*(\d{1,6})\s*(?:done|complete|completed)", _value(value), re.I):
        return ActionDone(int(m.group(1)), line)
    usage = "write Action: <what>; owner: <agency>; due: <date>"
    text, *parts = _ACTION_PART.split(value.strip())
    owner: str | None = None
    due: date | None = None
    for part in parts:
        m = re.fullmatch(
            r"(owner|due)(?:\s+(?:by|on))?\s*[:=\-\u2013\u2014]?\s*(.*)", part, re.I | re.S
        )
        if m is None:
            continue
        if m.group(1).lower() == "owner":
            owner = _value(m.group(2)) or None
        else:
            due = _date(m.group(2), today)
    missing = [w for w, v in (("owner", owner), ("due date", due)) if v is None]
    if not text.strip() or missing:
        what = "the action itself" if not text.strip() else " and ".join(missing)
        raise _BadValue(f"{what} missing; {usage}")
    assert owner is not None and due is not None
    return AddAction(text.strip(), owner, due, line)


def _read_approve(value: str, line: str, today: date) -> _Parsed:
    if not _value(value):
        return Approve(None, line)
    m = _NUMBER.fullmatch(_value(value))
    if m is None:
        raise _BadValue("write Approve, or Approve and the draft's number: Approve 12")
    return Approve(int(m.group(1)), line)


def _read_close(value: str, line: str, today: date) -> _Parsed:
    return Close(_free(value, "reason for closing"), line)


@dataclass(frozen=True)
class _Rule:
    keywords: tuple[str, ...]
    read: _Reader
    # Free-text values need a colon or dash, else "Close contact with..." would close a case.
    needs_separator: bool = False
    # A bad value is an error even without a colon: these lines are never ordinary prose.
    always_command: bool = False


_RULES: tuple[_Rule, ...] = (
    _Rule(("vote",), _read_vote, always_command=True),
    _Rule(("decision", "panel decision"), _read_decision, always_command=True),
    _Rule(("notifiable",), _read_notifiable, always_command=True),
    _Rule(("cspr", "cspr decision"), _read_cspr, always_command=True),
    _Rule(("scrutineer", "independent scrutineer"), _read_scrutineer),
    # "Agree with some of this, but..." is prose; "Agree" alone or "Agree: <reason>" is not.
    _Rule(("agree", "agreed"), _read_agree, needs_separator=True),
    _Rule(("disagree", "disagreed"), _read_disagree, always_command=True),
    _Rule(("aware", "la aware", "local authority aware"), _read_la_aware),
    _Rule(("notified", "notification sent"), _read_notified),
    _Rule(("agencies",), _read_agencies, needs_separator=True),
    _Rule(("review period",), _read_period, needs_separator=True),
    _Rule(("return by", "returns by"), _read_return_by),
    _Rule(("meeting held", "rapid review meeting", "rapid review meeting held"), _read_meeting),
    _Rule(
        ("report submitted", "rapid review submitted", "rapid review report submitted"),
        _read_report,
    ),
    _Rule(("delay", "delay reason"), _read_delay, needs_separator=True),
    _Rule(("expected",), _read_expected),
    _Rule(
        ("reviewer", "reviewer appointed", "lead reviewer"), _read_reviewer, needs_separator=True
    ),
    _Rule(("family preview",), _read_family_preview),
    _Rule(("publication", "publication date", "publish on"), _read_publication),
    _Rule(("published",), _read_published),
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
    _Rule(("approve", "approved"), _read_approve, always_command=True),
    _Rule(("close", "close case"), _read_close, needs_separator=True),
)

_RULE_BY_KEYWORD: dict[str, _Rule] = {k: rule for rule in _RULES for k in rule.keywords}
# Longest first, so "publication delayed" wins over "publication".
_KEYWORD_LINE = re.compile(
    r"(?P<kw>"
    + "|".join(k.replace(" ", r"\s+") for k in sorted(_RULE_BY_KEYWORD, key=len, reverse=True))
    + r")(?![\w@])(?P<sep>\s*[:=\-\u2013\u2014]+|)\s*(?P<value>.*)",
    re.IGNORECASE | re.DOTALL,
)
_BULLET = re.compile(r"^(?:[-+•·‣◦▪▫●○■□➢➤►✓✔\u2013\u2014]\s*|\d{1,2}[.)]\s+|\(\d{1,2}\)\s+)+")


def _command_text(line: str) -> str:
    return _BULLET.sub("", _plain(line))


def _read_line(text: str, source: str, today: date) -> _Parsed | None:
    """The command on one line, None for prose; raises _BadValue for an unreadable command.

    `text` is the line as compared (no bullets or bold markers); `source` is kept as written.
    """
    if m := _ACTION_DONE_LINE.fullmatch(text):
        return ActionDone(int(m.group(1)), source)
    m = _KEYWORD_LINE.fullmatch(text)
    if m is None:
        return None
    rule = _RULE_BY_KEYWORD[" ".join(m.group("kw").lower().split())]
    value = m.group("value")
    explicit = bool(m.group("sep")) or not _value(value)
    if rule.needs_separator and not explicit:
        return None
    try:
        return rule.read(value, source, today)
    except _BadValue:
        if explicit or rule.always_command:
            raise
        return None


# ---------------------------------------------------------------------------------------------
# A whole email.


def parse_commands(body: str, *, today: date) -> ParsedCommands:
    """Every command in the new text of `body`, in order, and every unreadable command line.

    `today` is the date of the email, for "today" and "yesterday". Two votes stay two votes;
    the caller takes the latest. "Agencies:", "Review period:" and "Return by:" lines make one
    RequestReturns; "Delay reason:" and a following "Expected:" make one Delay.
    """
    found: list[tuple[int, _Parsed]] = []
    errors: list[tuple[int, CommandError]] = []
    for index, raw in enumerate(new_text(body).split("\n")):
        text = _command_text(raw)
        if not text:
            continue
        source = " ".join(raw.split())
        try:
            parsed = _read_line(text, source, today)
        except _BadValue as e:
            errors.append((index, _error(source, str(e))))
            continue
        if parsed is not None:
            found.append((index, parsed))

    commands: list[tuple[int, Command]] = []
    partials: list[tuple[int, _Partial]] = []
    for index, item in found:
        if isinstance(item, _Agencies | _Period | _ReturnBy | _DelayReason | _Expected):
            partials.append((index, item))
        else:
            commands.append((index, item))
    for index, result in _combine_returns(partials) + _combine_delays(partials):
        if isinstance(result, CommandError):
            errors.append((index, result))
        else:
            commands.append((index, result))
    return ParsedCommands(
        commands=tuple(c for _, c in sorted(commands, key=lambda pair: pair[0])),
        errors=tuple(e for _, e in sorted(errors, key=lambda pair: pair[0])),
    )


def _error(line: str, problem: str) -> CommandError:
    stop = "" if problem.endswith(".") else "."
    return CommandError(line=line, message=f'Could not read "{line}": {problem}{stop}')


_Combined: TypeAlias = list[tuple[int, Command | CommandError]]


def _combine_returns(partials: list[tuple[int, _Partial]]) -> _Combined:
    agencies = [(i, p) for i, p in partials if isinstance(p, _Agencies)]
    periods = [(i, p) for i, p in partials if isinstance(p, _Period)]
    return_bys = [(i, p) for i, p in partials if isinstance(p, _ReturnBy)]
    out: _Combined = []
    extras: list[tuple[int, _Partial]] = [*periods[1:], *return_bys[1:]]
    if not agencies:
        extras = [*periods, *return_bys]
    for i, p in sorted(extras, key=lambda pair: pair[0]):
        problem = (
            "given twice in one email; give it once"
            if agencies
            else "give the agencies in the same email: Agencies: ..."
        )
        out.append((i, _error(p.line, problem)))
    if not agencies:
        return out
    names: list[str] = []
    for _, a in agencies:
        names.extend(n for n in a.names if n.lower() not in (x.lower() for x in names))
    used: list[tuple[int, _Partial]] = [*agencies, *periods[:1], *return_bys[:1]]
    used.sort(key=lambda pair: pair[0])
    out.append(
        (
            used[0][0],
            RequestReturns(
                agencies=tuple(names),
                period=periods[0][1].text if periods else "",
                return_by=return_bys[0][1].on if return_bys else None,
                line="\n".join(p.line for _, p in used),
            ),
        )
    )
    return out


def _combine_delays(partials: list[tuple[int, _Partial]]) -> _Combined:
    out: _Combined = []
    pending: tuple[int, _DelayReason] | None = None
    for index, p in partials:
        if isinstance(p, _DelayReason):
            if pending is not None:
                out.append((pending[0], _missing_expected(pending[1])))
            pending = (index, p)
        elif isinstance(p, _Expected):
            if pending is None:
                out.append((index, _error(p.line, "give the reason first: Delay: <reason>")))
            else:
                reason = pending[1]
                out.append((pending[0], Delay(reason.reason, p.on, f"{reason.line}\n{p.line}")))
                pending = None
    if pending is not None:
        out.append((pending[0], _missing_expected(pending[1])))
    return out


def _missing_expected(reason: _DelayReason) -> CommandError:
    return _error(reason.line, "give the expected date: Delay: <reason>; expected <date>")

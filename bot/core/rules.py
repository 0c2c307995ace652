"""The rules engine: decide which one kind of mail a message is, and say why.

Semantics, in order:

1. Automatic mail first. Mail that is surely not a person writing now (our own mail coming
   back, a delivery or read report, a mail daemon: `autoreply.returned_mail_reason`) is
   `auto_reply` and no rule is evaluated, even when a bounce carries a SIN form. Mail only
   *labelled* automatic (`autoreply.machine_sent_reason`: Auto-Submitted, a list header, an
   "Out of office" subject) is `auto_reply` too, unless its words hit a rule for a SIN, an
   Appendix B, a complaint or an escalation: then it is `unclassified` and a person decides,
   because a records system or a gateway may label what a person wrote. An automatic *answer*
   (an out-of-office) counts only with a document attached: it echoes the subject it answers.
   It is never answered either way (`autoreply.can_acknowledge`).
2. Every rule is then evaluated, in the order given, and recorded in `hits` or `misses` so a
   person can see what the engine saw. A rule hits when all of its `all` conditions hold, at
   least one `any` condition holds (if it has any) and none of its `none` conditions holds.
3. If a veto rule hits, the kind is `unclassified` and the veto's description is the reason:
   a veto names mail that looks like a case but is not (a training circular attaching a blank
   SIN template, a newsletter).
4. If the classify rules that hit all name one kind, that is the kind. If they name different
   kinds (say complaint and escalation) the kind is `unclassified` with a reason naming both:
   a person triages it, because a confident wrong kind is worse than no kind.
5. If no rule hit and the message carries a case reference, the kind is `case_reply`.
6. Otherwise `unclassified`.

`case_ref` is set whatever the kind (so an auto-reply can still be filed on its case): the
first bracketed tag in the subject, else the case the caller found from In-Reply-To and
References (`ClassifyContext.thread_case_ref`), else a bare reference written in the subject,
else the first reference in the body, quoted text included.

Text is matched as `typography.plain_text` gives it: typographic dashes, quotes and spaces as the
keyboard characters, so a rule written with "-", "'" and " " matches what Outlook typeset.

Conditions test one field with one operator. Text fields: subject, body, from, from_domain,
to (To and Cc), header:<Name>, attachment_name, attachment_type, calendar_method (the METHOD of
each iCalendar part: REQUEST, REPLY, COUNTER, CANCEL); operators `matches` (regex,
case-insensitive, ^/$ per line), `contains` and `equals` (case-insensitive) and `exists`
(non-empty). A multi-valued field holds when any of its values does. Boolean fields:
has_case_ref, has_case_ref_outside_body (a case reference from the subject or the thread, not
one only mentioned in the body), in_thread (the caller found a case from the thread headers),
sender_is_agency (the From address is named by an agency's domains entry, see `core.agencies`),
writer_is_agency (so is the address answers go to: a Reply-To of one person's address, else
From; a council web form's mailer is the council's, the person who filled it in may be anyone's),
subject_has_case_tag (the subject has a bracketed tag shaped like a case reference, a mistyped
one included: "[TSCP-2026-O001]", "[TSPC-2026-0001]"), forwarded (it passes on an email someone
else wrote: `core.forwarded`); operator `is`, value true (default) or false.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from bot.core import autoreply
from bot.core.agencies import is_agency
from bot.core.case_refs import case_tag_like, find_case_refs, subject_case_ref
from bot.core.forwarded import is_forwarded
from bot.core.message import MailMessage, carries_document
from bot.core.typography import for_matching
from bot.core.unread_mail import recalled_subject


class Kind(StrEnum):
    SIN = "sin"
    APPENDIX_B = "appendix_b"
    ESCALATION = "escalation"
    COMPLAINT = "complaint"
    CASE_REPLY = "case_reply"
    # An Accept / Tentative / Decline sent by a calendar program: recorded as the attendee's
    # answer, never acknowledged, and not a person's words on the case.
    CALENDAR_REPLY = "calendar_reply"
    AUTO_REPLY = "auto_reply"
    UNCLASSIFIED = "unclassified"


class RuleError(ValueError):
    """A rule file is invalid; the message names the file and the bad key."""


@dataclass(frozen=True)
class Condition:
    field: str
    op: str
    value: str | bool | None = None
    pattern: re.Pattern[str] | None = None  # compiled once, for op "matches"

    def describe(self) -> str:
        if self.op == "exists":
            return f"{self.field} exists"
        if self.op == "is":
            return f"{self.field} is {str(self.value).lower()}"
        return f"{self.field} {self.op} {self.value!r}"


@dataclass(frozen=True)
class Rule:
    name: str
    kind: Kind
    description: str
    order: int = 0
    all: tuple[Condition, ...] = ()
    any: tuple[Condition, ...] = ()
    none: tuple[Condition, ...] = ()
    action: str = "classify"


@dataclass(frozen=True)
class ClassifyContext:
    reference_prefix: str
    own_addresses: frozenset[str]
    agency_domains: frozenset[str]
    thread_case_ref: str | None = None


@dataclass(frozen=True)
class Classification:
    kind: Kind
    rule: str | None
    reasons: tuple[str, ...]
    hits: tuple[str, ...] = ()
    misses: tuple[str, ...] = ()
    case_ref: str | None = None
    # The reference was found only in the body (no tag, thread or reference in the subject):
    # a mention ("sibling of the child notified under TSCP-2026-0001"), not a reply's address.
    case_ref_in_body: bool = False
    # Mail on a case whose subject or text hits a SIN rule as if it were on none: a new
    # notification written as a reply (bot.core.closed_case_sin), or a corrected form.
    reads_as_sin: bool = False


@dataclass(frozen=True)
class _Facts:
    """What conditions can see of one message, computed once per classification."""

    msg: MailMessage
    text: Mapping[str, tuple[str, ...]]
    flags: Mapping[str, bool]


def _facts(
    msg: MailMessage, ctx: ClassifyContext, case_ref: str | None, outside: bool, tag: str | None
) -> _Facts:
    domain = msg.from_addr.rpartition("@")[2] if "@" in msg.from_addr else ""
    sender_is_agency = is_agency(msg.from_addr, ctx.agency_domains)
    writer = autoreply.answer_address(msg, ctx.own_addresses)
    text = {
        "subject": (msg.subject,),
        "body": (msg.text,),
        "from": (msg.from_addr,),
        "from_domain": (domain,),
        "to": msg.to + msg.cc,
        "attachment_name": tuple(a.filename for a in msg.attachments),
        "attachment_type": tuple(a.content_type for a in msg.attachments),
        "calendar_method": tuple(item.method for item in msg.calendar_items),
    }
    flags = {
        "has_case_ref": case_ref is not None,
        "has_case_ref_outside_body": outside,
        "in_thread": ctx.thread_case_ref is not None,
        "sender_is_agency": sender_is_agency,
        # Most mail names no one else in Reply-To: its writer is its sender, looked up once.
        "writer_is_agency": (
            sender_is_agency if writer == msg.from_addr else is_agency(writer, ctx.agency_domains)
        ),
        # Written like the bot's tag, whether or not it names a case: "[TSCP-2026-O001]".
        "subject_has_case_tag": tag is not None,
        "forwarded": is_forwarded(msg),
    }
    return _Facts(msg, text, flags)


def _values(cond: Condition, facts: _Facts) -> tuple[str, ...]:
    if cond.field.startswith("header:"):
        value = facts.msg.header(cond.field.partition(":")[2])
        return (value,) if value else ()
    return facts.text[cond.field]


def holds(cond: Condition, facts: _Facts) -> bool:
    if cond.op == "is":
        return facts.flags[cond.field] is cond.value
    values = _values(cond, facts)
    if cond.op == "exists":
        return any(v.strip() for v in values)
    if cond.op == "matches" and cond.pattern is not None:
        return any(cond.pattern.search(v) for v in values)
    wanted = str(cond.value).casefold()
    if cond.op == "contains":
        return any(wanted in v.casefold() for v in values)
    return any(v.strip().casefold() == wanted for v in values)


def rule_hits(rule: Rule, facts: _Facts) -> bool:
    return (
        all(holds(c, facts) for c in rule.all)
        and (not rule.any or any(holds(c, facts) for c in rule.any))
        and not any(holds(c, facts) for c in rule.none)
    )


def case_ref_outside_body(msg: MailMessage, ctx: ClassifyContext) -> str | None:
    """Subject tag, else the thread's case, else a bare reference in the subject."""
    tagged = subject_case_ref(msg.subject, ctx.reference_prefix)
    if tagged or ctx.thread_case_ref:
        return tagged or ctx.thread_case_ref
    bare = find_case_refs(msg.subject, ctx.reference_prefix)
    return bare[0] if bare else None


def case_ref_for(msg: MailMessage, ctx: ClassifyContext) -> str | None:
    """Subject tag, else the thread's case, else a bare reference in the subject, else the
    one case the body names (quoted text included)."""
    return _or_the_body(msg, ctx, case_ref_outside_body(msg, ctx))


def _or_the_body(msg: MailMessage, ctx: ClassifyContext, outside: str | None) -> str | None:
    """case_ref_for, given what case_ref_outside_body found (`outside`)."""
    if outside:
        return outside
    # Last, the body: a reply whose client dropped the tag still quotes our mail and its ref.
    # A body naming several cases (a reply to the daily digest) names none of them: its
    # "Close: duplicate" must not close whichever case the digest listed first.
    named = list(dict.fromkeys(find_case_refs(msg.text, ctx.reference_prefix)))
    return named[0] if len(named) == 1 else None


_Decision = tuple[Kind, str | None, tuple[str, ...]]


def _decide(hit_rules: list[Rule], case_ref: str | None, tag: str | None) -> _Decision:
    vetoes = [r for r in hit_rules if r.action == "veto"]
    if vetoes:
        veto = vetoes[0]
        return Kind.UNCLASSIFIED, veto.name, (f"vetoed by {veto.name}: {veto.description}",)
    by_kind: dict[Kind, list[str]] = {}
    for rule in hit_rules:
        by_kind.setdefault(rule.kind, []).append(rule.name)
    if len(by_kind) > 1:
        named = " vs ".join(f"{k} ({', '.join(names)})" for k, names in by_kind.items())
        return Kind.UNCLASSIFIED, None, (f"rules disagree: {named}",)
    if hit_rules:
        reasons = tuple(f"{r.name}: {r.description}" for r in hit_rules)
        return hit_rules[0].kind, hit_rules[0].name, reasons
    if case_ref:
        return Kind.CASE_REPLY, None, (f"no rule matched; message belongs to case {case_ref}",)
    if tag is not None:
        why = f"the subject's tag {tag} names no case: a mistyped reference? File it by hand"
        return Kind.UNCLASSIFIED, None, (why,)
    return Kind.UNCLASSIFIED, None, ("no rule matched and no case reference",)


# What a person may send through a system that labels all its mail automatic: a SIN from a
# records system, a complaint through a web form's mailer. Missed, each starts a clock nobody
# sees; an out-of-office quoting a case is none of these.
_NEVER_LOST = frozenset({Kind.SIN, Kind.APPENDIX_B, Kind.COMPLAINT, Kind.ESCALATION})


def _labelled_automatic(auto: str, hit_rules: list[Rule], case_ref: str | None) -> Classification:
    """Mail labelled automatic (a header, an automatic subject): not answered either way, but
    when its words read like a statutory kind a person decides (unclassified), never filed
    unread as an out-of-office."""
    kinds = sorted({r.kind for r in hit_rules if r.action == "classify"} & _NEVER_LOST, key=str)
    vetoed = any(r.action == "veto" for r in hit_rules)
    hits = tuple(r.name for r in hit_rules)
    if not kinds or vetoed:
        return Classification(
            Kind.AUTO_REPLY, None, (f"automatic mail: {auto}",), case_ref=case_ref
        )
    named = " or ".join(str(k).replace("_", " ") for k in kinds)
    why = f"marked as automatic mail ({auto}) but reads like a {named}: a person decides"
    return Classification(
        Kind.UNCLASSIFIED, None, (AUTOMATIC_BUT + why,), hits=hits, case_ref=case_ref
    )


AUTOMATIC_BUT = "labelled automatic: "


def labelled_automatic(result: Classification) -> str | None:
    """Why mail labelled automatic was put before a person, as the triage list says it."""
    return next(
        (r.removeprefix(AUTOMATIC_BUT) for r in result.reasons if r.startswith(AUTOMATIC_BUT)),
        None,
    )


def classify(msg: MailMessage, rules: Sequence[Rule], ctx: ClassifyContext) -> Classification:
    """Decide the kind of `msg`; see the module docstring for the order of the checks."""
    msg = for_matching(msg)  # en dashes, curly quotes and NBSPs read as typed on a keyboard
    outside_ref = case_ref_outside_body(msg, ctx)
    case_ref = _or_the_body(msg, ctx, outside_ref)
    outside = outside_ref is not None
    auto = autoreply.machine_sent_reason(msg, ctx.own_addresses)
    if auto and autoreply.returned_mail_reason(msg, ctx.own_addresses):
        return Classification(
            Kind.AUTO_REPLY, None, (f"automatic mail: {auto}",), case_ref=case_ref
        )
    tag = case_tag_like(msg.subject)
    facts = _facts(msg, ctx, case_ref, outside, tag)
    hit_rules = [r for r in rules if rule_hits(r, facts)]
    if auto:
        # An automatic answer echoes the subject it answers ("Out of Office: GM SIN form"): only
        # a document it carries could make it more than that.
        echo = autoreply.answers_something(msg) and not carries_document(msg)
        return _labelled_automatic(auto, [] if echo else hit_rules, case_ref)
    if case_ref is None and recalled_subject(msg) is not None:
        # It echoes the subject it recalls: read by the rules, it would open that SIN again.
        why = ("an Outlook recall of an earlier email: a person decides",)
        return Classification(Kind.UNCLASSIFIED, None, why, hits=tuple(r.name for r in hit_rules))
    kind, rule, reasons = _decide(hit_rules, case_ref, tag)
    return Classification(
        kind=kind,
        rule=rule,
        reasons=reasons,
        hits=tuple(r.name for r in hit_rules),
        misses=tuple(r.name for r in rules if all(r is not h for h in hit_rules)),
        case_ref=case_ref,
        case_ref_in_body=case_ref is not None and not outside,
        reads_as_sin=kind is Kind.CASE_REPLY and _reads_as_sin(rules, facts),
    )


_ON_A_CASE = ("has_case_ref", "has_case_ref_outside_body", "in_thread", "subject_has_case_tag")


# The subjects of the bot's own emails to a referrer (templates sin_acknowledgement and
# referrer_outcome) name the notification: a reply to one ("RE: [TSCP-2026-0001] Outcome of
# your serious incident notification") echoes them, and is no new notification for that.
_OUR_SUBJECTS = re.compile(
    r"outcome\s+of\s+your\s+serious\s+incident\s+notification"
    r"|serious\s+incident\s+notification\s+received",
    re.IGNORECASE,
)


def _reads_as_sin(rules: Sequence[Rule], facts: _Facts) -> bool:
    """Whether a SIN rule would hit were the message on no case: its signals, as written by
    the sender, not as echoed from the subjects of our own emails."""
    subjects = tuple(_OUR_SUBJECTS.sub(" ", s) for s in facts.text["subject"])
    text = {**facts.text, "subject": subjects}
    unthreaded = _Facts(facts.msg, text, {**facts.flags, **dict.fromkeys(_ON_A_CASE, False)})
    return any(
        r.kind is Kind.SIN and r.action == "classify" and rule_hits(r, unthreaded) for r in rules
    )

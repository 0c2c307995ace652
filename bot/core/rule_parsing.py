"""Reading rule data: the loader reads TOML, this validates what it read into `Rule` values
(bot.core.rules), or raises RuleError naming the file and the bad key.

Words several rules look for alike ("I would like to make a complaint" in a complaint's body,
on a case's thread, forwarded, or from an agency) are written once, as named phrases
(phrases.toml beside the rules), and a rule's pattern names them in braces: `{complaining}`.
A phrase added there reaches every rule naming it; a copy in each rule would drift.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from bot.core.rules import Condition, Kind, Rule, RuleError

TEXT_FIELDS = frozenset(
    {
        "subject",
        "body",
        "from",
        "from_domain",
        "to",
        "attachment_name",
        "attachment_type",
        "calendar_method",
    }
)
BOOL_FIELDS = frozenset(
    {
        "has_case_ref",
        "has_case_ref_outside_body",
        "in_thread",
        "sender_is_agency",
        "writer_is_agency",
        "subject_has_case_tag",
        "forwarded",
    }
)
TEXT_OPS = frozenset({"matches", "contains", "equals", "exists"})
ACTIONS = frozenset({"classify", "veto"})
_HEADER_NAME = re.compile(r"^header:([A-Za-z0-9-]+)$")
_RULE_KEYS = frozenset({"name", "kind", "description", "action", "order", "all", "any", "none"})
_CONDITION_KEYS = frozenset({"field", "op", "value"})
_PHRASE_NAME = re.compile(r"[a-z][a-z_]*")
# "{complaining}", never a regex's own braces ("{2,}", or "\{" for a brace itself).
_PHRASE = re.compile(r"(?<!\\)\{([a-z][a-z_]*)\}")
Phrases = Mapping[str, str]


def _fail(source: str, key: str, expected: str, got: object) -> RuleError:
    return RuleError(f"{source}: {key}: expected {expected}, got {got!r}")


def _check_field(field: object, source: str, key: str) -> str:
    if isinstance(field, str) and (
        field in TEXT_FIELDS or field in BOOL_FIELDS or _HEADER_NAME.match(field)
    ):
        return field
    allowed = ", ".join(sorted(TEXT_FIELDS | BOOL_FIELDS)) + ", header:<Name>"
    raise _fail(source, f"{key}.field", f"one of {allowed}", field)


def _compile(value: object, source: str, key: str) -> re.Pattern[str]:
    if not isinstance(value, str) or not value:
        raise _fail(source, key, "a non-empty regex string", value)
    try:
        return re.compile(value, re.IGNORECASE | re.MULTILINE)
    except re.error as exc:
        raise RuleError(f"{source}: {key}: bad regex {value!r}: {exc}") from None


def _bool_condition(field: str, data: Mapping[str, object], source: str, key: str) -> Condition:
    op = data.get("op", "is")
    if op != "is":
        raise _fail(source, f"{key}.op", f'"is" for boolean field {field}', op)
    value = data.get("value", True)
    if not isinstance(value, bool):
        raise _fail(source, f"{key}.value", "true or false", value)
    return Condition(field, "is", value)


def parse_phrases(data: Mapping[str, object], source: str) -> dict[str, str]:
    """The named patterns rules share, each checked to be a regex on its own."""
    phrases: dict[str, str] = {}
    for name, value in data.items():
        if not _PHRASE_NAME.fullmatch(name):
            raise _fail(source, name, "a lower_case name", name)
        phrases[name] = _compile(value, source, name).pattern
    return phrases


def _with_phrases(value: object, phrases: Phrases, source: str, key: str) -> object:
    """`value` with each "{name}" given its phrase, or RuleError naming one not defined."""
    if not isinstance(value, str):
        return value

    def phrase(m: re.Match[str]) -> str:
        if m.group(1) not in phrases:
            known = ", ".join(sorted(phrases)) or "none"
            raise _fail(source, key, f"a phrase from phrases.toml ({known})", m.group(0))
        return f"(?:{phrases[m.group(1)]})"

    return _PHRASE.sub(phrase, value)


def _text_condition(
    field: str, data: Mapping[str, object], source: str, key: str, phrases: Phrases
) -> Condition:
    op = data.get("op")
    if op not in TEXT_OPS:
        raise _fail(source, f"{key}.op", f"one of {', '.join(sorted(TEXT_OPS))}", op)
    value = data.get("value")
    if op == "exists":
        if value is not None:
            raise _fail(source, f"{key}.value", 'no value with op "exists"', value)
        return Condition(field, "exists")
    if op == "matches":
        written = _with_phrases(value, phrases, source, f"{key}.value")
        pattern = _compile(written, source, f"{key}.value")
        return Condition(field, "matches", pattern.pattern, pattern)
    if not isinstance(value, str) or not value:
        raise _fail(source, f"{key}.value", "a non-empty string", value)
    return Condition(field, str(op), value)


def parse_condition(data: object, source: str, key: str, phrases: Phrases) -> Condition:
    if not isinstance(data, Mapping):
        raise _fail(source, key, "a table with field, op, value", data)
    unknown = sorted(set(data) - _CONDITION_KEYS)
    if unknown:
        raise _fail(source, f"{key}.{unknown[0]}", "only field, op, value", unknown[0])
    field = _check_field(data.get("field"), source, key)
    if field in BOOL_FIELDS:
        return _bool_condition(field, data, source, key)
    return _text_condition(field, data, source, key, phrases)


def _conditions(
    data: Mapping[str, object], group: str, source: str, phrases: Phrases
) -> tuple[Condition, ...]:
    items = data.get(group, [])
    if not isinstance(items, list):
        raise _fail(source, group, "an array of condition tables ([[" + group + "]])", items)
    return tuple(parse_condition(c, source, f"{group}[{i}]", phrases) for i, c in enumerate(items))


def _required_str(data: Mapping[str, object], key: str, source: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise _fail(source, key, "a non-empty string", value)
    return value.strip()


def _kind(data: Mapping[str, object], action: str, source: str) -> Kind:
    raw = data.get("kind", "unclassified" if action == "veto" else None)
    try:
        kind = Kind(str(raw)) if raw is not None else None
    except ValueError:
        kind = None
    if action == "veto" and kind is not Kind.UNCLASSIFIED:
        raise _fail(source, "kind", '"unclassified" (or no kind) for a veto rule', raw)
    if kind is None or (action == "classify" and kind is Kind.UNCLASSIFIED):
        allowed = ", ".join(k.value for k in Kind if k is not Kind.UNCLASSIFIED)
        raise _fail(source, "kind", f"one of {allowed}", raw)
    return kind


def parse_rule(data: Mapping[str, object], source: str, phrases: Phrases | None = None) -> Rule:
    """Validate one rule's data, raising RuleError naming `source` and the bad key.
    `phrases`: the named patterns its patterns may name in braces."""
    phrases = phrases or {}
    unknown = sorted(set(data) - _RULE_KEYS)
    if unknown:
        raise _fail(source, unknown[0], f"one of {', '.join(sorted(_RULE_KEYS))}", unknown[0])
    action = data.get("action", "classify")
    if action not in ACTIONS:
        raise _fail(source, "action", '"classify" or "veto"', action)
    order = data.get("order", 0)
    if not isinstance(order, int) or isinstance(order, bool):
        raise _fail(source, "order", "an integer", order)
    rule = Rule(
        name=_required_str(data, "name", source),
        kind=_kind(data, str(action), source),
        description=_required_str(data, "description", source),
        order=order,
        all=_conditions(data, "all", source, phrases),
        any=_conditions(data, "any", source, phrases),
        none=_conditions(data, "none", source, phrases),
        action=str(action),
    )
    if not rule.all and not rule.any:
        raise _fail(source, "all/any", "at least one condition in all or any", "nothing")
    return rule

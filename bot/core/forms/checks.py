"""What a person should check: values given twice, required fields missing, dates in an
impossible order, and fields found only doubtfully."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date

from bot.core.deadlines import fmt_date
from bot.core.forms.children import _child_key
from bot.core.forms.model import DOUBTFUL_BELOW, Field, ValueType
from bot.core.forms.run import _Hit, _Result, _Run
from bot.core.forms.values import _typed
from bot.core.vocabulary import FormVocabulary


def _same(a: ValueType, b: ValueType) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()
    return a == b


def _single_fields(run: _Run) -> tuple[dict[str, Field], list[str]]:
    by_name: dict[str, list[Field]] = {}
    for event in run.events:
        if isinstance(event, _Hit) and not event.child:
            typed = _typed(event)
            if typed is not None:
                by_name.setdefault(typed.name, []).append(typed)
    fields: dict[str, Field] = {}
    conflicts: list[str] = []
    for name, found in by_name.items():
        best = max(found, key=lambda f: (f.value is not None, f.confidence))
        others = [
            f
            for f in found
            if f.value is not None
            and best.value is not None
            and not _same(f.value, best.value)
            and f.confidence >= DOUBTFUL_BELOW
            and not isinstance(f.value, bool)
        ]
        if others and best.problem is None:
            other = others[0]
            best = replace(best, problem=f"also given as {other.raw!r} ({other.where})")
            conflicts.append(f"{name} is given twice, differently ({best.where}; {other.where})")
        fields[name] = best
    return fields, conflicts


def _missing(
    form: FormVocabulary, fields: Mapping[str, Field], children: list[dict[str, Field]]
) -> list[str]:
    missing: list[str] = []
    present = set(fields)
    for spec in form.fields:
        if spec.required and spec.name not in present and not present & set(spec.satisfied_by):
            missing.append(spec.name)
    for n, child in enumerate(children or [{}], start=1):
        for spec in form.child_fields:
            if spec.required and spec.name not in child and not set(child) & set(spec.satisfied_by):
                missing.append(_child_key(n, spec.name))
    return missing


def _date_flags(
    result: _Result, fields: dict[str, Field], children: list[dict[str, Field]]
) -> list[str]:
    flags: list[str] = []
    for order in result.form.date_order:
        scopes: list[tuple[int | None, dict[str, Field]]] = [(None, fields)]
        scopes += [(n, {**fields, **child}) for n, child in enumerate(children, start=1)]
        seen: set[tuple[str, str, date, date]] = set()
        for n, scope in scopes:
            first, second = scope.get(order.earlier), scope.get(order.later)
            if first is None or second is None:
                continue
            a, b = first.value, second.value
            if not isinstance(a, date) or not isinstance(b, date) or a <= b:
                continue
            key = (order.earlier, order.later, a, b)
            if key in seen:
                continue
            seen.add(key)
            text = f"{order.earlier_label} {fmt_date(a)} is after {order.later_label} {fmt_date(b)}"
            flags.append(text if n is None or len(children) < 2 else f"child {n}: {text}")
            for spec_name, found in ((order.earlier, first), (order.later, second)):
                target = (
                    children[n - 1] if n is not None and spec_name in children[n - 1] else fields
                )
                if found.problem is None:
                    target[spec_name] = replace(found, problem=text)
    return flags


def _doubtful(found: Field) -> bool:
    return found.problem is not None or found.confidence < DOUBTFUL_BELOW

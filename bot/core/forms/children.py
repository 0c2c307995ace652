"""Sorting child fields into children: by "Child 2" headings, by column, or by a child label
met again with a different value."""

from __future__ import annotations

from bot.core.forms.marks import _is_placeholder
from bot.core.forms.model import Field
from bot.core.forms.run import _Heading, _Hit, _Run
from bot.core.forms.values import _typed


def _child_blocks(run: _Run) -> list[dict[str, _Hit]]:
    blocks: list[dict[str, _Hit]] = []
    current: int | None = None

    def ensure(i: int) -> None:
        while len(blocks) <= i:
            blocks.append({})

    for event in run.events:
        if isinstance(event, _Heading):
            if event.number == 0:
                current = None
            elif event.number is not None:
                current = event.number - 1
                ensure(current)
            elif current is None or blocks[current]:
                current = len(blocks)
                ensure(current)
            continue
        if not event.child or _is_placeholder(event.raw):
            continue
        name = event.spec.name
        if event.slot is not None:
            ensure(event.slot)
            blocks[event.slot].setdefault(name, event)
            continue
        if current is None:
            current = 0
            ensure(0)
        existing = blocks[current].get(name)
        if existing is not None:
            if " ".join(existing.raw.split()).casefold() == " ".join(event.raw.split()).casefold():
                continue
            current += 1
            ensure(current)
        blocks[current][name] = event
    return [b for b in blocks if b]


def _children(run: _Run) -> list[dict[str, Field]]:
    children: list[dict[str, Field]] = []
    for block in _child_blocks(run):
        child: dict[str, Field] = {}
        for name, hit in block.items():
            found = _typed(hit)
            if found is not None:
                child[name] = found
        if "child_name" not in child and ("forename" in child or "surname" in child):
            parts = [child[n] for n in ("forename", "surname") if n in child]
            child["child_name"] = Field(
                "child_name",
                " ".join(str(p.value) for p in parts),
                " ".join(p.raw for p in parts),
                parts[0].where,
                min(p.confidence for p in parts),
            )
        if child:
            children.append(child)
    return children


def _child_key(n: int, name: str) -> str:
    return name if n == 1 else f"child {n}: {name}"

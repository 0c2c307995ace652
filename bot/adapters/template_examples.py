"""An example context for every email the bot sends (bot/defaults/template_examples/), so
that a templates folder is tried at start, not when its first email is due.

Checking that each part compiles catches a typing slip in a tag; a field the bot does not
give (`{{ no_such_field }}`) shows only when rendered, and then every SIN, say, failed for
want of its acknowledgement while the clock ran. Each part is read whole against the fields
the bot fills in (the example's keys, every branch: bot.adapters.template_fields), then
rendered once with them (a filter given the wrong kind of value), before any mail is taken
from the inbox.

The files are JSON, a date written {"$date": "2026-12-29"} and a time {"$datetime": ISO 8601
with its offset}, as the templates' filters need real dates.
"""

from __future__ import annotations

import functools
import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

from bot.adapters.template_fields import unknown_fields
from bot.adapters.templates import PARTS, TemplateRenderer


def _decoded(value: dict[str, Any]) -> Any:
    if value.keys() == {"$date"}:
        return date.fromisoformat(value["$date"])
    if value.keys() == {"$datetime"}:
        return datetime.fromisoformat(value["$datetime"])
    return value


def load_example(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"), object_hook=_decoded)
    return loaded


def example_problems(renderer: TemplateRenderer, examples: Path) -> list[str]:
    """One line per field a part of an email uses that the bot does not give it, in any
    branch, naming the file and line; then, if none, one per part that does not render with
    the fields the bot gives it (a filter given the wrong kind of value). Emails the bot never
    sends (a folder of one's own) are not tried."""
    tried = [
        (event, load_example(examples / f"{event}.json"))
        for event in renderer.events()
        if (examples / f"{event}.json").is_file()
    ]
    found = _unknown_fields(renderer, tried)
    if found:  # the same field would be said again by the render that trips on it
        return found
    return [line for event, example in tried for line in renderer.try_render(event, example)]


def _unknown_fields(
    renderer: TemplateRenderer, tried: list[tuple[str, dict[str, Any]]]
) -> list[str]:
    said: dict[tuple[str, int, str], str] = {}
    parse = functools.cache(renderer.parsed)  # the shared layout, read once, not per email
    for event, example in tried:
        for part in PARTS:
            for unknown in unknown_fields(
                parse, f"{event}/{part}", example, renderer.known_names()
            ):
                own = unknown.template.startswith(f"{event}/")
                said.setdefault(
                    (unknown.template, unknown.line, unknown.field),
                    f"{unknown.template} line {unknown.line}: '{unknown.field}' is not a field "
                    f"the bot gives {'this email' if own else f'the {event} email'}",
                )
    return list(said.values())

"""An example context for every email the bot sends (bot/defaults/template_examples/), so
that a templates folder is tried at start, not when its first email is due.

Checking that each part compiles catches a typing slip in a tag; a field the bot does not
give (`{{ no_such_field }}`) shows only when rendered, and then every SIN, say, failed for
want of its acknowledgement while the clock ran. Rendering each email once with the same
fields the bot fills in finds it before any mail is taken from the inbox.

The files are JSON, a date written {"$date": "2026-12-29"} and a time {"$datetime": ISO 8601
with its offset}, as the templates' filters need real dates.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

from bot.adapters.templates import TemplateRenderer


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
    """One line per part of an email that does not render with the fields the bot gives it,
    naming the file; emails the bot never sends (a folder of one's own) are not tried."""
    found = []
    for event in renderer.events():
        example = examples / f"{event}.json"
        if example.is_file():
            found += renderer.try_render(event, load_example(example))
    return found

"""The command line a person is told to run to open a SIN form left on the triage list as a
case of its own (bot.core.triage_new_case), as it is typed at the terminal."""

from __future__ import annotations

import re


def command(number: int | str, document: str | None = None) -> str:
    """The command line that opens message `number`'s SIN form (or `document`'s)."""
    form = f" --form {typed(document)}" if document is not None else ""
    return f"tscp-bot triage new-case {number}{form}"


_PLAIN = re.compile(r"[\w.,:/@%+=-]+")


def typed(name: str) -> str:
    """A document's name as it is typed in a shell: in single quotes when it has a space or
    any other character the shell would read (a quote in it closed, escaped and reopened)."""
    if _PLAIN.fullmatch(name):
        return name
    return "'" + name.replace("'", "'\"'\"'") + "'"

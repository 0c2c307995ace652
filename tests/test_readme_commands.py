"""Every `tscp-bot <command>` the README and the docs name is a command the bot has: an
administrator copying one must not meet "invalid choice"."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from bot.cli import build_parser

ROOT = Path(__file__).resolve().parents[1]


def _commands() -> set[str]:
    parser = build_parser()
    [sub] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return set(sub.choices)


_OPTIONS = r"(?:\s+--?[a-z-]+(?:\s+(?:\"[^\"]*\"|[\w/][^\s`]*))?)*"
# A whole word: the benchmark table's heading "tscp-bot dc8f493 at ..." names a commit, not "dc".
_CALL = re.compile(rf"^\s*(?:\$\s*)?tscp-bot{_OPTIONS}\s+([a-z][a-z-]*)(?!\w)")


def _named(text: str) -> set[str]:
    """The command of each call written as code: in backquotes (a name broken over two lines
    of the README still counts), or on a line of an example (fenced, or indented four)."""
    fenced = re.findall(r"^\s*```[a-z]*\n(.*?)^\s*```", text, re.S | re.M)
    indented = [line for line in text.splitlines() if line.startswith("    tscp-bot ")]
    prose = re.sub(r"^\s*```.*?^\s*```", "", text, flags=re.S | re.M)
    code = re.findall(r"`([^`]+)`", prose) + indented
    code += [line for block in fenced for line in block.splitlines()]
    return {call.group(1) for piece in code if (call := _CALL.match(piece))}


def test_every_command_the_readme_and_docs_name_exists() -> None:
    texts = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    known = _commands()
    for path in texts:
        unknown = _named(path.read_text()) - known
        assert not unknown, f"{path.name} names tscp-bot commands that do not exist: {unknown}"

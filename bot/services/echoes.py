"""The sender's own command lines as an answer to them repeats them: whole to the Business
Manager, who is inside the partnership; to anyone else as bot.core.echo allows."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from bot.adapters.db.models import Case
from bot.core.echo import by_label, echo
from bot.core.lifecycle_stages import Role
from bot.core.personal_data import personal_values, withhold
from bot.services.review.common import personal_record

if TYPE_CHECKING:
    from bot.services.commands import Outcome


def inside(roles: set[str]) -> bool:
    """The sender gives commands as the Business Manager (herself or a deputy)."""
    return Role.BUSINESS_MANAGER in roles


def told_back(
    session: Session, case: Case, outcome: Outcome, unread: set[str]
) -> tuple[list[dict[str, str]], list[dict[str, str]], list[str]]:
    """A confirmation's lines, what became of each, and the warnings, for a sender outside the
    partnership. `unread`: the lines that could not be read as commands."""
    fields, flags = personal_record(session, case)
    results = []
    for r in outcome.results:
        e = echo(r["line"], r["outcome"], read=True, fields=fields, flags=flags)
        results.append({**r, "line": e.line, "outcome": e.said})
    errors = []
    for r in outcome.errors:
        read = r["line"] not in unread
        e = echo(r["line"], r["message"], read=read, fields=fields, flags=flags)
        errors.append({**r, "line": e.line, "message": e.said})
    secrets = personal_values(fields)
    return results, errors, [withhold(w, secrets) for w in outcome.warnings]


def labels_only(lines: list[str]) -> list[str]:
    """Lines by their labels alone, for an address that may not be who it says."""
    return [by_label(line) for line in lines]

"""Small pieces of English shared by the bot's sentences: counts with the right noun form."""

from __future__ import annotations


def plural(n: int, singular: str, many: str | None = None) -> str:
    """plural(1, "agency", "agencies") -> "1 agency"; plural(2, "day") -> "2 days"."""
    return f"{n} {singular if n == 1 else (many or singular + 's')}"


def signed_as(name: str, role: str) -> str:
    """A signature line naming the role once: ("Jo Bloggs", "Business Manager") gives
    "Jo Bloggs, Business Manager", but a configured name that is already the role ("TSCP
    Business Manager") is left alone rather than signed "TSCP Business Manager, Business
    Manager"."""
    if role.casefold() in name.casefold():
        return name
    return f"{name}, {role}"


def with_article(noun: str) -> str:
    """with_article("complaint") -> "a complaint"; with_article("escalation") -> "an
    escalation" (by its first letter: the bot's own nouns have no silent h or long u)."""
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"

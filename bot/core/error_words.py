"""A failure said in one short line that carries no personal data: the exception's type and the
first line of its message, for the jobs' records, the log, `status` and the alerts."""

from __future__ import annotations

from bot.core.token_trouble import TOKEN_MARK


def error_summary(kind: str, message: str, *, limit: int = 160) -> str:
    """The exception type and the first line of its message, short: never the SQL, the
    parameters or a server's DETAIL line, which may carry a person's details."""
    first = (message.strip().splitlines() or [""])[0].split("[SQL:")[0].strip()
    if TOKEN_MARK in first:
        # Entra ID's reason and its hint are the useful part, and hold no personal data: keep
        # them, and drop the adapter's preamble instead.
        first = TOKEN_MARK + first.split(TOKEN_MARK, 1)[1]
        limit = max(limit, 600)
    text = f"{kind}: {first}" if first else kind
    return text if len(text) <= limit else text[: limit - 3] + "..."


def describe(exc: BaseException) -> str:
    """What went wrong, without SQL, parameters or message content (a database error's own
    driver error, where it has one)."""
    orig = getattr(exc, "orig", None)
    inner = orig if isinstance(orig, BaseException) else exc
    return error_summary(type(inner).__name__, str(inner))

"""A whole email: every command in its new text, with multi-line commands combined."""

from __future__ import annotations

from datetime import date
from typing import TypeAlias

from bot.core.commands.keywords import (
    _read_line,
    below_signature_lines,
    command_keyword,
    command_text,
    labels_of,
)
from bot.core.commands.model import (
    Command,
    CommandError,
    Delay,
    ParsedCommands,
    RequestReturns,
)
from bot.core.commands.partials import (
    _Agencies,
    _DelayReason,
    _Expected,
    _Parsed,
    _Partial,
    _Period,
    _ReturnBy,
)
from bot.core.commands.quoting import written_and_below_signature
from bot.core.commands.values import _BadValue


def parse_commands(body: str, *, today: date) -> ParsedCommands:
    """Every command in the new text of `body`, in order, and every unreadable command line.

    `today` is the date of the email, for "today" and "yesterday". Two votes stay two votes;
    the caller takes the latest. "Agencies:", "Review period:" and "Return by:" lines make one
    RequestReturns; "Delay reason:" and a following "Expected:" make one Delay.
    """
    found: list[tuple[int, _Parsed]] = []
    errors: list[tuple[int, CommandError]] = []
    unread_parts: list[str] = []  # the "Return by:" and "Review period:" lines not read
    unread_expected: list[str] = []  # the "Expected:" lines not read
    written, below = written_and_below_signature(body)
    below_lines = below_signature_lines(below, today)
    for index, raw in enumerate(written.split("\n")):
        text = command_text(raw)
        if not text:
            continue
        source = " ".join(raw.split())
        try:
            parsed = _read_line(text, source, today)
        except _BadValue as e:
            errors.append((index, _error(source, str(e))))
            keyword = command_keyword(text)
            if keyword in _REQUEST_PARTS:
                unread_parts.append(source)
            elif keyword == "expected":
                unread_expected.append(source)
            continue
        if parsed is not None:
            found.append((index, parsed))

    commands: list[tuple[int, Command]] = []
    partials: list[tuple[int, _Partial | Delay]] = []
    for index, item in found:
        if isinstance(item, _Agencies | _Period | _ReturnBy | _DelayReason | _Expected | Delay):
            partials.append((index, item))
        else:
            commands.append((index, item))
    for index, result in _combine_returns(partials, unread_parts) + _combine_delays(
        partials, unread_expected
    ):
        if isinstance(result, CommandError):
            errors.append((index, result))
        else:
            commands.append((index, result))
    return ParsedCommands(
        commands=tuple(c for _, c in sorted(commands, key=lambda pair: pair[0])),
        errors=tuple(e for _, e in sorted(errors, key=lambda pair: pair[0])),
        below_signature=labels_of(below_lines),
        below_lines=below_lines,
    )


def _error(line: str, problem: str) -> CommandError:
    stop = "" if problem.endswith(".") else "."
    return CommandError(line=line, message=f'Could not read "{line}": {problem}{stop}')


_Combined: TypeAlias = list[tuple[int, Command | CommandError]]


# Lines that are part of an "Agencies:" request: one that cannot be read stops the request.
_REQUEST_PARTS = frozenset({"return by", "review period"})


def _combine_returns(partials: list[tuple[int, _Partial | Delay]], unread: list[str]) -> _Combined:
    agencies = [(i, p) for i, p in partials if isinstance(p, _Agencies)]
    periods = [(i, p) for i, p in partials if isinstance(p, _Period)]
    return_bys = [(i, p) for i, p in partials if isinstance(p, _ReturnBy)]
    out: _Combined = []
    extras: list[tuple[int, _Partial]] = [*periods[1:], *return_bys[1:]]
    if not agencies:
        extras = [*periods, *return_bys]
    for i, p in sorted(extras, key=lambda pair: pair[0]):
        problem = (
            "given twice in one email; give it once"
            if agencies
            else "give the agencies in the same email: Agencies: ..."
        )
        out.append((i, _error(p.line, problem)))
    if not agencies:
        return out
    doubt = [*unread, *(p.line for _, p in extras)]
    if doubt:
        # The agencies would be asked by a date, or for a period, that is not the one meant:
        # nothing is asked until the request is written again.
        return [*out, *((i, _withheld(a.line, doubt, _NOT_ASKED)) for i, a in agencies)]
    names: list[str] = []
    for _, a in agencies:
        names.extend(n for n in a.names if n.lower() not in (x.lower() for x in names))
    used: list[tuple[int, _Partial]] = [*agencies, *periods[:1], *return_bys[:1]]
    used.sort(key=lambda pair: pair[0])
    out.append(
        (
            used[0][0],
            RequestReturns(
                agencies=tuple(names),
                period=periods[0][1].text if periods else "",
                return_by=return_bys[0][1].on if return_bys else None,
                line="\n".join(p.line for _, p in used),
            ),
        )
    )
    return out


# What a request or a delay withheld for a doubtful line says was not done, and what to do.
_NOT_ASKED = (
    "nothing was asked of the agencies",
    "Write Agencies: again with one Return by: (and one Review period:) as you mean them.",
)
_NOT_DRAFTED = (
    "no delay notice was drafted",
    "A delay takes one expected date: write it again as Delay: <reason>; expected <date>.",
)


def _withheld(line: str, doubt: list[str], said: tuple[str, str]) -> CommandError:
    """A command left undone because other lines of its email put what it would say in doubt."""
    lines = " and ".join(f'"{d}"' for d in doubt)
    withheld, again = said
    return CommandError(
        line=line,
        message=f'"{line}" was not carried out: {withheld}, as {lines} could not be used. {again}',
    )


def _combine_delays(partials: list[tuple[int, _Partial | Delay]], unread: list[str]) -> _Combined:
    out: _Combined = []
    delays: list[tuple[int, Delay]] = []
    doubt = list(unread)
    pending: tuple[int, _DelayReason] | None = None
    for index, p in partials:
        if isinstance(p, _DelayReason | Delay) and pending is not None:
            out.append((pending[0], _missing_expected(pending[1])))
            pending = None
        if isinstance(p, _DelayReason):
            pending = (index, p)
        elif isinstance(p, Delay):
            delays.append((index, p))
        elif isinstance(p, _Expected) and pending is not None:
            reason = pending[1]
            delays.append((pending[0], Delay(reason.reason, p.on, f"{reason.line}\n{p.line}")))
            pending = None
        elif isinstance(p, _Expected) and delays:
            doubt.append(p.line)  # a second date for the delay just given
        elif isinstance(p, _Expected):
            out.append((index, _error(p.line, "give the reason first: Delay: <reason>")))
    if pending is not None:
        out.append((pending[0], _missing_expected(pending[1])))
    if doubt:
        # The National Panel would be told a date the Business Manager may not have meant:
        # nothing is drafted until the delay is written again with one date.
        return [
            *out,
            *((i, _withheld(d.line.split("\n")[0], doubt, _NOT_DRAFTED)) for i, d in delays),
        ]
    return [*out, *delays]


def _missing_expected(reason: _DelayReason) -> CommandError:
    return _error(reason.line, "give the expected date: Delay: <reason>; expected <date>")

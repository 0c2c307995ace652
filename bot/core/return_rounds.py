"""An agency asked again for an Appendix B it has already returned: each request is a clock.

The request still open keeps the name appendix_b:<agency>, by which a return arriving meets
it. A request already met is kept, unchanged, as appendix_b:<agency>:<n> (n counting that
agency's requests on the case from 1), so the new request can be chased while the earlier
return stays on the record as it was met, and the Board's timeliness report counts each
request in the period it fell due: the earlier on-time return is not turned into a late one,
nor the new one into an on-time one by the earlier return.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from bot.core.deadlines import APPENDIX_B, fmt_date


def agency_of(name: str) -> str | None:
    """The agency key of an Appendix B clock, live or kept; None for any other deadline."""
    base, _, qualifier = name.partition(":")
    return qualifier.partition(":")[0] if base == APPENDIX_B else None


def request_number(name: str) -> int | None:
    """Which of the agency's requests a kept clock answered; None for the live one."""
    if agency_of(name) is None:
        return None
    number = name.split(":")[2:]
    return int(number[0]) if number and number[0].isdigit() else None


def kept_name(live: str, names: Iterable[str]) -> str:
    """The name the met clock `live` is kept under, after the requests already kept."""
    earlier = sum(1 for n in names if n.startswith(f"{live}:"))
    return f"{live}:{earlier + 1}"


def request_key(ref: str, agency: str, return_by: date, kept: int) -> str:
    """The request email's key. A request after a return is a new email even to the same
    date; asking again before the return, for the same date, is the same one."""
    key = f"appendix-b:{ref}:{agency}:{return_by}"
    return f"{key}:{kept + 1}" if kept else key


def asked_again(agency: str, returned_on: date, return_by: date) -> str:
    """What the Business Manager is told of an agency that had already returned."""
    return (
        f"{agency} returned on {fmt_date(returned_on)}; asked again; the new return is due "
        f"{fmt_date(return_by)}"
    )


def request_agency(key: str) -> str | None:
    """The agency a request email went to, from its key (see request_key); None for another
    email's key."""
    parts = key.split(":")
    return parts[2] if len(parts) >= 4 and parts[0] == "appendix-b" and parts[2] else None

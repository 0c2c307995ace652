"""A planned publication day gone by with nothing recorded as published.

The notice of publication tells the National Panel, the Secretary of State and Ofsted the day
the report will be published (domain.md T15). Once that day has passed with no `Published:`,
either the report went up and the record lacks it (its year online and the Board's timeliness
report then count nothing), or it did not and the three bodies hold a day no longer true, whom
the partnership must tell why (T17). Either way a person must act, so the digest says so until
one of the commands that settles it is recorded.

Pure: no clock and no I/O.
"""

from __future__ import annotations

from datetime import date

from bot.core.deadlines import fmt_date

WHAT = "planned publication passed"


def passed_publication(ref: str, planned: date, today: date) -> str | None:
    """The digest's line for a case whose planned publication day is before today, or None
    while the day is still to come or is today (the report may go up later in the day)."""
    if today <= planned:
        return None
    return (
        f"The CSPR report for {ref} was to be published on {fmt_date(planned)}, and nothing "
        "is recorded as published. If it was published, reply Published: <date>. If not, the "
        "National Panel and the Secretary of State must be told why (Publication delayed: "
        "<reason>); then give the new day (Publication: <date>)."
    )

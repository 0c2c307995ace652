"""`Complaint extended:` and `Report extended:`: a later due day agreed with the complainant
or the National Panel, with who agreed it and when, both required (bot.core.extensions)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.extensions import Agreed


@dataclass(frozen=True)
class ComplaintExtended:
    """The reply to a complaint agreed with the complainant for a later day."""

    agreed: Agreed
    line: str


@dataclass(frozen=True)
class ReportExtended:
    """The CSPR report agreed with the National Panel for a later day."""

    agreed: Agreed
    line: str

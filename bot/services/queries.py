"""Read-only views of cases for the command line and the JSON output: the list lives in
bot.services.case_list and one case's view in bot.services.case_view, both in SQLAlchemy Core."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING

from bot.services import case_view
from bot.services.case_list import case_summaries

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from bot.adapters.db.models import Case
    from bot.services.case_view_types import CaseDetail

__all__ = ["case_detail", "case_summaries"]


def case_detail(
    session: Session, case: Case, today: date, agencies: Mapping[str, str]
) -> CaseDetail:
    """The case view of a case already loaded, with its meetings' answers read for no panel
    (the services and tests that ask hold no config)."""
    return case_view.case_detail(session, case, today, agencies, ())

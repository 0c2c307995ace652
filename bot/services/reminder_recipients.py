"""Who a reminder tick chases for one deadline: whom to remind, whom an escalation goes
to, who is copied, and how the escalation names them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from bot.adapters.db.models import Deadline
from bot.app import App
from bot.core import deadlines
from bot.core.agency_answers import Key, earliest
from bot.services.reminder_facts import Known
from bot.services.review import agency_addresses


@dataclass(frozen=True)
class Chase:
    remind: list[str]
    escalate: list[str]
    cc: list[str]
    role: str
    agency_name: str | None = None
    remind_cc: list[str] = field(default_factory=list)


def who_to_chase(app: App, known: Known, deadline: Deadline) -> Chase | None:
    people = app.config.people
    bm, scrutineer = people.business_manager.email, people.independent_scrutineer.email
    base, _, qualifier = deadline.name.partition(":")
    if base in (deadlines.APPENDIX_B, deadlines.ACTION):
        key = qualifier if base == deadlines.APPENDIX_B else known.action_owner(deadline)
        agency = app.config.agency(key) if key else None
        if agency is None:
            return Chase([bm], [bm], [scrutineer], "business_manager")
        if agency.dsp is None:  # no one above the contact: the escalation must not say so
            addresses = agency_addresses(agency)
            return Chase(addresses, addresses, [bm], "agency_contact", agency.name)
        return Chase(agency_addresses(agency), [agency.dsp.email], [bm], "agency", agency.name)
    if base == "panel_notification":
        la = app.config.statutory_agency("local_authority").dsp
        la_mail = [la.email] if la else []
        return Chase([bm, *la_mail], [*la_mail, bm], [scrutineer], "local_authority")
    if base == "looked_after_death_notification":
        la = app.config.statutory_agency("local_authority").dsp
        if la is None:
            return Chase([bm], [bm], [scrutineer], "business_manager")
        return Chase([la.email], [la.email], [bm], "looked_after_death", remind_cc=[bm])
    if base == "complaint_response":
        # The procedure's: the Business Manager with the Head of Service. The Scrutineer, who
        # is outside the council, has no part in a member of the public's complaint.
        return Chase([bm], [bm], [], "business_manager")
    if base == "publication_period_end":
        return None  # a minimum period, not something anyone must do by then
    return Chase([bm], [bm], [scrutineer], "business_manager")


def escalated_to(app: App, chase: Chase) -> str:
    # With no one else configured to chase, the escalation is the Business Manager's alone.
    only_bm = chase.escalate == [app.config.people.business_manager.email]
    return "business_manager" if only_bm else chase.role


def copied(app: App, cc: list[str]) -> list[str]:
    people = app.config.people
    names = {
        people.business_manager.email: "the Business Manager",
        people.independent_scrutineer.email: "the Independent Scrutineer",
    }
    return [names.get(address, address) for address in cc]


# Chased at the local authority's people, as who_to_chase says.
_LOCAL_AUTHORITY_S = ("panel_notification", "looked_after_death_notification")


def chased_agency(app: App, known: Known, deadline: Deadline) -> str | None:
    """The agency whose people are chased for an action-plan item or a notification the
    local authority owes: what they wrote on the case since is named in its escalation."""
    base = deadline.name.partition(":")[0]
    if base == deadlines.ACTION:
        return known.action_owner(deadline)
    if base in _LOCAL_AUTHORITY_S:
        return app.config.statutory_agency("local_authority").key
    return None  # an Appendix B return is asked of its agency by request (bot.services.away)


def clocks_started(app: App, known: Known, rows: Sequence[Deadline]) -> dict[Key, date]:
    """For each (case, agency) chased_agency names, the earliest start of its clocks."""
    return earliest(
        ((d.case_id, agency), d.start)
        for d in rows
        if (agency := chased_agency(app, known, d)) is not None
    )

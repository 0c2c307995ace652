"""Who holds which role that gives commands, from the configuration: the Business Manager, the
Independent Scrutineer and each statutory partner's representative, with their deputies."""

from __future__ import annotations

from bot.app import App
from bot.config.model import STATUTORY_ROLES, Person


def role_holders(app: App) -> dict[str, Person]:
    """Each role that gives commands, and the configured person holding it."""
    people = app.config.people
    holders = {
        "business_manager": people.business_manager,
        "independent_scrutineer": people.independent_scrutineer,
    }
    for role in STATUTORY_ROLES:
        dsp = app.config.statutory_agency(role).dsp
        if dsp is not None:
            holders[role] = dsp
    return holders


def roles_of(app: App, address: str) -> set[str]:
    """The roles `address` gives commands for: as the person holding it, or as a deputy."""
    address = address.lower()
    return {role for role, p in role_holders(app).items() if address in p.command_addresses}

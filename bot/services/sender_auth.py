"""How senders are authenticated, as configured under [commands]: the policy bot.core.authn
applies to commands, and to the calendar answers it does not require to be authenticated."""

from __future__ import annotations

from bot.app import App
from bot.core.authn import AuthMode, AuthPolicy, ExchangeOrganisation


def auth_policy(app: App) -> AuthPolicy:
    s = app.config.commands
    exchange = (
        ExchangeOrganisation(
            frozenset(s.exchange_accepted_domains), frozenset(s.exchange_auth_sources)
        )
        if s.trust_exchange_internal
        else None
    )
    return AuthPolicy(
        frozenset(s.trusted_authserv_ids),
        AuthMode(s.auth_mode),
        trust_topmost_unlabelled=s.trust_topmost_unlabelled,
        receiving_hosts=frozenset(s.receiving_hosts),
        exchange=exchange,
    )

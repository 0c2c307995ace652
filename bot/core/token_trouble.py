"""A Microsoft 365 access token that could not be had, told apart from a job's own trouble:
one such failure stops every job that reads or sends, and waiting does not mend it
(bot.core.health raises one "token" problem for all of them)."""

from __future__ import annotations

# What every adapter (IMAP, SMTP, Graph) writes before Entra ID's reason when it could not get
# an access token at all; a token the mail server refused is a permission problem instead.
TOKEN_MARK = "no OAuth token: "


def token_advice(reason: str, secret_env: str | None, uses_secret: bool) -> str:
    """What to do when no token could be had: when Entra ID was not reached, the network; when
    it refused one, the credential, which most likely expired."""
    if reason.startswith("cannot reach ") or f"{TOKEN_MARK}cannot reach " in reason:
        return (
            "Entra ID could not be reached from this machine: check its network, DNS and any "
            "proxy (the credential was never tried)"
        )
    if uses_secret:
        where = f"the {secret_env} environment variable" if secret_env else "the client secret"
        return f"the client secret may have expired: renew it in Entra ID and update {where}"
    return (
        "the certificate may have expired or been removed: upload a new one to the app "
        "registration in Entra ID and update certificate_path"
    )


def token_reason(error: str | None) -> str | None:
    """Entra ID's reason when `error` is a failure to get a token, else None."""
    if not error or TOKEN_MARK not in error:
        return None
    return error.split(TOKEN_MARK, 1)[1].strip() or "no reason given"

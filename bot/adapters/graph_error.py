"""The error of every Microsoft Graph call, in a module of its own so that the services that
catch it (a meeting moved on the calendar, a screening booked) load neither `requests` nor
`msal` until a Graph call is really made."""

from __future__ import annotations

_MAILBOX_NOT_SERVED = frozenset(
    {"MailboxNotEnabledForRESTAPI", "MailboxNotSupportedForRESTAPI", "ErrorInvalidUser"}
)


class GraphError(Exception):
    """A Graph call failed; the message is one line fit for the log and the Business Manager.

    status is the HTTP status (0 when no answer came), code Graph's error code.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int = 0,
        code: str = "",
        maybe_done: bool = False,
        no_token: bool = False,
        unreachable: bool = False,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        # The request went but no answer came (a read timeout, a gateway timeout): it may
        # have taken effect.
        self.maybe_done = maybe_done
        # Nothing was asked of Graph: Entra ID gave no token (refused the app's credential, or
        # could not be reached), or no connection to Graph could be made (bot.adapters.
        # http_failure). Every call fails alike until someone mends it.
        self.no_token = no_token
        self.unreachable = unreachable

    @property
    def about_the_mailbox(self) -> bool:
        """A 404 that names the mailbox, not the item asked for: Graph does not serve it
        (MailboxNotEnabledForRESTAPI or MailboxNotSupportedForRESTAPI: inactive, soft-deleted,
        unlicensed or on-premises, KB 4462988) or the user is not one (ErrorInvalidUser)."""
        return self.status == 404 and self.code in _MAILBOX_NOT_SERVED

    @property
    def permanent(self) -> bool:
        """True when sending the same request again cannot succeed (a 4xx other than a
        timeout, throttling or an expired token)."""
        return 400 <= self.status < 500 and self.status not in (401, 408, 429)

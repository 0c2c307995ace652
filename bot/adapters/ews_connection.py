"""One mailbox reached over Exchange Web Services with exchangelib: the login, the account
(made once, dropped when the server or the network fails), the folders beside the Inbox, and
exchangelib's exceptions worded as one MailboxError line. EwsSource reads through it, and the
sender and the calendar share it."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from bot.adapters.ews_auth import EwsAuth, NoToken, configuration, forget_other_protocol, refusal
from bot.adapters.http_failure import connect_problem, never_connected
from bot.adapters.mail_source import MailboxError
from bot.adapters.oauth_tokens import OAuthLogin

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class EwsLogin:
    """Where and how to reach one mailbox over EWS."""

    endpoint: str  # https://mail.council.internal/EWS/Exchange.asmx
    mailbox: str  # the shared mailbox's primary SMTP address
    username: str  # DOMAIN\\user or user@domain (ntlm, basic); the principal (kerberos)
    password: str = field(repr=False)  # "" for kerberos and oauth2
    auth: EwsAuth = "ntlm"

    def describe(self) -> str:
        return f"EWS {self.endpoint}"


# Exchange's refusals of the mailbox itself: the app's rights or scope, not the network.
_REFUSALS = frozenset(
    {
        "ErrorAccessDenied",
        "ErrorNonExistentMailbox",
        "ErrorImpersonateUserDenied",
        "ErrorImpersonationDenied",
    }
)


class EwsUnusable(MailboxError):
    """The server could not be reached (no connection made: no such host, refused, a connect
    timeout, TLS), or it refused the login, the token or this mailbox: every request fails
    alike until someone mends it. The sender reports it as mail server trouble."""


def unusable(exc: BaseException) -> bool:
    """Whether guard() words `exc` as EwsUnusable."""
    from exchangelib.errors import UnauthorizedError

    refused = isinstance(exc, UnauthorizedError | NoToken) or type(exc).__name__ in _REFUSALS
    return refused or never_connected(exc)


class EwsConnection:
    """One exchangelib Account, opened on first use; every EWS failure becomes a MailboxError
    line naming the endpoint (never the password or token). With auth = "oauth2", `oauth`
    gives the bearer tokens."""

    def __init__(self, login: EwsLogin, oauth: OAuthLogin | None = None) -> None:
        self.login = login
        self._oauth = oauth
        self._account: Any = None
        self._folders: dict[str, Any] = {}

    def account(self) -> Any:
        if self._account is None:
            # Imported here: no work at import time for other backends.
            from exchangelib import DELEGATE, IMPERSONATION, Account
            from exchangelib import UTC as EWS_UTC

            from bot.adapters.ews_deadline import use_for_exchangelib

            use_for_exchangelib()  # before any session is made: a send's requests end in time
            login = self.login
            config = configuration(
                login.endpoint, login.auth, login.username, login.password, self._oauth
            )
            forget_other_protocol(config)
            self._account = Account(
                primary_smtp_address=login.mailbox,
                config=config,
                autodiscover=False,  # the endpoint is configured, not looked up
                # An app-only token is no mailbox user: it acts as the mailbox by impersonation.
                access_type=IMPERSONATION if login.auth == "oauth2" else DELEGATE,
                default_timezone=EWS_UTC,
            )
        return self._account

    @contextmanager
    def guard(self, doing: str) -> Iterator[None]:
        """Turns exchangelib's exceptions into one MailboxError line (EwsUnusable when every
        request would fail alike)."""
        from exchangelib.errors import (
            EWSError,
            RateLimitError,
            ResponseMessageError,
            TransportError,
            UnauthorizedError,
        )

        where = self.login.describe()
        try:
            yield
        except MailboxError:
            raise
        except NoToken as exc:
            self._account = None
            raise EwsUnusable(f"{where}: no OAuth token: {exc}") from None
        except UnauthorizedError:
            self._account = None
            login = self.login
            raise EwsUnusable(
                f"{where}: {refusal(login.auth, login.username, login.mailbox)}"
            ) from None
        except ResponseMessageError as exc:
            # exchangelib files Exchange's answers under TransportError, a 503 made into
            # ErrorServerBusy among them; a refusal of this mailbox is no network trouble.
            if type(exc).__name__ in _REFUSALS:
                raise EwsUnusable(
                    f"{where}: Exchange refused {doing}: {type(exc).__name__} ({exc})"
                ) from None
            self._account = None
            raise self._unreached(exc, doing) from None
        except (TransportError, RateLimitError, OSError) as exc:
            self._account = None
            raise self._unreached(exc, doing) from None
        except EWSError as exc:
            raise MailboxError(f"{where}: {type(exc).__name__} while {doing} ({exc})") from None

    def _unreached(self, exc: Exception, doing: str) -> MailboxError:
        """The network or the server failed; EwsUnusable when no connection was made at all
        (worded in a few words: exchangelib's own wording nests three exceptions)."""
        where = f"{self.login.describe()}: cannot reach the server while {doing}"
        if never_connected(exc):
            return EwsUnusable(f"{where}: {connect_problem(exc)}")
        return MailboxError(f"{where} ({exc})")

    def folder(self, name: str, *, create: bool = True) -> Any:
        """A folder at the top of the mailbox (beside the Inbox) by display name; created
        when missing unless create is False (then None)."""
        if name in self._folders:
            return self._folders[name]
        from exchangelib.errors import ErrorFolderExists
        from exchangelib.folders import Folder

        top = self.account().msg_folder_root
        found = self._child(top, name)
        if found is None and create:
            try:
                found = Folder(parent=top, name=name)
                found.save()
                log.info("created the %s folder in the mailbox", name)
            except ErrorFolderExists:
                found = self._child(top, name)  # another instance made it meanwhile
        if found is not None:
            self._folders[name] = found
        return found

    def _child(self, top: Any, name: str) -> Any:
        wanted = name.casefold()
        return next((f for f in self._children(top) if _name(f).casefold() == wanted), None)

    def _children(self, top: Any) -> Any:
        from exchangelib.folders import FolderCollection

        return FolderCollection(account=self.account(), folders=[top]).find_folders()

    def folder_names(self) -> list[str]:
        """The folders at the top of the mailbox, beside the Inbox."""
        return [_name(f) for f in self._children(self.account().msg_folder_root)]

    def find(self, folder: Any, message_id: str) -> str | None:
        """The id of the message in folder with this Internet Message-ID, or None."""
        for item in folder.filter(message_id=message_id).only("id")[:1]:
            return str(item.id)
        return None

    def close(self) -> None:
        account, self._account = self._account, None
        self._folders.clear()
        if account is not None:
            try:
                account.protocol.close()
            except Exception:  # closing must not mask the pass's own outcome
                log.debug("closing the EWS sessions failed", exc_info=True)


def _name(folder: Any) -> str:
    return str(getattr(folder, "name", "") or "")

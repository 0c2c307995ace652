"""`tscp-bot doctor`'s look at the Sent folder the outbox searches before it sends an email
again whose earlier attempt was cut short. A folder that is not there (renamed, or another
name configured) would stop those emails (they wait rather than risk a second copy), so it
is named here with the folders the server does have."""

from __future__ import annotations

from bot.adapters.mail_source import MailboxError
from bot.adapters.oauth_tokens import EntraApp
from bot.adapters.outgoing import SendError
from bot.bootstrap import make_sent_lookup
from bot.config import Config
from bot.services.doctor_check import Check

# A Message-ID no email has: the search only shows whether the folder can be searched.
_NO_SUCH_MESSAGE = "doctor-sent-folder-check@tscp-bot.invalid"


def sent_folder_checks(
    config: Config, tokens: EntraApp | None, earlier: list[Check]
) -> list[Check]:
    """One line when a Sent folder is looked in (see bootstrap.make_sent_lookup), else none;
    skipped when the mailbox or sending could not be reached (its login is the same)."""
    if any(c.status == "FAIL" and c.what in ("mailbox", "sending") for c in earlier):
        return [Check("warn", "Sent folder", "skipped: the mailbox or sending check failed")]
    try:
        lookup = make_sent_lookup(config, tokens)
    except MailboxError as exc:
        return [Check("FAIL", "Sent folder", str(exc))]
    if lookup is None:
        return []
    folder = config.outgoing.sent_folder
    try:
        lookup.was_sent(_NO_SUCH_MESSAGE)
    except SendError as exc:
        return [Check("FAIL", "Sent folder", str(exc))]
    finally:
        lookup.close()
    return [Check("ok", "Sent folder", f"{folder!r} exists: a send cut short is looked for there")]

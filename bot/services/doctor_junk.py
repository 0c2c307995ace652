"""`doctor`'s look at the junk folder: whether the bot can list it, said once where it cannot,
since mail Exchange files there reaches a person only through this look. Each line says what
is true for the mail source configured: over IMAP the setting, elsewhere the folder looked at
and that no setting names another (bot.core.junk_where, the words `status` uses too)."""

from __future__ import annotations

from bot.adapters.junk_look import JunkListing, JunkLook
from bot.config.model import MailboxSettings
from bot.core.junk_where import how_found, which_junk
from bot.services.doctor_check import Check
from bot.services.failures import describe_error

WHAT = "mailbox junk folder"


def junk_check(source: object, mailbox: MailboxSettings) -> Check:
    if not isinstance(source, JunkLook):
        return Check("warn", WHAT, "not looked at by this mailbox kind: check Junk Email by hand")
    try:
        listing = source.junk(frozenset())
    except Exception as exc:
        return Check(
            "warn",
            WHAT,
            f"cannot be looked at ({describe_error(exc)}): mail is still read, but check "
            f"{_by_hand(mailbox)} by hand; {which_junk(mailbox.backend)}",
        )
    if listing is None:
        return Check(
            "warn",
            WHAT,
            f"none found ({_none_found(mailbox)}): mail filed as junk is not looked at; "
            f"{_when_none(mailbox)}",
        )
    return Check("ok", WHAT, _listed(listing, mailbox))


def _listed(listing: JunkListing, mailbox: MailboxSettings) -> str:
    name = _maildir_junk(mailbox) if mailbox.backend == "maildir" else listing.folder
    said = f"{name!r} listed (never read or moved): {len(listing.present)} messages"
    if listing.found_by is None:
        return f"{said}; {which_junk(mailbox.backend)}"
    return f"{said}; {how_found(listing.found_by)}"


def _none_found(mailbox: MailboxSettings) -> str:
    if mailbox.backend == "imap":
        return "no folder flagged \\Junk, none named Junk Email or Junk"
    if mailbox.backend == "maildir":
        return f"no {_maildir_junk(mailbox)}"
    return "the mailbox has no Junk Email folder"


def _when_none(mailbox: MailboxSettings) -> str:
    """What an administrator can do when there is no junk folder to look at."""
    advice = which_junk(mailbox.backend)
    if mailbox.backend == "maildir":
        return f"{advice}: if mail is filtered for junk, have it delivered there"
    if mailbox.backend in ("graph", "ews"):
        return f"{advice}: open the mailbox in Outlook on the web to see where junk goes"
    return advice


def _by_hand(mailbox: MailboxSettings) -> str:
    if mailbox.backend == "maildir":
        return _maildir_junk(mailbox)
    if mailbox.backend == "imap" and mailbox.junk_folder:
        return mailbox.junk_folder
    return "Junk Email"


def _maildir_junk(mailbox: MailboxSettings) -> str:
    return str(mailbox.maildir_path / ".Junk")

"""`doctor`'s look at the junk folder: whether the bot can list it, said once where it cannot,
since mail Exchange files there reaches a person only through this look."""

from __future__ import annotations

from bot.adapters.junk_look import JunkLook
from bot.services.doctor_check import Check
from bot.services.failures import describe_error

WHAT = "mailbox junk folder"


def junk_check(source: object) -> Check:
    if not isinstance(source, JunkLook):
        return Check("warn", WHAT, "not looked at by this mailbox kind: check Junk Email by hand")
    try:
        listing = source.junk(frozenset())
    except Exception as exc:
        return Check(
            "warn",
            WHAT,
            f"cannot be looked at ({describe_error(exc)}): mail is still read, but check "
            "Junk Email by hand",
        )
    if listing is None:
        return Check(
            "warn",
            WHAT,
            "none found (no folder flagged \\Junk, none named Junk Email or Junk): mail filed "
            "as junk is not looked at; set [mailbox] junk_folder",
        )
    return Check(
        "ok",
        WHAT,
        f"{listing.folder!r} listed (never read or moved): {len(listing.present)} messages",
    )

"""Which junk folder the bot looks at, for each mail source, in the words both `doctor` and
the look's trouble line (`status`) use: only IMAP's is named by a setting, so only there is
an administrator told to set it; elsewhere the line says what is looked at and that no
setting names another, so that no one sets [mailbox] junk_folder in vain."""

from __future__ import annotations

from typing import Literal

SETTING = "[mailbox] junk_folder"
# How the IMAP junk folder was found: the setting names it, the server flags it \Junk (RFC
# 6154), or it has one of the usual names. An administrator told only "by its flag or its
# name" cannot tell whether the server marks it, nor why another folder is not the one looked at.
FoundBy = Literal["setting", "flag", "name"]
# Folders the bot looks at whatever the config says, by mail source. Graph's well-known
# `junkemail` and EWS's distinguished folder of that name are Exchange's own Junk Email.
_FIXED = {"maildir": "the Maildir's .Junk folder"}
_JUNK_EMAIL = "the mailbox's Junk Email folder, found by its well-known name"
# Where a folder can be renamed away from what the bot looks for (over Graph and EWS the
# well-known name follows Junk Email whatever it is called).
_RENAMEABLE = frozenset({"imap", "maildir"})


def which_junk(backend: str) -> str:
    """What an administrator can do about which folder is looked at: set the setting over
    IMAP; elsewhere nothing, and the line says so."""
    if backend == "imap":
        return f"set {SETTING} to its name"
    return f"the bot looks at {_FIXED.get(backend, _JUNK_EMAIL)}; no setting names another"


def lost_junk(backend: str) -> str:
    """Why a junk folder is no longer found where messages were seen, and what to do."""
    advice = which_junk(backend)
    return f"renamed? {advice}" if backend in _RENAMEABLE else advice


def how_found(found_by: FoundBy) -> str:
    """How `doctor` says the IMAP junk folder listed was found."""
    if found_by == "setting":
        return f"named by {SETTING}"
    if found_by == "flag":
        return f"found by its \\Junk flag ({SETTING} can name another)"
    return f"found by its name, no folder being flagged \\Junk ({SETTING} can name another)"

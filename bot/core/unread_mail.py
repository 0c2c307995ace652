"""Mail whose words the bot cannot take as they stand: a person must read the email itself.

An Outlook recall reads like the email it recalls ("Recall: Serious Incident Notification"),
so the rules would open a second case from it, and nobody would learn the sender wanted the
first withdrawn. An S/MIME email is sealed: its text and attachments never reach the reader,
so whatever the rules make of its subject, a person has not seen what was written. Nor is
a form inside a zip file: the document reader opens no archives. Nor is what an email lost on
the way: one a gateway cut short reads as far as it goes, and its attachment or the end of its
text is simply not there.
"""

from __future__ import annotations

import re

from bot.core.message import MailMessage

_RECALL_SUBJECT = re.compile(r"^\s*recall:\s*(?P<subject>.*)\Z", re.IGNORECASE | re.DOTALL)
# Outlook's wording, whatever the sender's name: '<name> would like to recall the message, "..."'.
_RECALL_BODY = re.compile(r"would\s+like\s+to\s+recall\s+the\s+message", re.IGNORECASE)
# Containers the bot has no key for (S/MIME enveloped or opaque-signed data, OpenPGP).
_SEALED_TYPES = frozenset(
    {"application/pkcs7-mime", "application/x-pkcs7-mime", "application/pgp-encrypted"}
)
_SUBJECT_SHOWN = 120
# Archives the document reader does not open: a form inside one is never read. By the file's
# own extension when it has one, as a .docx is a zip too and some mailers label it so.
_ARCHIVE_EXTENSIONS = (".zip", ".7z", ".rar")
_ARCHIVE_TYPES = frozenset(
    {"application/zip", "application/x-zip-compressed", "application/x-7z-compressed",
     "application/x-rar-compressed", "application/vnd.rar"}
)  # fmt: skip


# The parser's signs that parts of an email are gone (bot.adapters.parsing names each "broken
# MIME: <defect>"): it ends inside a part (cut short), a part's start or the boundary between
# parts was lost. Not the other defects, which say a header or a line was odd, not that
# anything is missing.
_LOST_PARTS = frozenset(
    {"CloseBoundaryNotFoundDefect", "StartBoundaryNotFoundDefect", "NoBoundaryInMultipartDefect"}
)


def recalled_subject(msg: MailMessage) -> str | None:
    """The subject of the email an Outlook recall asks to withdraw, if `msg` is one."""
    found = _RECALL_SUBJECT.match(msg.subject)
    if found is None or not _RECALL_BODY.search(msg.text):
        return None
    return " ".join(found.group("subject").split())


def sealed_parts(msg: MailMessage) -> tuple[str, ...]:
    """The names of the parts of `msg` sealed against reading (S/MIME, OpenPGP)."""
    return tuple(
        a.filename or a.content_type
        for a in msg.attachments
        if a.content_type.lower() in _SEALED_TYPES or a.filename.lower().endswith(".p7m")
    )


def archives(msg: MailMessage) -> tuple[str, ...]:
    """The names of the archives attached to `msg` (zip, 7z, rar)."""
    found = []
    for a in msg.attachments:
        name = a.filename.lower()
        has_extension = "." in name.rpartition("/")[2]
        by_type = not has_extension and a.content_type.lower() in _ARCHIVE_TYPES
        if name.endswith(_ARCHIVE_EXTENSIONS) or by_type:
            found.append(a.filename or a.content_type)
    return tuple(found)


def lost_parts(msg: MailMessage) -> bool:
    """Whether `msg` arrived with parts of it gone: cut short, or its parts' boundaries lost."""
    return any(d.rpartition(" ")[2] in _LOST_PARTS for d in msg.defects)


def why_read_whole(msg: MailMessage, *, automatic: bool = False) -> str | None:
    """Why a person must read `msg` in the mailbox, as the triage list says it; None when the
    bot read what was written. `automatic`: an out-of-office or returned mail, whose own damage
    (a bounce's copy of the email it returns is often cut short on purpose) loses nothing."""
    reasons = []
    recalled = recalled_subject(msg)
    if recalled is not None:
        shown = recalled[:_SUBJECT_SHOWN] + ("..." if len(recalled) > _SUBJECT_SHOWN else "")
        reasons.append(
            f'an Outlook recall of an earlier email ("{shown}"): the sender wants it withdrawn, '
            "and the bot undid nothing; find that email, check what was done with it, and "
            "answer the sender"
        )
    sealed = sealed_parts(msg)
    if sealed:
        reasons.append(
            f"encrypted or signed (S/MIME: {', '.join(sealed)}): the bot could not read what "
            "was written or attached; open it in Outlook and deal with it by hand"
        )
    packed = archives(msg)
    if packed:
        reasons.append(
            f"attached archive not opened ({', '.join(packed)}): a form or document inside it "
            "was not read; open it and deal with it by hand"
        )
    if lost_parts(msg) and not automatic:
        reasons.append(
            "arrived damaged (cut short, or the boundaries between its parts lost on the way): "
            "an attachment or the end of its text may be missing; open it in the mailbox and, "
            "if something is, ask the sender to send it again"
        )
    return "; ".join(reasons) or None

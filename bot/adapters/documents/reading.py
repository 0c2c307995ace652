"""Read a message's body and attachments into text with provenance, never raising."""

from __future__ import annotations

import dataclasses
import logging
import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING

from bot.adapters.body_text import html_to_text
from bot.adapters.parsing import parse_message
from bot.core.doctext import BODY
from bot.core.message import AttachmentInfo, MailMessage
from bot.core.partly_read import BODY_PIECE

from .budget import UNTIMED, Budget, Report
from .detect import Kind, detect
from .model import DocumentText, Extract, Limits, Line, Table, Unreadable
from .text import html_tables, read_html, read_text, text_lines

if TYPE_CHECKING:
    from .tnef import Winmail

log = logging.getLogger(__name__)
Parse = Callable[[bytes], MailMessage]
DEFAULT_LIMITS = Limits()


# Each reader's library (pypdf, python-docx, olefile, striprtf, tnefparse) is imported when
# a file of its kind is first read: mail without attachments, and the commands that read no
# mail, never load them.


def _pdf(data: bytes, limits: Limits) -> Extract:
    from .pdf import read_pdf

    return read_pdf(data, limits)


def _docx(data: bytes, limits: Limits) -> Extract:
    from .docx import read_docx

    return read_docx(data, limits)


def _rtf(data: bytes, limits: Limits) -> Extract:
    from .rtf import read_rtf

    return read_rtf(data)


def _ole(data: bytes, limits: Limits) -> Extract:
    from .ole import read_ole

    return read_ole(data)


def _refuse(reason: str) -> Callable[[bytes, Limits], Extract]:
    def reader(data: bytes, limits: Limits) -> Extract:
        raise Unreadable(reason)

    return reader


_READERS: dict[Kind, Callable[[bytes, Limits], Extract]] = {
    Kind.PDF: _pdf,
    Kind.ZIP: _docx,
    Kind.OLE: _ole,
    Kind.RTF: _rtf,
    Kind.HTML: lambda data, limits: read_html(data),
    Kind.TEXT: lambda data, limits: read_text(data),
    Kind.EMPTY: _refuse("empty file (0 bytes); please ask for it to be re-sent"),
    Kind.IMAGE: _refuse(
        "a picture, not a document: cannot be read automatically; "
        "if it is a photo or scan of a form, enter it by hand"
    ),
    Kind.UNKNOWN: _refuse("unsupported file type, not read; please ask for .docx or PDF"),
}


def read_attachment(
    filename: str, content_type: str, data: bytes, *, limits: Limits = DEFAULT_LIMITS
) -> DocumentText:
    """One attachment as text. A winmail.dat or forwarded email is opened too, and what it
    holds is flattened into the one result (each line's `where` still names its file)."""
    reading = _Reading(limits, None)
    docs = reading.any(filename or "unnamed attachment", content_type, data, "", 0)
    if len(docs) == 1:
        return docs[0]
    return DocumentText(
        source=filename,
        lines=tuple(line for doc in docs for line in doc.lines),
        tables=tuple(table for doc in docs for table in doc.tables),
        problems=tuple(problem for doc in docs for problem in doc.problems),
        original_sender=next((d.original_sender for d in docs if d.original_sender), None),
    )


def read_message(
    msg: MailMessage,
    *,
    limits: Limits = DEFAULT_LIMITS,
    parse: Parse | None = None,
    seconds: float | None = None,
    report: Report | None = None,
) -> list[DocumentText]:
    """The body, then every attachment; forwarded emails and winmail.dat opened (depth-limited).
    An attachment is not begun once `seconds` have passed (bot.adapters.documents.budget);
    `report` is told of each piece begun and done."""
    return _Reading(limits, parse, Budget(seconds, report)).mail(msg, "", 0)


class _Reading:
    def __init__(self, limits: Limits, parse: Parse | None, budget: Budget = UNTIMED) -> None:
        self.limits = limits
        self._parse = parse
        self._budget = budget

    def parse(self, raw: bytes) -> MailMessage:
        return (self._parse or parse_message)(raw)

    def mail(self, msg: MailMessage, prefix: str, depth: int) -> list[DocumentText]:
        # mail-parser also lists what a forwarded message holds among the outer message's own
        # parts, so open forwarded messages first and skip their copies afterwards.
        timing = self._budget if depth == 0 else UNTIMED
        opened: dict[int, list[DocumentText]] = {}
        inner_parts: set[tuple[str, bytes]] = set()
        text, html = msg.text, msg.html
        for index, att in enumerate(msg.attachments):
            if att.too_large or detect(att.filename, att.content_type, att.payload) != Kind.EMAIL:
                continue
            if not timing.begin(index):
                opened[index] = timing.not_begun(index, att.filename or "unnamed attachment")
                continue
            docs, inner = self.forwarded(att.filename, att.payload, prefix, depth)
            opened[index] = timing.done(index, docs)
            if inner is not None:
                inner_parts |= {(a.filename, a.payload) for a in inner.attachments}
                text = _without(text, inner.text)
                html = _without(html, inner.html)
        try:
            result = [self.body(prefix + BODY, text, html)]
        except Exception as exc:  # the body's HTML defeated the parser: keep going
            log.warning("reading a message body failed (%s)", type(exc).__name__)
            result = [_failed(prefix + BODY, f"could not be read ({type(exc).__name__})")]
        timing.done(BODY_PIECE, [*result])
        for index, att in enumerate(msg.attachments):
            if index in opened:
                result.extend(opened[index])
            elif (att.filename, att.payload) not in inner_parts or att.too_large:
                result.extend(self.timed(timing, index, att, prefix, depth))
            else:  # read as part of the forwarded email that holds it
                timing.done(index, [])
        return result

    def timed(
        self, timing: Budget, index: int, att: AttachmentInfo, prefix: str, depth: int
    ) -> list[DocumentText]:
        """One of the email's own attachments, unless its time was spent (a refusal for size
        takes no time, and says so rather than that)."""
        if not att.too_large and not timing.begin(index):
            return timing.not_begun(index, att.filename or "unnamed attachment")
        return timing.done(index, self.attachment(att, prefix, depth))

    def attachment(self, att: AttachmentInfo, prefix: str, depth: int) -> list[DocumentText]:
        source = prefix + (att.filename or "unnamed attachment")
        if att.too_large:
            return [
                _failed(
                    source,
                    f"too large to read ({att.size:,} bytes, over the attachment limit); "
                    "please ask for a smaller copy or enter it by hand",
                )
            ]
        return self.any(att.filename or "unnamed attachment", att.content_type, att.payload,
                        prefix, depth)  # fmt: skip

    def any(
        self, name: str, content_type: str, data: bytes, prefix: str, depth: int
    ) -> list[DocumentText]:
        source = prefix + name
        try:
            kind = detect(name, content_type, data)
            if kind == Kind.EMAIL:
                return self.forwarded(name, data, prefix, depth)[0]
            if kind == Kind.TNEF:
                return self.winmail(name, data, prefix, depth)
            return [self.single(source, kind, data)]
        except Exception as exc:  # never let one attachment stop the ingest loop
            log.warning("reading an attachment failed (%s)", type(exc).__name__)
            return [_failed(source, f"could not be read ({type(exc).__name__})")]

    def single(self, source: str, kind: Kind, data: bytes) -> DocumentText:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                found = _READERS[kind](data, self.limits)
        except Unreadable as exc:
            return _failed(source, str(exc))
        except Exception as exc:  # a library's own bug or an unforeseen input
            log.warning("%s reader failed (%s)", kind.value, type(exc).__name__)
            return _failed(source, f"could not be read ({type(exc).__name__})")
        return _labelled(source, found)

    def body(self, source: str, text: str, html: str) -> DocumentText:
        found = Extract()
        text_lines(text if text.strip() else html_to_text(html) if html else "", found)
        if html:
            html_tables(html, found)
        return _labelled(source, found)

    def too_deep(self, source: str, depth: int, what: str) -> DocumentText | None:
        if depth < self.limits.max_attachment_depth:
            return None
        return _failed(source, f"{what} nested too deeply to open; please open it by hand")

    def forwarded(
        self, name: str, data: bytes, prefix: str, depth: int
    ) -> tuple[list[DocumentText], MailMessage | None]:
        source = prefix + name
        if (refused := self.too_deep(source, depth, "forwarded email")) is not None:
            return [refused], None
        try:
            inner = self.parse(data)
        except Exception as exc:  # ParseError, or a parser's own failure
            log.info("forwarded message not parsed (%s)", type(exc).__name__)
            return [
                _failed(source, "damaged forwarded email; please ask for it to be re-sent")
            ], None
        sender = inner.from_addr or "unknown sender"
        docs = self.mail(inner, f"{prefix}forwarded message from {sender}: ", depth + 1)
        if inner.from_addr:
            docs = [
                doc if doc.original_sender else dataclasses.replace(doc, original_sender=sender)
                for doc in docs
            ]
        return docs, inner

    def winmail(self, name: str, data: bytes, prefix: str, depth: int) -> list[DocumentText]:
        source = prefix + name
        if (refused := self.too_deep(source, depth, "winmail.dat")) is not None:
            return [refused]
        from .tnef import read_tnef

        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                content = read_tnef(data)
        except Unreadable as exc:
            return [_failed(source, str(exc))]
        return self.winmail_content(content, f"{source}: ", depth + 1)

    def winmail_content(self, content: Winmail, prefix: str, depth: int) -> list[DocumentText]:
        body = self.body(prefix + BODY, content.body, content.html)
        if content.rtf_only:
            body = dataclasses.replace(
                body,
                problems=(
                    f"{prefix + BODY}: the message text is compressed RTF, not read; "
                    "check the original email by hand",
                ),
            )
        docs = [body]
        for name, data in content.attachments:
            docs.extend(self.any(name, "", data, prefix, depth))
        for number, embedded in enumerate(content.embedded, 1):
            source = f"{prefix}attached message {number}"
            if (refused := self.too_deep(source, depth, "attached Outlook message")) is not None:
                docs.append(refused)
            else:
                docs.extend(self.winmail_content(embedded, f"{source}: ", depth + 1))
        return docs


def _without(outer: str, inner: str) -> str:
    """`outer` with the last copy of `inner` taken out (mail-parser joins them)."""
    if not inner.strip() or inner not in outer:
        return outer
    head, _, tail = outer.rpartition(inner)
    return head + tail


def _failed(source: str, reason: str) -> DocumentText:
    return DocumentText(
        source=source, lines=(), tables=(), problems=(f"{source}: {reason}",), unread=True
    )


def _labelled(source: str, found: Extract) -> DocumentText:
    return DocumentText(
        source=source,
        lines=tuple(Line(f"{source}, {place}", text) for place, text in found.lines),
        tables=tuple(
            Table(f"{source}, {place}", tuple(tuple(row) for row in rows))
            for place, rows in found.tables
        ),
        problems=tuple(f"{source}: {problem}" for problem in found.problems),
    )

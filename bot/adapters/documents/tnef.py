"""Outlook's winmail.dat (TNEF): the body and the attachments it carries."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tnefparse.tnef import TNEF

from .model import Unreadable
from .text import decode_text


@dataclass
class Winmail:
    body: str = ""
    html: str = ""
    attachments: list[tuple[str, bytes]] = field(default_factory=list)
    embedded: list[Winmail] = field(default_factory=list)  # attached Outlook messages
    rtf_only: bool = False  # the body is compressed RTF only, which is not read


def read_tnef(data: bytes) -> Winmail:
    try:
        tnef = TNEF(data, do_checksum=False)
    except (ValueError, IndexError, KeyError, UnicodeDecodeError, UnboundLocalError) as exc:
        raise Unreadable("damaged winmail.dat; please ask for the form to be re-sent") from exc
    return _convert(tnef)


def _convert(tnef: Any) -> Winmail:
    result = Winmail(body=_text(tnef.body), html=_text(tnef.htmlbody))
    result.rtf_only = not (result.body or result.html) and bool(tnef.has_body())
    for index, attachment in enumerate(tnef.attachments, 1):
        embedded = getattr(attachment, "embed", None)
        if embedded is not None:
            result.embedded.append(_convert(embedded))
            continue
        try:
            raw = attachment.long_filename() or ""
            name = decode_text(raw).rstrip("\x00") if isinstance(raw, bytes) else str(raw)
        except UnicodeDecodeError:
            name = ""
        result.attachments.append((name or f"attachment-{index}", bytes(attachment.data or b"")))
    return result


def _text(value: object) -> str:
    if isinstance(value, bytes):
        return decode_text(value.rstrip(b"\x00"))
    return str(value).rstrip("\x00") if value else ""

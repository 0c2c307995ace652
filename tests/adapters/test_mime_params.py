"""bot.adapters.mime_params: a part's header parameters read once per header text, and read
as the standard library reads them."""

from __future__ import annotations

import email
import email.message
import uuid
from email.message import Message
from pathlib import Path
from typing import Any

import pytest

from bot.adapters.mail_parser_lean import parse_bytes
from bot.adapters.mime_params import RememberedParams
from bot.adapters.multipart_boundaries import message_from_bytes

CORPUS = sorted((Path(__file__).parents[1] / "corpus").glob("*.eml"))
_HEADERS = ("content-type", "content-disposition")


def _params(message: Message) -> list[Any]:
    """Every parameter reading of every part, each header quoted and unquoted."""
    return [
        (
            part.get_params(header=header),
            part.get_params(header=header, unquote=False),
            part.get_param("charset"),
            part.get_content_charset(),
            part.get_filename(),
        )
        for part in message.walk()
        for header in _HEADERS
    ]


def _counting_parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    parsed: list[str] = []
    parse = email.message._parseparam  # type: ignore[attr-defined]

    def counted(value: str) -> Any:
        parsed.append(value)
        return parse(value)

    monkeypatch.setattr(email.message, "_parseparam", counted)
    return parsed


@pytest.mark.parametrize("path", CORPUS, ids=[p.name for p in CORPUS])
def test_every_corpus_message_has_the_parameters_the_standard_library_reads(path: Path) -> None:
    raw = path.read_bytes()
    ours = message_from_bytes(raw)
    assert all(isinstance(part, RememberedParams) for part in ours.walk())
    # Read twice: the second reading is the remembered one.
    assert _params(ours) == _params(ours) == _params(email.message_from_bytes(raw))


def test_a_header_text_seen_before_is_not_parsed_again(monkeypatch: pytest.MonkeyPatch) -> None:
    parsed = _counting_parses(monkeypatch)
    name = f"notes-{uuid.uuid4().hex}.txt"
    part = (
        f'Content-Type: text/plain; charset="windows-1252"; name="{name}"\n'
        f'Content-Disposition: attachment; filename="{name}"\n\n'
    )
    first = message_from_bytes(part.encode() + b"first\n")
    second = message_from_bytes(part.encode() + b"second\n")
    assert (first.get_filename(), first.get_content_charset()) == (name, "windows-1252")
    assert (second.get_filename(), second.get_content_charset()) == (name, "windows-1252")
    assert len([p for p in parsed if name in p]) == 2  # each header once


def test_each_caller_is_handed_parameters_of_its_own() -> None:
    header = f"Content-Type: text/plain; charset=utf-8; x-token={uuid.uuid4().hex}\n\nbody\n"
    first = message_from_bytes(header.encode())
    handed = first.get_params(unquote=False)
    assert handed is not None
    handed.append(("charset", "koi8-r"))
    handed[1] = ("charset", "iso-8859-2")
    second = message_from_bytes(header.encode())
    assert second.get_content_charset() == first.get_content_charset() == "utf-8"


def test_a_header_of_raw_8_bit_bytes_is_read_as_the_standard_library_reads_it() -> None:
    raw = (
        b"Content-Type: multipart/mixed; boundary=b\n\n--b\n"
        b'Content-Type: application/pdf; name="r\xe9sum\xe9.pdf"\n'
        b"Content-Disposition: attachment; filename*=utf-8''r%C3%A9sum%C3%A9.pdf\n\n%PDF\n--b--\n"
    )
    assert _params(message_from_bytes(raw)) == _params(email.message_from_bytes(raw))


def test_mail_parser_reads_each_part_s_file_name_and_charset_once_per_header_text(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    parsed = _counting_parses(monkeypatch)
    name = f"Appendix B {uuid.uuid4().hex}.docx"
    raw = (
        "From: Dana Whitlow <dana@gmp.police.uk>\nContent-Type: multipart/mixed; boundary=b\n"
        '\n--b\nContent-Type: text/plain; charset="utf-8"\n\nOur return.\n--b\n'
        f'Content-Type: application/octet-stream; name="{name}"\n'
        f'Content-Disposition: attachment; filename="{name}"\n'
        "Content-Transfer-Encoding: base64\n\nUEsDBA==\n--b--\n"
    ).encode()
    before = [a["filename"] for a in parse_bytes(raw).attachments]
    again = [a["filename"] for a in parse_bytes(raw).attachments]
    assert before == again == [name]
    # The tree's part and mail-parser's view of it share the header texts: two parses, one
    # of each header, over both messages and all their readings.
    assert len([p for p in parsed if name in p]) == 2

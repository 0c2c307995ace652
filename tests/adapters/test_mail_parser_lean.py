"""bot.adapters.mail_parser_lean replaces a private step of mail-parser's parse(): these fail
loudly if a mail-parser upgrade changes that step or what the bot reads from it."""

from __future__ import annotations

import re
import uuid
from importlib.metadata import version
from pathlib import Path
from typing import Any

import mailparser.utils
import pytest
from mailparser import MailParser

from bot.adapters.mail_parser_lean import CHECKED_VERSION, parse_bytes

CORPUS = sorted((Path(__file__).parents[1] / "corpus").glob("*.eml"))
HEAD = b"From: Dana Whitlow <Dana.Whitlow@GMP.police.uk>\nTo: TSCP@tameside.gov.uk\n"
HOSTILE = {
    "bad addresses": b'From: <<a@b>>, ; "x\nTo: ,,,@,\nCc: =?utf-8?q?=0A?= <c@d>\n\nbody\n',
    "bad date": HEAD + b"Date: Fryday, 32 Decembre 2026 25:61 +9999\n\nbody\n",
    "bad received": HEAD + b"Received: from [8.8.8.8] (helo=(x) by ((\n\nbody\n",
    "unknown charset": HEAD + b"Content-Type: text/plain; charset=x-nope\n\n\xe9t\xe9\n",
    "bad mime header": HEAD
    + b"Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: application/pdf;"
    b' name="\xff\xfe.pdf"\nContent-Transfer-Encoding: base64\n\nJVBERi0=\n--b--\n',
    "boundary never found": HEAD + b"Content-Type: multipart/mixed; boundary=b\n\n --b\n"
    b"Content-Disposition: attachment; filename=late.txt\n\nlate\n --b--\n",
    "quoted-printable attachment": HEAD
    + b"Content-Type: multipart/mixed; boundary=b\n\n--b\n\ntext\n--b\n"
    b"Content-Type: text/plain; charset=latin-1\nContent-Transfer-Encoding: quoted-printable\n"
    b"Content-Disposition: attachment\n\nd=E9j=E0 vu=\n\n--b--\n",
    "no boundary": HEAD + b"Content-Type: multipart/mixed\n\n--b\n\nlost\n",
    "garbage": b"\x00\xff\xfe\x89garbage\n\x01",
    "nested too deep": b"".join(
        b'Content-Type: multipart/mixed; boundary="b%d"\n\n--b%d\n' % (i, i) for i in range(2000)
    ),
}
# mail-parser invents a random name for an unnamed attachment: the same on both sides.
_INVENTED = re.compile(r"^[a-z]{10}\.(txt|rtf)$")


def _read(parsed: Any) -> dict[str, Any]:
    """Everything bot.adapters.parsing reads from a parsed message (and the defects)."""
    attachments = [
        {**item, "filename": "invented"} if _INVENTED.match(item["filename"]) else item
        for item in parsed.attachments
    ]
    attachments = [
        {**item, "safe_filename": "invented"} if item["filename"] == "invented" else item
        for item in attachments
    ]
    return {
        "message": parsed.message.as_bytes() if parsed.message is not None else None,
        "from": parsed.from_,
        "to": parsed.to,
        "cc": parsed.cc,
        "date": parsed.date,
        "plain": parsed.text_plain,
        "html": parsed.text_html,
        "attachments": attachments,
        "defects": parsed.defects,
        "categories": parsed.defects_categories,
    }


def _outcome(parse: Any, raw: bytes) -> object:
    try:
        return _read(parse(raw))
    except Exception as exc:
        return type(exc)


def test_the_mail_parser_installed_is_the_one_checked() -> None:
    assert version("mail-parser") == CHECKED_VERSION, (
        "mail-parser was upgraded: check that MailParser.parse() still sets everything "
        "bot.adapters.parsing reads before it calls _make_mail, and that _make_mail still "
        "changes nothing else, then update CHECKED_VERSION"
    )


def test_the_summaries_the_bot_never_reads_are_not_built() -> None:
    raw = HEAD + b"Subject: hello\n\nbody\n"
    assert MailParser.from_bytes(raw)._mail  # the step replaced still builds it in mail-parser
    parsed = parse_bytes(raw)
    assert parsed._mail == {} and parsed._mail_partial == {}
    with pytest.raises(RuntimeError, match="not built"):
        parsed.mail  # noqa: B018


@pytest.mark.parametrize("path", CORPUS, ids=[p.name for p in CORPUS])
def test_every_corpus_message_reads_as_mail_parser_reads_it(path: Path) -> None:
    raw = path.read_bytes()
    assert _outcome(parse_bytes, raw) == _outcome(MailParser.from_bytes, raw)


@pytest.mark.parametrize("raw", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_mail_reads_as_mail_parser_reads_it(raw: bytes) -> None:
    assert _outcome(parse_bytes, raw) == _outcome(MailParser.from_bytes, raw)


def _counting_address_parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    parsed: list[str] = []
    parse = mailparser.utils.parse_address_header

    def counted(header: str, *args: Any, **kwargs: Any) -> Any:
        parsed.append(header)
        return parse(header, *args, **kwargs)

    monkeypatch.setattr(mailparser.utils, "parse_address_header", counted)
    return parsed


def test_a_sender_and_mailbox_seen_before_are_not_parsed_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    parsed = _counting_address_parses(monkeypatch)
    sender = f"From: Dana Whitlow <dana.{uuid.uuid4().hex}@gmp.police.uk>\n".encode()
    mailbox = f"To: TSCP <tscp.{uuid.uuid4().hex}@tameside.gov.uk>\n".encode()
    first = parse_bytes(sender + mailbox + b"Subject: one\n\nbody\n")
    second = parse_bytes(sender + mailbox + b"Subject: two\n\nanother body\n")
    assert len(parsed) == 2  # the From and the To, each once
    assert (second.from_, second.to) == (first.from_, first.to)
    assert second.from_ == [("Dana Whitlow", first.from_[0][1])]


def test_a_bad_address_remembered_is_still_a_defect_of_every_message_that_has_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    parsed = _counting_address_parses(monkeypatch)
    token = uuid.uuid4().hex
    bad = f'From: <<a{token}@b>>, ; "x\nTo: ,,,@,\n\nbody\n'.encode()
    stock = _read(MailParser.from_bytes(bad))
    once, again = _read(parse_bytes(bad)), _read(parse_bytes(bad))
    assert once == again == stock
    assert "AddressHeaderDefect" in again["categories"] and again["defects"] == stock["defects"]
    assert len([h for h in parsed if token in h]) == 2  # by the stock parser, and once more

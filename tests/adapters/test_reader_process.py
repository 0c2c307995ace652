"""The reading process (bot.adapters.reader_process) against the bot's own parse and read: the
same results from a real child, and a child that cannot parse an email has that email refused
as unparseable (quarantined at once by the pass), its neighbours still read by a fresh child."""

from __future__ import annotations

import pytest

from bot.adapters.documents import read_message
from bot.adapters.parsing import ParseError, parse_message
from bot.adapters.reader_process import ReaderProcess, ReadSettings
from tests.fixtures.app import ROOT

SAMPLES = sorted((ROOT / "samples").glob("*.eml"))


def _settings(memory_mb: int = 1024) -> ReadSettings:
    return ReadSettings(10_000_000, 50_000_000, 200, seconds=60, memory_mb=memory_mb)


def test_the_child_parses_and_reads_as_the_bot_does_ahead_or_not() -> None:
    reader = ReaderProcess(_settings())
    try:
        raws = [path.read_bytes() for path in SAMPLES]
        for raw in raws[2:]:
            reader.ahead(raw)
        for raw in raws:
            msg = reader.parse(raw)
            assert msg == parse_message(raw)
            assert reader.read(msg) == read_message(msg, parse=parse_message)
    finally:
        reader.close()


def test_an_email_whose_parse_stops_the_child_is_refused_and_the_next_is_read() -> None:
    reader = ReaderProcess(_settings())
    try:
        first, second = (path.read_bytes() for path in SAMPLES[:2])
        reader.parse(first)
        # A child that cannot even hold the parser: it dies on the first email it is sent.
        reader.settings = _settings(memory_mb=16)
        reader.close()
        with pytest.raises(ParseError, match="could not be parsed: its reader"):
            reader.parse(first)
        reader.settings = _settings()
        assert reader.parse(second) == parse_message(second)
    finally:
        reader.close()

"""A form's fields matched in the reading process (bot.adapters.reader_child) are the ones the
bot would match itself: SINs fetched from the real Dovecot leave the same case record with
`[ingest] read_in_child` on and off; and the bot takes the child's answer only for the very
documents it read, with the very vocabulary it was given, matching them itself otherwise."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.adapters.db.engine import make_engine, migrate
from bot.adapters.db.models import Case, CaseEvent, CaseField
from bot.adapters.imap_source import ImapSource
from bot.app import App
from bot.bootstrap import build_app
from bot.clock import FixedClock
from bot.core.forms import extract
from bot.services.ingest import ingest_pass
from tests.fixtures.app import example_data, make_config
from tests.fixtures.dovecot import DovecotServer
from tests.fixtures.forms_docx import sin_docx
from tests.fixtures.mail import email, sin

NOW = datetime(2026, 12, 23, 9, tzinfo=ZoneInfo("Europe/London"))


def _mail() -> list[bytes]:
    docx = email(
        "GM SIN form attached",
        "Please find the notification form attached.",
        sender="robin.example@gmp.police.uk",
        message_id="<docx-1@gmp.police.uk>",
        attachment=("SIN form.docx", sin_docx()),
    )
    return [docx, sin("<body-1@gmp.police.uk>", sender="officer2@gmp.police.uk")]


def _app(folder: Path, read_in_child: bool) -> App:
    folder.mkdir()
    url = f"sqlite:///{folder / 'bot.sqlite3'}"
    engine = make_engine(url)
    migrate(engine)
    engine.dispose()
    ingest = {**example_data().get("ingest", {}), "read_in_child": read_in_child}
    return build_app(make_config(folder, url, ingest=ingest), FixedClock(NOW))


def _record(app: App) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """What a person sees of the forms read: each case's fields and its events."""
    with app.sessions() as s:
        fields = s.execute(
            select(
                Case.ref,
                CaseField.scope,
                CaseField.name,
                CaseField.value,
                CaseField.where,
                CaseField.confidence,
                CaseField.problem,
            )
            .join(Case, Case.id == CaseField.case_id)
            .order_by(Case.ref, CaseField.scope, CaseField.name)
        )
        events = s.execute(
            select(Case.ref, CaseEvent.what, CaseEvent.detail, CaseEvent.why)
            .join(Case, Case.id == CaseEvent.case_id)
            .order_by(CaseEvent.id)
        )
        return [tuple(r) for r in fields], [tuple(r) for r in events]


def _pass(dovecot: DovecotServer, app: App) -> None:
    dovecot.new_user()
    for raw in _mail():
        dovecot.append(raw)
    source = ImapSource(
        dovecot.host, dovecot.port, dovecot.user, dovecot.password, security="plain"
    )
    try:
        report = ingest_pass(app, source)
    finally:
        source.close()
    assert (report.fetched, report.processed) == (2, 2)


def test_a_sins_fields_are_the_same_matched_in_the_child_or_here(
    tmp_path: Path, dovecot: DovecotServer
) -> None:
    records = []
    for read_in_child in (True, False):
        app = _app(tmp_path / str(read_in_child), read_in_child)
        try:
            _pass(dovecot, app)
            records.append(_record(app))
        finally:
            app.close()
    in_child, here = records
    fields, events = in_child
    assert {(ref, scope) for ref, scope, *_ in fields} == {
        ("TSCP-2026-0001", "sin"),
        ("TSCP-2026-0001", "child:1"),
        ("TSCP-2026-0002", "sin"),
    }
    assert any(what == "form_read" for _, what, _, _ in events)
    assert in_child == here


def test_the_bot_takes_the_childs_match_only_for_what_the_child_read(tmp_path: Path) -> None:
    raw = _mail()[0]
    app = _app(tmp_path / "child", read_in_child=True)
    try:
        docs = app.read_documents(app.parse(raw))
        vocabulary = app.vocabulary
        for expected in (None, *vocabulary.forms):
            found = app.extracted(docs, vocabulary, expected)
            assert found is not None and found == extract(docs, vocabulary, expected)
        assert found is not None and found.fields  # the SIN's fields, read by the child
        # Other documents (the same, copied), or another vocabulary (forms loaded again):
        # matched by the bot itself.
        assert app.extracted(list(docs), vocabulary, "sin") is None
        again = dataclasses.replace(vocabulary)
        assert app.extracted(docs, again, "sin") is None
        assert app.extracted(docs, vocabulary, "not a form") is None
    finally:
        app.close()
    here = _app(tmp_path / "here", read_in_child=False)
    try:
        docs = here.read_documents(here.parse(raw))
        assert here.extracted(docs, here.vocabulary, "sin") is None
    finally:
        here.close()

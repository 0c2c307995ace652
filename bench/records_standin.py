"""A small stand-in for bench/records.py (being written on branch i11-scale), with the same
interface: build(db_url, cases, outbox_rows) fills a migrated database with cases and outbox
rows.

TODO(i11-scale): delete this file once bench/records.py lands; bench/compare.py prefers it.

The stand-in goes through the bot's own services (a Maildir of SINs with forms, one ingest pass
on the embedded Maildir backend), so what it makes is exactly what the bot would hold. That is
slow (about 10-20 SINs a second today), so it makes only the cases asked for and the outbox rows
those cases queue (about two each); it ignores `outbox_rows`. The runner reports the counts it
actually found, so a pass timed on the stand-in is never mistaken for the 10,000-case figure.
"""

from __future__ import annotations

import tempfile
from datetime import datetime
from pathlib import Path

from bot.adapters.db.engine import make_engine, migrate
from bot.adapters.maildir_source import MaildirSource
from bot.bootstrap import build_app
from bot.clock import FixedClock
from bot.services.ingest import ingest_pass
from tests.fixtures.app import LONDON, make_config
from tests.fixtures.mail import drop_into_maildir


def build(db_url: str, cases: int, outbox_rows: int) -> None:
    from bench.harness import NOW, sin_with_form  # the runner's own generator

    del outbox_rows  # see the module docstring
    engine = make_engine(db_url)
    migrate(engine)
    engine.dispose()
    with tempfile.TemporaryDirectory(prefix="tscp-records-") as tmp:
        folder = Path(tmp)
        now = datetime.fromisoformat(NOW).replace(tzinfo=LONDON)
        app = build_app(make_config(folder, db_url), FixedClock(now))
        try:
            drop_into_maildir(folder / "inbox", *(sin_with_form(i) for i in range(cases)))
            ingest_pass(app, MaildirSource(folder / "inbox"))
        finally:
            app.close()

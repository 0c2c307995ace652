"""Check that a change to processing changes nothing a user sees: process the benchmark's mail
(the plain and 30%-SIN backlogs of bench/process_cost.py, and its replies and returns on
cases) and every .eml under tests/, each set in a fresh SQLite database at a fixed time, and
write every row the passes left (the outbox with its recipients, subjects, idempotency keys
and whole email bytes, the cases, deadlines, events, fields, meetings, the stored messages'
kinds and flags), in a fixed order, as text. Not part of the test suite.

    .venv/bin/python bench/pass_identity.py /tmp/before.txt /tmp/mail  # the code before
    .venv/bin/python bench/pass_identity.py /tmp/after.txt /tmp/mail   # the code after it
    diff /tmp/before.txt /tmp/after.txt && echo same

The mail is generated once and kept in the second file (the generator's damaged attachments
are random bytes, and an acknowledgement's idempotency key is drawn from what it answers), so
both runs read the same bytes.
Messages are stored and processed in one order (not a Maildir's listing order), so row ids
and case references are the same from run to run; the clock is fixed, so the times are too.
Left out, as they differ by nature from run to run: the MIME boundaries of an outgoing email
(random, as the standard library draws them). An incoming message's bytes are left out too
(their SHA-256 is kept).
"""

from __future__ import annotations

import pickle
import re
import sys
import tempfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402

from bench.ingest_imap import _generate  # noqa: E402
from bench.process_cost import _OUR_MX, _on_cases  # noqa: E402
from bot.adapters.db.engine import make_engine, migrate  # noqa: E402
from bot.adapters.db.models import Base  # noqa: E402
from bot.app import App  # noqa: E402
from bot.bootstrap import build_app  # noqa: E402
from bot.clock import Clock, FixedClock  # noqa: E402
from bot.services.process import process_many  # noqa: E402
from bot.services.store import store_raw  # noqa: E402
from tests.fixtures.app import make_config  # noqa: E402

_NOW = datetime(2026, 12, 23, 9, tzinfo=ZoneInfo("Europe/London"))
_BATCH = 50  # as a backlog is processed: a batch at a time, a savepoint per message


def _mail_sets() -> Iterator[tuple[str, list[list[bytes]]]]:
    """Each set of mail, as its passes in order (a set's warm-up passes open its cases)."""
    yield "plain", [_generate("plain", 220, 0)]
    yield "sins", [_generate("sins", 220, 0)]
    for kind in ("replies", "returns"):
        warmups, measured = _on_cases(kind, 20, 60)
        yield kind, [*warmups, measured]
    emls = sorted((ROOT / "tests").rglob("*.eml"))
    yield "tests-eml", [[path.read_bytes() for path in emls]]


_BOUNDARY = re.compile(r"={15}\d+==")
_LEFT_OUT = {("message_raw", "raw")}


def _shown(value: object) -> str:
    if isinstance(value, bytes):
        value = _BOUNDARY.sub("=BOUNDARY=", value.decode("utf-8", "backslashreplace"))
    return repr(value)


def _dump(app: object, out: list[str]) -> None:
    with app.sessions() as session:  # type: ignore[attr-defined]
        for table in Base.metadata.sorted_tables:
            rows = session.execute(select(table).order_by(*table.primary_key.columns)).all()
            for row in rows:
                fields = []
                for column, value in zip(table.columns, row, strict=True):
                    if (table.name, column.name) in _LEFT_OUT:
                        continue
                    fields.append(f"{column.name}={_shown(value)}")
                out.append(f"{table.name}: " + " ".join(fields))


def _run(name: str, passes: list[list[bytes]], out: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        app = identity_app(Path(tmp), FixedClock(_NOW))
        stored = 0
        for messages in passes:
            stored = store_and_process(app, messages, name, stored)
        out.append(f"=== {name}: {stored} messages")
        _dump(app, out)
        app.close()


def _mail(kept: Path) -> list[tuple[str, list[list[bytes]]]]:
    if kept.exists():
        loaded: list[tuple[str, list[list[bytes]]]] = pickle.loads(kept.read_bytes())
        return loaded
    sets = list(_mail_sets())
    kept.write_bytes(pickle.dumps(sets))
    return sets


def identity_app(folder: Path, clock: Clock) -> App:
    """The bot on a fresh SQLite database in `folder`, at `clock`, trusting the benchmark's own
    mail server's Authentication-Results (as bench/process_cost.py does)."""
    url = f"sqlite:///{folder / 'identity.sqlite3'}"
    engine = make_engine(url)
    migrate(engine)
    engine.dispose()
    trusted = {"auth_mode": "required", "trusted_authserv_ids": [_OUR_MX]}
    return build_app(make_config(folder, url, commands=trusted), clock)


def store_and_process(app: App, messages: list[bytes], name: str, stored: int) -> int:
    """One pass: `messages` stored in this order (keyed after the `stored` before them), then
    processed in batches; the count stored so far."""
    with app.sessions() as session:
        ids = []
        for raw in messages:
            ids.append(store_raw(session, raw, f"{name}-{stored}", _NOW).id)
            stored += 1
        session.commit()
    for start in range(0, len(ids), _BATCH):
        process_many(app, ids[start : start + _BATCH])
    return stored


def main() -> None:
    out: list[str] = []
    for name, passes in _mail(Path(sys.argv[2])):
        _run(name, passes, out)
    Path(sys.argv[1]).write_text("\n".join(out) + "\n", encoding="utf-8")
    print(f"{len(out)} lines written to {sys.argv[1]}")


if __name__ == "__main__":
    main()

"""Check that a change to sending changes nothing that is sent: the mail of
bench/pass_identity.py and bench/process_cost.py's 30%-SIN backlog (kept in a file of its
own), each set processed in a fresh SQLite database at a fixed time, and its outbox drained
once after each pass, on the day it was queued; then again in a second database, five days
later, after first drains the server turned away (so the send-time checks find
acknowledgements, invitations, notices and chases gone stale, and reword, re-date,
hold or withdraw them). Writes every email handed to the sender (its sender, recipients and
bytes) and then every row the drains left, as text. Not part of the test suite.

    .venv/bin/python bench/send_identity.py /tmp/sent-before.txt /tmp/mail  # the code before
    .venv/bin/python bench/send_identity.py /tmp/sent-after.txt /tmp/mail   # the code after it
    diff /tmp/sent-before.txt /tmp/sent-after.txt && echo same

Left out as they differ by nature from run to run: MIME boundaries, the Message-ID's random
part and the claims' ends (the database's clock, which is the real one).
"""

from __future__ import annotations

import pickle
import re
import sys
import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.harness import backlog  # noqa: E402
from bench.pass_identity import (  # noqa: E402
    _NOW,
    _dump,
    _mail_sets,
    identity_app,
    store_and_process,
)
from bot.adapters.outgoing import SendError  # noqa: E402
from bot.services.outbox import send_all  # noqa: E402

_BOUNDARY = re.compile(rb"={15}\d+==")
_MESSAGE_ID = re.compile(rb"^(Message-ID|In-Reply-To|References): .*$", re.M | re.I)
_CLAIMED = re.compile(r"claimed_until=datetime\.datetime\([^)]*\)\)?")
_LATER = timedelta(days=5)


@dataclass
class _Clock:
    moment: datetime

    def now(self) -> datetime:
        return self.moment


class _Recorder:
    def __init__(self, out: list[str]) -> None:
        self.out = out

    def send(self, raw: bytes, sender: str, recipients: list[str]) -> None:
        shown = _MESSAGE_ID.sub(rb"\1: <ID>", _BOUNDARY.sub(b"=BOUNDARY=", raw))
        self.out.append(f"--- sent by {sender} to {recipients}")
        self.out.append(shown.decode("utf-8", "backslashreplace"))


class _Away:
    def send(self, raw: bytes, sender: str, recipients: list[str]) -> None:
        del raw, sender, recipients
        raise SendError("451 try again later")


def _run(name: str, passes: list[list[bytes]], out: list[str], *, later: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        clock = _Clock(_NOW)
        app = identity_app(Path(tmp), clock)
        sent: list[str] = []
        stored = 0
        for messages in passes:
            stored = store_and_process(app, messages, name, stored)
            report = send_all(app, _Away() if later else _Recorder(sent))
            out.append(f"drain: {report}")
        if later:
            clock.moment = _NOW + _LATER
            out.append(f"drain later: {send_all(app, _Recorder(sent))}")
        out.append(f"=== {name}{' later' if later else ''}: {stored} messages")
        out.extend(sent)
        rows: list[str] = []
        _dump(app, rows)
        out.extend(_CLAIMED.sub("claimed_until=<claim>", row) for row in rows)
        app.close()


def _mail(kept: Path) -> list[tuple[str, list[list[bytes]]]]:
    """pass_identity's sets and bench/process_cost.py's 30%-SIN backlog, made once and kept."""
    if kept.exists():
        loaded: list[tuple[str, list[list[bytes]]]] = pickle.loads(kept.read_bytes())
        return loaded
    sets = [*_mail_sets(), ("backlog-sins", [backlog(120, 0.3)])]
    kept.write_bytes(pickle.dumps(sets))
    return sets


def main() -> None:
    out: list[str] = []
    for name, passes in _mail(Path(sys.argv[2])):
        for later in (False, True):
            _run(name, passes, out, later=later)
    Path(sys.argv[1]).write_text("\n".join(out) + "\n", encoding="utf-8")
    print(f"{len(out)} lines written to {sys.argv[1]}")


if __name__ == "__main__":
    main()

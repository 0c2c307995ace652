"""A case opened at the terminal while the daily digest is being written is in that digest or
the next, never neither: the digest lists the cases opened since the one before, and a case
whose transaction was still open when the digest read the cases would otherwise fall between
them (bot.adapters.db.digest_barrier, as for mail being read).

`tscp-bot triage new-case 2` opens another child's SIN form as TSCP-2026-0002 on Thursday 24
December 2026 at 10:00; the digest job, in another thread as in the daemon, writes Thursday's
digest at 10:05 while the case is being opened.
"""

from __future__ import annotations

import email
import threading
from dataclasses import replace
from datetime import datetime
from email import policy
from pathlib import Path

import pytest

from bot.adapters.db.engine import make_engine, make_sessions
from bot.app import App
from bot.clock import FixedClock
from bot.services import new_case, triage_new_case
from bot.services.daily_digest import send_digest_if_due
from tests.fixtures.mail import LONDON, outbox_messages
from tests.test_cli import Run, bot, cli, config, outbox_folder
from tests.test_cli_triage_new_case import _other_child_on_the_first_case

__all__ = ["bot", "cli", "config"]  # the fixtures this module borrows

DIGEST_AT = datetime(2026, 12, 24, 10, 5, tzinfo=LONDON)


def _new_cases(config: Path) -> list[str]:
    """The NEW CASES section of every digest sent, in order."""
    found = []
    for raw in outbox_messages(outbox_folder(config)):
        msg = email.message_from_bytes(raw, policy=policy.default)
        if str(msg["Subject"]).startswith("TSCP digest"):
            body = msg.get_body(preferencelist=("plain",))
            assert body is not None
            text = str(body.get_content()).replace("\r\n", "\n")
            found.append(text.split("NEW CASES", 1)[1].split("\n\n\n", 1)[0])
    return found


def _digest_then_close(app: App) -> None:
    try:
        send_digest_if_due(app)
    finally:
        app.close()


def test_a_case_opened_at_the_terminal_while_the_digest_is_written_is_in_a_digest(
    bot: Run, config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _other_child_on_the_first_case(bot, config)
    before = len(_new_cases(config))
    opening = new_case.open_case
    writers: list[threading.Thread] = []

    def digest_meanwhile(session: object, app: App, *args: object, **kwargs: object) -> object:
        opened = opening(session, app, *args, **kwargs)  # type: ignore[arg-type]
        # The case is opened, not yet committed, when the digest job runs five minutes on, on
        # connections of its own: the command closes its own when it ends.
        engine = make_engine(app.config.database_url, create=False)
        later = replace(
            app, clock=FixedClock(DIGEST_AT), engine=engine, sessions=make_sessions(engine)
        )
        writer = threading.Thread(target=_digest_then_close, args=(later,))
        writers.append(writer)
        writer.start()
        writer.join(timeout=2)  # a digest that waits for the opening's transaction waits here
        return opened

    monkeypatch.setattr(triage_new_case, "open_case", digest_meanwhile)
    code, out, err = bot("triage", "new-case", "2", now="2026-12-24T10:00")
    for writer in writers:
        writer.join()
    monkeypatch.undo()
    assert (code, err) == (0, ""), err
    assert "TSCP-2026-0002 opened" in out
    assert len(writers) == 1
    # Thursday's digest and the next, on Tuesday 29 (Christmas, Boxing Day's Monday off).
    assert bot("run", "--once", now="2026-12-24T10:10")[0] == 0  # sends Thursday's
    assert bot("run", "--once", now="2026-12-29T12:00")[0] == 0
    assert bot("run", "--once", now="2026-12-29T12:05")[0] == 0
    thursday, tuesday = _new_cases(config)[before:]
    assert "TSCP-2026-0002" in thursday + tuesday

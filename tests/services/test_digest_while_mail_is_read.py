"""A reply read while the daily digest is being written is in that digest or the next, never
neither: the digest lists what people wrote since the one before, and a reply whose
transaction was still open when the digest read the cases would otherwise fall between them.

The reply goes in through the Maildir inbox and the real ingest path; the digest is written by
another thread, as the daemon's digest job runs beside its mailbox job.
"""

from __future__ import annotations

import threading

import pytest

from bot.app import App
from bot.services.attention import NEW_ON_CASE, note_human_mail
from bot.services.daily_digest import send_digest_if_due
from bot.services.passes import run_once
from tests.services.test_lifecycle import Bot, body_of, reply

NEWS = "The mother phoned: the family are moving to Leeds on Friday."


def _new_on_cases(digest: str) -> str:
    return digest.replace("\r\n", "\n").split("NEW ON YOUR CASES", 1)[1].split("\n\n\n", 1)[0]


def test_a_reply_read_while_the_digest_is_written_is_in_a_digest(
    bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    writers: list[threading.Thread] = []

    def digest_meanwhile(*args: object, **kwargs: object) -> None:
        note_human_mail(*args, **kwargs)  # type: ignore[arg-type]
        # The reply is noted on its case, not yet committed, when the digest job runs.
        bot.at("2026-12-17T08:05")
        writer = threading.Thread(target=send_digest_if_due, args=(bot.app,))
        writers.append(writer)
        writer.start()
        writer.join(timeout=2)  # a digest that waits for the reply's transaction waits here

    monkeypatch.setattr("bot.services.effects.note_human_mail", digest_meanwhile)
    monkeypatch.setattr("bot.services.passes.send_digest_if_due", _not_now)
    bot.at("2026-12-17T08:04").mail("dsp.tameside@gmp.police.uk", reply("TSCP-2026-0001"), NEWS)
    run_once(bot.app)
    for writer in writers:
        writer.join()
    monkeypatch.undo()
    assert [e for e in bot.case().events if e.what == NEW_ON_CASE and "Leeds" in e.detail]
    bot.at("2026-12-18T08:05")
    assert send_digest_if_due(bot.app)
    first, second = (body_of(d) for d in bot.outbox("daily_digest")[-2:])
    assert "family are moving to Leeds" in _new_on_cases(first) + _new_on_cases(second)


def _not_now(app: App) -> bool:
    """The pass's own digest step, kept out: the digest here is the other thread's."""
    return False


def test_a_reply_read_after_the_digest_took_its_moment_but_before_it_read_is_in_one_digest(
    bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The digest took its moment (08:05), then waited for a batch of mail already being read;
    the batch read this reply a minute later and committed, and the digest then read it."""
    writers: list[threading.Thread] = []

    def digest_meanwhile(*args: object, **kwargs: object) -> None:
        note_human_mail(*args, **kwargs)  # type: ignore[arg-type]
        bot.at("2026-12-17T08:05")  # the digest's moment, before the reply's own (08:06)
        writer = threading.Thread(target=send_digest_if_due, args=(bot.app,))
        writers.append(writer)
        writer.start()
        writer.join(timeout=2)

    monkeypatch.setattr("bot.services.effects.note_human_mail", digest_meanwhile)
    monkeypatch.setattr("bot.services.passes.send_digest_if_due", _not_now)
    bot.at("2026-12-17T08:06").mail("dsp.tameside@gmp.police.uk", reply("TSCP-2026-0001"), NEWS)
    run_once(bot.app)
    for writer in writers:
        writer.join()
    monkeypatch.undo()
    bot.at("2026-12-18T08:05")
    assert send_digest_if_due(bot.app)
    first, second = (body_of(d) for d in bot.outbox("daily_digest")[-2:])
    listed = [_new_on_cases(d).count("family are moving to Leeds") for d in (first, second)]
    assert listed == [0, 1]  # the next digest's, as it was read after this one's moment

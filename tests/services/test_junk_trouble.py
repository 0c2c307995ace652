"""A junk folder that cannot be looked at is logged once per trouble by the running app that
meets it: again when the trouble changes, and its end once; another app says its own. One
that is gone says what names it for the mailbox kind in use."""

from __future__ import annotations

import logging

import pytest

from bot.adapters.junk_look import JunkListing
from bot.adapters.mail_source import MailboxError
from bot.services.junk_folder import look_at_junk, lost_folder
from tests.fixtures.app import AppFactory


class Junk:
    """A junk folder that fails with `trouble`, or lists nothing when it is None."""

    def __init__(self) -> None:
        self.trouble: str | None = None

    def junk(self, known: frozenset[str]) -> JunkListing | None:
        if self.trouble is not None:
            raise MailboxError(self.trouble)
        return JunkListing("Junk Email", frozenset())


def _said(caplog: pytest.LogCaptureFixture) -> list[str]:
    found = [r.getMessage() for r in caplog.records if r.name == "bot.services.junk_folder"]
    caplog.clear()
    return found


def test_a_failing_look_is_logged_once_again_when_it_changes_and_its_end_once(
    make_app: AppFactory, caplog: pytest.LogCaptureFixture
) -> None:
    app, clock = make_app()
    junk = Junk()
    caplog.set_level(logging.INFO, logger="bot.services.junk_folder")

    junk.trouble = "access denied"
    for moment in ("2026-12-23T09:00", "2026-12-23T09:10", "2026-12-23T09:20"):
        clock.set(moment)
        look_at_junk(app, junk)
    assert _said(caplog) == [
        "junk folder look failed: MailboxError: access denied (mail reading goes on)"
    ]

    junk.trouble = "folder gone"
    clock.set("2026-12-23T09:30")
    look_at_junk(app, junk)
    assert _said(caplog) == [
        "junk folder look failed: MailboxError: folder gone (mail reading goes on)"
    ]

    junk.trouble = None
    for moment in ("2026-12-23T09:40", "2026-12-23T09:50"):
        clock.set(moment)
        look_at_junk(app, junk)
    assert _said(caplog) == ["the junk folder can be looked at again"]

    junk.trouble = "folder gone"  # the same trouble as before it ended: said again
    clock.set("2026-12-23T10:00")
    look_at_junk(app, junk)
    assert _said(caplog) == [
        "junk folder look failed: MailboxError: folder gone (mail reading goes on)"
    ]


def test_each_running_app_says_its_own_trouble(
    make_app: AppFactory, caplog: pytest.LogCaptureFixture
) -> None:
    # One app's log is no other's: a daemon started after a `run --once` in the same process,
    # on the same mailbox, logs the trouble it meets rather than taking it as already said.
    first, _ = make_app()
    second, clock = make_app()
    clock.set("2026-12-23T09:10")  # past the first app's look, 5 minutes at most apart
    assert first.mailbox_name == second.mailbox_name
    junk = Junk()
    junk.trouble = "access denied"
    caplog.set_level(logging.INFO, logger="bot.services.junk_folder")
    look_at_junk(first, junk)
    look_at_junk(second, junk)
    assert (
        _said(caplog)
        == ["junk folder look failed: MailboxError: access denied (mail reading goes on)"] * 2
    )


@pytest.mark.parametrize(
    ("backend", "advice"),
    [
        ("imap", "(renamed? set [mailbox] junk_folder to its name)"),
        ("maildir", "(renamed? the bot looks at the Maildir's .Junk folder; no setting names "
                    "another)"),
        ("graph", "(the bot looks at the mailbox's Junk Email folder, found by its well-known "
                  "name; no setting names another)"),
        ("ews", "(the bot looks at the mailbox's Junk Email folder, found by its well-known "
                "name; no setting names another)"),
    ],
)  # fmt: skip
def test_a_lost_junk_folder_names_the_setting_only_where_there_is_one(
    backend: str, advice: str
) -> None:
    # [mailbox] junk_folder is read by IMAP alone: elsewhere setting it would change nothing.
    assert lost_folder(2, backend) == (
        f"junk folder not found; the 2 messages seen there stay listed until it is found again "
        f"{advice}"
    )

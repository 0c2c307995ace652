"""A Maildir's `.Junk` folder through `tscp-bot run --once`: the Business Manager is told of a
SIN there, and it is listed (in the digest and on `triage list`) until it leaves; never read or
moved by the bot."""

from __future__ import annotations

import json
import mailbox
import shutil
from datetime import UTC, datetime
from pathlib import Path

from tests.fixtures.mail import drop_into_maildir, email, sin
from tests.test_cli import Run, bot, cli, config, inbox, outbox_folder

__all__ = ["bot", "cli", "config"]  # the fixtures this module borrows


def _to_bm(config: Path) -> list[str]:
    written = mailbox.Maildir(outbox_folder(config), create=False)
    return [str(m["Subject"]) for m in written if "Junk" in str(m["Subject"])]


def test_a_sin_in_the_maildir_junk_folder_is_told_and_not_read(bot: Run, config: Path) -> None:
    junk = inbox(config) / ".Junk"
    drop_into_maildir(inbox(config))  # the inbox itself, empty
    [name] = drop_into_maildir(junk, sin(), arrived=datetime(2026, 12, 23, 8, 30, tzinfo=UTC))
    assert bot("run", "--once")[0] == 0

    assert _to_bm(config) == ["TSCP In Junk Email, not read: from casey.invented@gmp.police.uk"]
    assert "TSCP-2026-" not in bot("cases")[1]
    assert [p.name for p in (junk / "new").iterdir()] == [name]  # where it was, unread


def test_junk_email_is_on_the_triage_list_until_it_leaves_the_folder(
    bot: Run, config: Path
) -> None:
    junk = inbox(config) / ".Junk"
    arrived = datetime(2026, 12, 23, 8, 30, tzinfo=UTC)
    drop_into_maildir(inbox(config))
    spam = [email(f"You have won {n}", "Claim now.", sender="prizes@lottery.example.com")
            for n in range(35)]  # fmt: skip
    [sin_name] = drop_into_maildir(junk, sin(), arrived=arrived)
    drop_into_maildir(junk, *spam, arrived=arrived)
    assert bot("run", "--once")[0] == 0

    code, out, _ = bot("triage", "list")
    assert code == 0
    lines = out.splitlines()
    # The one that may start a clock first, though all arrived together; spam to 30 lines.
    assert "casey.invented@gmp.police.uk" in lines[2] and "in Junk Email" in lines[2]
    assert "Serious Incident Notification - GM SIN form" in lines[2]
    assert "may start a clock" in lines[2]
    assert "if it is real, move it to the Inbox in Outlook" in lines[2]
    assert sum("prizes@lottery.example.com" in line for line in lines) == 29
    assert lines[-1] == (
        "and 6 more in Junk Email not listed here, none looking as if it may start a clock: "
        "look at the folder in Outlook (--json lists them all)"
    )
    listed = json.loads(bot("triage", "list", "--json")[1])
    assert len(listed) == 36 and {r["kind"] for r in listed} == {"junk"}
    assert {r["id"] for r in listed} == {None}  # no number: no triage command applies to it
    assert listed[0]["from"] == "casey.invented@gmp.police.uk"
    assert listed[0]["received_at"].startswith("2026-12-23T08:30")

    (junk / "new" / sin_name).unlink()  # a person deleted it (or moved it to the Inbox)
    assert bot("run", "--once", now="2026-12-23T09:10")[0] == 0
    listed = json.loads(bot("triage", "list", "--json")[1])
    assert len(listed) == 35 and "casey.invented@gmp.police.uk" not in str(listed)


def test_a_deleted_junk_folder_keeps_its_messages_listed_until_it_is_recreated(
    bot: Run, config: Path
) -> None:
    junk = inbox(config) / ".Junk"
    drop_into_maildir(inbox(config))
    drop_into_maildir(junk, sin(), arrived=datetime(2026, 12, 23, 8, 30, tzinfo=UTC))
    assert bot("run", "--once")[0] == 0

    shutil.rmtree(junk)  # the SIN may still sit unread wherever the folder went
    assert bot("run", "--once", now="2026-12-23T09:10")[0] == 0
    assert len(json.loads(bot("triage", "list", "--json")[1])) == 1
    assert (
        "junk folder not found; the 1 messages seen there stay listed until it is found again "
        "(renamed? the bot looks at the Maildir's .Junk folder; no setting names another)"
    ) in " ".join(bot("status")[1].split())

    drop_into_maildir(junk)  # recreated empty: nothing there to list
    assert bot("run", "--once", now="2026-12-23T09:20")[0] == 0
    assert json.loads(bot("triage", "list", "--json")[1]) == []
    assert "junk folder" not in bot("status")[1]


def _junk_line(out: str) -> str:
    [line] = [x for x in out.splitlines() if x.split(":", 1)[0].endswith("mailbox junk folder")]
    return line


def test_doctor_names_the_maildirs_junk_folder_and_no_setting(bot: Run, config: Path) -> None:
    # A Maildir reads no [mailbox] junk_folder: telling an administrator to set it changes
    # nothing, so each line says which folder of the Maildir is looked at.
    junk = inbox(config) / ".Junk"
    drop_into_maildir(inbox(config))
    looked_at = "the bot looks at the Maildir's .Junk folder; no setting names another"
    assert _junk_line(bot("doctor")[1]) == (
        f"warn mailbox junk folder: none found (no {junk}): mail filed as junk is not looked "
        f"at; {looked_at}: if mail is filtered for junk, have it delivered there"
    )

    drop_into_maildir(junk, sin())
    assert _junk_line(bot("doctor")[1]) == (
        f"ok mailbox junk folder: '{junk}' listed (never read or moved): 1 messages; {looked_at}"
    )

    shutil.rmtree(junk / "new")
    (junk / "new").write_bytes(b"")  # not a folder: the listing fails
    assert _junk_line(bot("doctor")[1]) == (
        f"warn mailbox junk folder: cannot be looked at (NotADirectoryError: [Errno 20] Not a "
        f"directory: '{junk / 'new'}'): mail is still read, but check {junk} by hand; "
        f"{looked_at}"
    )

"""`outbox show N`, `outbox list` and the case's history as the Business Manager or IT reads
them after the mail server put off the health partner's copy of an email ("450 4.7.1
Greylisted, try again later"): what became of it, in the server's own words, with its text.
Against a real aiosmtpd relay, on SQLite and PostgreSQL; a draft through the terminal."""

from __future__ import annotations

import getpass
import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli import main
from tests.fixtures.mail import drop_into_maildir, sin
from tests.fixtures.smtp_put_off import GREYLISTED, putting_off_relay
from tests.test_cli import Run, bot, cli, config, inbox, one_line_error, write_config

__all__ = ["bot", "cli", "config"]  # the fixtures this module's tests ask for

HEALTH = "dsp.tameside@nhs.net"  # the health partner's DSP in config.example.toml
REF = "TSCP-2026-0001"
NOW = "2026-12-23T09:00"


@pytest.fixture
def put_off(
    tmp_path: Path,
    migrated_database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> Iterator[Run]:
    """A SIN run through a relay that greylists the health DSP once: the Screening Panel
    invitation goes to the others, and a copy waits for the health DSP alone."""
    monkeypatch.delenv("TSCP_BOT_CONFIG", raising=False)
    with putting_off_relay(reply=GREYLISTED, address=HEALTH) as relay:
        smtp = {"host": relay.host, "port": relay.port, "security": "plain"}
        outgoing = {"backend": "smtp", "retry_base_seconds": 60, "smtp": smtp}
        path = str(write_config(tmp_path, migrated_database_url, outgoing=outgoing))
        assert main(["--config", path, "init"]) == 0
        drop_into_maildir(inbox(Path(path)), sin())
        assert main(["--config", path, "--now", NOW, "run", "--once"]) == 0
        capsys.readouterr()

        def run(*args: str) -> tuple[int, str, str]:
            code = main(["--config", path, "--now", NOW, *args])
            out, err = capsys.readouterr()
            return code, out, err

        yield run


def _ids(run: Run) -> tuple[int, int]:
    """The invitation that went to the others, and its copy waiting for the health DSP."""
    emails = json.loads(run("outbox", "list", "--json")[1])
    first, copy = (e["id"] for e in emails if e["event"] == "screening_invitation")
    return first, copy


def _field(out: str, label: str) -> str:
    """The value on `label`'s line of `outbox show`."""
    (line,) = (line for line in out.splitlines() if line.startswith(f"{label}:"))
    return line.split(":", 1)[1].strip()


def test_outbox_list_says_why_an_email_put_off_waits_in_the_servers_words(put_off: Run) -> None:
    _, copy = _ids(put_off)
    code, out, _ = put_off("outbox", "list")
    assert code == 0
    waiting = out.split("\nWaiting to be tried again (tscp-bot outbox show N says more)\n", 1)[1]
    assert waiting.splitlines()[2].split() == (
        f"{copy} Wed 23 Dec 2026 09:01 450 4.7.1 Greylisted, try again later".split()
    )
    (row,) = (r for r in json.loads(put_off("outbox", "list", "--json")[1]) if r["id"] == copy)
    assert row["server_said"] == "450 4.7.1 Greylisted, try again later"
    assert row["next_attempt_at"] == "2026-12-23T09:01:00+00:00"


def test_outbox_show_tells_what_became_of_the_email_to_the_health_partner(put_off: Run) -> None:
    first, copy = _ids(put_off)
    code, out, err = put_off("outbox", "show", str(copy))
    assert (code, err) == (0, "")
    assert out.startswith(f"Email #{copy}: Screening Panel invitation\n")
    assert _field(out, "Case") == REF
    assert _field(out, "Status") == "pending"
    assert HEALTH in _field(out, "To")  # as written: the invitation names every partner
    assert _field(out, "Subject") == f"[{REF}] Screening Panel: Wed 23 Dec 2026 14:00"
    assert _field(out, "Queued") == "Wed 23 Dec 2026 09:00"
    assert _field(out, "Sent") == "not yet"
    assert _field(out, "Failed tries") == "1; next try Wed 23 Dec 2026 09:01"
    assert _field(out, "Server said") == "450 4.7.1 Greylisted, try again later"
    assert _field(out, "Why it waits") == (
        f"put off by the mail server (450 4.7.1 Greylisted, try again later) when email "
        f"#{first} went to the others; trying again"
    )
    assert _field(out, "A copy of").startswith(f"email #{first}, ")
    assert _field(out, "A copy of").endswith("(sent Wed 23 Dec 2026 09:00)")
    assert _field(out, "Approval") == "not needed"
    assert _field(out, "Key").startswith("resend-1:")
    text = out.split("\nText (as it will be sent)\n", 1)[1]
    assert "Wednesday 23 December 2026" in text and "14:00" in text

    code, out, _ = put_off("outbox", "show", str(first))
    assert _field(out, "Status") == "sent" and _field(out, "Sent") == "Wed 23 Dec 2026 09:00"
    assert _field(out, "Server said") == f"{HEALTH} (450 4.7.1 Greylisted, try again later)"
    assert _field(out, "Last error").endswith(
        f"recipient(s) refused: {HEALTH} (450 4.7.1 Greylisted, try again later)"
    )
    assert _field(out, "Put off") == f"{HEALTH} (pending), sent again as email #{copy}"
    assert "\nText (as it was written)\n" in out

    detail = json.loads(put_off("outbox", "show", str(first), "--json")[1])
    assert [c["id"] for c in detail["sent_again"]] == [copy] and detail["case"] == REF
    assert detail["sent_at"] == "2026-12-23T09:00:00+00:00"


def test_the_case_history_says_the_servers_words_for_a_recipient_put_off(put_off: Run) -> None:
    first, copy = _ids(put_off)
    code, out, _ = put_off("case", REF)
    assert code == 0
    (line,) = (line for line in out.splitlines() if "mail_put_off" in line)
    assert line.endswith(
        f"Email #{first} (screening_invitation) was sent, but the mail server said to try again "
        f"later for {HEALTH} (450 4.7.1 Greylisted, try again later); email #{copy} sends it "
        "to them alone, retried until it goes"
    )


def test_outbox_show_gives_a_drafts_approval_command_and_who_approved_it(
    bot: Run, config: Path
) -> None:
    drop_into_maildir(inbox(config), sin())
    assert bot("run", "--once")[0] == 0
    bot("command", REF, "Decision: rapid review", "Notified: 23/12/2026",
        "Delay: awaiting police disclosure; expected 29/01/2027")  # fmt: skip
    (draft,) = (r["id"] for r in json.loads(bot("outbox", "list", "--json")[1])
                if r["status"] == "draft")  # fmt: skip
    code, out, _ = bot("outbox", "show", str(draft))
    assert code == 0 and _field(out, "Status") == "draft"
    assert _field(out, "Approval") == f"waiting for you: tscp-bot outbox approve {draft}"
    assert "awaiting police disclosure" in out.split("\nText (as it will be sent)\n", 1)[1]

    assert bot("outbox", "approve", str(draft))[0] == 0
    out = bot("outbox", "show", str(draft))[1]
    assert _field(out, "Approval") == (
        f"approved by terminal:{getpass.getuser()} Wed 23 Dec 2026 09:00"
    )


def test_outbox_show_of_no_such_email_is_one_line_and_exit_3(bot: Run) -> None:
    code, out, err = bot("outbox", "show", "999")
    assert (code, out) == (3, "")
    assert (
        one_line_error(err)
        == "tscp-bot: no outbox email #999 (`tscp-bot outbox list` lists them)\n"
    )
    code, _, err = bot("outbox", "show")
    assert code == 2 and one_line_error(err) == "tscp-bot: show needs an ID\n"


class _Terminal(io.StringIO):
    """Standing in for a terminal: the CLI fits tables only to a terminal, not into a pipe."""

    def isatty(self) -> bool:
        return True


def test_the_servers_words_are_cut_to_a_narrow_terminal_and_the_next_try_kept_whole(
    put_off: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, copy = _ids(put_off)
    screen = _Terminal()
    monkeypatch.setattr(sys, "stdout", screen)
    monkeypatch.setenv("COLUMNS", "50")  # what shutil.get_terminal_size reads first
    assert put_off("outbox", "list")[0] == 0
    waiting = screen.getvalue().split("\nWaiting to be tried again", 1)[1].splitlines()
    assert waiting[3].startswith(f"{copy}  Wed 23 Dec 2026 09:01  450 4.7.1")
    assert waiting[3].endswith("\u2026") and len(waiting[3]) <= 50

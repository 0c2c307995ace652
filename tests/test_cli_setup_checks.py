"""A set-up that cannot work is refused at start, naming what is wrong, rather than run as if
it were right: every line of it was seen in a bad-input audit, each quietly losing mail or
time on a statutory clock."""

from __future__ import annotations

from pathlib import Path

from bot.adapters.db.engine import head_revision, make_engine, migrate
from tests.fixtures.mail import drop_into_maildir, sin
from tests.test_cli import NOW, Run, bot, cli, config, inbox, one_line_error, write_config

__all__ = ["bot", "cli", "config"]  # the fixtures this module borrows


def _not_a_maildir(path: Path) -> str:
    return f"Maildir {path} exists but is not a Maildir (no cur/new/tmp)"


def test_a_folder_of_eml_files_is_refused_not_watched_as_an_empty_inbox(
    bot: Run, config: Path
) -> None:
    folder = inbox(config)
    folder.mkdir(mode=0o700)
    for n in range(4):
        (folder / f"sin-{n}.eml").write_bytes(sin())
    code, out, err = bot("run", "--once")
    assert (code, out) == (2, "")
    assert _not_a_maildir(folder) in one_line_error(err)
    assert sorted(p.name for p in folder.iterdir()) == [f"sin-{n}.eml" for n in range(4)]
    _, out, _ = bot("doctor")
    assert f"FAIL mailbox: {_not_a_maildir(folder)}" in "\n".join(out.splitlines())


def test_a_plain_file_as_the_inbox_is_refused(bot: Run, config: Path) -> None:
    folder = inbox(config)
    folder.write_bytes(b"not a mailbox\n")
    code, _, err = bot("run", "--once")
    assert code == 2 and _not_a_maildir(folder) in one_line_error(err)
    assert folder.read_bytes() == b"not a mailbox\n"


def test_nothing_there_is_made_into_an_empty_maildir_on_the_first_run(
    bot: Run, config: Path
) -> None:
    folder = inbox(config)
    assert not folder.exists()
    code, out, _ = bot("run", "--once")
    assert code == 0 and out.startswith("fetched 0,")
    assert all((folder / part).is_dir() for part in ("cur", "new", "tmp"))


def test_an_empty_folder_made_for_the_inbox_becomes_the_maildir(bot: Run, config: Path) -> None:
    folder = inbox(config)
    folder.mkdir(mode=0o700)
    assert bot("run", "--once")[0] == 0
    assert all((folder / part).is_dir() for part in ("cur", "new", "tmp"))


def test_run_on_an_older_schema_says_to_run_init(
    cli: Run, tmp_path: Path, database_url: str
) -> None:
    engine = make_engine(database_url)
    try:
        migrate(engine, "0020")
    finally:
        engine.dispose()
    config = str(write_config(tmp_path, database_url))
    drop_into_maildir(inbox(Path(config)), sin())

    code, out, err = cli("--config", config, "--now", NOW, "run", "--once")

    assert (code, out) == (2, "")
    assert one_line_error(err) == (
        f"tscp-bot: database schema 0020 is older than {head_revision()}: run `tscp-bot init`\n"
    )
    assert len(list((inbox(Path(config)) / "new").iterdir())) == 1, "the SIN waits in the inbox"
    assert cli("--config", config, "init")[0] == 0
    assert cli("--config", config, "--now", NOW, "run", "--once")[0] == 0

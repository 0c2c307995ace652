"""Shared pytest wiring: each real server has its own fixture module."""

from __future__ import annotations

import compileall
from pathlib import Path

import pytest

pytest_plugins = [
    "tests.fixtures.dovecot",
    "tests.fixtures.smtp",
    "tests.fixtures.database",
    "tests.fixtures.app",
    "tests.fixtures.scenarios",
    "tests.fixtures.real_servers",
    "tests.fixtures.entra",
    "tests.fixtures.graph",
    "tests.fixtures.ews",
    "tests.fixtures.calendars",
    "tests.fixtures.kerberos",
    "tests.fixtures.backends",
    "tests.fixtures.proxy",
    "tests.fixtures.template_checks",
]


def pytest_configure(config: pytest.Config) -> None:
    """Compile the bot's and the tests' modules once, before any worker starts, as installing
    the bot's wheel does. With PYTHONDONTWRITEBYTECODE set (this machine's sessions and CI),
    every `tscp-bot` the tests start as a process (daemons, the kill harness, fresh
    interpreters) and every worker would otherwise compile each module it imports again:
    about a second of CPU for a `run --once` here, which no installed bot pays."""
    _hypothesis_profiles()
    if not hasattr(config, "workerinput"):  # the controller only: workers start after it
        root = Path(__file__).resolve().parent.parent
        for folder in ("bot", "tests"):
            compileall.compile_dir(root / folder, quiet=1)


def _hypothesis_profiles() -> None:
    """The property tests' examples: the same ones every run ("suite", the default), so CI
    passes or fails on the code, not on the examples drawn, and with no time limit per
    example, which a loaded machine would break; `--hypothesis-profile=explore` draws 20,000
    new ones each, to look for what the fixed ones miss."""
    from hypothesis import settings

    settings.register_profile("suite", derandomize=True, deadline=None)
    settings.register_profile("explore", max_examples=20_000, deadline=None)
    settings.load_profile("suite")


# The longest test files, longest first (the per-file totals of a whole run, --junitxml, on
# the evening of 6 December 2026, with files added that evening and those holding one test of 25 s
# or more: the end-to-end reading process files, the kill harness, the install test). With
# whole files to a worker (--dist loadfile) they are handed out in collection order, and one of
# them handed out last kept one worker busy minutes after the others had finished; begun
# first, the shorter files fill in around them. Only the order changes: a file missing from
# the list, or one the list names that no longer exists, runs as before.
LONGEST_FIRST = (
    "tests/services/test_outside_bodies.py",
    "tests/test_cli_imports.py",
    "tests/test_daemon_recovery.py",
    "tests/services/test_wording.py",
    "tests/test_end_to_end_reader_alerts.py",
    "tests/test_end_to_end.py",
    "tests/test_end_to_end_chasing.py",
    "tests/services/test_personal_data_refused.py",
    "tests/services/test_decision_that_waited.py",
    "tests/services/test_recount.py",
    "tests/test_end_to_end_reader_stopped.py",
    "tests/test_end_to_end_panel_calendar.py",
    "tests/reliability/test_kill.py",
    "tests/test_install.py",
    "tests/services/test_return_out_of_office.py",
    "tests/services/test_publication.py",
    "tests/services/test_send_by.py",
    "tests/services/test_send_time_truth.py",
    "tests/services/test_personal_data_outgoing.py",
    "tests/test_end_to_end_junk.py",
)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {path: i for i, path in enumerate(LONGEST_FIRST)}
    first_seen: dict[str, int] = {}
    for item in items:
        first_seen.setdefault(item.nodeid.split("::")[0], len(first_seen))

    def key(item: pytest.Item) -> tuple[int, int]:
        path = item.nodeid.split("::")[0]
        return (rank.get(path, len(rank)), first_seen[path])

    items.sort(key=key)  # stable: each file's own tests keep their order

"""Module-scoped servers for the reliability harnesses: each harness runs once per database
(SQLite always, PostgreSQL when TSCP_TEST_DATABASE_URL is set) and its tests then assert one
guarantee each on the findings, so a guarantee known to fail today is xfail'd on its own."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import pytest

from tests.fixtures.database import PG_ENV, _backends, _fresh_postgres
from tests.fixtures.dovecot import DovecotServer
from tests.reliability.harness import SENT_FOLDER, Findings, Servers, exchange_like_smtp

SEED = int(os.environ.get("TSCP_RELIABILITY_SEED", "9"))


class RunHarness:
    """run_harness(harness) -> Findings; `.backend` is "sqlite" or "postgresql"."""

    def __init__(self, backend: str, run: Callable[[Callable[[Servers], Findings]], Findings]):
        self.backend, self._run = backend, run

    def __call__(self, harness: Callable[[Servers], Findings]) -> Findings:
        return self._run(harness)

    def xfail_on(self, request: pytest.FixtureRequest, backend: str, reason: str) -> None:
        """Mark the running test strictly xfail on one database only."""
        if self.backend == backend:
            request.applymarker(pytest.mark.xfail(strict=True, reason=reason))


@pytest.fixture(scope="module", params=_backends())
def run_harness(
    request: pytest.FixtureRequest,
    dovecot_session: DovecotServer,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[RunHarness]:
    """run_harness(harness) -> Findings, on fresh servers; the same Findings for every test
    of the module on one database (the harness runs once)."""
    done: dict[str, Findings] = {}
    cleanups: list[Callable[[], object]] = []

    def run(harness: Callable[[Servers], Findings]) -> Findings:
        if "findings" not in done:
            work = tmp_path_factory.mktemp("reliability")
            if request.param == "sqlite":
                url = f"sqlite:///{work / 'bot.sqlite3'}"
            else:
                fresh = _fresh_postgres(os.environ[PG_ENV])
                url = next(fresh)
                cleanups.append(lambda: next(fresh, None))
            dovecot_session.start()
            dovecot_session.new_user()
            dovecot_session.create_folder(SENT_FOLDER)  # every Exchange mailbox has one
            smtp = exchange_like_smtp(dovecot_session)
            smtp.start()
            cleanups.append(smtp.stop)
            done["findings"] = harness(Servers(dovecot_session, smtp, url, work))
        return done["findings"]

    yield RunHarness(str(request.param), run)
    for cleanup in reversed(cleanups):
        cleanup()

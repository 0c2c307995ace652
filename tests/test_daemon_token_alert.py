"""A Microsoft 365 token that can no longer be had (the client secret expired or was replaced)
is alerted at once, plainly, to the Business Manager and the IT contact: waiting does not mend
it, and it is the failure that leaves a helpdesk silently not reading mail for days."""

from __future__ import annotations

import logging
import time
import tomllib
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest
import tomli_w

from bot.adapters.db.engine import make_engine, make_sessions, migrate
from bot.app import App
from bot.bootstrap import build_app
from bot.cli import main
from bot.clock import OffsetClock
from bot.config import load_config
from bot.services.digest import digest_context
from bot.services.mailout import base_context
from tests.daemon_helpers import IT, LONDON, daemon_config, running, wait_until
from tests.fixtures.dovecot import DovecotServer
from tests.fixtures.entra import (
    CLIENT_ID,
    CLIENT_SECRET,
    TENANT,
    EntraTestServer,
    XOAuth2SmtpServer,
)
from tests.fixtures.smtp import SmtpTestServer

pytestmark = pytest.mark.imap

BM = "tscp.business.manager@tameside.gov.uk"
SUBJECT = b"bot needs attention: it cannot sign in to Microsoft 365"


def _oauth_imap_config(
    tmp_path: Path, database_url: str, dovecot: DovecotServer, smtp: SmtpTestServer,
    entra: EntraTestServer,
) -> Path:  # fmt: skip
    """IMAP with XOAUTH2 through (the local) Entra ID; the alerts go by the council's own SMTP
    relay, which still works. alert_after_minutes is left at its default (30)."""
    path = daemon_config(tmp_path, database_url, dovecot, smtp)
    data = tomllib.loads(path.read_text())
    del data["mailbox"]["imap"]["password_env"]
    data["mailbox"]["imap"]["auth"] = "oauth2"
    data["microsoft"] = {
        "tenant_id": TENANT,
        "client_id": CLIENT_ID,
        "client_secret_env": "TEST_ENTRA_SECRET",
        "authority": entra.authority,
        "validate_authority": False,
    }
    path.write_bytes(tomli_w.dumps(data).encode())
    return path


def _app(config: Path, secret: str) -> App:
    environ = {"TEST_ENTRA_SECRET": secret}
    engine = make_engine(load_config(config, environ).database_url)
    migrate(engine)
    engine.dispose()
    start = datetime(2026, 12, 23, 7, 0, tzinfo=LONDON)
    app = build_app(load_config(config, environ), OffsetClock(start))
    app.engine.dispose()
    engine = make_engine(app.config.database_url)
    return replace(app, engine=engine, sessions=make_sessions(engine))


def test_a_refused_client_secret_alerts_once_at_once_and_shows_in_status(
    tmp_path: Path,
    migrated_database_url: str,
    entra: EntraTestServer,
    dovecot_oauth: DovecotServer,
    smtp_server: SmtpTestServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    config = _oauth_imap_config(tmp_path, migrated_database_url, dovecot_oauth, smtp_server, entra)
    # The secret was renewed in Entra ID; the bot still has the old one.
    entra.state.client_secret = "the-renewed-secret-the-bot-lacks"
    caplog.set_level(logging.ERROR)
    app = _app(config, CLIENT_SECRET)
    with running(app):
        # Within seconds, not after alert_after_minutes (30): an expired secret is not transient.
        smtp_server.wait_for(1, timeout=15)
        time.sleep(4)  # several more failed passes and watchdog rounds
        monkeypatch.setenv("TEST_ENTRA_SECRET", CLIENT_SECRET)
        code = main(["--config", str(config), "status"])
    out = capsys.readouterr().out

    alerts = [m for m in smtp_server.messages if SUBJECT in m.raw]
    assert len(alerts) == 1 and len(smtp_server.messages) == 1
    assert sorted(alerts[0].rcpt_tos) == sorted([BM, IT])
    body = alerts[0].raw.decode("utf-8", "replace").replace("=\r\n", "").replace("\r\n", " ")
    assert "the bot cannot get a Microsoft 365 token" in " ".join(body.split())
    assert "AADSTS7000215" in body
    assert "TEST_ENTRA_SECRET" in " ".join(body.split())
    assert CLIENT_SECRET.encode() not in alerts[0].raw

    assert code == 1
    problems = [line for line in out.splitlines() if line.startswith("PROBLEM:")]
    assert len(problems) == 1
    assert "the bot cannot get a Microsoft 365 token" in problems[0]
    assert (
        "renew it in Entra ID and update the TEST_ENTRA_SECRET environment variable"
        in (problems[0])
    )
    errors = [r for r in caplog.records if "cannot get a Microsoft 365 token" in r.getMessage()]
    assert len(errors) == 1 and errors[0].levelno == logging.ERROR

    # The digest's System health section names it too (for when only the digest gets out).
    later = _app(config, CLIENT_SECRET)
    try:
        now = later.clock.now()
        with later.sessions() as session:
            context = digest_context(session, later, now.date(), now)
        digest = later.templates.render("daily_digest", {**base_context(later), **context})
    finally:
        later.close()
    text = " ".join(digest.text.split())
    assert "the bot cannot get a Microsoft 365 token" in text
    assert "update the TEST_ENTRA_SECRET environment variable" in text


def test_with_smtp_on_oauth_too_it_is_logged_once_and_in_status(
    tmp_path: Path,
    migrated_database_url: str,
    entra: EntraTestServer,
    dovecot_oauth: DovecotServer,
    smtp_oauth: XOAuth2SmtpServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """No path is left for an email: the log (once, at ERROR) and `status` say it."""
    config = _oauth_imap_config(tmp_path, migrated_database_url, dovecot_oauth, smtp_oauth, entra)
    data = tomllib.loads(config.read_text())
    data["outgoing"]["smtp"] |= {"auth": "oauth2", "username": dovecot_oauth.user}
    config.write_bytes(tomli_w.dumps(data).encode())
    entra.state.client_secret = "the-renewed-secret-the-bot-lacks"
    caplog.set_level(logging.ERROR)
    app = _app(config, CLIENT_SECRET)
    with running(app):
        wait_until(
            lambda: any("cannot get a Microsoft 365 token" in r.getMessage()
                        for r in caplog.records),
            timeout=15,
            what="the token problem logged",
        )  # fmt: skip
        time.sleep(4)
        monkeypatch.setenv("TEST_ENTRA_SECRET", CLIENT_SECRET)
        code = main(["--config", str(config), "status"])
    out = capsys.readouterr().out

    assert smtp_oauth.messages == []
    errors = [r for r in caplog.records if "cannot get a Microsoft 365 token" in r.getMessage()]
    assert len(errors) == 1
    assert code == 1
    assert "PROBLEM: the bot cannot get a Microsoft 365 token" in out

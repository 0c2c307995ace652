"""The bot on on-premises Exchange Server through EWS: backend = "ews" for reading and sending,
through the command line against the local EWS endpoint (tests/fixtures/ews.py)."""

from __future__ import annotations

import email
from email import policy
from pathlib import Path

import pytest

from bot.cli import main
from tests.fixtures.entra import CLIENT_ID, CLIENT_SECRET, EntraTestServer
from tests.fixtures.ews import PASSWORD, USERNAME, EwsTestServer, write_ews_config
from tests.fixtures.mail import sin


def _run(config: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["--config", str(config), *args])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_sin_read_acknowledged_and_filed_through_ews(
    tmp_path: Path,
    database_url: str,
    ews: EwsTestServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("TEST_EWS_PASSWORD", PASSWORD)
    config = write_ews_config(tmp_path, database_url, ews)
    assert _run(config, capsys, "init")[0] == 0
    ews.deliver(sin())

    code, out = _run(config, capsys, "--now", "2026-12-23T09:05", "run", "--once")

    assert code == 0, out
    assert ews.in_folder("Inbox") == []
    assert [m.raw for m in ews.in_folder("Processed")] == [sin()]
    sent = [email.message_from_bytes(s.mime, policy=policy.default) for s in ews.state.sent]
    [ack] = [m for m in sent if "[TSCP-2026-0001]" in str(m["Subject"]) and "received" in
             str(m["Subject"]).lower()]  # fmt: skip
    assert ack["To"] == "casey.invented@gmp.police.uk"
    assert ack["In-Reply-To"] == "<sin-1@gmp.police.uk>"
    assert str(ack["Message-ID"]).endswith("@tameside.gov.uk>")  # the bot's own, not Exchange's
    # Exchange filed a copy in Sent Items under that same Message-ID.
    assert str(ack["Message-ID"]) in [m.internet_message_id for m in ews.in_folder("Sent Items")]
    invite = next(m for m in sent if "Screening Panel" in str(m["Subject"]))
    assert any(p.get_content_type() == "text/calendar" for p in invite.walk())


def test_a_refused_ews_login_is_one_clear_line(
    tmp_path: Path,
    database_url: str,
    ews: EwsTestServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("TEST_EWS_PASSWORD", "not-the-password")
    config = write_ews_config(tmp_path, database_url, ews)
    assert _run(config, capsys, "init")[0] == 0
    ews.deliver(sin())

    code, out = _run(config, capsys, "--now", "2026-12-23T09:05", "run", "--once")

    assert f"mailbox problem: EWS {ews.endpoint}: login refused for {USERNAME} (BASIC)\n" in out
    assert "Traceback" not in out and "not-the-password" not in out
    assert [m.raw for m in ews.in_folder("Inbox")] == [sin()]
    assert code == 1


def test_sin_read_and_acknowledged_over_ews_with_an_oauth_token(
    tmp_path: Path,
    database_url: str,
    ews_oauth: EwsTestServer,
    entra: EntraTestServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("TEST_ENTRA_SECRET", CLIENT_SECRET)
    config = write_ews_config(tmp_path, database_url, ews_oauth, entra=entra)
    assert _run(config, capsys, "init")[0] == 0
    ews_oauth.deliver(sin())

    code, out = _run(config, capsys, "-v", "--now", "2026-12-23T09:05", "run", "--once")

    assert code == 0, out
    assert [m.raw for m in ews_oauth.in_folder("Processed")] == [sin()]
    sent = [email.message_from_bytes(s.mime, policy=policy.default) for s in ews_oauth.state.sent]
    assert any("[TSCP-2026-0001]" in str(m["Subject"]) and m["To"] ==
               "casey.invented@gmp.police.uk" for m in sent)  # fmt: skip
    # One app and one token cache for reading and sending; the token never in the output.
    assert len(entra.state.token_requests) == 1
    assert not any(token in out for token in entra.state.tokens)
    code, out = _run(config, capsys, "doctor")
    assert (
        f"ok Microsoft 365 sign-in: token for EWS (needs full_access_as_app) from app {CLIENT_ID}"
    ) in out


def test_ews_oauth2_without_the_microsoft_section_is_refused_in_words(
    tmp_path: Path,
    database_url: str,
    ews_oauth: EwsTestServer,
    entra: EntraTestServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("TEST_ENTRA_SECRET", CLIENT_SECRET)
    config = write_ews_config(tmp_path, database_url, ews_oauth, entra=entra)
    config.write_text(config.read_text().split("[microsoft]")[0])

    code, out = _run(config, capsys, "init")

    assert code != 0
    assert 'mailbox.ews.auth: "oauth2" needs a [microsoft] section' in out

"""The ews backend with auth = "kerberos" against a real MIT KDC on loopback
(tests/fixtures/kerberos.py): the bot's service account gets its ticket from a client keytab by
itself, and the test EWS server accepts the SPNEGO token with python-gssapi and the HTTP/
service keytab, as IIS's Negotiate provider does for Exchange Server."""

from __future__ import annotations

import time
import tomllib
from pathlib import Path

import pytest
import tomli_w

from bot.adapters.ews_connection import EwsConnection, EwsLogin
from bot.adapters.ews_sender import EwsSender
from bot.adapters.ews_source import EwsSource
from bot.adapters.mail_source import MailboxError
from bot.cli import main
from tests.fixtures.ews import MAILBOX, EwsTestServer, write_ews_config
from tests.fixtures.kerberos import CLIENT, REALM, Kdc, klist
from tests.fixtures.mail import email, sin

PRINCIPAL = f"{CLIENT}@{REALM}"


def _connection(ews: EwsTestServer) -> EwsConnection:
    return EwsConnection(EwsLogin(ews.endpoint, MAILBOX, PRINCIPAL, "", "kerberos"))


def test_reads_and_sends_with_a_ticket_from_the_client_keytab(
    ews_kerberos: EwsTestServer, kdc: Kdc
) -> None:
    connection = _connection(ews_kerberos)
    ews_kerberos.deliver(sin())

    [mail] = EwsSource(connection).fetch(None).messages
    ack = email("Re: SIN [TSCP-2026-0001]", "Received.", sender=MAILBOX,
                to="casey.invented@gmp.police.uk", message_id="<k@tameside.gov.uk>")  # fmt: skip
    EwsSender(connection).send(ack, MAILBOX, ["casey.invented@gmp.police.uk"])

    assert mail.raw == sin()
    assert len(ews_kerberos.state.sent) == 1
    # Every request the server took was the bot's service account, by Kerberos.
    assert set(ews_kerberos.state.kerberos_clients) == {PRINCIPAL}
    # No kinit: MIT Kerberos used the client keytab and kept the tickets in the cache.
    cache = klist(kdc)
    assert f"Default principal: {PRINCIPAL}" in cache and "HTTP/localhost@" in cache
    connection.close()


def test_a_keytab_the_kdc_no_longer_matches_is_one_clear_line(
    ews_kerberos: EwsTestServer, kdc: Kdc, monkeypatch: pytest.MonkeyPatch
) -> None:
    stale = kdc.add_client("svc-stale")
    kdc.kadmin("cpw -randkey svc-stale")  # the account's key changed; the keytab did not
    monkeypatch.setenv("KRB5_CLIENT_KTNAME", str(stale))
    source = EwsSource(_connection(ews_kerberos))

    with pytest.raises(MailboxError) as raised:
        source.fetch(None)

    assert str(raised.value) == (
        f"EWS {ews_kerberos.endpoint}: login refused for {PRINCIPAL} (KERBEROS); check the "
        "service account's keytab or ticket, and the HTTP/ service principal of the Exchange host"
    )
    assert ews_kerberos.state.kerberos_clients == []
    source.close()


def _kerberos_config(tmp_path: Path, database_url: str, ews: EwsTestServer) -> Path:
    config = write_ews_config(tmp_path, database_url, ews)
    data = tomllib.loads(config.read_text())
    for section in (data["mailbox"]["ews"], data["outgoing"]["ews"]):
        del section["password_env"]
        section |= {"auth": "kerberos", "username": PRINCIPAL}
    config.write_bytes(tomli_w.dumps(data).encode())
    return config


def test_the_bot_runs_on_kerberos_and_doctor_names_the_tickets(
    tmp_path: Path,
    migrated_database_url: str,
    ews_kerberos: EwsTestServer,
    kdc: Kdc,
    capsys: pytest.CaptureFixture[str],
) -> None:
    config = _kerberos_config(tmp_path, migrated_database_url, ews_kerberos)
    assert main(["--config", str(config), "init"]) == 0
    ews_kerberos.deliver(sin())

    code = main(["--config", str(config), "--now", "2026-12-23T09:05", "run", "--once"])
    main(["--config", str(config), "doctor"])
    out = capsys.readouterr().out

    assert code == 0, out
    assert [m.raw for m in ews_kerberos.in_folder("Processed")] == [sin()]
    assert any("[TSCP-2026-0001]" in s.mime.decode() for s in ews_kerberos.state.sent)
    assert (
        f"ok Kerberos: {PRINCIPAL} (from client keytab {kdc.folder}/{CLIENT}.keytab) has a "
        "ticket for HTTP/localhost"
    ) in out


def test_doctor_names_a_missing_service_principal(
    tmp_path: Path,
    migrated_database_url: str,
    ews_kerberos: EwsTestServer,
    kdc: Kdc,
    capsys: pytest.CaptureFixture[str],
) -> None:
    ews_kerberos.host = "127.0.0.1"  # the realm has HTTP/localhost, not HTTP/127.0.0.1
    config = _kerberos_config(tmp_path, migrated_database_url, ews_kerberos)
    assert main(["--config", str(config), "init"]) == 0

    code = main(["--config", str(config), "doctor"])
    out = capsys.readouterr().out

    assert code == 1
    [line] = [x for x in out.splitlines() if x.startswith("FAIL Kerberos: ")]
    assert line.startswith(
        f"FAIL Kerberos: {PRINCIPAL} has a ticket but none for HTTP/127.0.0.1: Server "
        f"HTTP/127.0.0.1@{REALM} not found in Kerberos database; "
    )
    assert line.endswith(
        "the Exchange host needs the service principal name HTTP/127.0.0.1 (setspn -S on the "
        "account the EWS application pool runs as, or its alternate service account)"
    )


def test_an_expired_ticket_is_renewed_from_the_keytab_unattended(
    ews_kerberos: EwsTestServer, kdc: Kdc, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A service account whose tickets live 4 seconds (a council's are 10 hours): the daemon
    # must go on without anyone running kinit.
    keytab = kdc.add_client("svc-short")
    kdc.kadmin("modprinc -maxlife 4s svc-short")
    monkeypatch.setenv("KRB5_CLIENT_KTNAME", str(keytab))
    source = EwsSource(_connection(ews_kerberos))
    source.fetch(None)
    first = _ticket_requests(kdc, "svc-short")
    time.sleep(5)
    ews_kerberos.deliver(sin())

    assert [m.raw for m in source.fetch(None).messages] == [sin()]
    assert _ticket_requests(kdc, "svc-short") > first  # a new ticket, got from the keytab
    source.close()


def _ticket_requests(kdc: Kdc, name: str) -> int:
    """AS-REQs the KDC answered for this principal (its log, one line each)."""
    log = (kdc.folder / "kdc.log").read_text()
    return sum(1 for line in log.splitlines() if "AS_REQ" in line and f"{name}@" in line
               and "ISSUE" in line)  # fmt: skip

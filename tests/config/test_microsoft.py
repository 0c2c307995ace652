"""auth = "oauth2" and the [microsoft] section: what a council's IT team writes for Exchange
Online, and the one-line errors for what they most likely get wrong."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.config.reader import ConfigError
from tests.config.test_loader import error_for, example, parse

TENANT = "7d1c0d6e-5b1a-4c3e-9d6f-2a9b8c7e6f51"
CLIENT = "3f6a9c2e-8b4d-4e1f-a7c5-0d2e9b8a6c41"
ENV = {"TSCP_ENTRA_SECRET": "Xq8~invented.secret"}


def _m365(**microsoft: Any) -> dict[str, Any]:
    data = example()
    data["mailbox"] = {
        "backend": "imap",
        "imap": {"host": "outlook.office365.com", "username": "tscp@tameside.gov.uk",
                 "auth": "oauth2"},
    }  # fmt: skip
    data["outgoing"] = {
        "backend": "smtp",
        "smtp": {"host": "smtp.office365.com", "username": "tscp@tameside.gov.uk",
                 "auth": "oauth2"},
    }  # fmt: skip
    data["microsoft"] = {"tenant_id": TENANT, "client_id": CLIENT,
                         "client_secret_env": "TSCP_ENTRA_SECRET"} | microsoft  # fmt: skip
    return data


def test_exchange_online_with_a_client_secret(tmp_path: Path) -> None:
    config = parse(_m365(), tmp_path, ENV)
    assert config.mailbox.imap is not None and config.mailbox.imap.auth == "oauth2"
    assert config.mailbox.imap.password == ""
    assert config.outgoing.smtp is not None and config.outgoing.smtp.auth == "oauth2"
    ms = config.microsoft
    assert ms is not None
    assert ms.client_secret == "Xq8~invented.secret"
    assert ms.authority == "https://login.microsoftonline.com"
    assert ms.imap_scopes == ms.smtp_scopes == ("https://outlook.office365.com/.default",)
    assert "Xq8~invented.secret" not in repr(config)


def test_password_stays_the_default(tmp_path: Path) -> None:
    data = example()
    data["mailbox"] = {"backend": "imap", "imap": {
        "host": "imap.invented.example", "username": "tscp", "password_env": "PW"}}  # fmt: skip
    config = parse(data, tmp_path, {"PW": "pw"})
    assert config.mailbox.imap is not None and config.mailbox.imap.auth == "password"
    assert config.microsoft is None


def test_a_national_cloud_overrides_authority_and_scopes(tmp_path: Path) -> None:
    gcc_high = _m365(
        authority="https://login.microsoftonline.us/",
        imap_scopes=["https://outlook.office365.us/.default"],
        smtp_scopes=["https://outlook.office365.us/.default"],
    )
    ms = parse(gcc_high, tmp_path, ENV).microsoft
    assert ms is not None and ms.authority == "https://login.microsoftonline.us"
    assert ms.imap_scopes == ("https://outlook.office365.us/.default",)


def test_a_certificate_instead_of_a_secret(tmp_path: Path) -> None:
    (tmp_path / "tscp-bot.pem").write_text(
        "-----BEGIN PRIVATE KEY-----\ninvented\n-----END PRIVATE KEY-----\n"
    )
    thumb = "a1:b2:c3:d4:e5:f6:a7:b8:c9:d0:e1:f2:a3:b4:c5:d6:e7:f8:a9:b0"  # as Windows shows it
    data = _m365(certificate_path="tscp-bot.pem", certificate_thumbprint=thumb)
    del data["microsoft"]["client_secret_env"]
    ms = parse(data, tmp_path, {}).microsoft
    assert ms is not None and ms.client_secret is None
    assert ms.certificate_thumbprint == "A1B2C3D4E5F6A7B8C9D0E1F2A3B4C5D6E7F8A9B0"
    assert ms.certificate_key_pem is not None and "PRIVATE KEY" in ms.certificate_key_pem


def test_a_certificate_that_cannot_be_read_is_refused_when_a_token_is_needed(
    tmp_path: Path,
) -> None:
    data = _m365(certificate_path="nowhere.pem", certificate_thumbprint="A1" * 20)
    del data["microsoft"]["client_secret_env"]
    config = parse(data, tmp_path, {})  # a command that never asks Microsoft reads on
    with pytest.raises(ConfigError) as info:
        config.require_secrets()
    assert str(info.value) == (
        f"microsoft.certificate_path: cannot read {tmp_path / 'nowhere.pem'} "
        "(No such file or directory)"
    )


def test_a_certificate_file_without_a_private_key_is_refused_at_once(tmp_path: Path) -> None:
    (tmp_path / "cert.pem").write_text("-----BEGIN CERTIFICATE-----\ninvented\n")
    data = _m365(certificate_path="cert.pem", certificate_thumbprint="A1" * 20)
    del data["microsoft"]["client_secret_env"]
    assert "holds no PEM private key" in error_for(data, tmp_path)


def _no_microsoft(d: dict[str, Any]) -> None:
    del d["microsoft"]


def _no_tenant(d: dict[str, Any]) -> None:
    del d["microsoft"]["tenant_id"]


def _common_tenant(d: dict[str, Any]) -> None:
    d["microsoft"]["tenant_id"] = "common"


def _http_authority(d: dict[str, Any]) -> None:
    d["microsoft"]["authority"] = "http://login.microsoftonline.com"


def _secret_and_certificate(d: dict[str, Any]) -> None:
    d["microsoft"]["certificate_path"] = "key.pem"


def _neither_secret_nor_certificate(d: dict[str, Any]) -> None:
    del d["microsoft"]["client_secret_env"]


def _secret_pasted(d: dict[str, Any]) -> None:
    d["microsoft"]["client_secret_env"] = "Xq8~pasted.secret-value"


def _password_with_oauth2(d: dict[str, Any]) -> None:
    d["mailbox"]["imap"]["password_env"] = "TSCP_IMAP_PASSWORD"


def _smtp_oauth2_without_user(d: dict[str, Any]) -> None:
    del d["outgoing"]["smtp"]["username"]


def _bad_auth(d: dict[str, Any]) -> None:
    d["mailbox"]["imap"]["auth"] = "xoauth2"


def _http_scope(d: dict[str, Any]) -> None:
    d["microsoft"]["smtp_scopes"] = ["SMTP.SendAsApp"]


@pytest.mark.parametrize(
    "change, where, expected",
    [
        (_no_microsoft, "mailbox.imap.auth:", "needs a [microsoft] section"),
        (_no_tenant, "microsoft.tenant_id:", "missing"),
        (_common_tenant, "microsoft.tenant_id:", "Directory (tenant) ID"),
        (_http_authority, "microsoft.authority:", "https://"),
        (_secret_and_certificate, "microsoft.client_secret_env:", "exactly one"),
        (_neither_secret_nor_certificate, "microsoft.client_secret_env:", "exactly one"),
        (_secret_pasted, "microsoft.client_secret_env:", "not the client secret itself"),
        (_password_with_oauth2, "mailbox.imap.password_env:", 'not used with auth = "oauth2"'),
        (_smtp_oauth2_without_user, "outgoing.smtp.username:", "the mailbox to send as"),
        (_bad_auth, "mailbox.imap.auth:", "one of password, oauth2"),
        (_http_scope, "microsoft.smtp_scopes:", "https:// scopes"),
    ],
)
def test_mistakes_are_one_line_naming_the_key(
    tmp_path: Path, change: Any, where: str, expected: str
) -> None:
    data = _m365()
    change(data)
    message = error_for(data, tmp_path, ENV)
    assert message.startswith(where), message
    assert expected in message, message
    assert "Xq8~" not in message

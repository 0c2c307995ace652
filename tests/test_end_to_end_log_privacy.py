"""Nothing in the logs identifies a child: a full scenario (a SIN naming an invented child,
with the form attached, a reply on the case, the next morning's digest) run with -v through
real Dovecot and aiosmtpd, and its log searched for the child's name, date of birth (in every
form it is written) and address. The logs are read by IT staff and kept by journald; the
case record is where these belong."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from tests.fixtures.dovecot import DovecotServer
from tests.fixtures.forms_docx import DOCX, SIN_INCIDENT, SIN_REFERRER, sin_docx
from tests.fixtures.mail import email
from tests.fixtures.real_servers import write_config
from tests.fixtures.smtp import SmtpTestServer

FIRST, LAST = "Ellery", "Quarmby"
CHILD = (
    ("Name", f"{FIRST} {LAST}"),
    ("Date of birth", "14/07/2019"),
    ("Sex", "Male"),
    ("Address", "27 Lindenbrook Close, Dukinfield SK16 9ZZ"),
    ("Legal status", "Child in need"),
)
# The ways the date of birth can be written, or rewritten by the bot.
BIRTH = ("14/07/2019", "14/7/2019", "2019-07-14", "14 July 2019", "14 Jul 2019", "14.07.2019")
IDENTIFYING = (FIRST, LAST, *BIRTH, "Lindenbrook", "SK16 9ZZ", "SK16")


def _sin_with_form() -> bytes:
    body = (
        "Please find attached the GM SIN form for the Screening Panel.\n"
        f"Child: {FIRST} {LAST}, date of birth 14/07/2019, of 27 Lindenbrook Close, "
        "Dukinfield SK16 9ZZ.\n"
        "Date the local authority became aware: 22/12/2026.\n"
        "Criteria: child seriously harmed, abuse or neglect suspected.\n"
    )
    msg = EmailMessage()
    msg["From"] = "casey.invented@gmp.police.uk"
    msg["To"] = "tscp@tameside.gov.uk"
    msg["Subject"] = f"Serious Incident Notification - GM SIN form - {FIRST} {LAST}"
    msg["Date"] = "Wed, 23 Dec 2026 08:30:00 +0000"
    msg["Message-ID"] = "<sin-privacy@gmp.police.uk>"
    msg.set_content(body)
    form = sin_docx(child=CHILD, incident=SIN_INCIDENT, referrer=SIN_REFERRER)
    maintype, subtype = DOCX.split("/")
    msg.add_attachment(
        form, maintype=maintype, subtype=subtype, filename=f"SIN {FIRST} {LAST} 14.07.2019.docx"
    )
    # A damaged PDF: the PDF library's own warning about it quotes its first bytes.
    msg.add_attachment(
        b"SK16 9ZZ, not a PDF at all", maintype="application", subtype="pdf", filename="map.pdf"
    )
    return msg.as_bytes()


def _sin_with_damaged_headers() -> bytes:
    """A SIN whose subject and attachment name end in an encoded word a gateway cut short:
    the mail parser's warning about such a header quotes the whole header."""
    cut = "=?utf-8?b?A?="
    return (
        f"From: casey.invented@gmp.police.uk\r\nTo: tscp@tameside.gov.uk\r\n"
        f"Subject: SIN for {FIRST} {LAST} DOB 14/07/2019 {cut}\r\n"
        "Message-ID: <sin-damaged-privacy@gmp.police.uk>\r\n"
        "Date: Wed, 23 Dec 2026 08:40:00 +0000\r\n"
        "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
        "--b\r\nContent-Type: text/plain\r\n\r\n"
        "Serious incident notification, please see the attached form.\r\n"
        f'--b\r\nContent-Type: text/plain; name="{cut} SIN {FIRST} {LAST} 14.07.2019.txt"\r\n'
        f'Content-Disposition: attachment; filename="{cut} SIN {FIRST} {LAST} 14.07.2019.txt"'
        "\r\n\r\nsee case record\r\n--b--\r\n"
    ).encode()


def test_a_full_scenario_logs_nothing_that_identifies_the_child(
    bot: Any,
    dovecot: DovecotServer,
    smtp_server: SmtpTestServer,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.INFO)  # what -v logs
    dovecot.append(_sin_with_form())
    assert bot("-v", "--now", "2026-12-23T09:05", "run", "--once")[0] == 0
    reply = email(
        f"Re: [TSCP-2026-0001] Serious incident notification received - {FIRST} {LAST}",
        f"{FIRST} ({LAST}) was born on 14 July 2019 and lives at 27 Lindenbrook Close.\n",
        message_id="<reply-privacy@gmp.police.uk>",
        date="2026-12-23T10:00",
        headers={"In-Reply-To": "<sin-privacy@gmp.police.uk>"},
    )
    dovecot.append(reply)
    assert bot("-v", "--now", "2026-12-23T10:05", "run", "--once")[0] == 0
    assert bot("-v", "--now", "2026-12-24T08:30", "run", "--once")[0] == 0
    # The scenario did happen: the case was opened and the form read.
    assert any(b"[TSCP-2026-0001]" in m.raw for m in smtp_server.messages)
    code, case = bot("case", "TSCP-2026-0001")
    assert code == 0 and "date_of_birth         2019-07-14" in case

    # Everything logged but the test's own SMTP server's log (aiosmtpd's "mail.log").
    ours = [r for r in caplog.records if r.name != "mail.log"]
    logged = "\n".join(r.getMessage() for r in ours) + capsys.readouterr().err
    assert "sent message via SMTP" in logged  # the capture works: -v's lines are here
    leaks = [word for word in IDENTIFYING if word.lower() in logged.lower()]
    assert leaks == [], "\n".join(
        line for line in logged.splitlines() if any(w.lower() in line.lower() for w in leaks)
    )


def test_the_reading_process_logs_nothing_that_identifies_the_child(
    tmp_path: Path, migrated_database_url: str, dovecot: DovecotServer, smtp_server: SmtpTestServer
) -> None:
    """The same SIN through `tscp-bot -v run --once` run as a process, as systemd runs it: the
    form and the damaged PDF are read in its reading process, which writes to the same stderr
    (the capture of the test above cannot see it), and keeps to the same rule; so are the
    damaged headers of a second SIN, which the in-process tests read with caplog."""
    config = write_config(tmp_path, migrated_database_url, dovecot, smtp_server)
    dovecot.append(_sin_with_form())
    dovecot.append(_sin_with_damaged_headers())
    stderr = tmp_path / "stderr"
    with stderr.open("w") as sink:
        done = subprocess.run(
            [sys.executable, "-m", "bot.cli", "-v", "--config", str(config),
             "--now", "2026-12-23T09:05", "run", "--once"],
            env={**os.environ, "TEST_IMAP_PASSWORD": dovecot.password},
            stdout=subprocess.DEVNULL,
            stderr=sink,
            timeout=120,
        )  # fmt: skip
    logged = stderr.read_text()
    assert done.returncode == 0, logged
    assert any(b"[TSCP-2026-0001]" in m.raw for m in smtp_server.messages)
    assert any(b"[TSCP-2026-0002]" in m.raw for m in smtp_server.messages)  # both were read
    assert "sent message via SMTP" in logged  # the process's -v lines are here
    leaks = [word for word in IDENTIFYING if word.lower() in logged.lower()]
    assert leaks == [], logged


def test_a_database_error_carries_no_values_into_the_log(database_url: str) -> None:
    from sqlalchemy import text
    from sqlalchemy.exc import SQLAlchemyError

    from bot.adapters.db.engine import make_engine

    engine = make_engine(database_url)
    try:
        with engine.connect() as conn, pytest.raises(SQLAlchemyError) as caught:
            # A statement that fails with a child's details among its values.
            conn.execute(text("SELECT * FROM no_such_table WHERE x = :v"), {"v": f"{FIRST} {LAST}"})
    finally:
        engine.dispose()
    assert FIRST not in str(caught.value) and "no_such_table" in str(caught.value)

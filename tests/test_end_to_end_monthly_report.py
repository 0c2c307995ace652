"""The monthly timeliness report through the command line and the real servers (Dovecot,
aiosmtpd): sent to the Business Manager once, on the first working day of the month, with its
charts inside the HTML as Outlook shows them; never twice, whatever passes or restarts follow.

A SIN arrives on Wednesday 23 December 2026; the first working day of January 2027 is Monday
4 January (New Year's Day is a Friday), so December's report goes that morning.
"""

from __future__ import annotations

import email
from email import policy
from email.message import EmailMessage
from typing import Any

from tests.fixtures.dovecot import DovecotServer
from tests.fixtures.mail import sin
from tests.fixtures.smtp import SmtpTestServer

BM = "tscp.business.manager@tameside.gov.uk"
SUBJECT = "TSCP timeliness report: December 2026"


def _reports(smtp: SmtpTestServer, subject: str = SUBJECT) -> list[tuple[EmailMessage, list[str]]]:
    found = []
    for rec in smtp.messages:
        msg = email.message_from_bytes(rec.raw, policy=policy.default)
        assert isinstance(msg, EmailMessage)
        if subject in str(msg["Subject"]):
            found.append((msg, list(rec.rcpt_tos)))
    return found


def test_the_monthly_report_reaches_the_business_manager_once_with_its_charts_inline(
    bot: Any, dovecot: DovecotServer, smtp_server: SmtpTestServer
) -> None:
    dovecot.append(sin())
    assert bot("--now", "2026-12-23T09:05", "run", "--once")[0] == 0
    assert _reports(smtp_server) == []  # December's report waits for January
    # November's is not sent either: too late in December (a bot started mid-month does
    # not send an old month's report out of the blue).
    assert _reports(smtp_server, "timeliness report") == []
    assert bot("--now", "2027-01-04T07:30", "run", "--once")[0] == 0
    assert _reports(smtp_server) == []  # the first working day, but before the digest's time
    # Each `run --once` is a new process on the same database: a restart every time.
    for now in ("2027-01-04T08:30", "2027-01-04T08:45", "2027-01-05T09:00", "2027-01-08T09:00"):
        assert bot("--now", now, "run", "--once")[0] == 0

    reports = _reports(smtp_server)
    assert len(reports) == 1
    msg, rcpt = reports[0]
    assert msg["Subject"] == SUBJECT and rcpt == [BM]
    text = msg.get_body(preferencelist=("plain",))
    assert text is not None
    body = text.get_content()
    assert "covers Tuesday 1 December 2026 to Thursday 31 December 2026" in body
    assert "SIN forms received: 1" in body

    related = next(p for p in msg.walk() if p.get_content_type() == "multipart/related")
    parts = list(related.iter_parts())
    html = parts[0].get_content()
    assert parts[0].get_content_type() == "text/html"
    images = [p for p in parts[1:] if p.get_content_type() == "image/png"]
    assert images, "the on-time chart at least"
    for image in images:
        cid = str(image["Content-ID"]).strip("<>")
        assert f'src="cid:{cid}"' in html  # shown in place, not listed as an attachment
        assert image.get_content_disposition() == "inline"
        assert image.get_content().startswith(b"\x89PNG\r\n\x1a\n")
    assert "data:image" not in html  # Outlook blocks data: URIs


def test_no_monthly_report_when_switched_off(
    tmp_path: Any, bot: Any, dovecot: DovecotServer, smtp_server: SmtpTestServer
) -> None:
    import tomllib

    import tomli_w

    config = tmp_path / "config.toml"
    data = tomllib.loads(config.read_text())
    data.setdefault("digest", {})["monthly_report"] = False
    config.write_bytes(tomli_w.dumps(data).encode())
    assert bot("--now", "2027-01-04T09:00", "run", "--once")[0] == 0
    assert _reports(smtp_server, "timeliness report") == []
    assert any("digest" in str(m.raw[:2000]) for m in smtp_server.messages)  # the pass ran

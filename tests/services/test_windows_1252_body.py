"""An email whose body is Windows-1252 but labelled ISO-8859-1, as older Outlook and many
records systems send it, reaches the Business Manager with its apostrophes, dashes and
quotation marks, not control characters in their place.

Mail goes in through the Maildir inbox and the real ingest path, on SQLite and PostgreSQL;
the assertions are on the alert she is emailed and on the next digest.
"""

from __future__ import annotations

from bot.services.daily_digest import send_digest_if_due
from tests.fixtures.mail import drop_into_maildir
from tests.services.test_lifecycle import BM, Bot, body_of, delivered

OFFICER = "morgan.invented@gmp.police.uk"
WRITTEN = "The child\u2019s mother was arrested this morning \u2013 \u201cno contact\u201d bail."


def _labelled_latin_1(text: str, subject: str = "RE: [TSCP-2026-0001] Screening Panel") -> bytes:
    head = (
        f"From: DC Morgan Invented <{OFFICER}>\r\n"
        "To: tscp@tameside.gov.uk\r\n"
        f"Subject: {subject}\r\n"
        "Date: Wed, 16 Dec 2026 13:40:00 +0000\r\n"
        "Message-ID: <cp1252-1@gmp.police.uk>\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: text/plain; charset="iso-8859-1"\r\n'
        "Content-Transfer-Encoding: 8bit\r\n\r\n"
    )
    return head.encode("ascii") + f"{text}\r\n\r\nDC Morgan Invented\r\n".encode("cp1252")


def test_windows_1252_labelled_iso_8859_1_is_shown_as_written(bot: Bot) -> None:
    raw = delivered(_labelled_latin_1(WRITTEN), OFFICER)
    drop_into_maildir(bot.tmp_path / "inbox", raw)
    bot.at("2026-12-16T13:45").run()
    [alert] = bot.outbox("case_reply_alert")
    assert alert.recipients == [BM]
    assert f"  | {WRITTEN}" in body_of(alert)
    bot.at("2026-12-17T08:05")
    assert send_digest_if_due(bot.app)
    digest = body_of(bot.outbox("daily_digest")[-1]).replace("\r\n", "\n")
    assert f"      | {WRITTEN}" in digest


def test_an_iso_8859_1_subject_with_windows_1252_dashes_is_shown_as_written(bot: Bot) -> None:
    # Only the subject tells the news; its encoded word is labelled ISO-8859-1.
    subject = "=?iso-8859-1?q?RE=3A_=5BTSCP-2026-0001=5D_Screening_Panel_=96_mother=92s_arrest?="
    raw = delivered(_labelled_latin_1("", subject), OFFICER)
    drop_into_maildir(bot.tmp_path / "inbox", raw)
    bot.at("2026-12-16T13:45").run()
    [alert] = bot.outbox("case_reply_alert")
    assert "  | Subject: mother\u2019s arrest" in body_of(alert)

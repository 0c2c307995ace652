"""What a person writes beside a form reaches the Business Manager: a return or a corrected SIN
form is recorded as before, and the news in its covering email is shown and alerted.

Every email goes in through the Maildir inbox and the real ingest path.
"""

from __future__ import annotations

from sqlalchemy import select

from bot.adapters.db.models import AgencyRequest
from bot.services.daily_digest import send_digest_if_due
from tests.fixtures.forms_docx import appendix_b_docx, sin_docx
from tests.fixtures.mail import drop_into_maildir
from tests.fixtures.mail import email as make_email
from tests.services.test_lifecycle import (
    POLICE,
    Bot,
    body_of,
    delivered,
    gmp_asked_for_a_return,
    reply,
)

REF = "TSCP-2026-0001"
ROW = [("01/07/2026", "Home visit", "HV", "Visit", "Advice given")]
SIBLING = (
    "Please also note the child's younger sibling was admitted to hospital last night with "
    "unexplained bruising."
)


def _return_with(bot: Bot, text: str, n: int) -> None:
    [request] = bot.outbox("appendix_b_request")
    raw = make_email(
        f"RE: {request.subject}",
        text,
        sender=POLICE,
        message_id=f"<ret-{n}@test>",
        headers={"In-Reply-To": f"<{request.message_id}>"},
        attachment=("Appendix B.docx", appendix_b_docx("Greater Manchester Police", ROW)),
    )
    drop_into_maildir(bot.tmp_path / "inbox", delivered(raw, POLICE))
    bot.run()


def _new_on_cases(bot: Bot, when: str) -> str:
    bot.at(when)
    assert send_digest_if_due(bot.app)
    text = body_of(bot.outbox("daily_digest")[-1]).replace("\r\n", "\n")
    return text.split("NEW ON YOUR CASES", 1)[1].split("SCREENING PANELS", 1)[0]


def _received(bot: Bot) -> bool:
    with bot.app.sessions() as s:
        request = s.scalars(select(AgencyRequest).where(AgencyRequest.agency_key == "gmp")).one()
        return request.received_at is not None


def test_news_written_beside_a_return_is_alerted_and_the_return_recorded(bot: Bot) -> None:
    gmp_asked_for_a_return(bot)
    bot.at("2026-12-22T10:00")
    _return_with(bot, f"Please find our Appendix B return attached.\n\n{SIBLING}\n\nDC Sample", 1)
    assert _received(bot)
    [alert] = bot.outbox("case_reply_alert")
    text = body_of(alert).replace("\r\n", "\n")
    assert "  | Please also note the child's younger sibling was admitted to hospital" in text
    assert "Home visit" not in text  # the document's words are the return's, not news
    section = _new_on_cases(bot, "2026-12-23T08:05")
    assert f"{REF}  Tue 22 Dec 2026 10:00" in section and "younger sibling" in section


def _corrected_form(bot: Bot, text: str, n: int) -> None:
    raw = make_email(
        reply(REF),
        text,
        sender=POLICE,
        message_id=f"<sin-again-{n}@test>",
        attachment=("SIN form.docx", sin_docx()),
    )
    drop_into_maildir(bot.tmp_path / "inbox", delivered(raw, POLICE))
    bot.run()


def test_news_beside_a_corrected_sin_form_is_alerted_a_covering_line_is_not(bot: Bot) -> None:
    bot.at("2026-12-16T12:00")
    _corrected_form(
        bot, "Hi,\n\nPlease find the corrected form attached.\n\nKind regards\nDC Sample", 1
    )
    assert bot.outbox("case_reply_alert") == []
    bot.at("2026-12-16T13:00")
    _corrected_form(bot, "Corrected form attached.\n\nMum was arrested this morning.\n\nThanks", 2)
    [alert] = bot.outbox("case_reply_alert")
    assert "  | Mum was arrested this morning." in body_of(alert)
    assert "Corrected form attached" not in body_of(alert)
    section = _new_on_cases(bot, "2026-12-17T08:05")
    assert "Mum was arrested this morning." in section and "Please find" not in section


# --- A return pasted into the reply: the words around it are news, the form's lines are not ---

PASTED = (
    "Rapid Review Information Request (Appendix B)\n\n"
    "Agency: Greater Manchester Police\n"
    "Name: Alex Author\n"
    "Role: Detective Sergeant\n"
    "Date returned: 22/12/2026\n"
    "Period covered: 01/06/2026 to 15/12/2026\n"
    "Was your agency involved: Yes\n"
    "Summary of involvement: One call-out in June, a domestic incident;\n"
    "DASH completed.\n"
    "View on whether the CSPR criteria are met: Not met.\n"
)
BAIL = "Please note the father was released on bail this morning and is back at the family home."


def _pasted_return(bot: Bot, text: str, n: int) -> None:
    [request] = bot.outbox("appendix_b_request")
    raw = make_email(
        f"RE: {request.subject}",
        text,
        sender=POLICE,
        message_id=f"<pasted-{n}@test>",
        headers={"In-Reply-To": f"<{request.message_id}>"},
    )
    drop_into_maildir(bot.tmp_path / "inbox", delivered(raw, POLICE))
    bot.run()


def _form_lines_left_out(text: str) -> None:
    for line in ("Appendix B", "Detective Sergeant", "DASH completed", "Not met"):
        assert line not in text


def test_news_written_above_a_pasted_return_is_alerted_and_the_return_recorded(
    bot: Bot,
) -> None:
    gmp_asked_for_a_return(bot)
    bot.at("2026-12-22T10:00")
    _pasted_return(bot, f"{BAIL}\n\n{PASTED}\nRegards\nDC Sample", 1)
    assert _received(bot)
    assert bot.outbox("appendix_b_receipt")
    [alert] = bot.outbox("case_reply_alert")
    text = body_of(alert).replace("\r\n", "\n")
    assert "  | Please note the father was released on bail this morning" in text
    _form_lines_left_out(text)
    section = _new_on_cases(bot, "2026-12-23T08:05")
    assert f"{REF}  Tue 22 Dec 2026 10:00" in section and "released on bail" in section
    _form_lines_left_out(section)


def test_news_written_below_a_pasted_return_before_the_signature_is_alerted(bot: Bot) -> None:
    gmp_asked_for_a_return(bot)
    bot.at("2026-12-22T10:00")
    below = "The mother has since moved with the children to a refuge in Oldham."
    _pasted_return(bot, f"Hello,\n\n{PASTED}\n{below}\n\nRegards\nDC Sample", 1)
    assert _received(bot)
    [alert] = bot.outbox("case_reply_alert")
    text = body_of(alert).replace("\r\n", "\n")
    assert "moved with the children to a refuge" in text
    _form_lines_left_out(text)


def test_a_pasted_return_with_only_a_covering_line_is_recorded_not_listed(bot: Bot) -> None:
    gmp_asked_for_a_return(bot)
    bot.at("2026-12-22T10:00")
    covering = "Hello,\n\nPlease find our return below.\n\n"
    _pasted_return(bot, f"{covering}{PASTED}\nKind regards\nDC Sample\nGMP Public Protection", 1)
    assert _received(bot)
    assert bot.outbox("case_reply_alert") == []
    assert REF not in _new_on_cases(bot, "2026-12-23T08:05")

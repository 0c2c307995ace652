"""A return pasted into an email's body ends where the form ends: its last answer does not run
on into the news, the sign-off and the quoted request below it, and a return pasted as an HTML
table has the words around it shown as news like any other.

The emails are tests/corpus fixtures, answering the bot's request, through the Maildir inbox
and the real ingest path; the return is read back as `tscp-bot case` shows it.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.core.pasted_form import MAY_BE_THE_FORM_S
from bot.services.case_view import agency_names, case_detail, find_case_row, panel_members
from tests.fixtures.mail import drop_into_maildir
from tests.services.test_forms_with_news import REF, _new_on_cases, _received
from tests.services.test_lifecycle import Bot, body_of, delivered, gmp_asked_for_a_return

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
AUTHOR = "alex.author@gmp.police.uk"
BAIL = "Please note the father was released on bail this morning"
REFUGE = "The mother has since moved with the children to a refuge in Oldham."


def _answer_with(bot: Bot, fixture: str) -> None:
    [request] = bot.outbox("appendix_b_request")
    raw = (CORPUS / fixture).read_bytes()
    head, _, rest = raw.partition(b"\nMIME-Version:")
    raw = head + f"\nIn-Reply-To: <{request.message_id}>".encode() + b"\nMIME-Version:" + rest
    drop_into_maildir(bot.tmp_path / "inbox", delivered(raw, AUTHOR))
    bot.run()


def _shown(bot: Bot, name: str) -> tuple[object, object]:
    """The return's answer and what is in doubt about it, as `tscp-bot case` shows them."""
    app = bot.app
    with app.engine.connect() as connection:
        row = find_case_row(connection, REF.lower())
        assert row is not None
        names, members = agency_names(app.config), panel_members(app.config)
        detail = case_detail(connection, row, date(2026, 12, 22), names, members)
    [field] = [f for f in detail["fields"] if f["name"] == name]
    return field["value"], field["problem"]


def _recorded(bot: Bot, name: str) -> object:
    return _shown(bot, name)[0]


def _alerted(bot: Bot) -> str:
    [alert] = bot.outbox("case_reply_alert")
    return body_of(alert).replace("\r\n", "\n")


def test_the_last_answer_of_a_pasted_return_stops_above_the_news_below_it(bot: Bot) -> None:
    gmp_asked_for_a_return(bot)
    bot.at("2026-12-22T10:00")
    _answer_with(bot, "appendix-b-pasted-news-below-last-answer.eml")
    assert _received(bot)
    assert _recorded(bot, "cspr_criteria_view") == "Not met."
    text = _alerted(bot)
    assert f"  | {BAIL}" in text
    assert "Not met" not in text and "Original Message" not in text
    section = _new_on_cases(bot, "2026-12-23T08:05")
    assert "released on bail" in section


def test_a_paragraph_that_may_be_the_last_answer_s_is_kept_in_it_and_shown_as_news(
    bot: Bot,
) -> None:
    gmp_asked_for_a_return(bot)
    bot.at("2026-12-22T10:00")
    _answer_with(bot, "appendix-b-pasted-last-answer-may-go-on.eml")
    assert _received(bot)
    joint = "the agencies' joint response to the June call-out."
    assert _recorded(bot, "cspr_criteria_view") == (
        f"Not met, though we would ask the panel to discuss\n{joint}"
    )
    problem = _shown(bot, "cspr_criteria_view")[1]
    assert isinstance(problem, str) and "may run on past the form" in problem
    assert _shown(bot, "summary")[1] is None
    text = _alerted(bot)
    assert f"  | {MAY_BE_THE_FORM_S}\n  | {joint}" in text
    assert "Regards" not in text
    section = _new_on_cases(bot, "2026-12-23T08:05")
    assert "joint response" in section


def test_a_return_with_only_a_sign_off_below_it_records_no_signature_in_its_answer(
    bot: Bot,
) -> None:
    gmp_asked_for_a_return(bot)
    bot.at("2026-12-22T10:00")
    _answer_with(bot, "appendix-b-pasted-in-reply-body.eml")
    assert _received(bot)
    assert _recorded(bot, "cspr_criteria_view") == "Not met."
    assert bot.outbox("case_reply_alert") == []


@pytest.mark.parametrize(
    "fixture",
    [
        "appendix-b-pasted-as-html-table.eml",
        # Outlook's plain part beside the HTML: the table's cells a line each.
        "appendix-b-pasted-as-html-table-with-plain-part.eml",
    ],
)
def test_news_around_a_return_pasted_as_an_html_table_is_alerted(bot: Bot, fixture: str) -> None:
    gmp_asked_for_a_return(bot)
    bot.at("2026-12-22T10:00")
    _answer_with(bot, fixture)
    assert _received(bot)
    assert _recorded(bot, "summary") == "One call-out in June, a domestic incident; DASH completed."
    assert _recorded(bot, "cspr_criteria_view") == "Not met."
    text = _alerted(bot)
    assert BAIL in text and REFUGE in text
    for form_words in ("Appendix B", "Detective Sergeant", "DASH completed", "Not met"):
        assert form_words not in text
    assert "Rapid Review information request" not in text  # the quoted request's header
    section = _new_on_cases(bot, "2026-12-23T08:05")
    assert "released on bail" in section and "refuge in Oldham" in section


def test_the_last_answer_stops_above_an_outlook_header_in_another_language(bot: Bot) -> None:
    # Outlook set to Polish quotes the request below "Od: / Wysłano: / Do: / Temat:". Read as
    # the English "From: / Sent:" only, the last answer ("Not met", no full stop) ran on into
    # the header and the request, and that was the answer recorded and shown on the case.
    gmp_asked_for_a_return(bot)
    bot.at("2026-12-22T10:00")
    _answer_with(bot, "appendix-b-pasted-above-polish-outlook-header.eml")
    assert _received(bot)
    assert _shown(bot, "cspr_criteria_view") == ("Not met", None)
    assert (
        _recorded(bot, "summary") == "One call-out in June, a domestic incident;\nDASH completed."
    )

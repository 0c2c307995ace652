"""After looking in the Sent folder for an email whose last attempt may have gone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.core.unconfirmed_send import NOTICE_EVENT, Looked, Unconfirmed, after_looking, ask_notice
from bot.core.undelivered import NOTICE_EVENT as NOT_DELIVERED

STARTED = datetime(2026, 12, 23, 9, 5, tzinfo=UTC)
GRAPH = timedelta(minutes=30)
BM = "pat.example@example.org"
OURS = (BM, "tscp@example.org")
PANEL = "mailbox.nationalreviewpanel@education.gov.uk"
ROLES = {PANEL: "the National Panel"}


def _at(minutes: float) -> datetime:
    return STARTED + timedelta(minutes=minutes)


def test_found_is_sent_whenever_it_is_looked_for() -> None:
    assert after_looking(True, STARTED, _at(1), GRAPH) is Looked.FOUND
    assert after_looking(True, STARTED, _at(90), timedelta(0)) is Looked.FOUND


def test_a_server_that_files_at_once_not_having_it_means_not_sent() -> None:
    assert after_looking(False, STARTED, _at(1), timedelta(0)) is Looked.NOT_SENT


def test_a_server_that_files_late_is_looked_at_again_then_a_person_is_asked() -> None:
    assert after_looking(False, STARTED, _at(1), GRAPH) is Looked.LOOK_AGAIN
    assert after_looking(False, STARTED, _at(29.9), GRAPH) is Looked.LOOK_AGAIN
    assert after_looking(False, STARTED, _at(30), GRAPH) is Looked.ASK


def _email(event: str, *to: str, number: int = 7, started: datetime = STARTED) -> Unconfirmed:
    return Unconfirmed(number, event, to, started)


@pytest.mark.parametrize(
    ("email", "why"),
    [
        (_email(NOTICE_EVENT, "someone@example.net"), "a notice of this kind never loops"),
        (_email(NOT_DELIVERED, "someone@example.net"), "nor one of the other kind"),
        (_email("daily_digest", "PAT.Example@example.org", "tscp@example.org"), "ours only"),
    ],
)
def test_no_notice(email: Unconfirmed, why: str) -> None:
    assert ask_notice(email, OURS, ROLES) is None, why


def test_a_notice_names_those_outside_with_their_role() -> None:
    notice = ask_notice(_email("panel_delay_notice", PANEL, BM), OURS, ROLES)
    assert notice is not None
    assert notice.recipients == (f"{PANEL} (the National Panel)",)
    assert notice.statutory
    plain = ask_notice(_email("sin_acknowledgement", "Referrer@Example.net"), OURS, ROLES)
    assert plain is not None and not plain.statutory
    assert plain.recipients == ("referrer@example.net",)


def test_one_notice_per_email_and_attempt() -> None:
    one = ask_notice(_email("x", PANEL), OURS, ROLES)
    # The same attempt read back in another zone: the same notice.
    same = ask_notice(_email("x", PANEL, started=STARTED.astimezone(ZoneInfo("Europe/London"))),
                      OURS, ROLES)  # fmt: skip
    retried = ask_notice(_email("x", PANEL, started=_at(60)), OURS, ROLES)
    other = ask_notice(_email("x", PANEL, number=8), OURS, ROLES)
    assert one is not None and same is not None and retried is not None and other is not None
    assert one.key == same.key
    assert len({one.key, retried.key, other.key}) == 3

"""`Report extended:`: a later CSPR report day agreed with the National Panel, by email.

Through the real ingest path, on SQLite and PostgreSQL. `Publication delayed:` tells the Panel
why, but records no day: the report's 6-month clock kept chasing its first day. The agreed day
now moves the chase; the first day stays beside it and in the timeliness report.
"""

from __future__ import annotations

from datetime import date

from bot.services.daily_digest import send_digest_if_due
from bot.services.timeliness import timeliness
from tests.services.test_lifecycle import POLICE, Bot, body_of
from tests.services.test_publication_lifecycle import say

FIRST_DUE, AGREED = date(2027, 7, 7), date(2027, 9, 30)
LINE = "Report extended: 30/09/2027 agreed with the National Panel on 28/05/2027"


def digest(bot: Bot, when: str) -> str:
    bot.at(when)
    assert send_digest_if_due(bot.app)
    return " ".join(body_of(bot.outbox("daily_digest")[-1]).split())


def report_clock(bot: Bot) -> tuple[date, date | None]:
    d = next(d for d in bot.case().deadlines if d.name == "cspr_report")
    return d.due, d.first_due


def test_the_agreed_day_is_chased_and_the_first_kept(cspr: Bot) -> None:
    text = say(cspr, "2027-06-01T10:00", LINE)
    assert (
        "the CSPR report was due Wed 7 Jul 2027; now extended to Thu 30 Sep 2027, agreed with "
        "the National Panel on Fri 28 May 2027" in text
    )
    assert report_clock(cspr) == (AGREED, FIRST_DUE)
    # The week the report would have had to go for 7 July: no chase for it.
    assert "CSPR report for TSCP-2026-0001" not in digest(cspr, "2027-06-25T08:30")
    near = digest(cspr, "2027-09-17T08:30")
    assert "CSPR report for TSCP-2026-0001" in near
    assert "(first due Wed 7 Jul 2027), extended to Thu 30 Sep 2027, agreed with the " in near
    # A partner's `Status` gives the agreement by role only, and the first day.
    cspr.at("2027-06-02T10:00").mail(POLICE, "Status TSCP-2026-0001", "")
    cspr.run()
    view = " ".join(body_of(cspr.outbox("case_status")[-1]).split())
    assert "Agreed extension: extended to Thu 30 Sep 2027, agreed with the National Panel" in view
    assert "The rule's day, Wed 7 Jul 2027, still stands" in view


def test_the_report_counts_the_six_months_and_the_agreed_day_apart(cspr: Bot) -> None:
    say(cspr, "2027-06-01T10:00", LINE)
    say(cspr, "2027-09-29T10:00", "Published: 29/09/2027")
    with cspr.app.sessions() as s:
        report = timeliness(
            s, cspr.app.config, date(2027, 4, 1), date(2028, 3, 31), date(2027, 10, 1)
        )
    [m] = [m for m in report.whole.measures if m.measure == "cspr_report"]
    assert (m.due, m.on_time, m.extended, m.agreed_met) == (1, 0, 1, 1)
    assert [(c.due, c.done_on) for c in m.late] == [(FIRST_DUE, date(2027, 9, 29))]


def test_an_extension_before_the_cspr_or_to_someone_else_is_refused(cspr: Bot) -> None:
    text = say(
        cspr,
        "2027-06-01T10:00",
        "Report extended: 30/09/2027 agreed with the reviewer on 28/05/2027",
    )
    assert "NOT CARRIED OUT" in text and "name who agreed it by role (the National Panel)" in text
    text = say(
        cspr, "2027-06-01T11:00", "Report extended: 01/07/2027 agreed with the Panel on 28/05/2027"
    )
    assert "is not after the day the CSPR report is due now (Wed 7 Jul 2027)" in text
    assert report_clock(cspr) == (FIRST_DUE, None)


def test_publishing_after_the_six_months_still_asks_for_the_reasons_to_be_given(
    cspr: Bot,
) -> None:
    # The Panel agreed a later day; the Secretary of State must still be told why.
    say(cspr, "2027-06-01T10:00", LINE)
    text = say(cspr, "2027-06-01T11:00", "Publication: 01/09/2027")
    assert "publication on Wed 1 Sep 2027 is after the report's 6-month date (Wed 7 Jul" in text
    assert "the National Panel and the Secretary of State must be told" in text

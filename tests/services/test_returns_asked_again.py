"""An agency asked again for an Appendix B it has already returned (a longer review period, say)
owes a new return: the clock runs again for the new date and is chased, the earlier return is
kept on the record, and the Board's timeliness report counts each request as it was met."""

from __future__ import annotations

from datetime import date

from bot.core.timeliness_figures import MeasureFigures, PeriodFigures
from bot.services.timeliness import timeliness
from tests.fixtures.mail import drop_into_maildir
from tests.fixtures.mail import email as make_email
from tests.services.test_case_warnings import digest_on
from tests.services.test_lifecycle import BM, POLICE, Bot, body_of, gmp_asked_for_a_return, reply

REF = "TSCP-2026-0001"
GMP = "Greater Manchester Police"


def gmp_returns(bot: Bot, when: str, number: int) -> None:
    raw = make_email(
        f"Appendix B return for {REF}",
        "Return attached.",
        sender="casey.invented@gmp.police.uk",
        message_id=f"<gmp-return-{number}@gmp.police.uk>",
        attachment=("Appendix B GMP.docx", b"PK\x03\x04 dummy"),
    )
    drop_into_maildir(bot.tmp_path / "inbox", raw)
    bot.at(when).run()


def asked_again(bot: Bot) -> str:
    """GMP, asked on Thu 17 Dec 2026 for Thu 24 Dec, returns on Fri 18 Dec; on Mon 21 Dec the
    Business Manager asks GMP and ICB for a longer review period, return by Tue 5 Jan 2027."""
    gmp_asked_for_a_return(bot)
    gmp_returns(bot, "2026-12-18T10:00", 1)
    bot.at("2026-12-21T10:00").mail(
        BM,
        reply(REF),
        "Agencies: gmp, icb\nReview period: 1 January 2026 to 16 December 2026\n"
        "Return by: 05/01/2027",
    )
    bot.run()
    return " ".join(body_of(bot.outbox("command_result")[-1]).split())


def gmp_figures(period: PeriodFigures) -> MeasureFigures:
    [gmp] = [m for m in period.appendix_b if m.agency == GMP]
    return gmp


def test_asking_again_after_a_return_opens_the_clock_and_says_so(bot: Bot) -> None:
    result = asked_again(bot)
    assert (
        f"{GMP} returned on Fri 18 Dec 2026; asked again; the new return is due Tue 5 Jan 2027"
        in result
    )
    requests = [r for r in bot.outbox("appendix_b_request") if r.recipients == [POLICE]]
    assert len(requests) == 2 and "return by Tue 5 Jan 2027" in requests[1].subject
    deadlines = {d.name: d for d in bot.case().deadlines}
    live, earlier = deadlines["appendix_b:gmp"], deadlines["appendix_b:gmp:1"]
    assert (live.due, live.met_at, live.state) == (date(2027, 1, 5), None, "open")
    # Its explanation, which reminders to the agency print, names it as people know it.
    assert f"Appendix B requested from {GMP} on " in live.explanation
    assert (earlier.due, earlier.met_on, earlier.state) == (
        date(2026, 12, 24),
        date(2026, 12, 18),
        "met",
    )
    [event] = [e for e in bot.case().events if e.what == "return_asked_again"]
    assert "returned on Fri 18 Dec 2026" in event.detail and "message #" in event.detail

    bot.at("2026-12-21T11:00").mail(BM, reply(REF), "Status")
    bot.run()
    view = " ".join(body_of(bot.outbox("case_status")[-1]).split())
    title = "Agency returns its Appendix B information by the date set in the request"
    assert f"{title} ({GMP}) due Tue 5 Jan 2027" in view
    assert f"{title} ({GMP}, request 1) met on Fri 18 Dec 2026 (was due Thu 24 Dec 2026)" in view

    # The new return is owed: the digest lists it and GMP is chased before it falls due.
    digest = digest_on(bot, "2027-01-04")
    owed = digest[digest.index("APPENDIX B RETURNS") : digest.index("ACTIONS")]
    assert REF in owed and "Tue 5 Jan 2027" in owed and GMP in owed
    bot.at("2027-01-04T10:00").run()
    [chase] = [
        r
        for r in bot.outbox("deadline_reminder")
        if r.idempotency_key.startswith(f"reminder:{REF}:appendix_b:gmp:2027-01-05:")
    ]
    assert chase.recipients == [POLICE]


def test_the_report_counts_the_earlier_return_on_time_and_the_new_one_as_met(bot: Bot) -> None:
    asked_again(bot)
    with bot.app.sessions() as s:
        before = timeliness(
            s, bot.app.config, date(2026, 10, 1), date(2027, 3, 31), date(2027, 1, 4)
        )
    # The earlier return stays on time in its own quarter; the new one is not due yet.
    assert (gmp_figures(before.quarters[0]).due, gmp_figures(before.quarters[0]).on_time) == (1, 1)
    gmp_returns(bot, "2027-01-07T10:00", 2)  # two days late
    assert next(d for d in bot.case().deadlines if d.name == "appendix_b:gmp").met_on == date(
        2027, 1, 7
    )
    with bot.app.sessions() as s:
        report = timeliness(
            s, bot.app.config, date(2026, 10, 1), date(2027, 3, 31), date(2027, 2, 1)
        )
    december, january = (gmp_figures(q) for q in report.quarters)
    assert (december.due, december.on_time, december.late) == (1, 1, ())
    assert (january.due, january.on_time) == (1, 0)
    assert [(c.ref, c.due, c.done_on) for c in january.late] == [
        (REF, date(2027, 1, 5), date(2027, 1, 7))
    ]
    assert (gmp_figures(report.whole).due, gmp_figures(report.whole).on_time) == (2, 1)
    assert [a for a in (m.agency for m in report.whole.appendix_b) if "1" in (a or "")] == []

"""A forward is told by its subject, its forwarded-message line or an attached email; the day
its email was sent is read only where it cannot be misread."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.core.forwarded import (
    Written,
    answerable_writer,
    complainant_of,
    counted_from,
    first_writer,
    first_written,
    is_forwarded,
    written,
)
from bot.core.message import AttachmentInfo, MailMessage

LONDON = ZoneInfo("Europe/London")


def _msg(subject: str, text: str, attachments: tuple[AttachmentInfo, ...] = ()) -> MailMessage:
    return MailMessage("<m@t>", subject, "a@example.org", "A", text=text, attachments=attachments)


@pytest.mark.parametrize("subject", ["FW: Complaint", "Fwd: complaint", "RE: FW: Complaint"])
def test_a_forward_by_its_subject(subject: str) -> None:
    assert is_forwarded(_msg(subject, "see below"))


def test_a_forward_by_its_line_and_not_a_reply() -> None:
    assert is_forwarded(_msg("Complaint", "---------- Forwarded message ---------\nFrom: X"))
    assert not is_forwarded(_msg("RE: Complaint", "-----Original Message-----\nFrom: X"))
    assert not is_forwarded(_msg("Complaint", "I wish to make a formal complaint."))


@pytest.mark.parametrize(
    ("sent", "day"),
    [
        ("14 December 2026 16:20", date(2026, 12, 14)),
        ("Monday, December 14, 2026 4:20 PM", date(2026, 12, 14)),
        ("Mon, 14 Dec 2026 at 16:20", date(2026, 12, 14)),
        ("Mon, 14 Dec 2026 16:20:00 +0000", date(2026, 12, 14)),
        ("14/12/2026 16:20", date(2026, 12, 14)),
        ("05/12/2026 16:20", None),  # 5 December or 12 May
        ("12/14/2026 16:20", None),
        ("last Tuesday", None),
    ],
)
def test_the_day_a_forwarded_email_was_sent(sent: str, day: date | None) -> None:
    text = f"FYI\n\nFrom: Chris Member <c@example.org>\nSent: {sent}\nTo: BM\n\nComplaint"
    assert first_written(_msg("FW: Complaint", text), LONDON) == day


@pytest.mark.parametrize(
    ("sent", "day"),
    [
        # Summer: 23:30 UTC is 00:30 the next morning in London, the day its clocks count from.
        ("Wed, 16 Jun 2027 23:30:00 +0000", date(2027, 6, 17)),
        ("Wed, 16 Jun 2027 19:30:00 -0400", date(2027, 6, 17)),
        ("Wednesday, June 16, 2027 11:30 PM -0400", date(2027, 6, 17)),
        ("Thu, 17 Jun 2027 00:30:00 +0200", date(2027, 6, 16)),  # 23:30 BST on the 16th
        ("Thu, 17 Jun 2027 00:30:00 +0100", date(2027, 6, 17)),
        ("Mon, 14 Dec 2026 23:30:00 +0000 (UTC)", date(2026, 12, 14)),  # GMT: the same day
        # A zone in letters that means one offset: Apple Mail's "at 19:30:00 EDT".
        ("16 June 2027 at 19:30:00 EDT", date(2027, 6, 17)),
        ("Wednesday, June 16, 2027 4:30 PM PDT", date(2027, 6, 17)),
        ("Thu, 17 Jun 2027 00:30:00 CEST", date(2027, 6, 16)),  # 23:30 BST on the 16th
        ("Thu, 17 Jun 2027 01:30 eest", date(2027, 6, 16)),
        ("Wed, 16 Jun 2027 23:30:00 GMT", date(2027, 6, 17)),
        ("Wed, 16 Jun 2027 23:30Z", date(2027, 6, 17)),
        # 19:30 US Eastern (-5) was 00:30 on the 15th in London; Australian Eastern (+10),
        # 09:30 on the 14th: unsure (see below). 10:00 is the 14th in London either way.
        ("Mon, 14 Dec 2026 10:00:00 EST", date(2026, 12, 14)),
        ("Mon, 14 Dec 2026 12:00 MST", date(2026, 12, 14)),
        # No offset: the day as its writer saw it.
        ("Wed, 16 Jun 2027 at 23:30", date(2027, 6, 16)),
        # A zone whose letters could mean two (British Summer Time or Bangladesh; Irish,
        # India or Israel; US Central, China or Cuba) is London's day only when every reading
        # gives the same one.
        ("16 June 2027 at 23:30:00 BST", date(2027, 6, 16)),
        ("16 June 2027 at 23:30:00 IST", date(2027, 6, 16)),
        ("Mon, 14 Dec 2026 12:00 CST", date(2026, 12, 14)),
        # 00:30 on the 18th at +1 or +6 was the 17th in London (GMT) either way.
        ("18 December 2026 00:30 BST", date(2026, 12, 17)),
        ("Wed, 16 Jun 2027 25:30:00 +0000", None),
        # An offset beside GMT or UTC, as some mail programs write it: 00:30 ten hours ahead
        # of GMT was 14:30 the day before in London, not the 2nd ("GMT" alone would say so).
        ("Wed, 2 Dec 2026 00:30 GMT+10", date(2026, 12, 1)),
        ("Wed, 2 Dec 2026 23:30 (UTC-05:00)", date(2026, 12, 3)),
        ("Wed, 2 Dec 2026 05:00 UTC+5:30", date(2026, 12, 1)),
        # Zones of one meaning, further afield: 08:00 in New Zealand (+12) was 21:00 BST the
        # day before; 07:00 Australian Eastern (+10), 22:00 BST the day before.
        ("Wed, 16 Jun 2027 08:00 NZST", date(2027, 6, 15)),
        ("Thu, 17 Jun 2027 07:00 AEST", date(2027, 6, 16)),
        # PM is the hour's half, not a zone.
        ("Wednesday, June 16, 2027 11:30 PM", date(2027, 6, 16)),
    ],
)
def test_a_sent_line_with_an_offset_is_the_day_in_london(sent: str, day: date | None) -> None:
    text = f"FYI\n\nFrom: Chris Member <c@example.org>\nDate: {sent}\nTo: BM\n\nComplaint"
    assert first_written(_msg("FW: Complaint", text), LONDON) == day


@pytest.mark.parametrize(
    "sent",
    [
        # 18:30 US Central (-6) or Cuba (-5) was the 17th in London; China's (+8), the 16th.
        "16 June 2027 at 18:30:00 CST",
        # 00:30 British Summer Time was the 17th in London; Bangladesh's (+6), the 16th.
        "Thu, 17 Jun 2027 00:30 BST",
        # 01:30 Irish (+1) was the 16th in London; India's (+5:30) or Israel's (+2), the 15th.
        "16 June 2027 at 01:30 IST",
        # 18:30 US Central Daylight (-5) was the 17th in London; Cuba's (-4), the 16th.
        "Wednesday, June 16, 2027 6:30 PM CDT",
        # 19:30 US Eastern (-5) was the 15th in London; Australian Eastern (+10), the 14th.
        "Mon, 14 Dec 2026 19:30:00 EST",
        # 23:30 US Mountain (-7) was the 17th in London; Malaysia's (+8), the 16th.
        "16 June 2027 at 23:30 MST",
        # 05:00 US Pacific (-8) was the 16th in London; Philippine (+8), the 15th.
        "Wed, 16 Jun 2027 05:00 PST",
        # 01:00 Atlantic (-4) was the 16th in London; Arabia's (+3), the 15th.
        "Wed, 16 Jun 2027 01:00 AST",
        # Letters the bot does not know: the writer's own day could be London's or not.
        "Wed, 16 Jun 2027 08:00 NZT",
    ],
)
def test_a_zone_whose_readings_fall_on_two_london_days_gives_no_day(sent: str) -> None:
    text = f"FYI\n\nFrom: Chris Member <c@example.org>\nSent: {sent}\nTo: BM\n\nComplaint"
    assert first_written(_msg("FW: Complaint", text), LONDON) is None


def test_the_forwarded_emails_own_day_not_that_of_older_mail_it_quotes() -> None:
    text = (
        "FYI\n\nFrom: Chris Member <c@example.org>\nSent: 14 December 2026 16:20\n"
        "Subject: Complaint\n\nI am still waiting.\n\n"
        "From: TSCP <tscp@example.org>\nSent: 3 March 2025 09:00\n\nYour enquiry"
    )
    assert first_written(_msg("FW: Complaint", text), LONDON) == date(2026, 12, 14)


THUNDERBIRD = (
    "FYI\n\n-------- Forwarded Message --------\nSubject: \tComplaint\n"
    "Date: \tMon, 14 Dec 2026 16:20:00 +0000\nFrom: \tChris Member <c@example.org>\n"
    "To: \tBM <bm@example.org>\n\n\nComplaint"
)


def test_thunderbirds_date_above_from_is_the_forwarded_emails_day() -> None:
    msg = _msg("Fwd: Complaint", THUNDERBIRD)
    assert first_written(msg, LONDON) == date(2026, 12, 14)
    assert first_writer(msg) == "c@example.org"


def test_a_date_above_from_counts_only_in_the_same_run_of_header_lines() -> None:
    # The forwarder's own "Date:" words, a blank line above the quoted From:, are not its day.
    text = "Date: 3 March 2025 09:00\n\nFrom: Chris Member <c@example.org>\nTo: BM\n\nHello"
    assert first_written(_msg("Fwd: Complaint", text), LONDON) is None
    prose = "We met on the date below.\nDate: 3 March 2025\nthen\nFrom: Chris <c@example.org>"
    assert first_written(_msg("Fwd: Complaint", prose), LONDON) is None


def _attached(*dates: datetime | None, text: str = "FYI, see attached") -> MailMessage:
    return MailMessage(
        "<m@t>", "FW: Complaint", "a@example.org", "A", text=text, attached_dates=dates
    )


def test_a_forward_as_attachment_counts_from_the_attached_emails_own_date() -> None:
    sent = datetime(2026, 12, 14, 16, 20, tzinfo=UTC)
    assert first_written(_attached(sent), LONDON) == date(2026, 12, 14)
    # Sent at 23:30 in New York on the 13th is 04:30 on the 14th in Tameside.
    late = datetime(2026, 12, 13, 23, 30, tzinfo=timezone(timedelta(hours=-5)))
    assert first_written(_attached(late), LONDON) == date(2026, 12, 14)


def test_an_attached_email_wins_over_a_header_block_the_forwarder_typed() -> None:
    typed = "From: Chris Member\nSent: 3 March 2025 09:00\n\nsee attached"
    sent = datetime(2026, 12, 14, 9, 0, tzinfo=UTC)
    assert first_written(_attached(sent, text=typed), LONDON) == date(2026, 12, 14)


@pytest.mark.parametrize(
    "dates",
    [
        (None,),  # the attached email has no readable Date
        (datetime(2026, 12, 14, 9, 0, tzinfo=UTC), datetime(2026, 11, 2, 9, 0, tzinfo=UTC)),
    ],
)
def test_no_day_when_the_attached_date_is_unreadable_or_there_are_several(
    dates: tuple[datetime | None, ...],
) -> None:
    assert first_written(_attached(*dates), LONDON) is None


@pytest.mark.parametrize(
    ("written", "counted"),
    [
        (date(2026, 12, 14), date(2026, 12, 14)),
        (None, None),
        (date(2027, 1, 11), None),  # the day it arrived: nothing earlier to count from
        (date(2027, 1, 12), None),  # later than the forward: never
        (date(2026, 1, 11), date(2026, 1, 11)),  # a year before, to the day
        (date(2026, 1, 10), None),  # old correspondence, or a mistyped year
    ],
)
def test_the_clock_runs_from_the_forwarded_day_only_within_a_year_before_arrival(
    written: date | None, counted: date | None
) -> None:
    assert counted_from(written, date(2027, 1, 11)) == counted


def _outlook(
    subject: str, quoted_from: str, sender: str = "customer.services@example.org"
) -> MailMessage:
    text = (
        "Passing this on to you as it is for the partnership.\n\n"
        f"-----Original Message-----\nFrom: {quoted_from}\nSent: 20 November 2026 14:02\n"
        "To: Customer Services\nSubject: complaint\n\nI wish to make a formal complaint."
    )
    return MailMessage("<m@t>", subject, sender, "Customer Services", text=text)


OWN = frozenset({"tscp@tameside.gov.uk"})


@pytest.mark.parametrize(
    ("subject", "quoted_from", "forwarded"),
    [
        # Outlook's forward with "FW:" typed over: someone else's email, quoted whole.
        ("Complaint for TSCP", "Pat Public <pat.public@example.org>", True),
        ("Complaint for TSCP", "Pat Public", True),  # Exchange's own names, no address
        # A reply quotes others' mail as a matter of course.
        ("RE: complaint", "Pat Public <pat.public@example.org>", False),
        # The partnership's own mail, or the sender's own, quoted: nobody else's words.
        ("My complaint", "TSCP <tscp@tameside.gov.uk>", False),
        ("My complaint", "Customer Services <customer.services@example.org>", False),
        ("My complaint", "Customer Services", False),
    ],
)
def test_a_quoted_header_block_from_someone_else_under_a_new_subject_is_a_forward(
    subject: str, quoted_from: str, forwarded: bool
) -> None:
    assert is_forwarded(_outlook(subject, quoted_from), OWN) is forwarded


def test_prose_starting_with_from_is_no_header_block() -> None:
    text = "From: the moment I rang you nobody has helped.\nI wish to make a formal complaint."
    msg = MailMessage("<m@t>", "Complaint", "pat@example.org", "Pat", text=text)
    assert not is_forwarded(msg, OWN)


AGENCIES = frozenset({"gmp.police.uk", "tameside.gov.uk"})
OURS = frozenset({"tscp@tameside.gov.uk", "tscp.business.manager@tameside.gov.uk"})


def _inline(writer: str) -> MailMessage:
    text = f"FYI\n\nFrom: Casey Invented <{writer}>\nSent: 11 December 2026 16:00\n\nSIN"
    return MailMessage(
        "<m@t>", "FW: GM SIN form", "tscp.business.manager@tameside.gov.uk", "BM", text=text
    )


def test_the_forwarded_emails_writer_is_answered_only_at_an_agencys_personal_address() -> None:
    police = "casey.invented@gmp.police.uk"
    assert answerable_writer(_inline(police), OURS, AGENCIES) == police
    # Not a no-reply mailbox, not the partnership's own, not an address of no agency.
    for other in ("no-reply@gmp.police.uk", "tscp@tameside.gov.uk", "pat@example.org"):
        assert answerable_writer(_inline(other), OURS, AGENCIES) is None
    # A name alone on the From: line, as Outlook often writes it: no address to answer.
    named = replace(_inline(police), text="From: Casey Invented\nSent: 11 December 2026\n\nSIN")
    assert first_writer(named) is None


def test_a_forward_as_attachment_is_written_by_the_attached_emails_sender() -> None:
    police = "casey.invented@gmp.police.uk"
    one = replace(_inline(police), text="see attached", attached_from=(police,))
    assert first_writer(one) == police
    assert first_writer(replace(one, attached_from=(police, "x@nhs.net"))) is None


@pytest.mark.parametrize(
    ("sent", "doubt"),
    [
        (
            "Sent: 02 December 2026 23:30 EST",
            "the Sent line's time zone 'EST' may be US Eastern or Australian Eastern time, "
            "which fall on different days (Wed 2 Dec 2026 or Thu 3 Dec 2026)",
        ),
        (
            "Date: 16 June 2027 at 01:30 ist",
            "the Date line's time zone 'IST' may be Irish, India or Israel time, which fall "
            "on different days (Tue 15 Jun 2027 or Wed 16 Jun 2027)",
        ),
        (
            "Sent: 16 June 2027 08:00 NZT",
            "the Sent line's time zone 'NZT' is not one the bot knows, so the day it was sent "
            "where the partnership is cannot be told",
        ),
    ],
)
def test_a_day_the_zone_letters_leave_unsure_names_them_and_what_they_may_mean(
    sent: str, doubt: str
) -> None:
    text = f"FYI\n\nFrom: Chris Member <c@example.org>\n{sent}\nTo: BM\n\nComplaint"
    assert written(_msg("FW: Complaint", text), LONDON) == Written(None, doubt)


def test_a_day_unsure_for_another_cause_names_no_zone() -> None:
    text = "FYI\n\nFrom: Chris Member <c@example.org>\nSent: 05/12/2026 23:30 EST\n\nHi"
    assert written(_msg("FW: Complaint", text), LONDON) == Written(None)


PASSERS_ON = frozenset({"tscp@tameside.gov.uk", "bm@tameside.gov.uk"})
PUBLIC_BODIES = frozenset({"tameside.gov.uk", "nhs.net"})


def _forward_of(quoted_from: str, subject: str = "Complaint", older: str = "") -> MailMessage:
    text = (
        f"Passing this on.\n\n-----Original Message-----\nFrom: {quoted_from}\n"
        f"Sent: 14 December 2026 16:20\nTo: Ward Office <w@example.org>\nSubject: {subject}\n\n"
        f"I wish to make a formal complaint.{older}"
    )
    return replace(_msg("FW: Complaint", text), from_addr="ward.office@example.org")


@pytest.mark.parametrize(
    ("quoted_from", "subject", "older", "complainant"),
    [
        ("Chris Member <chris.member@example.org>", "Complaint", "", "chris.member@example.org"),
        # Older mail she quotes below: the first From is still hers.
        (
            "Chris Member <chris.member@example.org>",
            "RE: Your enquiry",
            "\n\nFrom: TSCP <tscp@tameside.gov.uk>\nSent: 3 March 2025 09:00\n\nYour enquiry",
            "chris.member@example.org",
        ),
        ("Chris Member", "Complaint", "", ""),  # a name alone
        ("Ward Office <ward.office@example.org>", "Complaint", "", ""),  # the forwarder
        ("A Colleague <a.colleague@tameside.gov.uk>", "Complaint", "", ""),  # an agency's
        ("TSCP <tscp@tameside.gov.uk>", "Complaint", "", ""),  # the partnership's
        # A forward of a forward: whoever passed it on first, not the complainant.
        ("Councillor <councillor@example.org>", "FW: Complaint", "", ""),
    ],
)
def test_a_forwarded_complaints_complainant_only_where_its_from_line_is_sure(
    quoted_from: str, subject: str, older: str, complainant: str
) -> None:
    msg = _forward_of(quoted_from, subject, older)
    assert complainant_of(msg, PASSERS_ON, PUBLIC_BODIES) == complainant


@pytest.mark.parametrize(
    "line",
    [
        "---------- Weitergeleitete Nachricht ---------",
        "-------- Message transf\u00e9r\u00e9 --------",
        "---------- Mensaje reenviado ---------",
        "---------- Doorgestuurd bericht ---------",
        "---------- Messaggio inoltrato ---------",
        "---------- Mensagem encaminhada ---------",
        "---------- Wiadomo\u015b\u0107 przekazana dalej ---------",
    ],
)
def test_a_forward_by_its_line_in_the_forwarders_language(line: str) -> None:
    # Its subject typed over ("Complaint for TSCP"), the line is all that tells a forward.
    assert is_forwarded(_msg("Complaint for TSCP", f"{line}\nPat Public\n\nI complain."))
    assert not is_forwarded(_msg("RE: Complaint", "-----Urspr\u00fcngliche Nachricht-----\nVon: X"))


@pytest.mark.parametrize(
    "header",
    [
        # Gmail names the From line in its user's language, the Date line in English or not
        "Von: Casey Invented <{w}>\nDate: Fr., 11. Dez. 2026 um 16:00 Uhr",
        "De : Casey Invented <{w}>\nDate: ven. 11 d\u00e9c. 2026 \u00e0 16:00",
        "Od: Casey Invented <{w}>\nData: pt., 11 gru 2026 o 16:00",
        "Da: Casey Invented <{w}>\nData: ven 11 dic 2026 alle ore 16:00",
        # Outlook names every line so
        "Von: Casey Invented <{w}>\nGesendet: Freitag, 11. Dezember 2026 16:00",
        "Van: Casey Invented <{w}>\nVerzonden: vrijdag 11 december 2026 16:00",
        "De: Casey Invented <{w}>\nEnviado el: viernes, 11 de diciembre de 2026 16:00",
        "Oddi wrth: Casey Invented <{w}>\nAnfonwyd: 11 Rhagfyr 2026 16:00",
    ],
)
def test_the_writer_of_a_forward_whose_header_is_in_another_language(header: str) -> None:
    police = "casey.invented@gmp.police.uk"
    text = f"FYI\n\n---------- Forwarded message ---------\n{header.format(w=police)}\n\nSIN"
    msg = replace(_inline(police), subject="Fwd: GM SIN form", text=text)
    assert first_writer(msg) == police
    assert answerable_writer(msg, OURS, AGENCIES) == police


def test_a_date_in_another_language_is_read_by_its_months_name() -> None:
    # Every language and form: tests/core/test_forwarded_languages.py.
    text = "Von: Casey Invented <c@gmp.police.uk>\nGesendet: Freitag, 11. Dezember 2026 16:00\n"
    assert first_written(_msg("WG: SIN", text), LONDON) == date(2026, 12, 11)
    figures = "Von: Casey Invented <c@gmp.police.uk>\nGesendet: 11.12.2026 16:00\n"
    assert first_written(_msg("WG: SIN", figures), LONDON) is None
    english = "Von: Casey Invented <c@gmp.police.uk>\nDate: 11 December 2026 16:00\n"
    assert first_written(_msg("Fwd: SIN", english), LONDON) == date(2026, 12, 11)


@pytest.mark.parametrize(
    "text",
    [
        "De: 14 a 18 de dezembro estou de f\u00e9rias.\nQuero fazer uma queixa.",
        "Von: Anfang an hat niemand geholfen.\nIch beschwere mich.",
    ],
)
def test_prose_opening_with_a_from_word_of_another_language_is_no_header(text: str) -> None:
    msg = MailMessage("<m@t>", "Complaint", "pat@example.org", "Pat", text=text)
    assert not is_forwarded(msg, OWN)

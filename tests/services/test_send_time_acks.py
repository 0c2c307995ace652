"""An acknowledgement or the panel's invitation that waited (the mail server down) is looked
at again on the day it goes: the complainant is not promised a reply by a day gone by, the
referrer is not told of a panel "booked" for a time gone by, and the panel is not invited to a
meeting already past.

Every email goes through the real outbox to a real SMTP server (aiosmtpd), stopped and started
as a relay going down and coming back; what the tests read is what it received.
"""

from __future__ import annotations

from pathlib import Path

from tests.fixtures.app import AppFactory
from tests.fixtures.smtp import SmtpTestServer
from tests.services.test_lifecycle import Bot
from tests.services.test_send_time_truth import GMP, REF, received, say, to_business_manager

PUBLIC = "pat.public@example.org"
COMPLAINT = "I wish to make a formal complaint about how my concerns were handled."


def down_bot(make_app: AppFactory, tmp_path: Path, server: SmtpTestServer, now: str) -> Bot:
    smtp = {"host": "127.0.0.1", "port": server.port, "security": "plain"}
    server.stop()
    return Bot(
        make_app,
        tmp_path,
        now,
        outgoing={"backend": "smtp", "retry_base_seconds": 60, "smtp": smtp},
    )


def panel_mail(server: SmtpTestServer) -> list[str]:
    """The subjects of what reached the panel members (not the Business Manager's copies)."""
    return [g.subject for g in received(server) if "dsp.tameside@gmp.police.uk" in g.to]


def sin_read_while_down(make_app: AppFactory, tmp_path: Path, smtp_server: SmtpTestServer) -> Bot:
    """A SIN read Wed 16 Dec 2026 09:00, its panel booked for 14:00 that day, while the relay
    is down; the relay back on Mon 21 Dec, and the outbox tried at 09:30."""
    bot = down_bot(make_app, tmp_path, smtp_server, "2026-12-16T09:00")
    bot.mail(GMP, "Serious Incident Notification - GM SIN form", "Please find the GM SIN form.")
    bot.run()
    smtp_server.start()
    bot.at("2026-12-21T09:30").run()
    return bot


def test_a_sin_acknowledgement_that_waited_past_its_panel_says_it_was_booked(
    make_app: AppFactory, tmp_path: Path, smtp_server: SmtpTestServer
) -> None:
    bot = sin_read_while_down(make_app, tmp_path, smtp_server)

    [ack] = [g for g in received(smtp_server) if g.to == [GMP]]
    assert ack.subject == f"[{REF}] Serious incident notification received"
    assert "We received it at 09:00 on Wednesday 16 December 2026" in ack.text
    assert (
        "The panel was booked for Wednesday 16 December 2026, 14:00 to 15:00: we are sorry "
        "that this acknowledgement could not be sent to you before then."
    ) in ack.text
    assert "The panel is booked for" not in ack.text
    assert "of the SIN form being received (this date has passed)" in ack.text
    assert "We did not find a notification form in your email" in ack.text  # as first written
    bot.at("2026-12-21T09:35").run()
    [note] = to_business_manager(smtp_server, "Written again when it went")
    assert (
        "to casey.invented@gmp.police.uk could not go as written: it gave the Screening Panel "
        "as booked for Wed 16 Dec 2026 14:00, which had come or gone by the day it could go; "
        "it listed key dates as still to come (Fri 18 Dec 2026) whose day had come: it was "
        "written again as of Mon 21 Dec 2026."
    ) in note.text


def test_an_invitation_to_a_panel_gone_by_is_held_until_another_time_is_booked(
    make_app: AppFactory, tmp_path: Path, smtp_server: SmtpTestServer
) -> None:
    bot = sin_read_while_down(make_app, tmp_path, smtp_server)

    # The panel is never asked, on the 21st, to a meeting on the 16th.
    assert panel_mail(smtp_server) == []
    [held] = bot.outbox("screening_invitation")
    assert held.status == "held"
    bot.at("2026-12-21T09:35").run()
    [note] = to_business_manager(smtp_server, "Held, not sent: Screening Panel invitation")
    assert (
        f"Email #{held.id} (Screening Panel invitation) to dsp.children@tameside.gov.uk, "
        "dsp.tameside@gmp.police.uk, dsp.tameside@nhs.net, tscp.business.manager@tameside.gov"
        ".uk was not sent on Mon 21 Dec 2026: the meeting it invites the panel to (Wed 16 Dec "
        "2026 14:00) had begun or gone by; book another time with Reschedule: <date> <time>, "
        "which invites the panel afresh"
    ) in note.text
    assert "An email could not go when it was meant to" in note.text

    # Another time booked: the held one is withdrawn, and the panel is invited, not told of
    # a move from a meeting it never heard of.
    say(bot, "2026-12-21T10:00", "Reschedule: 22/12/2026 14:00")
    statuses = [r.status for r in bot.outbox("screening_invitation")]
    assert statuses == ["superseded", "sent"]
    [invited] = [g for g in received(smtp_server) if "dsp.tameside@gmp.police.uk" in g.to]
    assert invited.subject == f"[{REF}] Screening Panel: Tue 22 Dec 2026 14:00"
    assert "MOVED" not in invited.text


def test_a_complaint_acknowledgement_that_waited_past_its_reply_date_gives_no_date(
    make_app: AppFactory, tmp_path: Path, smtp_server: SmtpTestServer
) -> None:
    # Read Tue 1 Dec 2026: its response is due Thu 31 Dec. The relay is down until 4 Jan.
    bot = down_bot(make_app, tmp_path, smtp_server, "2026-12-01T10:00")
    bot.mail(PUBLIC, "Complaint", COMPLAINT, auth=False)
    bot.run()
    smtp_server.start()
    bot.at("2027-01-04T09:00").run()

    [ack] = [g for g in received(smtp_server) if g.to == [PUBLIC]]
    assert "We received your complaint on Tuesday 1 December 2026" in ack.text
    assert "31 December" not in ack.text and "written response by" not in ack.text
    assert (
        "We are sorry that this acknowledgement reaches you late. We will send you a written "
        "response as soon as possible."
    ) in ack.text
    bot.at("2027-01-04T09:05").run()
    [note] = to_business_manager(smtp_server, "Written again when it went")
    assert (
        f"to {PUBLIC} could not go as written: it said the complaint was received on Tue 1 Dec "
        "2026, a written response by Thu 31 Dec 2026; it went on Mon 4 Jan 2027 saying the "
        "complaint was received on Tue 1 Dec 2026, sorry that it is late, and a written "
        "response as soon as possible; its written response is overdue: send it as soon as "
        "you can."
    ) in note.text
    assert any(e.what == "email_reworded" for e in bot.case().events)

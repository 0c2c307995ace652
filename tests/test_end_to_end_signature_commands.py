"""Commands below a signature, through the command line against real Dovecot (IMAP) and aiosmtpd
(SMTP): an email that names no case, or opens a record, and holds commands only below its
sender's signature is answered and shown in the digest; a command-shaped line that is part of a
sender's fixed signature is told of once, not on every email she sends.
"""

from __future__ import annotations

import email
import json
from email import policy
from typing import Any

from tests.fixtures.dovecot import DovecotServer
from tests.fixtures.mail import authenticated, sin
from tests.fixtures.smtp import SmtpTestServer, sent_texts
from tests.wording_lint import subject_faults, text_faults

REF = "TSCP-2026-0001"
BM = "tscp.business.manager@tameside.gov.uk"
POLICE = "dsp.tameside@gmp.police.uk"
LA = "dsp.children@tameside.gov.uk"
# A signature with a line the bot reads as a command: on every email she sends.
SIGNED = (
    "\n\nKind regards\nSam Invented\nDesignated Safeguarding Lead\n"
    "Reviewer: Dr Jo Invented (clinical supervision)\nTel: 0161 496 0000\n"
)
BELOW = "Nothing recorded: a command below your signature"


def _clean(smtp: SmtpTestServer) -> None:
    for record in smtp.messages:  # every answer reads cleanly: right plurals
        msg = email.message_from_bytes(record.raw, policy=policy.default)
        part = msg.get_body(preferencelist=("plain",))
        assert part is not None
        assert subject_faults(str(msg["Subject"])) == []
        assert text_faults(str(part.get_content())) == []


def test_commands_only_below_the_signature_of_mail_on_no_case_are_answered_and_listed(
    bot: Any, dovecot: DovecotServer, smtp_server: SmtpTestServer
) -> None:
    # The Business Manager names no case; her only command stands below her signature.
    body = "Could we talk about the school's referral?\n\nKind regards\nPat\nNotified: 22/12/2026"
    dovecot.append(authenticated("A question", body, sender=BM, n=1))
    # The police send a new SIN; their only command stands below the signature.
    sin_body = "Please find the SIN attached.\nChild initials: X.Y.\n" + SIGNED
    dovecot.append(
        authenticated("Serious Incident Notification - GM SIN form", sin_body, sender=POLICE, n=2)
    )
    assert bot("--now", "2026-12-23T10:05", "run", "--once")[0] == 0

    [(to, told)] = sent_texts(smtp_server, "Nothing was done: a command below your signature")
    assert to == [BM]
    assert "held a command below your signature, which was not carried out" in told
    assert "Nor could it tell which case it was for: it names no case" in told
    assert "> Notified: ..." in told and "22/12/2026" not in told
    assert "send it again above your signature" in told
    assert "tscp-bot command" not in told  # no line to give at the terminal: only its label

    [(to, opened)] = sent_texts(smtp_server, "] Not carried out: a command below your signature")
    assert to == [POLICE]
    assert "opened a new record, TSCP-2026-0001" in opened
    assert "> Reviewer: ..." in opened and "Dr Jo" not in opened
    _clean(smtp_server)

    # Both are on the triage list the next digest shows the Business Manager.
    assert bot("--now", "2026-12-24T08:05", "run", "--once")[0] == 0
    *_, (_, digest) = sent_texts(smtp_server, "TSCP digest:")
    assert digest.count("commands below the signature not carried out") == 2
    assert "(it names no case); the sender was told" in digest
    assert "(the email opened a new record); the sender was told" in digest

    # Sent round again (after a rule fix, say): her own answer does not count as told before,
    # so the email stays on the list for the same reason, and she is not answered twice.
    [waiting] = [m for m in json.loads(bot("triage", "list", "--json")[1]) if m["from"] == BM]
    assert bot("triage", "retry", str(waiting["id"]))[0] == 0
    assert bot("--now", "2026-12-24T09:05", "run", "--once")[0] == 0
    [again] = [m for m in json.loads(bot("triage", "list", "--json")[1]) if m["from"] == BM]
    assert "commands below the signature not carried out" in again["reason"]
    assert len(sent_texts(smtp_server, "Nothing was done")) == 1


def test_a_command_shaped_line_in_a_fixed_signature_is_told_of_once(
    bot: Any, dovecot: DovecotServer, smtp_server: SmtpTestServer
) -> None:
    dovecot.append(sin())
    assert bot("--now", "2026-12-23T09:05", "run", "--once")[0] == 0
    on_case = f"RE: [{REF}] Screening Panel"
    dovecot.append(authenticated(on_case, "Noted, thank you." + SIGNED, sender=LA, n=1))
    assert bot("--now", "2026-12-23T10:05", "run", "--once")[0] == 0
    [(to, told)] = sent_texts(smtp_server, f"[{REF}] {BELOW}")
    assert to == [LA] and "> Reviewer: ..." in told
    assert "The bot tells you of this line once" in told

    # The same signature on her next emails: on the case, with a vote, on no case.
    dovecot.append(authenticated(on_case, "I will be at the meeting." + SIGNED, sender=LA, n=2))
    dovecot.append(authenticated(on_case, "Vote: rapid review" + SIGNED, sender=LA, n=3))
    dovecot.append(
        authenticated("Training dates", "Are the dates out yet?" + SIGNED, sender=LA, n=4)
    )
    assert bot("--now", "2026-12-23T11:05", "run", "--once")[0] == 0
    assert len(sent_texts(smtp_server, BELOW)) == 1  # not told again
    assert sent_texts(smtp_server, "Nothing was done") == []
    [(_, confirmed)] = sent_texts(smtp_server, f"[{REF}] Your commands:")
    assert "NOT CARRIED OUT" not in confirmed and "Reviewer" not in confirmed

    # A new command below the same signature is told of, as the first was.
    dovecot.append(
        authenticated(on_case, "Noted." + SIGNED + "Notified: 22/12/2026\n", sender=LA, n=5)
    )
    assert bot("--now", "2026-12-23T12:05", "run", "--once")[0] == 0
    [_, (to, again)] = sent_texts(smtp_server, BELOW)
    assert to == [LA] and "> Notified: ..." in again and "Reviewer" not in again
    _clean(smtp_server)

    code, out = bot("--now", "2026-12-23T12:10", "case", REF, "--json")
    assert code == 0
    flags = [e["detail"] for e in json.loads(out)["events"] if e["what"] == "no_command_recognised"]
    assert [f.split(", in message")[0] for f in flags] == [
        'commands below the signature not carried out: "Reviewer:"',
        'commands below the signature not carried out: "Notified:"',
    ]

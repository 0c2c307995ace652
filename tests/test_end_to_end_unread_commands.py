"""Nothing a command giver writes goes unseen, through the command line against real Dovecot
(IMAP) and aiosmtpd (SMTP): a command below her signature is not carried out, and she is told
to give it again above it (the Business Manager too, whom no alert reaches); a command
mistyped ("Voet:") is answered with the nearest; plain news after an everyday word ("Meeting:
went well") and a command in a quoted email are not answered.
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
HEALTH = "dsp.tameside@nhs.net"
SIGNED = "\n\nKind regards\nSam Invented\nDesignated Safeguarding Lead\nTel: 0161 496 0000\n"


def _reply(sender: str, body: str, n: int) -> bytes:
    """A reply on the case, as the council's receiving server delivers it, DMARC passed."""
    return authenticated(f"RE: [{REF}] Screening Panel", body, sender=sender, n=n)


def test_unread_commands_are_answered_and_news_is_not(
    bot: Any, dovecot: DovecotServer, smtp_server: SmtpTestServer
) -> None:
    dovecot.append(sin())
    assert bot("--now", "2026-12-23T09:05", "run", "--once")[0] == 0
    # The Business Manager's only command is under her signature: nothing is recorded.
    dovecot.append(_reply(BM, "Noted, thank you." + SIGNED + "Notified: 23/12/2026\n", 1))
    # The police carry out a vote above the signature; the line below it is not carried out.
    dovecot.append(_reply(POLICE, "Vote: rapid review" + SIGNED + "Aware: 22/12/2026\n", 2))
    # A mistyped vote, answered; news after an everyday word, not.
    dovecot.append(_reply(LA, "Voet: rapid review\n", 3))
    dovecot.append(_reply(HEALTH, "Meeting: went well, family engaged.\n", 4))
    # A command in the quoted email, under its signature: not the sender's, not answered.
    quoted = (
        "Noted.\n\nOn Wed, 23 Dec 2026 at 09:30, TSCP <tscp@tameside.gov.uk> wrote:\n"
        "> Noted, thank you.\n>\n> Kind regards\n> Sam Invented\n> Vote: no further action\n"
    )
    dovecot.append(_reply(HEALTH, quoted, 5))
    assert bot("--now", "2026-12-23T10:05", "run", "--once")[0] == 0

    [(to, told)] = sent_texts(
        smtp_server, f"[{REF}] Nothing recorded: a command below your signature"
    )
    assert to == [BM]
    assert "a command below your signature, which was not carried out" in told
    assert "> Notified: ..." in told and "23/12/2026" not in told
    assert "send it again above your signature" in told

    [(to, confirmed)] = [s for s in sent_texts(smtp_server, f"[{REF}]") if s[0] == [POLICE]]
    assert "Vote: rapid review" in confirmed  # recorded
    assert "> Aware: ... not carried out: it stood below your signature" in confirmed
    assert "22/12/2026" not in confirmed.split("NOT CARRIED OUT", 1)[1]

    near = sent_texts(smtp_server, "no command recognised in your email")
    assert [to for to, _ in near] == [[LA]]
    assert "> Voet: ..." in near[0][1] and "Vote:" in near[0][1]
    assert not any(HEALTH in to for to, _ in sent_texts(smtp_server, "Nothing recorded"))

    for record in smtp_server.messages:  # every answer reads cleanly: right plurals
        msg = email.message_from_bytes(record.raw, policy=policy.default)
        part = msg.get_body(preferencelist=("plain",))
        assert part is not None
        assert subject_faults(str(msg["Subject"])) == []
        assert text_faults(str(part.get_content())) == []
    code, out = bot("case", REF, "--json")
    assert code == 0
    deadlines = {d["name"]: d for d in json.loads(out)["deadlines"]}
    assert deadlines["panel_notification"]["met_at"] is None  # the Notified: below was not done


def test_a_mistyped_command_beside_one_read_is_answered_and_listed_in_the_digest(
    bot: Any, dovecot: DovecotServer, smtp_server: SmtpTestServer
) -> None:
    """Beside a vote carried out, "Notifed: 16/12/2026" recorded nothing: the police are told
    so in their confirmation, and the Business Manager, whose own "Awre:" beside a Status
    was as silent, finds both in the digest of the day under Needs your attention."""
    dovecot.append(sin())
    assert bot("--now", "2026-12-23T09:05", "run", "--once")[0] == 0
    dovecot.append(_reply(POLICE, "Vote: rapid review\nNotifed: 16/12/2026\n" + SIGNED, 1))
    dovecot.append(_reply(BM, "Status\nAwre: 21/12/2026\n" + SIGNED, 2))
    assert bot("--now", "2026-12-23T10:05", "run", "--once")[0] == 0

    [(_, confirmed)] = [s for s in sent_texts(smtp_server, f"[{REF}]") if s[0] == [POLICE]]
    assert "Vote: rapid review" in confirmed  # recorded
    unread = confirmed.split("NOT CARRIED OUT", 1)[1]
    assert 'not carried out: no command reads a line beginning "Notifed:"' in unread
    assert "Notified:" in unread and "16/12/2026" not in unread
    told = [text for to, text in sent_texts(smtp_server, f"[{REF}]") if to == [BM]]
    assert any(
        '> Awre: ... not carried out: no command reads a line beginning "Awre:" (the '
        "nearest: Aware:)" in " ".join(text.split())
        for text in told
    )

    assert bot("--now", "2026-12-24T08:01", "run", "--once")[0] == 0
    _, digest = sent_texts(smtp_server, "digest")[-1]
    attention = digest.split("NEEDS YOUR ATTENTION", 1)[1].split("AWAITING YOUR APPROVAL", 1)[0]
    assert f'from {POLICE}, in lines beginning "Notifed:"' in " ".join(attention.split())
    assert f'from {BM}, in lines beginning "Awre:"' in " ".join(attention.split())

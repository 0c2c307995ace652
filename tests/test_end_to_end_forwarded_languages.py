"""Through real Dovecot (IMAP) and aiosmtpd (SMTP): the police send a serious incident
notification to a colleague on Friday 11 December 2026, whose mail program is set to another
language, and the colleague forwards it to the mailbox on Wednesday 16th. The quoted header
gives the Friday with its month's name (Apple Mail in German, Outlook in French, Polish on
the web, Welsh): the case's clocks count from the Friday, its Screening Panel's 2 working days
ended on Tuesday 15th, and `tscp-bot case` and the Business Manager's digest say which day the
clocks count from and why. Before, the line was not read as a day at all and the clocks
counted from the Wednesday, the Screening Panel shown as due days after it really was. One
corpus email per language family; invented people.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.fixtures.app import ROOT
from tests.fixtures.dovecot import DovecotServer
from tests.fixtures.smtp import SmtpTestServer, sent_texts

REF = "TSCP-2026-0001"
CORPUS = ROOT / "tests" / "corpus"


FORWARDS = [
    (
        "sin-forwarded-by-school-colleague-apple-mail-german.eml",
        "sam.teacher@st-example.tameside.sch.uk",
    ),
    ("sin-forwarded-by-health-colleague-outlook-french.eml", "alex.nurse@nhs.net"),
    ("sin-forwarded-by-council-colleague-outlook-polish.eml", "jo.officer@tameside.gov.uk"),
    ("sin-forwarded-by-council-colleague-outlook-welsh.eml", "rhian.officer@tameside.gov.uk"),
]
COUNTED = (
    "counted from Fri 11 Dec 2026, the day the forwarded email says the referrer sent it, not "
    "Wed 16 Dec 2026, when the forward arrived"
)


@pytest.mark.parametrize(("name", "forwarder"), FORWARDS)
def test_a_sin_forwarded_in_another_language_counts_from_the_day_it_was_first_sent(
    bot: Any, dovecot: DovecotServer, smtp_server: SmtpTestServer, name: str, forwarder: str
) -> None:
    dovecot.append((CORPUS / name).read_bytes())
    assert bot("--now", "2026-12-16T09:05", "run", "--once")[0] == 0

    code, out = bot("--now", "2026-12-16T09:10", "case", REF, "--json")
    assert code == 0, out
    case = json.loads(out)
    assert case["sin_received_on"] == "2026-12-11"
    clocks = {d["name"]: d for d in case["deadlines"]}
    screening = clocks["screening_meeting"]
    assert (screening["start"], screening["due"]) == ("2026-12-11", "2026-12-15")
    code, out = bot("--now", "2026-12-16T09:10", "case", REF)
    assert code == 0 and COUNTED in " ".join(out.split())

    # The colleague who forwarded it is told its deadlines count from the Friday.
    [(to, ack)] = sent_texts(smtp_server, f"[{REF}] Serious incident notification received")
    assert to == [forwarder]
    assert (
        "It was forwarded to this mailbox: the email forwarded was sent on Friday 11 December "
        "2026, so its deadlines are counted from that day."
    ) in ack

    # The Business Manager's digest: the panel overdue since Tuesday, and why.
    assert bot("--now", "2026-12-17T08:01", "run", "--once")[0] == 0
    _, digest = sent_texts(smtp_server, "digest")[-1]
    assert "OVERDUE by 2 working days (was due Tue 15 Dec 2026)" in digest
    assert COUNTED in digest
    assert (
        "forwarded SIN: its clocks count from Fri 11 Dec 2026, the day the forwarded email says "
        "it was sent, not Wed 16 Dec 2026, when the forward arrived; check that day."
    ) in digest


FRENCH = (CORPUS / "sin-forwarded-by-health-colleague-outlook-french.eml").read_bytes()
SENT = "Envoyé : vendredi 11 décembre 2026 16:00".encode()


@pytest.mark.parametrize(
    ("sent", "why"),
    [
        # In figures: 5 December or 12 May, never guessed, as an English line's.
        (
            "Envoyé : 05/12/2026 16:00",
            "the day the forwarded email was sent could not be read for sure",
        ),
        # After the forward arrived: not believed.
        (
            "Envoyé : jeudi 17 décembre 2026 16:00",
            "the day the forwarded email gives, Thu 17 Dec 2026, is later or over a year before",
        ),
    ],
)
def test_a_day_it_cannot_believe_counts_from_the_forward_and_says_why(
    bot: Any, dovecot: DovecotServer, smtp_server: SmtpTestServer, sent: str, why: str
) -> None:
    dovecot.append(FRENCH.replace(SENT, sent.encode()))
    assert bot("--now", "2026-12-16T09:05", "run", "--once")[0] == 0
    code, out = bot("--now", "2026-12-16T09:10", "case", REF, "--json")
    assert code == 0, out
    assert json.loads(out)["sin_received_on"] == "2026-12-16"
    assert bot("--now", "2026-12-17T08:01", "run", "--once")[0] == 0
    _, digest = sent_texts(smtp_server, "digest")[-1]
    assert (
        "forwarded SIN: its clocks count from Wed 16 Dec 2026, when the forward arrived, as "
        f"{why}. If it was sent to the partnership earlier, its clocks ran from then: check."
    ) in digest
    # The colleague is given no key dates that may be later than the real ones.
    [(_, ack)] = sent_texts(smtp_server, f"[{REF}] Serious incident notification received")
    assert "the Business Manager will confirm its deadlines" in ack

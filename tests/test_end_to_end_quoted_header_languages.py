"""Through real Dovecot (IMAP) and aiosmtpd (SMTP): a reply from Outlook set to Polish quotes
the Screening Panel invitation under "Od: / Wysłano: / Do: / DW: / Temat:", unmarked by ">".
Only the line above it is the partner's: the quote's "Vote: local learning review, or Vote: no
further action." is not carried out, nor answered, and the Business Manager is shown what the
partner wrote, in the alert and the next digest, without the quote. Invented people.
"""

from __future__ import annotations

import json
from typing import Any

from tests.fixtures.app import ROOT
from tests.fixtures.dovecot import DovecotServer
from tests.fixtures.mail import dmarc_passed, sin
from tests.fixtures.smtp import SmtpTestServer, sent_texts

REF = "TSCP-2026-0001"
BM = "tscp.business.manager@tameside.gov.uk"
POLICE = "dsp.tameside@gmp.police.uk"
# It answers the invitation the bot sends at 09:05, by its Message-ID, and quotes it.
REPLY = ROOT / "tests" / "corpus" / "case-reply-outlook-polish-header-quoted-vote.eml"
WRITTEN = "The family moved to Ashton-under-Lyne last week; the school has the new address."


def _to_police(smtp: SmtpTestServer) -> int:
    return sum(POLICE in to for to, _ in sent_texts(smtp, ""))


def test_a_vote_quoted_under_a_polish_outlook_header_is_not_the_partners(
    bot: Any, dovecot: DovecotServer, smtp_server: SmtpTestServer
) -> None:
    dovecot.append(sin())
    assert bot("--now", "2026-12-23T09:05", "run", "--once")[0] == 0
    [(_, invitation)] = sent_texts(smtp_server, f"[{REF}] Screening Panel: Wed 23 Dec")
    assert "Vote: local learning review" in invitation
    told_before = _to_police(smtp_server)

    dovecot.append(dmarc_passed(REPLY.read_bytes(), POLICE, host="tameside.gov.uk"))
    assert bot("--now", "2026-12-23T10:05", "run", "--once")[0] == 0

    case = json.loads(bot("--now", "2026-12-23T10:10", "case", REF, "--json")[1])
    assert case["votes"] == [] and case["decision"] is None
    assert [m["kind"] for m in case["messages"]] == ["sin", "case_reply"]
    assert _to_police(smtp_server) == told_before  # no confirmation, no "not carried out"

    [(to, alert)] = sent_texts(smtp_server, f"[{REF}] New on your case")
    assert to == [BM]
    shown = alert.split("THEY WROTE", 1)[1]
    assert WRITTEN in shown
    for quoted in ("Vote:", "Wysłano", "Dear Screening Panel members"):
        assert quoted not in shown

    assert bot("--now", "2026-12-24T08:01", "run", "--once")[0] == 0
    _, digest = sent_texts(smtp_server, "digest")[-1]
    news = digest.split("NEW ON YOUR CASES", 1)[1].split("SCREENING PANELS", 1)[0]
    assert WRITTEN in news and "Vote:" not in news

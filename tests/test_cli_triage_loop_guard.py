"""`tscp-bot triage new-case N` keeps the per-address limit on acknowledgements that arrival
keeps (`[ingest] max_acknowledgements_per_day`, bot.core.loop_guard): a flood of escalations
or complaints naming references no case has, each opened by hand, is acknowledged three
times a day at most; past that the record still opens, and the one who ran the command and
the digest are told why its writer was not answered.

Time: the mail arrives on Tuesday 8 December 2026; the Business Manager opens it on Tuesday
15 December; the digest of Wednesday 16 December follows.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from bot.core.loop_guard import ACKNOWLEDGEMENTS_PER_DAY
from tests.fixtures.mail import LONDON, drop_into_maildir
from tests.fixtures.mail import email as make_email
from tests.test_cli import Run, bot, cli, config, inbox
from tests.test_cli_complaint_again import _digest_of, _outbox_to, _triage

__all__ = ["bot", "cli", "config"]  # the fixtures this module borrows

NURSE = "priya.castellan@nhs.net"
PUBLIC = "pat.public@example.org"
SAID = {
    "escalation": "We wish to escalate the screening decision on {ref} under the Resolving "
    "Professional Differences policy.",
    "complaint": "I wish to make a formal complaint about the decision on {ref}.",
}
WRITER = {"escalation": NURSE, "complaint": PUBLIC}
TOLD = {
    "escalation": "the writer not acknowledged",
    "complaint": "the complainant not acknowledged",
}


@pytest.mark.parametrize("kind", ["escalation", "complaint"])
def test_new_case_past_the_days_acknowledgements_opens_the_record_unacknowledged_and_says_so(
    bot: Run, config: Path, kind: str
) -> None:
    """Before, each opened by hand was acknowledged, however many the address had that day."""
    n = ACKNOWLEDGEMENTS_PER_DAY + 1
    for i in range(1, n + 1):
        ref = f"TSCP-2026-009{i}"
        raw = make_email(f"{kind.title()} - {ref}", SAID[kind].format(ref=ref),
                         sender=WRITER[kind], message_id=f"<m{i}@example.org>")  # fmt: skip
        drop_into_maildir(inbox(config), raw, arrived=datetime(2026, 12, 8, 10, i, tzinfo=LONDON))
    assert bot("run", "--once", now="2026-12-08T10:30")[0] == 0
    assert len(_triage(bot)) == n

    outs = []
    for i in range(1, n + 1):
        code, out, err = bot("triage", "new-case", str(i), now=f"2026-12-15T10:0{i}")
        assert (code, err) == (0, ""), err
        outs.append(out)

    assert all("not acknowledged" not in out for out in outs[:-1])
    loop = (
        f"possible mail loop with {WRITER[kind]}: {ACKNOWLEDGEMENTS_PER_DAY} automatic "
        "acknowledgements were sent to it in the last 24 hours, so this one was not "
        "acknowledged; if a person wrote it, answer them yourself"
    )
    first, then = outs[-1].splitlines()
    assert TOLD[kind] in first
    assert then == f"message #{n} stays on the triage list: {loop}"
    assert [w["reason"] for w in _triage(bot)] == [loop]
    assert bot("run", "--once", now="2026-12-16T08:05")[0] == 0
    acknowledgements = [s for s in _outbox_to(config, WRITER[kind]) if "TSCP-2026-000" in s]
    assert len(acknowledgements) == ACKNOWLEDGEMENTS_PER_DAY
    assert loop in _digest_of(config, "Wednesday 16 December 2026")

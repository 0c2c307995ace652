"""Commands from inside the council's Exchange, deputies who cover a role, and the digest's cover.

Every email goes in through the Maildir inbox and the real ingest path, on SQLite and
PostgreSQL; the Exchange cases are the corpus messages themselves, byte for byte.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.adapters.db.models import Vote
from tests.fixtures.app import ROOT, AppFactory, example_data
from tests.fixtures.mail import drop_into_maildir
from tests.services.test_lifecycle import BM, HEALTH, LA, POLICE, SECTIONS, Bot, body_of, reply

REF = "TSCP-2026-0001"
CORPUS = ROOT / "tests" / "corpus"
POLICE_DEPUTY = "duty.inspector@gmp.police.uk"
BM_DEPUTY = "tscp.deputy.manager@tameside.gov.uk"
INTERNAL = {"X-MS-Exchange-Organization-AuthAs": "Internal"}


def trusting_exchange(on: bool) -> dict[str, Any]:
    return {
        "commands": {
            **SECTIONS["commands"],
            "trust_exchange_internal": on,
            "exchange_accepted_domains": ["tameside.gov.uk"],
        }
    }


def with_cover() -> dict[str, Any]:
    """The example's people and agencies with a deputy for the police representative and the
    Business Manager, and the Business Manager's deputy copied on the digest."""
    data = example_data()
    data["people"]["business_manager"]["deputies"] = [BM_DEPUTY]
    police = next(a for a in data["agencies"] if a["role"] == "police")
    police["dsp"]["deputies"] = [POLICE_DEPUTY]
    digest = {**data["digest"], "cc": [BM_DEPUTY]}
    return {"people": data["people"], "agencies": data["agencies"], "digest": digest}


class CouncilBot(Bot):
    def __init__(self, make_app: AppFactory, tmp_path: Path, **sections: dict[str, Any]) -> None:
        self.make_app, self.tmp_path = make_app, tmp_path
        self.app, self.clock = make_app(now="2026-12-16T09:00", **{**SECTIONS, **sections})
        self.counter = 0
        self.mail(
            "casey.invented@gmp.police.uk",
            "Serious Incident Notification - GM SIN form",
            "Please find the GM SIN form for the Screening Panel.",
        )
        self.run()
        assert self.case().ref == REF

    def deliver(self, corpus_name: str) -> None:
        drop_into_maildir(self.tmp_path / "inbox", (CORPUS / corpus_name).read_bytes())

    def votes(self) -> list[tuple[str, str, str, bool]]:
        with self.app.sessions() as s:
            rows = s.scalars(select(Vote).order_by(Vote.id))
            return [(v.role, v.choice, v.voter, v.superseded) for v in rows]

    def refusals(self) -> str:
        return " ".join(" ".join(body_of(r).split()) for r in self.outbox("command_rejected"))


# ---------------------------------------------------------------------------------------------
# Exchange's internal mark.


def test_an_internal_vote_is_refused_by_default_and_the_refusal_names_the_switch(
    make_app: AppFactory, tmp_path: Path
) -> None:
    bot = CouncilBot(make_app, tmp_path, **trusting_exchange(False))
    bot.at("2026-12-16T10:45").deliver("command-vote-exchange-internal.eml")
    bot.run()
    assert bot.votes() == []
    [alert] = bot.outbox("command_rejected")
    assert alert.recipients == [BM]
    assert (
        "the message is marked as sent inside Exchange (X-MS-Exchange-Organization-AuthAs: "
        "Internal), which counts only with [commands] trust_exchange_internal = true"
    ) in bot.refusals()


def test_an_internal_vote_counts_when_the_switch_is_on(
    make_app: AppFactory, tmp_path: Path
) -> None:
    bot = CouncilBot(make_app, tmp_path, **trusting_exchange(True))
    bot.at("2026-12-16T10:45").deliver("command-vote-exchange-internal.eml")
    bot.run()
    assert bot.votes() == [("local_authority", "rapid_review", LA, False)]
    assert bot.outbox("command_rejected") == []
    [confirmation] = bot.outbox("command_result")
    assert confirmation.recipients == [LA]


def test_the_business_managers_own_decision_from_inside_counts_when_the_switch_is_on(
    make_app: AppFactory, tmp_path: Path
) -> None:
    bot = CouncilBot(make_app, tmp_path, **trusting_exchange(True))
    bot.at("2026-12-16T11:00").mail(
        BM, reply(REF), "Decision: rapid review", False, headers=INTERNAL
    )
    bot.run()
    assert bot.case().decision == "rapid_review"
    assert bot.outbox("command_rejected") == []


@pytest.mark.parametrize(
    ("corpus_name", "why"),
    [
        (
            "command-vote-forged-internal-outside-domain.eml",
            "gmp.police.uk is not a domain of the organisation (tameside.gov.uk)",
        ),
        (
            "command-vote-forged-internal-duplicated.eml",
            "X-MS-Exchange-Organization-AuthAs appears 2 times, and Exchange writes it once",
        ),
        (
            "command-vote-internal-beside-dmarc-fail.eml",
            "an Authentication-Results header reports dmarc=fail",
        ),
    ],
)
def test_a_forged_internal_mark_is_refused_even_with_the_switch_on(
    make_app: AppFactory, tmp_path: Path, corpus_name: str, why: str
) -> None:
    bot = CouncilBot(make_app, tmp_path, **trusting_exchange(True))
    bot.at("2026-12-16T10:45").deliver(corpus_name)
    bot.run()
    assert bot.votes() == []
    assert bot.case().decision is None
    [alert] = bot.outbox("command_rejected")
    assert alert.recipients == [BM]
    text = bot.refusals()
    assert "Refused: authentication failed: " in text
    assert f"Exchange's internal mark is not believed: {why}" in text


# ---------------------------------------------------------------------------------------------
# Deputies and cover.


def test_a_deputys_vote_is_the_partners_vote_and_replaces_its_earlier_one(
    make_app: AppFactory, tmp_path: Path
) -> None:
    bot = CouncilBot(make_app, tmp_path, **with_cover())
    bot.at("2026-12-16T11:00").mail(POLICE, reply(REF), "Vote: no further action")
    bot.run()
    bot.at("2026-12-16T12:00").mail(POLICE_DEPUTY, reply(REF), "Vote: rapid review")
    bot.mail(HEALTH, reply(REF), "Vote: rapid review")
    bot.run()
    assert bot.votes() == [
        ("police", "no_further_action", POLICE, True),
        ("police", "rapid_review", POLICE_DEPUTY, False),
        ("health", "rapid_review", HEALTH, False),
    ]
    assert bot.case().decision == "rapid_review"
    [outcome] = bot.outbox("screening_outcome")
    assert "Rapid Review" in outcome.subject and "2 of 3" in body_of(outcome)
    deputy_commands = [
        e for e in bot.case().events if e.what == "command" and e.actor == POLICE_DEPUTY
    ]
    assert [e.why for e in deputy_commands] == ["email command from a deputy for the police"]
    assert bot.outbox("command_rejected") == []


def test_a_deputy_business_manager_approves_a_draft(make_app: AppFactory, tmp_path: Path) -> None:
    bot = CouncilBot(make_app, tmp_path, **with_cover())
    bot.at("2026-12-17T07:00").mail(BM, reply(REF), "Decision: rapid review")
    bot.at("2026-12-17T07:10").mail(
        BM,
        reply(REF),
        "Notified: 17/12/2026\nDelay: police disclosure awaited; expected 29/01/2027",
    )
    bot.run()
    [draft] = bot.outbox("panel_delay_notice")
    assert draft.status == "draft"
    bot.at("2026-12-17T09:00").mail(
        BM_DEPUTY, f"RE: Approval needed (draft {draft.id})", f"Approve {draft.id}"
    )
    bot.run()
    [sent] = bot.outbox("panel_delay_notice")
    assert sent.status == "sent" and sent.approved_by == BM_DEPUTY
    assert bot.outbox("command_rejected") == []


def test_the_digest_is_copied_to_the_cover_address(make_app: AppFactory, tmp_path: Path) -> None:
    bot = CouncilBot(make_app, tmp_path, **with_cover())
    bot.at("2026-12-17T08:30").run()
    [digest] = [r for r in bot.outbox("daily_digest") if "17 Dec" in r.subject]
    assert digest.recipients == [BM, BM_DEPUTY]
    assert f"Cc: {BM_DEPUTY}" in digest.raw.decode()

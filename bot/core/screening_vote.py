"""The Screening Panel decides by a majority of the three statutory partners.

Each partner (local authority, police, health) has one live vote; a later vote from the same
partner replaces the earlier one. Two matching votes decide. Three different votes decide
nothing: the Business Manager must record the decision.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

STATUTORY = ("local_authority", "police", "health")
CHOICE_LABELS = {
    "rapid_review": "Rapid Review",
    "local_review": "Local learning review (audit, learning or assurance activity)",
    "no_further_action": "No further action",
}
ROLE_LABELS = {"local_authority": "Local authority", "police": "Police", "health": "Health"}


@dataclass(frozen=True)
class Tally:
    decided: str | None
    votes_for: int
    explanation: str


def tally(votes: Mapping[str, str]) -> Tally:
    """votes: role -> choice, the live vote of each partner that has voted."""
    counts = Counter(votes.values())
    if not counts:
        return Tally(None, 0, "no votes yet")
    choice, top = counts.most_common(1)[0]
    if top >= 2:
        return Tally(choice, top, f"majority of the statutory partners ({top} of 3)")
    waiting = [ROLE_LABELS[r] for r in STATUTORY if r not in votes]
    if waiting:
        return Tally(None, top, "no majority yet; waiting for " + ", ".join(waiting))
    return Tally(None, top, "all three partners voted differently: the Business Manager decides")


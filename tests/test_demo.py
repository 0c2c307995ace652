"""scripts/demo tells its story truthfully: each sample reaches the inbox after it was written."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email import message_from_bytes, policy
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _demo_setting(name: str) -> str:
    found = re.search(
        rf'^{name}="?([^"#\n]+?)"?\s*(#.*)?$', (ROOT / "scripts" / "demo").read_text(), re.M
    )
    assert found, f"scripts/demo sets no {name}"
    return found.group(1)


def test_every_sample_arrives_after_its_date_and_before_the_demo_morning() -> None:
    # The acknowledgement says "We received it at <arrival>": a sample arriving before its own
    # Date would have the bot tell the referrer it had their email before they sent it.
    arrived = datetime.strptime(_demo_setting("ARRIVED"), "%Y-%m-%d %H:%M:%S UTC").replace(
        tzinfo=UTC
    )
    now = datetime.fromisoformat(_demo_setting("NOW")).replace(tzinfo=UTC)  # GMT in December
    samples = sorted((ROOT / "samples").glob("*.eml"))
    assert samples
    for sample in samples:
        sent = message_from_bytes(sample.read_bytes(), policy=policy.default)["Date"].datetime
        assert sent <= arrived, f"{sample.name} is dated {sent:%H:%M}, after it arrives"
    assert arrived < now

"""The [retention] section: the example's values, the defaults, a clear line for each mistake."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.core.retention import RetentionPolicy
from tests.config.test_loader import error_for, example, parse


def test_the_example_config_keeps_the_documented_defaults(tmp_path: Path) -> None:
    assert parse(example(), tmp_path).retention == RetentionPolicy(35, 12, 24)


def test_without_the_section_the_defaults_apply(tmp_path: Path) -> None:
    data = example()
    del data["retention"]
    assert parse(data, tmp_path).retention == RetentionPolicy()


def test_zero_keeps_a_kind_for_ever(tmp_path: Path) -> None:
    data = example()
    data["retention"] = {"closed_cases_years": 0, "unclassified_mail_months": 3}
    policy = parse(data, tmp_path).retention
    assert (policy.closed_cases_years, policy.unclassified_mail_months) == (0, 3)


@pytest.mark.parametrize(
    ("section", "message"),
    [
        (
            {"closed_cases_years": -1},
            "retention.closed_cases_years: expected a whole number >= 0, got -1",
        ),
        (
            {"closed_cases_years": 420},  # months written where years belong
            "retention.closed_cases_years: expected a whole number of years from 0 (keep for "
            "ever) to 100, got 420",
        ),
        ({"sent_outbox_months": "24"}, "retention.sent_outbox_months: expected a whole number"),
        ({"closed_case_years": 6}, "retention.closed_case_years: unknown key"),
    ],
)
def test_mistakes_name_the_key(tmp_path: Path, section: dict[str, Any], message: str) -> None:
    data = example()
    data["retention"] = section
    assert error_for(data, tmp_path).startswith(message)

"""The [retention] section: how long each kind of record is kept before `tscp-bot purge`."""

from __future__ import annotations

from bot.config.reader import Reader
from bot.core.retention import RetentionPolicy

# Longer than any council keeps anything: a bigger number is a typo (days or months for years).
_MOST_YEARS = 100
_MOST_MONTHS = _MOST_YEARS * 12


def retention_section(r: Reader) -> RetentionPolicy:
    default = RetentionPolicy()
    policy = RetentionPolicy(
        closed_cases_years=_at_most(
            r, "closed_cases_years", default.closed_cases_years, _MOST_YEARS, "years"
        ),
        unclassified_mail_months=_at_most(
            r, "unclassified_mail_months", default.unclassified_mail_months, _MOST_MONTHS, "months"
        ),
        sent_outbox_months=_at_most(
            r, "sent_outbox_months", default.sent_outbox_months, _MOST_MONTHS, "months"
        ),
    )
    r.finish()
    return policy


def _at_most(r: Reader, key: str, default: int, most: int, unit: str) -> int:
    value = r.number(key, default, minimum=0)
    if value > most:
        raise r.fail(key, f"a whole number of {unit} from 0 (keep for ever) to {most}", value)
    return value

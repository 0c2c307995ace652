"""Every template, rendered from realistic contexts with counts of 1 and more: subjects without
stray spaces, no "1 agencies", and no "N days" where working days are meant."""

from __future__ import annotations

from typing import Any

import pytest

from bot.adapters.templates import TemplateRenderer
from tests.adapters.test_templates import CONTEXTS, TEMPLATES
from tests.wording_lint import subject_faults, text_faults


def _digest(days: int, attempts: int) -> dict[str, Any]:
    ctx = CONTEXTS["daily_digest"]
    health = ctx["health"]
    return {
        **ctx,
        "overdue": [{**d, "days_overdue": days} for d in ctx["overdue"]],
        "quarantine": [{**q, "attempts": attempts} for q in ctx["quarantine"]],
        "health": {
            **health,
            "outbox_failed": [{**f, "attempts": attempts} for f in health["outbox_failed"]],
        },
    }


def _step(event: str, overdue: int, kind: str = "overdue") -> dict[str, Any]:
    ctx = CONTEXTS[event]
    return {**ctx, "step": {**ctx["step"], "kind": kind, "working_days_overdue": overdue}}


def _variants() -> list[tuple[str, str, dict[str, Any]]]:
    out = [(event, "example", ctx) for event, ctx in sorted(CONTEXTS.items())]
    for n in (1, 2, 25):
        out.append(("daily_digest", f"{n} overdue", _digest(n, n)))
        out.append(("deadline_reminder", f"{n} overdue", _step("deadline_reminder", n)))
        escalation = {**_step("deadline_escalation", n), "reminders_sent": n}
        out.append(("deadline_escalation", f"{n} overdue", escalation))
    for role, copied in (
        ("agency", ["the Business Manager"]),
        ("business_manager", ["the Independent Scrutineer"]),
        ("local_authority", ["the Independent Scrutineer"]),
    ):
        ctx = {**CONTEXTS["deadline_escalation"], "recipient_role": role, "copied": copied}
        out.append(("deadline_escalation", role, ctx))
    out.append(("deadline_reminder", "before", _step("deadline_reminder", -1, "before")))
    out.append(
        ("escalation_alert", "no ack", {**CONTEXTS["escalation_alert"], "acknowledged": False})
    )
    out.append(("referrer_outcome", "changed", {**CONTEXTS["referrer_outcome"], "changed": True}))
    return out


VARIANTS = _variants()


@pytest.mark.parametrize(
    ("event", "ctx"),
    [(event, ctx) for event, _, ctx in VARIANTS],
    ids=[f"{event}-{name}" for event, name, _ in VARIANTS],
)
def test_rendered_wording_is_clean(event: str, ctx: dict[str, Any]) -> None:
    out = TemplateRenderer(TEMPLATES).render(event, ctx)
    assert subject_faults(out.subject) == []
    assert text_faults(out.text) == []
    assert text_faults(out.html) == []


def test_the_lint_catches_what_it_is_for() -> None:
    assert subject_faults(" [TSCP-2026-0001] Reminder") != []
    assert text_faults("Appendix B requested from 1 agencies") != []
    assert text_faults("Overdue: 3 days") != []
    assert text_faults("sent to 2 recipient(s)") != []
    assert text_faults("1 agency, 2 agencies, 5 working days, 1 working day, 12/1 days") == []

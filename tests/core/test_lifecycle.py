"""The lifecycle table: every (stage, command) pair has an answer, and no sequence of commands
reaches an undefined stage or moves a recorded start date later."""

from __future__ import annotations

import re
from datetime import date, time, timedelta
from pathlib import Path
from typing import get_args

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core import commands as c
from bot.core import deadlines
from bot.core.extensions import COMPLAINT, CSPR_REPORT, Agreed
from bot.core.lifecycle import (
    PARTNERS,
    RULES,
    Next,
    Role,
    Stage,
    acting_role,
    chased_when_closed,
    entry,
    next_stage,
    role_refusal,
    start_of,
    starts_clock,
    verdict,
)

COMMAND_TYPES: tuple[type, ...] = get_args(c.Command)
TODAY = date(2027, 1, 11)
# Clocks a command may re-time by design: they count to a date someone plans or agrees
# (a publication date, an Appendix B return date, an action's due date), not from an event.
PLANNED = {"publication_notice", "appendix_b:", "action:"}


def planned(clock: str) -> bool:
    base, colon, _ = clock.partition(":")
    return clock in PLANNED or base + colon in PLANNED


def example(
    kind: type, on: date = TODAY, hold: bool = True, choice: str = "rapid_review"
) -> c.Command:
    line = kind.__name__
    ch = c.Choice(choice)
    examples: dict[type, c.Command] = {
        c.Vote: c.Vote(ch, line),
        c.Decision: c.Decision(ch, line),
        c.Notifiable: c.Notifiable(True, line),
        c.ScrutineerView: c.ScrutineerView(True, "", line),
        c.LaAware: c.LaAware(on, line),
        c.NotificationSent: c.NotificationSent(on, line),
        c.RequestReturns: c.RequestReturns(("gmp",), "", on, line),
        c.ReturnFrom: c.ReturnFrom("gmp", on, line),
        c.WithdrawRequest: c.WithdrawRequest("gmp", "", line),
        c.MeetingHeld: c.MeetingHeld(on, line),
        c.ReportSubmitted: c.ReportSubmitted(on, line),
        c.Answered: c.Answered(on, line),
        c.ComplaintExtended: c.ComplaintExtended(
            Agreed(COMPLAINT, on + timedelta(days=30), "the complainant", on), line
        ),
        c.ReportExtended: c.ReportExtended(
            Agreed(CSPR_REPORT, on + timedelta(days=90), "the National Panel", on), line
        ),
        c.AboutCase: c.AboutCase("TSCP-2026-0001", line),
        c.Delay: c.Delay("illness", on, line),
        c.CsprDecision: c.CsprDecision(hold, "" if hold else "learning already in hand", line, on),
        # The explicit correction: it may move a start later, so it starts nothing here.
        c.CorrectDate: c.CorrectDate(c.Corrected.CSPR, on, "typo", line),
        c.CorrectReceived: c.CorrectReceived(c.Corrected.RECEIVED, on, "forwarded late", line),
        c.ReviewerAppointed: c.ReviewerAppointed("Alex Invented", line),
        c.FamilyPreview: c.FamilyPreview(on, line),
        c.PublicationPlanned: c.PublicationPlanned(on, False, line),
        c.ReportSent: c.ReportSent(on, line),
        c.LookedAfterDeathNotified: c.LookedAfterDeathNotified(on, False, "", line),
        c.Published: c.Published(on, line),
        c.PublicationDelay: c.PublicationDelay("family request", line),
        c.NotPublishing: c.NotPublishing("identifiable", line),
        c.AddAction: c.AddAction("training", "icb", on, line),
        c.ActionDone: c.ActionDone(1, line),
        c.Approve: c.Approve(None, line),
        c.Reschedule: c.Reschedule(on, time(14, 0), line),
        c.CancelMeeting: c.CancelMeeting("", line),
        c.StatusRequest: c.StatusRequest(line),
        c.Close: c.Close("done", line),
        c.Reopen: c.Reopen("the National Panel expects a Rapid Review", line),
    }
    return examples[kind]


def test_every_command_of_the_language_is_in_the_table() -> None:
    assert set(RULES) == set(COMMAND_TYPES)


@pytest.mark.parametrize("stage", list(Stage))
@pytest.mark.parametrize("kind", COMMAND_TYPES, ids=lambda k: k.__name__)
def test_every_stage_and_command_has_a_defined_entry(stage: Stage, kind: type) -> None:
    e = entry(stage, kind)
    assert e.roles and e.roles <= set(Role)
    for clock in (*e.starts, *e.meets, *e.keeps):
        assert clock.rstrip(":") in deadlines.RULES, clock
    assert set(e.keeps) <= set(e.starts)
    if e.accepted:
        assert e.reason == ""
        assert isinstance(e.then, (Stage, Next))
        for hold in (True, False):
            for choice in (*c.Choice, None):
                cmd = example(kind, hold=hold, choice=choice or "rapid_review")
                after = next_stage(stage, cmd, choice, Stage.NO_FURTHER_ACTION)
                assert isinstance(after, Stage)
    else:
        assert e.reason.strip() and e.then is Next.UNCHANGED
        assert verdict(stage, example(kind), {}, TODAY) == (
            f"not accepted at this stage ({stage.value.replace('_', ' ')}): {e.reason}"
        )


@pytest.mark.parametrize("kind", COMMAND_TYPES, ids=lambda k: k.__name__)
def test_a_recorded_event_clock_is_kept_by_the_command_that_starts_it(kind: type) -> None:
    rule = RULES[kind]
    assert all(clock in rule.keeps or clock in PLANNED for clock in rule.starts)


@pytest.mark.parametrize(
    ("stage", "kind", "reason"),
    [
        (Stage.SCREENING, c.Published, "there is no CSPR on this case; record CSPR: yes first"),
        (Stage.CLOSED, c.Vote, "the case is closed; nothing more is recorded on it"),
        (Stage.CLOSED, c.Close, "the case is already closed"),
        (Stage.SCREENING, c.RequestReturns, "the Screening Panel has not decided yet"),
        (Stage.LOCAL_REVIEW, c.RequestReturns, "the panel decided local review"),
        (Stage.RAPID_REVIEW, c.CsprDecision, "record Report submitted: <date> first"),
        (Stage.CSPR, c.Vote, "the Screening Panel's decision is past"),
        (Stage.COMPLAINT, c.Vote, "this is a complaint record, not a review case"),
        (Stage.ESCALATION, c.Vote, "this is an escalation record, not a review case"),
        (Stage.SCREENING, c.ScrutineerView, "no screening outcome yet"),
    ],
)
def test_commands_that_make_no_sense_in_a_stage_are_refused_saying_why(
    stage: Stage, kind: type, reason: str
) -> None:
    assert entry(stage, kind).accepted is False
    assert reason in entry(stage, kind).reason


@pytest.mark.parametrize(
    ("stage", "command", "after"),
    [
        (Stage.SCREENING, c.Vote(c.Choice.RAPID_REVIEW, "v"), Stage.RAPID_REVIEW),
        (Stage.RAPID_REVIEW, c.ReportSubmitted(TODAY, "r"), Stage.CSPR_DECISION),
        (Stage.CSPR, c.ReportSubmitted(TODAY, "r"), Stage.CSPR),
        (Stage.CSPR_DECISION, c.CsprDecision(True, "", "c"), Stage.CSPR),
        (Stage.CSPR_DECISION, c.CsprDecision(False, "why", "c"), Stage.ACTION_PLAN),
        (Stage.CSPR, c.Published(TODAY, "p"), Stage.ACTION_PLAN),
        (Stage.COMPLAINT, c.Close("done", "c"), Stage.CLOSED),
        (Stage.CLOSED, c.Approve(None, "a"), Stage.CLOSED),
    ],
)
def test_next_stage(stage: Stage, command: c.Command, after: Stage) -> None:
    assert next_stage(stage, command, "rapid_review") is after


def test_without_a_majority_the_case_stays_in_screening() -> None:
    assert next_stage(Stage.SCREENING, example(c.Vote), None) is Stage.SCREENING


def test_who_may_give_what() -> None:
    assert acting_role(c.Vote, {"police"}) == "police"
    assert acting_role(c.Vote, {"business_manager"}) is None
    # The LA notifies the National Panel; the reminder tells its representative to say so.
    assert acting_role(c.NotificationSent, {"local_authority"}) == "local_authority"
    assert acting_role(c.LaAware, {"local_authority"}) == "local_authority"
    assert acting_role(c.NotificationSent, {"police"}) is None
    assert acting_role(c.ScrutineerView, {"independent_scrutineer"}) == "independent_scrutineer"
    assert RULES[c.Vote].roles == PARTNERS
    shared = (
        c.Vote,
        c.ScrutineerView,
        c.LaAware,
        c.NotificationSent,
        c.LookedAfterDeathNotified,
        c.StatusRequest,
    )
    assert all(RULES[k].roles == {Role.BUSINESS_MANAGER} for k in COMMAND_TYPES if k not in shared)
    assert acting_role(c.LookedAfterDeathNotified, {"local_authority"}) == "local_authority"


def test_status_is_read_only_allowed_everywhere_for_the_bm_and_partners_only() -> None:
    for stage in Stage:
        e = entry(stage, c.StatusRequest)
        assert e.accepted and e.then is Next.UNCHANGED
        assert not (e.starts or e.meets or e.keeps or e.corrects)
        cmd = c.StatusRequest("Status")
        assert next_stage(stage, cmd, "rapid_review") is stage
        assert verdict(stage, cmd, {"rapid_review": TODAY}, TODAY) is None
    for role in ("business_manager", "local_authority", "police", "health"):
        assert acting_role(c.StatusRequest, {role}) == role
    assert acting_role(c.StatusRequest, {"independent_scrutineer"}) is None


def test_the_role_refusal_names_who_may() -> None:
    assert role_refusal(c.Decision, {"police"}) == (
        "the police representative may not give `Decision:`: only the Business Manager may"
    )
    assert role_refusal(c.Vote, {"business_manager"}) == (
        "the Business Manager may not give `Vote:`: only the statutory partners "
        "(local authority, police, health) may"
    )


def test_a_repeated_cspr_decision_on_a_later_day_is_refused() -> None:
    started = {"cspr_report": date(2027, 1, 8)}
    refusal = verdict(Stage.CSPR, example(c.CsprDecision), started, TODAY)
    assert refusal is not None
    assert "cspr report clock already started on Fri 8 Jan 2027" in refusal
    assert "never moved later" in refusal
    assert "corrects it with `Correct CSPR: <date> because <reason>`" in refusal
    same_day = example(c.CsprDecision, on=date(2027, 1, 8))
    assert verdict(Stage.CSPR, same_day, started, TODAY) is None


def test_awareness_dates_are_left_to_the_awareness_rule() -> None:
    # bot.core.awareness refuses a later Aware: without a reason (tests/core/test_awareness.py);
    # the table must not refuse first with a reason that hides the way to correct it.
    started = {"panel_notification": date(2026, 12, 23)}
    later = c.LaAware(date(2026, 12, 30), "Aware: 30/12/2026")
    assert verdict(Stage.SCREENING, later, started, TODAY) is None
    assert "panel_notification" in RULES[c.LaAware].keeps


# The property: a model of a case, the table as its only rule book. ------------------------


@st.composite
def command_steps(draw: st.DrawFn) -> tuple[c.Command, int, bool]:
    kind = draw(st.sampled_from(COMMAND_TYPES))
    cmd = example(
        kind,
        on=TODAY + timedelta(days=draw(st.integers(-40, 40))),
        hold=draw(st.booleans()),
        choice=draw(st.sampled_from(list(c.Choice))),
    )
    return cmd, draw(st.integers(0, 10)), draw(st.booleans())


def _apply_starts(started: dict[str, date], cmd: c.Command, today: date) -> None:
    """What the handlers do with the clocks a command starts, as the table describes them."""
    rule = RULES[type(cmd)]
    new = start_of(cmd, today)
    for clock in rule.starts:
        if clock.endswith(":"):
            started[f"{clock}{len(started)}"] = today
        elif clock in rule.keeps and new is not None:
            started[clock] = new
        elif clock not in rule.keeps:
            started[clock] = today


@settings(max_examples=300, deadline=None)
@given(
    first=st.sampled_from([Stage.SCREENING, Stage.COMPLAINT, Stage.ESCALATION]),
    steps=st.lists(command_steps(), max_size=30),
)
def test_no_sequence_reaches_an_undefined_stage_or_moves_a_start_later(
    first: Stage, steps: list[tuple[c.Command, int, bool]]
) -> None:
    stage, today, decision = first, TODAY, None
    # The stage `Close:` leaves, as the Close handler records it for `Reopen:`.
    closed_from = Stage.SCREENING
    started = {"panel_notification": TODAY - timedelta(days=3)} if first is Stage.SCREENING else {}
    for cmd, days_later, majority in steps:
        today += timedelta(days=days_later)
        before = dict(started)
        if verdict(stage, cmd, started, today) is not None:
            continue
        if isinstance(cmd, (c.Vote, c.Decision)) and (majority or isinstance(cmd, c.Decision)):
            decision = str(cmd.choice)
        _apply_starts(started, cmd, today)
        if isinstance(cmd, c.Close):
            closed_from = stage
        stage = next_stage(stage, cmd, decision, closed_from)
        assert isinstance(stage, Stage)
        for clock, start in before.items():
            if not planned(clock):
                assert started[clock] <= start, (clock, cmd)


@pytest.mark.parametrize("stage", [Stage.SCREENING, Stage.NO_FURTHER_ACTION, Stage.ACTION_PLAN])
def test_close_waits_for_each_statutory_notification_still_open(stage: Stage) -> None:
    close = c.Close("no further action", "Close: no further action")
    owed = {"panel_notification": date(2026, 12, 30), "looked_after_death_notification": TODAY}
    refusal = verdict(stage, close, {}, TODAY, owed)
    assert refusal is not None
    assert "National Panel notification (due Wed 30 Dec 2026)" in refusal
    assert "Notified: <date>" in refusal
    # Setting it aside is offered only where the table takes `Notifiable:` (not once a CSPR
    # decision is recorded), so the advice can always be followed.
    offered = "Notifiable: no because <reason>" in refusal
    assert offered == (stage is not Stage.ACTION_PLAN)
    assert offered == (verdict(stage, example(c.Notifiable), {}, TODAY, owed) is None)
    assert "SoS and Ofsted notified: <date>" in refusal
    # Any other clock left open is the Business Manager's call, said when it closes.
    assert verdict(stage, close, {}, TODAY, {"action:1": TODAY, "rapid_review": TODAY}) is None
    assert set(owed) == deadlines.STATUTORY_NOTICES


def test_a_statutory_notification_is_recorded_on_a_closed_case() -> None:
    for kind in (c.NotificationSent, c.Notifiable, c.LookedAfterDeathNotified):
        assert entry(Stage.CLOSED, kind).accepted, kind
        assert next_stage(Stage.CLOSED, example(kind), None) is Stage.CLOSED


@pytest.mark.parametrize(
    ("kind", "settled"),
    [
        (c.LaAware, "owes no statutory notification"),
        (c.Notifiable, "its National Panel notification is no longer owed"),
    ],
)
def test_a_closed_case_takes_aware_and_notifiable_only_while_a_notice_is_owed(
    kind: type, settled: str
) -> None:
    owed = {"panel_notification": date(2026, 12, 23), "rapid_review": TODAY}
    assert verdict(Stage.CLOSED, example(kind), {}, TODAY, owed) is None
    # Made or set aside: the closed case's record of it is final, and the answer says so.
    refusal = verdict(Stage.CLOSED, example(kind), {}, TODAY, {"rapid_review": TODAY})
    assert refusal is not None
    assert refusal.startswith(
        f"not accepted at this stage (closed): the case is closed and {settled}"
    )
    # An open case is not asked.
    assert verdict(Stage.NO_FURTHER_ACTION, example(kind), {}, TODAY, {}) is None


def test_a_looked_after_death_owed_on_a_closed_case_is_re_timed_by_aware_only() -> None:
    owed = {"looked_after_death_notification": TODAY}
    assert verdict(Stage.CLOSED, example(c.LaAware), {}, TODAY, owed) is None
    refusal = verdict(Stage.CLOSED, example(c.Notifiable), {}, TODAY, owed)
    assert refusal is not None and "reply Notified: <date>" in refusal


def test_only_a_statutory_notice_is_chased_on_a_closed_case() -> None:
    assert {n for n in deadlines.RULES if chased_when_closed(n)} == deadlines.STATUTORY_NOTICES


@pytest.mark.parametrize(
    ("stage", "running", "starts"),
    [
        (Stage.NO_FURTHER_ACTION, False, True),
        (Stage.RAPID_REVIEW, False, True),
        # Notified only once closed: nobody will hold the review, so no due day is given.
        (Stage.CLOSED, False, False),
        # Started before closing: a correction of the notification day still re-times it.
        (Stage.CLOSED, True, True),
    ],
)
def test_notified_starts_the_rapid_review_only_on_an_open_case(
    stage: Stage, running: bool, starts: bool
) -> None:
    assert starts_clock(stage, c.NotificationSent, "rapid_review", running) is starts
    assert not starts_clock(stage, c.NotificationSent, "cspr_report", running)


def _readme_stage_table_commands() -> set[str]:
    """The commands named in the first column of README's "Case stages" table."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme.split("### Case stages and who may give each command", 1)[1]
    rows = [line for line in section.split("\n\n", 3)[2].splitlines() if line.startswith("| `")]
    return {name for row in rows for name in re.findall(r"`([^`]+)`", row.split("|")[1])}


def test_readme_stage_table_names_every_command_of_the_lifecycle_table() -> None:
    # The Business Manager reads there when a command is accepted: one left out of it would
    # leave her guessing at which stage, say, `Return from:` is taken.
    named = _readme_stage_table_commands()
    keywords = {word for rule in RULES.values() for word in rule.keyword.split(" / ")}
    assert keywords - named == set()

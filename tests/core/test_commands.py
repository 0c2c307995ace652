from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from bot.core.commands import (
    AboutCase,
    ActionDone,
    AddAction,
    Answered,
    Approve,
    Choice,
    Close,
    Command,
    CommandError,
    CsprDecision,
    Decision,
    Delay,
    FamilyPreview,
    LaAware,
    LookedAfterDeathNotified,
    MeetingHeld,
    Notifiable,
    NotificationSent,
    NotPublishing,
    ParsedCommands,
    PublicationDelay,
    PublicationPlanned,
    Published,
    ReportSent,
    ReportSubmitted,
    RequestReturns,
    ReturnFrom,
    ReviewerAppointed,
    ScrutineerView,
    Vote,
    WithdrawRequest,
    new_text,
    parse_commands,
)

TODAY = date(2026, 11, 19)
RR, LR, NFA = Choice.RAPID_REVIEW, Choice.LOCAL_REVIEW, Choice.NO_FURTHER_ACTION

# The hint the bot puts in its screening emails; quoted back in nearly every reply.
HINT = (
    "Reply to this email with one line: Vote: rapid review, "
    "Vote: local learning review, or Vote: no further action."
)


def parse(body: str) -> ParsedCommands:
    return parse_commands(body, today=TODAY)


def only(body: str) -> Command:
    parsed = parse(body)
    assert parsed.errors == ()
    assert len(parsed.commands) == 1, parsed.commands
    return parsed.commands[0]


# ---------------------------------------------------------------------------------------------
# One command per line, every syntax.


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        # Votes
        ("Vote: rapid review", Vote(RR, "")),
        ("vote: RAPID REVIEW", Vote(RR, "")),
        ("Vote:   rapid    review  ", Vote(RR, "")),
        ("Vote rapid review", Vote(RR, "")),
        ("*Vote:* Rapid Review", Vote(RR, "")),
        ("*Vote*: rapid review", Vote(RR, "")),
        ("**Vote:** Rapid Review.", Vote(RR, "")),
        ("- Vote: rapid review", Vote(RR, "")),
        ("\u2022 Vote: rapid review", Vote(RR, "")),
        ("1. Vote: rapid review", Vote(RR, "")),
        ("Vote: rapid-review", Vote(RR, "")),
        ("Vote for a rapid review", Vote(RR, "")),
        ("Vote: local learning review", Vote(LR, "")),
        ("Vote: local review", Vote(LR, "")),
        ("Vote: learning review", Vote(LR, "")),
        ("Vote: audit", Vote(LR, "")),
        ("Vote: Assurance", Vote(LR, "")),
        ("Vote: learning or assurance activity", Vote(LR, "")),
        ("Vote: no further action", Vote(NFA, "")),
        ("VOTE - NFA", Vote(NFA, "")),
        ("Vote \u2013 NFA", Vote(NFA, "")),
        ("Vote: no action", Vote(NFA, "")),
        ('Vote: "no further action"', Vote(NFA, "")),
        ("My vote: rapid review", Vote(RR, "")),
        ("Vote: RR", Vote(RR, "")),  # as partners abbreviate them
        ("Vote: LLR", Vote(LR, "")),
        # Decision
        ("Decision: rapid review", Decision(RR, "")),
        ("Screening decision: rapid review", Decision(RR, "")),
        ("Screening Panel decision: no further action", Decision(NFA, "")),
        ("Decision - NFA", Decision(NFA, "")),
        ("Panel decision: RR", Decision(RR, "")),
        # Notifiable
        ("Notifiable: yes", Notifiable(True, "")),
        ("Notifiable: No", Notifiable(False, "")),
        ("Notifiable yes", Notifiable(True, "")),
        ("Notifiable: no - harm was not serious", Notifiable(False, "")),
        ("Notifiable: no - decided at panel 16/12/2026", Notifiable(False, "")),
        # Scrutineer
        ("Agree", ScrutineerView(True, "", "")),
        ("Agreed.", ScrutineerView(True, "", "")),
        ("Agree: proportionate", ScrutineerView(True, "proportionate", "")),
        ("Disagree: the threshold is met", ScrutineerView(False, "the threshold is met", "")),
        (
            "Disagree because health were not consulted",
            ScrutineerView(False, "health were not consulted", ""),
        ),
        (
            "Scrutineer: disagree, because no school view",
            ScrutineerView(False, "no school view", ""),
        ),
        ("Scrutineer: agree", ScrutineerView(True, "", "")),
        # "view", and its apostrophe typed either way: once a line answered as near a command
        ("Scrutineer view: agree", ScrutineerView(True, "", "")),
        (
            "Scrutineer\u2019s view: disagree because the criteria are met",
            ScrutineerView(False, "the criteria are met", ""),
        ),
        # Local authority aware
        ("Aware: 12/11/2026", LaAware(date(2026, 11, 12), "")),
        ("LA aware: 12 November 2026", LaAware(date(2026, 11, 12), "")),
        ("Local authority aware: Thursday 12 November 2026", LaAware(date(2026, 11, 12), "")),
        ("LA aware 12.11.26", LaAware(date(2026, 11, 12), "")),
        ("LA aware date: 12/11/2026", LaAware(date(2026, 11, 12), "")),
        ("LA became aware: 12/11/2026", LaAware(date(2026, 11, 12), "")),
        # ... and a correction, whose reason lets it move the start later
        (
            "Aware: 30/12/2026 because the form date was a typo",
            LaAware(date(2026, 12, 30), "", "the form date was a typo"),
        ),
        (
            "Aware: 30 Dec 2026; LA told on the 30th",
            LaAware(date(2026, 12, 30), "", "LA told on the 30th"),
        ),
        ("Aware: 30-12-2026 - form date wrong", LaAware(date(2026, 12, 30), "", "form date wrong")),
        ("Aware: 30/12/2026 (form date wrong)", LaAware(date(2026, 12, 30), "", "form date wrong")),
        # Notification
        ("Notified: 13/11/2026", NotificationSent(date(2026, 11, 13), "")),
        ("Notification sent: 13 Nov 2026", NotificationSent(date(2026, 11, 13), "")),
        ("Notification sent", NotificationSent(None, "")),
        ("Notified", NotificationSent(None, "")),
        ("Notified: today", NotificationSent(TODAY, "")),
        ("Notified: yesterday", NotificationSent(date(2026, 11, 18), "")),
        ("National Panel notified: 13/11/2026", NotificationSent(date(2026, 11, 13), "")),
        ("NP notified: 13 Nov 2026", NotificationSent(date(2026, 11, 13), "")),
        ("Notified the National Panel: 13/11/2026", NotificationSent(date(2026, 11, 13), "")),
        ("National Panel notification sent: 13/11/2026", NotificationSent(date(2026, 11, 13), "")),
        # ... as "NP" and "sent to": once silent prose, the Panel's clock chased her still
        ("Notified NP on 13/11/2026", NotificationSent(date(2026, 11, 13), "")),
        # ... with the time it was done: commands record days, once refused as no date
        ("Notified: 13/11/2026 at 15:30", NotificationSent(date(2026, 11, 13), "")),
        ("Notified: 13 November 2026, 3pm", NotificationSent(date(2026, 11, 13), "")),
        ("Aware: 13.11.26 at 9.15am", LaAware(date(2026, 11, 13), "", "")),
        ("Meeting held: 2/12/2026 14:00 hrs", MeetingHeld(date(2026, 12, 2), "")),
        ("Notified the NP: 13/11/2026", NotificationSent(date(2026, 11, 13), "")),
        ("NP notification sent 13/11/2026", NotificationSent(date(2026, 11, 13), "")),
        (
            "Notification sent to the National Panel: 13/11/2026",
            NotificationSent(date(2026, 11, 13), ""),
        ),
        (
            "Notification sent to National Panel 13/11/2026",
            NotificationSent(date(2026, 11, 13), ""),
        ),
        # Meeting and report
        ("Meeting held: 2/12/2026", MeetingHeld(date(2026, 12, 2), "")),
        ("Rapid review meeting: 2 December 2026", MeetingHeld(date(2026, 12, 2), "")),
        ("Meeting held on 2/12/2026", MeetingHeld(date(2026, 12, 2), "")),
        ("Report submitted: 10/12/2026", ReportSubmitted(date(2026, 12, 10), "")),
        ("RR submitted: 10/12/2026", ReportSubmitted(date(2026, 12, 10), "")),
        ("RR meeting held: 2/12/2026", MeetingHeld(date(2026, 12, 2), "")),
        # A complaint's reply as she may say it: once silent, the 20 days chased her still
        ("Answered: 12/01/2027", Answered(date(2027, 1, 12), "")),
        ("Response sent: 12/01/2027", Answered(date(2027, 1, 12), "")),
        ("Complaint response sent: 12/01/2027", Answered(date(2027, 1, 12), "")),
        ("Reply sent: 12/01/2027", Answered(date(2027, 1, 12), "")),
        ("Responded: 12/01/2027", Answered(date(2027, 1, 12), "")),
        ("Rapid review submitted: 10 Dec 2026", ReportSubmitted(date(2026, 12, 10), "")),
        # Delay
        (
            "Delay: awaiting police disclosure; expected 12/03/2027",
            Delay("awaiting police disclosure", date(2027, 3, 12), ""),
        ),
        (
            "Delay: health records expected late, expected: 1 April 2027",
            Delay("health records expected late", date(2027, 4, 1), ""),
        ),
        # CSPR
        ("CSPR: yes", CsprDecision(True, "", "")),
        ("CSPR: Yes", CsprDecision(True, "", "")),
        (
            "CSPR: no because the rapid review captured the learning",
            CsprDecision(False, "the rapid review captured the learning", ""),
        ),
        (
            "CSPR: no - learning already in hand",
            CsprDecision(False, "learning already in hand", ""),
        ),
        ("CSPR: no, learning already in hand", CsprDecision(False, "learning already in hand", "")),
        ("cspr no because national panel agreed", CsprDecision(False, "national panel agreed", "")),
        # Reviewer and publication
        ("Reviewer: Dr Alex Example", ReviewerAppointed("Dr Alex Example", "")),
        ("Family preview: 3/3/2027", FamilyPreview(date(2027, 3, 3), "")),
        ("Publication: 1 April 2027", PublicationPlanned(date(2027, 4, 1), False, "")),
        ("Publish on: 01/04/2027", PublicationPlanned(date(2027, 4, 1), False, "")),
        ("Publication: 05/02/2027 late notice", PublicationPlanned(date(2027, 2, 5), True, "")),
        ("Publication: 5 Feb 2027 (late notice)", PublicationPlanned(date(2027, 2, 5), True, "")),
        ("Published: 2/4/2027", Published(date(2027, 4, 2), "")),
        ("Report published: 2/4/2027", Published(date(2027, 4, 2), "")),
        ("CSPR published: 2/4/2027", Published(date(2027, 4, 2), "")),
        ("Report sent: 20/01/2027", ReportSent(date(2027, 1, 20), "")),
        ("Full report sent", ReportSent(None, "")),
        # Death of a looked-after child or care leaver
        (
            "SoS and Ofsted notified: 04/01/2027",
            LookedAfterDeathNotified(date(2027, 1, 4), False, "", ""),
        ),
        ("Secretary of State and Ofsted notified", LookedAfterDeathNotified(None, False, "", "")),
        (
            "DfE and Ofsted notified: 04/01/2027",
            LookedAfterDeathNotified(date(2027, 1, 4), False, "", ""),
        ),
        (
            "SoS and Ofsted notified: not required - aged 26 at death",
            LookedAfterDeathNotified(None, True, "aged 26 at death", ""),
        ),
        (
            "Publication delayed: criminal trial in progress",
            PublicationDelay("criminal trial in progress", ""),
        ),
        (
            "Not publishing: risk of identifying the siblings",
            NotPublishing("risk of identifying the siblings", ""),
        ),
        # Actions
        (
            "Action: Refresh neglect training; owner: gmp; due: 12/01/2027",
            AddAction("Refresh neglect training", "gmp", date(2027, 1, 12), ""),
        ),
        (
            "Action: Audit, then report; due 1 Feb 2027; owner Tameside Council",
            AddAction("Audit, then report", "Tameside Council", date(2027, 2, 1), ""),
        ),
        ("Action done: 3", ActionDone(3, "")),
        ("Action 3 done", ActionDone(3, "")),
        ("Action #12 done.", ActionDone(12, "")),
        ("action 4 completed", ActionDone(4, "")),
        # Approve
        ("Approve", Approve(None, "")),
        ("Approved", Approve(None, "")),
        ("approved!", Approve(None, "")),
        ("Approve 12", Approve(12, "")),
        ("Approve: #12", Approve(12, "")),
        # Close
        ("Close: duplicate of TSCP-2026-0003", Close("duplicate of TSCP-2026-0003", "")),
        # Return from: an agency's return sent on, or its nil return written in words
        ("Return from: gmp", ReturnFrom("gmp", None, "")),
        ("Return from: GMP 10/12/2026", ReturnFrom("gmp", date(2026, 12, 10), "")),
        ("Return from: gmp nil", ReturnFrom("gmp", None, "", nil=True)),
        ("Return from: gmp (nil return)", ReturnFrom("gmp", None, "", nil=True)),
        (
            "Return from: gmp - no involvement, 10 December 2026",
            ReturnFrom("gmp", date(2026, 12, 10), "", nil=True),
        ),
        # Withdraw request
        ("Withdraw request: gmp", WithdrawRequest("gmp", "", "")),
        ("Withdraw request: GMP.", WithdrawRequest("gmp", "", "")),
        # About case: an escalation record tied to its case
        ("About case: TSCP-2026-0001", AboutCase("TSCP-2026-0001", "")),
        ("escalation about - [tscp-2026-0007].", AboutCase("TSCP-2026-0007", "")),
        (
            "Withdraw the request: icb because asked on the wrong case",
            WithdrawRequest("icb", "asked on the wrong case", ""),
        ),
    ],
)
def test_each_command_syntax(line: str, expected: Command) -> None:
    # The command keeps its source line, spaces tidied, for the audit trail.
    assert only(line) == replace(expected, line=" ".join(line.split()))


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("Vote: maybe", '"maybe" is not one of rapid review, local learning review'),
        ("Vote:", "no choice given"),
        ("Vote rapid reveiw", '"rapid reveiw" is not one of'),
        ("Vote: rapid review or local review", "is not one of"),
        (
            "Vote: rapid review, Vote: local learning review, or Vote: no further action.",
            "is not one of",
        ),
        ("Decision: whatever the police think", "is not one of"),
        ("Decision: NFA - threshold not met", "write the choice alone on its line"),
        ("Vote: rapid review (agreed with police)", "any reason on a line of its own"),
        ("Notifiable: perhaps", "answer yes or no"),
        ("Notifiable: no idea", "answer yes or no"),
        ("Notifiable: yes - notified 17/12/2026", "give the day the National Panel was told"),
        ("Notifiable: yes, sent today", "on a line of its own, Notified: <date>"),
        ("CSPR: no", "needs its rationale"),
        ("CSPR: No.", "needs its rationale"),
        ("CSPR: not sure", "CSPR: no because <rationale>"),
        ("CSPR: no the threshold is not met", "CSPR: no because <rationale>"),
        # A day that cannot be read: the error says where the decision's day goes.
        ("CSPR: yes 5 Jan", "with the decision's date after yes or no"),
        ("CSPR: yes 31/02/2027", "with the decision's date after yes or no"),
        ("Disagree", "give the reason for disagreeing"),
        ("Disagree:", "give the reason for disagreeing"),
        ("Scrutineer: undecided", "Scrutineer: agree"),
        ("Aware: last Tuesday", '"last Tuesday" is not a date I can read'),
        ("LA aware: 31/02/2026", "31/02/2026 is not a real date"),
        ("Aware: 30/12/2026 because", "give the reason after the date"),
        ("Aware: 31/02/2026 because typo", "31/02/2026 is not a real date"),
        ("Notified: 31/11/2026", "31/11/2026 is not a real date"),
        ("Meeting held: 30/02/2027", "30/02/2027 is not a real date"),
        ("Published: soon", '"soon" is not a date I can read'),
        ("Report sent: soon", '"soon" is not a date I can read'),
        ("Publication: 05/02/2027 late", '"05/02/2027 late" is not a date I can read'),
        ("SoS and Ofsted notified: not required", "say why no notice is required"),
        ("SoS and Ofsted notified: last week", '"last week" is not a date I can read'),
        ("Delay: police enquiries", "give the expected date"),
        ("Delay: police enquiries; expected next month", '"next month" is not a date'),
        ("Delay:", "reason for the delay"),
        ("Reviewer:", "reviewer's name"),
        ("Not publishing:", "reason for not publishing"),
        ("Close:", "reason for closing"),
        ("Action: Refresh training; owner: gmp", "due date missing"),
        ("Action: Refresh training", "owner and due date missing"),
        ("Action: Refresh training; owner: gmp; due: 31/04/2027", "31/04/2027 is not a real date"),
        ("Action done: three", "give the action's number"),
        ("Approve the draft but change the date", "Approve 12"),
        ("Agencies:", "list the agencies"),
        ("Withdraw request:", "name one agency"),
        ("Return from: gmp icb", "name one agency"),
        ("Return from: no involvement with the family", "name one agency"),
        ("Notified: 13/11/2026 at 25:99", '"13/11/2026 at 25:99" is not a date I can read'),
        ("About case: the Smith review", "name the case by its reference"),
        # No colon, but a date begun: once taken for prose, nothing recorded and nothing said
        ("Notified on 31/02/2026", "31/02/2026 is not a real date"),
        ("Notified NP on 17/12", '"17/12" is not a date I can read'),
        ("Meeting held 6 Jan", '"6 Jan" has no year'),
        ("Report submitted on the 10th of January", '"the 10th of January" has no year'),
        ("Answered Thursday", '"Thursday" is not a date I can read'),
        ("Aware 14.12 via MASH", '"14.12 via MASH" is not a date I can read'),
    ],
)
def test_a_command_with_a_bad_value_is_an_error_naming_the_line(line: str, problem: str) -> None:
    parsed = parse(line)
    assert parsed.commands == ()
    assert len(parsed.errors) == 1
    error = parsed.errors[0]
    assert error.line == line
    assert error.message.startswith(f'Could not read "{line}": ')
    assert problem in error.message


@pytest.mark.parametrize(
    "line",
    [
        "Hi Business Manager,",
        "I have read the chronology and I vote for a rapid review below.",
        "Votes are due by Friday.",
        "Aware of the concerns since the summer.",
        "Agree with some of this, but not the timescale.",
        "Agreement was reached at the strategy meeting.",
        "Notified the school yesterday afternoon.",
        "Published reports are on the website.",
        "Publication of the report is a matter for the partners.",
        "Action plan attached.",
        "Actions from last time are nearly finished.",
        "Close contact with the family continues.",
        "About case conferences: the next is on Monday.",
        "Closed on the system now.",
        "Reviewer will be confirmed next week.",
        "Delay is likely.",
        "Agencies involved: see attached.",  # the keyword is "Agencies", not "Agencies involved"
        "Expected to finish in March.",
        "Meeting held in the town hall.",
        "Approval is needed from health.",
        "The LA aware date was wrong.",
        "Report sent to the family for comment.",
        "Answered 12 questions from the family.",
        "Responded to the family about the meeting.",
        "Reply sent to the school on Friday.",
        "Report published on the website.",
        "Notified the school on 12/12/2026 about the meeting.",
        "Meeting held with the family on 6 January.",
    ],
)
def test_ordinary_prose_is_ignored(line: str) -> None:
    assert parse(line) == ParsedCommands(commands=(), errors=())


# ---------------------------------------------------------------------------------------------
# Lines that combine.


def test_agencies_period_and_return_by_make_one_request() -> None:
    body = (
        "Please request returns.\n"
        "Agencies: gmp, icb, tameside-council\n"
        "Review period: 1 June 2025 to 22 December 2026\n"
        "Return by: 12/01/2027\n"
    )
    assert only(body) == RequestReturns(
        agencies=("gmp", "icb", "tameside-council"),
        period="1 June 2025 to 22 December 2026",
        return_by=date(2027, 1, 12),
        line=(
            "Agencies: gmp, icb, tameside-council\n"
            "Review period: 1 June 2025 to 22 December 2026\n"
            "Return by: 12/01/2027"
        ),
    )


def test_agencies_alone_and_in_any_order() -> None:
    assert only("Agencies: GMP; Tameside and Glossop ICB, and Pennine Care") == RequestReturns(
        agencies=("GMP", "Tameside and Glossop ICB", "Pennine Care"),
        period="",
        return_by=None,
        line="Agencies: GMP; Tameside and Glossop ICB, and Pennine Care",
    )
    request = only("Return by 12/01/2027\nAgencies: gmp\nAgencies: icb, GMP")
    assert isinstance(request, RequestReturns)
    assert request.agencies == ("gmp", "icb")
    assert request.return_by == date(2027, 1, 12)
    assert request.line == "Return by 12/01/2027\nAgencies: gmp\nAgencies: icb, GMP"


def test_review_period_without_agencies_is_an_error() -> None:
    parsed = parse("Review period: 1 June 2025 to 22 December 2026\nReturn by: 12/01/2027")
    assert parsed.commands == ()
    assert [e.line for e in parsed.errors] == [
        "Review period: 1 June 2025 to 22 December 2026",
        "Return by: 12/01/2027",
    ]
    assert all("Agencies:" in e.message for e in parsed.errors)


def test_a_second_return_by_is_an_error_not_a_guess() -> None:
    """Which of the two days was meant is for the Business Manager to say: the agencies are
    asked by neither, rather than by the first."""
    parsed = parse("Agencies: gmp\nReturn by: 12/01/2027\nReturn by: 19/01/2027")
    assert parsed.errors == (
        CommandError(
            "Agencies: gmp",
            '"Agencies: gmp" was not carried out: nothing was asked of the agencies, as "Return '
            'by: 19/01/2027" could not be used. Write Agencies: again with one Return by: (and '
            "one Review period:) as you mean them.",
        ),
        CommandError(
            "Return by: 19/01/2027",
            'Could not read "Return by: 19/01/2027": given twice in one email; give it once.',
        ),
    )
    assert parsed.commands == ()


@pytest.mark.parametrize(
    "return_by",
    ["Return by: 5 Jan", "Return by: 05/01", "Return by: next Friday", "Returns by 31/02/2027"],
)
def test_a_request_whose_return_by_cannot_be_read_asks_nothing(return_by: str) -> None:
    """Asked anyway, the agencies would be given the default day, not the one the Business
    Manager wrote: the request waits until it is written again."""
    parsed = parse(f"Agencies: gmp, icb\n{return_by}\nThanks")
    assert parsed.commands == ()
    assert [e.line for e in parsed.errors] == ["Agencies: gmp, icb", return_by]
    assert "nothing was asked of the agencies" in parsed.errors[0].message


def test_delay_reason_and_expected_on_two_lines() -> None:
    body = "Delay reason: awaiting the coroner's report\nExpected: 30 April 2027"
    assert only(body) == Delay("awaiting the coroner's report", date(2027, 4, 30), body)


@pytest.mark.parametrize(
    ("body", "doubted"),
    [
        ("Delay reason: inquest\nExpected: 30 April 2027\nExpected: 7 May 2027", "7 May 2027"),
        ("Delay: inquest; expected 30 April 2027\nExpected: 7 May 2027", "7 May 2027"),
        ("Delay: inquest; expected 30 April 2027\nExpected: next month", "next month"),
        ("Delay reason: inquest\nExpected: next month\nExpected: 7 May 2027", "next month"),
    ],
)
def test_a_delay_given_a_second_or_unreadable_expected_date_drafts_nothing(
    body: str, doubted: str
) -> None:
    """Drafted with one of the two, the notice would tell the National Panel a date the
    Business Manager may have corrected in the same email: it waits to be written again."""
    parsed = parse(body)
    assert parsed.commands == ()
    refusal = parsed.errors[0]
    assert refusal.line == body.split("\n")[0]
    assert "no delay notice was drafted" in refusal.message
    assert f'"Expected: {doubted}"' in refusal.message


def test_expected_without_a_delay_reason_is_an_error() -> None:
    parsed = parse("Expected: 30 April 2027")
    assert parsed.commands == ()
    assert "Delay: <reason>" in parsed.errors[0].message


def test_two_votes_are_kept_in_order() -> None:
    parsed = parse("Vote: local review\nSorry, on reflection:\nVote: rapid review")
    assert parsed.commands == (
        Vote(LR, "Vote: local review"),
        Vote(RR, "Vote: rapid review"),
    )


def test_commands_and_errors_together_in_line_order() -> None:
    body = (
        "Meeting held: 2/12/2026\n"
        "Notifiable: maybe\n"
        "Decision: rapid review\n"
        "Agencies: gmp\n"
        "CSPR: no\n"
    )
    parsed = parse(body)
    assert parsed.commands == (
        MeetingHeld(date(2026, 12, 2), "Meeting held: 2/12/2026"),
        Decision(RR, "Decision: rapid review"),
        RequestReturns(("gmp",), "", None, "Agencies: gmp"),
    )
    assert [e.line for e in parsed.errors] == ["Notifiable: maybe", "CSPR: no"]


# ---------------------------------------------------------------------------------------------
# Real replies: only the new text counts.

OUTLOOK_HTML_REPLY = (
    "Hi\n"
    "\n"
    "Vote: local learning review\n"
    "\n"
    "Thanks\n"
    "\n"
    "Sam Example\n"
    "Detective Inspector\n"
    "\n"
    "________________________________\n"
    "From: TSCP <tscp@tameside.gov.uk>\n"
    "Sent: 12 November 2026 09:14\n"
    "To: Sam Example <sam.example@gmp.police.uk>\n"
    "Subject: RE: [TSCP-2026-0007] Screening: serious incident notification\n"
    "\n"
    "A serious incident notification has been received.\n"
    f"{HINT}\n"
    "Vote: rapid review\n"
)

OUTLOOK_ONE_LINE_HEADER = (
    "Vote - NFA\n"
    "\n"
    "From: TSCP <tscp@tameside.gov.uk> Sent: Thursday, November 12, 2026 9:14 AM "
    "To: Sam Example <sam.example@gmp.police.uk> Subject: RE: [TSCP-2026-0007] Screening\n"
    f"{HINT}\n"
)

OUTLOOK_BOLD_HEADER_NO_RULE = (
    "**Vote:** Rapid Review\n"
    "**From:** TSCP <tscp@tameside.gov.uk>\n"
    "**Sent:** Thursday, 12 November 2026 09:14\n"
    "**Subject:** [TSCP-2026-0007] Screening\n"
    f"{HINT}\n"
)

OUTLOOK_PLAIN_ORIGINAL = (
    "Vote: no further action\n"
    "\n"
    "-----Original Message-----\n"
    "From: TSCP <tscp@tameside.gov.uk>\n"
    f"{HINT}\n"
)

GMAIL_REPLY = (
    "Vote: rapid review\n"
    "\n"
    "On Thu, 12 Nov 2026 at 09:14, TSCP <tscp@tameside.gov.uk> wrote:\n"
    "\n"
    f"> {HINT}\n"
    "> Vote: no further action\n"
)

GMAIL_WRAPPED_ATTRIBUTION = (
    "Vote: rapid review\n"
    "\n"
    "On Thu, 12 Nov 2026 at 09:14, Tameside Safeguarding Children Partnership <\n"
    "tscp@tameside.gov.uk> wrote:\n"
    "\n"
    f"{HINT}\n"
)

APPLE_MAIL_REPLY = (
    "Vote: audit\n"
    "\n"
    "Sent from my iPhone\n"
    "\n"
    "On 12 Nov 2026, at 09:14, TSCP <tscp@tameside.gov.uk> wrote:\n"
    "\n"
    f"\u00a0{HINT}\n"
)

SIGNATURE_DASHES = (
    "Vote: rapid review\n"
    "-- \n"
    "Jo Example | Designated Nurse\n"
    "Vote: no further action is never what we want\n"
)

KIND_REGARDS = (
    "Vote: rapid review\n"
    "\n"
    "Kind regards,\n"
    "Jo Example\n"
    "Agencies: these lines in a signature are not instructions\n"
)

ONLY_A_QUOTE = f"On Thu, 12 Nov 2026 at 09:14, TSCP <tscp@tameside.gov.uk> wrote:\n> {HINT}\n"

HINT_UNQUOTED_BELOW_HEADER = f"\n\nFrom: TSCP <tscp@tameside.gov.uk>\nSent: today\n\n{HINT}\n"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (OUTLOOK_HTML_REPLY, (Vote(LR, "Vote: local learning review"),)),
        (OUTLOOK_ONE_LINE_HEADER, (Vote(NFA, "Vote - NFA"),)),
        (OUTLOOK_BOLD_HEADER_NO_RULE, (Vote(RR, "**Vote:** Rapid Review"),)),
        (OUTLOOK_PLAIN_ORIGINAL, (Vote(NFA, "Vote: no further action"),)),
        (GMAIL_REPLY, (Vote(RR, "Vote: rapid review"),)),
        (GMAIL_WRAPPED_ATTRIBUTION, (Vote(RR, "Vote: rapid review"),)),
        (APPLE_MAIL_REPLY, (Vote(LR, "Vote: audit"),)),
        (SIGNATURE_DASHES, (Vote(RR, "Vote: rapid review"),)),
        (KIND_REGARDS, (Vote(RR, "Vote: rapid review"),)),
        (ONLY_A_QUOTE, ()),
        (HINT_UNQUOTED_BELOW_HEADER, ()),
    ],
    ids=[
        "outlook-html",
        "outlook-one-line-header",
        "outlook-bold-header",
        "outlook-original-message",
        "gmail",
        "gmail-wrapped-attribution",
        "apple-mail",
        "signature-dashes",
        "kind-regards",
        "only-a-quote",
        "header-without-reply",
    ],
)
def test_quoted_text_and_signatures_never_count(body: str, expected: tuple[Command, ...]) -> None:
    # A command below the sender's own signature is named, to tell her (never one quoted).
    below = ("Agencies:",) if body == KIND_REGARDS else ()
    assert parse(body) == ParsedCommands(commands=expected, errors=(), below_signature=below)
    crlf = parse(body.replace("\n", "\r\n"))
    assert crlf == ParsedCommands(commands=expected, errors=(), below_signature=below)


def test_new_text_is_the_part_above_the_quote() -> None:
    assert new_text(OUTLOOK_HTML_REPLY) == "Hi\n\nVote: local learning review"
    assert new_text(GMAIL_REPLY) == "Vote: rapid review"
    assert new_text(ONLY_A_QUOTE) == ""
    assert new_text("") == ""


def test_new_text_keeps_an_inline_reply_below_a_quote() -> None:
    body = "> Please vote on TSCP-2026-0007.\n\nVote: rapid review\n\n> Thanks\n"
    assert new_text(body) == "Vote: rapid review"


def test_new_text_cuts_a_header_run_onto_the_reply() -> None:
    body = "Vote: NFA From: TSCP <tscp@tameside.gov.uk> Sent: 12 November 2026 09:14\n"
    assert new_text(body) == "Vote: NFA"


def test_new_text_does_not_stop_at_prose_that_starts_like_a_sign_off() -> None:
    body = "Thanks for sending this.\nVote: rapid review\nThanks,\nJo"
    assert new_text(body) == "Thanks for sending this.\nVote: rapid review"
    assert only(body) == Vote(RR, "Vote: rapid review")


def test_a_thank_you_before_the_reply_is_not_a_sign_off() -> None:
    assert only("Thanks.\n\nVote: NFA\n\nThanks\nJo\nVote: rapid review") == Vote(NFA, "Vote: NFA")


def test_a_thank_you_below_a_greeting_is_not_a_sign_off() -> None:
    assert only("Hi Jo,\n\nThanks.\n\nVote: rapid review") == Vote(RR, "Vote: rapid review")
    assert only("Morning,\nThank you\nVote: NFA") == Vote(NFA, "Vote: NFA")


def test_a_greeting_with_more_on_its_line_is_text_so_the_signature_below_is_not_read() -> None:
    body = "Hi all, chronology attached.\n\nKind regards\nDana\nAware: 14/12/2026"
    assert parse(body) == ParsedCommands(commands=(), errors=(), below_signature=("Aware:",))


def test_a_command_in_a_postscript_is_read_as_the_body_is() -> None:
    body = "Noted.\n\nRegards\nDana\n\nP.S. Vote: rapid review"
    assert only(body) == Vote(RR, "P.S. Vote: rapid review")
    assert only("Noted.\n\nKind regards\nDana\n\nPS\nVote: NFA") == Vote(NFA, "Vote: NFA")


def test_zero_width_and_non_breaking_spaces_from_html_are_tolerated() -> None:
    assert only("\u200bVote:\u00a0rapid\u00a0review") == Vote(RR, "\u200bVote: rapid review")

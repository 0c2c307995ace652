"""What the bot does with each message: the effects planned from one frozen snapshot."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import date
from typing import TypedDict, Unpack

import pytest

from bot.core.forwarded import forwarded_complaint
from bot.core.message_plan import (
    FORM_READER_RETURN,
    FORM_READER_SIN,
    FORWARDED_COMPLAINT,
    Acknowledge,
    AlertNow,
    ApplySinForm,
    BookScreening,
    CheckDeliveryReport,
    CheckRepeat,
    FileOnCase,
    FlagFormCase,
    FlagMaybeNewComplaint,
    FlagMentionedCase,
    FormSummary,
    MarkReused,
    NoteHumanMail,
    OpenCase,
    OpenComplaint,
    OpenEscalation,
    Plan,
    Reclassify,
    RecordCalendarReply,
    RecordReturn,
    RunCommands,
    Snapshot,
    TellCommandsOnNewRecord,
    TellCommandsUnfiled,
    Triage,
    as_json,
    describe,
    plan,
    reads_commands,
)
from bot.core.person_wrote import REVIEW_ASKED
from bot.core.plan_effects import TriageComplaintNotHeld, TriageEscalationNotHeld

REF = "TSCP-2026-001"
OTHER = "TSCP-2026-009"
KINDS = (
    "sin",
    "appendix_b",
    "escalation",
    "complaint",
    "case_reply",
    "auto_reply",
    "unclassified",
    "calendar_reply",
)
NO_REF = (None, False)
UNKNOWN = (REF, False)
KNOWN = (REF, True)
CASE_STATES = (NO_REF, UNKNOWN, KNOWN)

REUSED = Triage("same Message-ID as an earlier message but different content")
UNKNOWN_CASE = Triage(f"refers to {REF}, which is not a known case")
NOT_RECOGNISED = Triage("not recognised by any rule")
AUTOMATIC_SAID = (
    "labelled automatic (%s) and names no case: a person may have written it; nothing was "
    "done with it and nobody was answered"
)
AUTOMATIC_ON_NO_CASE = Triage(AUTOMATIC_SAID % "automatic mail")
COMPLETED_SIN = FormSummary("sin", complete=True)
COMPLETED_RETURN = FormSummary("appendix_b", complete=True)
NO_RETURN = Triage(
    "a message on an Appendix B thread that holds no return (no form, no document): any "
    "request to its agency stays open"
)


class More(TypedDict, total=False):
    """The Snapshot fields snap() leaves at their defaults unless told."""

    rule_hits: tuple[str, ...]
    has_commands: bool
    form: FormSummary | None
    case_kind: str | None
    sender_agency: str | None
    has_attachments: bool
    has_document: bool
    case_open: bool
    from_business_manager: bool
    from_command_giver: bool
    too_large: tuple[str, ...]
    labelled_automatic: str | None
    returned_mail: bool
    automatic: str
    automatic_answer: bool
    copy_of: int | None
    stranger: str | None
    several_cases: bool
    commands_allowed: bool
    crossed_thread: str | None
    form_differs: tuple[str, ...]
    form_same_child: bool
    case_ref_in_body: bool
    request_agency: str | None
    form_agency: str | None
    answer_to: str
    acknowledged_today: int
    acknowledgements_per_day: int
    forwarded: bool
    first_written: date | None
    first_writer: str | None
    forwarded_by_us: bool
    forwarded_complainant: str
    arrived_on: date | None
    reads_as_sin: bool
    complaint_again: bool
    commands_not_theirs: bool
    from_complainant: bool
    sin_forms: tuple[str, ...]
    ref_like: tuple[str, ...]


class Facts(More, total=False):
    """Every keyword snap() takes."""

    can_acknowledge: bool
    no_ack_reason: str
    reused: bool


def snap(
    kind: str,
    case: tuple[str | None, bool] = NO_REF,
    *,
    can_acknowledge: bool = True,
    no_ack_reason: str = "",
    reused: bool = False,
    **more: Unpack[More],
) -> Snapshot:
    case_ref, case_exists = case
    base = Snapshot(
        kind=kind,
        rule_hits=(),
        case_ref=case_ref,
        case_exists=case_exists,
        can_acknowledge=can_acknowledge,
        no_ack_reason=no_ack_reason,
        message_id_reused=reused,
        case_kind="review" if case_exists else None,
    )
    return replace(base, **more)


@pytest.mark.parametrize(
    ("kind", "case", "expected"),
    [
        # A new SIN opens a case, books the panel and thanks the referrer.
        ("sin", NO_REF, (OpenCase(), CheckRepeat(), FileOnCase(), BookScreening(), Acknowledge())),
        ("sin", UNKNOWN, (UNKNOWN_CASE,)),
        ("sin", KNOWN, (FileOnCase("further SIN form filed on the existing case"),)),
        ("appendix_b", NO_REF, (Triage("appendix b not linked to a case"),)),
        ("appendix_b", UNKNOWN, (UNKNOWN_CASE,)),
        # A "return" on a known case with no form or document in it answers no request.
        ("appendix_b", KNOWN, (FileOnCase("Appendix B return"), NO_RETURN)),
        # An escalation always opens its own record, linked to the case when it names one.
        ("escalation", NO_REF, (OpenEscalation(None, True),)),
        # Naming a reference no case has, a person decides; triage new-case may open it.
        ("escalation", UNKNOWN, (TriageEscalationNotHeld(REF),)),
        ("escalation", KNOWN, (FileOnCase(), OpenEscalation(REF, True))),
        # A complaint always opens its own record too: statutory kinds win over threading.
        ("complaint", NO_REF, (OpenComplaint(None, True),)),
        # Naming a reference no case has, a person decides; triage new-case may open it.
        ("complaint", UNKNOWN, (TriageComplaintNotHeld(REF),)),
        ("complaint", KNOWN, (OpenComplaint(REF, True),)),
        ("case_reply", NO_REF, (NOT_RECOGNISED,)),
        ("case_reply", UNKNOWN, (UNKNOWN_CASE,)),
        ("case_reply", KNOWN, (FileOnCase("case_reply filed on the case"), NoteHumanMail())),
        # Automatic mail is never answered. On a case, a person wrote it (an out-of-office):
        # whether it says anything is bot.core.attention's question. On none, only a label
        # says it is automatic: a person reads it (test_automatic_mail_on_no_case below).
        ("auto_reply", NO_REF, (AUTOMATIC_ON_NO_CASE, CheckDeliveryReport())),
        ("auto_reply", UNKNOWN, (AUTOMATIC_ON_NO_CASE, CheckDeliveryReport())),
        (
            "auto_reply",
            KNOWN,
            (
                FileOnCase("automatic message: never answered"),
                NoteHumanMail(),
                CheckDeliveryReport(),
            ),
        ),
        ("unclassified", NO_REF, (NOT_RECOGNISED,)),
        ("unclassified", UNKNOWN, (UNKNOWN_CASE,)),
        ("unclassified", KNOWN, (FileOnCase(), NOT_RECOGNISED)),
    ],
)
def test_plan_by_kind_and_case(kind: str, case: tuple[str | None, bool], expected: Plan) -> None:
    assert plan(snap(kind, case)) == expected


def test_new_sin_that_cannot_be_acknowledged_still_opens_and_books_and_says_why() -> None:
    got = plan(snap("sin", can_acknowledge=False, no_ack_reason="sender is a mailing list"))
    assert got == (
        OpenCase(),
        CheckRepeat(),
        FileOnCase("not acknowledged: sender is a mailing list"),
        BookScreening(),
        # The referrer hears nothing from the bot: a person must answer, so it is triaged.
        Triage("not acknowledged (sender is a mailing list): answer the sender another way"),
    )


def test_a_new_sin_with_its_form_records_the_fields_before_acknowledging() -> None:
    got = plan(snap("sin", form=FormSummary("sin")))
    assert got == (
        OpenCase(),
        ApplySinForm(),
        CheckRepeat(),  # after the form: the child's initials are known
        FileOnCase(),
        BookScreening(),
        Acknowledge(),
    )


def test_a_blank_template_is_not_a_notification() -> None:
    got = plan(snap("sin", form=FormSummary(None, blank=True)))
    assert got == (Triage("blank SIN template (no values filled in): not a notification"),)


def test_complaint_and_escalation_on_a_case_keep_the_acknowledgement_choice() -> None:
    unanswered = Triage("not acknowledged (list): answer the sender another way")
    assert plan(snap("complaint", KNOWN, can_acknowledge=False, no_ack_reason="list")) == (
        OpenComplaint(REF, False),
        unanswered,  # the 20-working-day reply is owed to someone the bot cannot write to
    )
    assert plan(snap("escalation", KNOWN, can_acknowledge=False, no_ack_reason="list")) == (
        FileOnCase("not acknowledged: list"),
        OpenEscalation(REF, False),
        unanswered,
    )


@pytest.mark.parametrize(
    ("kind", "case", "expected"),
    [
        ("sin", NO_REF, (MarkReused(), REUSED)),
        ("sin", KNOWN, (MarkReused(), FileOnCase("not acted on: possible resend or forgery"),
                        REUSED)),
        ("complaint", UNKNOWN, (MarkReused(), REUSED)),
        ("auto_reply", KNOWN, (MarkReused(), FileOnCase("not acted on: possible resend or forgery"),
                               REUSED)),
    ],
)  # fmt: skip
def test_reused_message_id_is_triaged_not_acted_on(
    kind: str, case: tuple[str | None, bool], expected: Plan
) -> None:
    assert plan(snap(kind, case, reused=True)) == expected


def test_a_second_delivery_by_another_route_is_filed_and_nothing_more() -> None:
    copy = "a second delivery of message #7, by another route: not acted on"
    assert plan(snap("case_reply", KNOWN, reused=True, copy_of=7)) == (FileOnCase(copy),)
    assert plan(snap("sin", NO_REF, reused=True, copy_of=7)) == ()  # no second case either


def test_commands_on_a_known_case_are_run_and_filed() -> None:
    got = plan(snap("case_reply", KNOWN, has_commands=True))
    assert got == (
        FileOnCase("commands on the case"),
        RunCommands(),
        NoteHumanMail(commands_answered=True),
    )


COMMANDS_RUN = (FileOnCase("commands on the case"), RunCommands())


@pytest.mark.parametrize(
    ("kind", "giver", "case_kind", "expected"),
    [
        # "Disagree with the panel's decision" from a headteacher, or a grandparent's complaint
        # with such a line, is the challenge itself: its record opens, nothing is refused.
        ("escalation", False, "review", (FileOnCase(), OpenEscalation(REF, True))),
        ("complaint", False, "review", (OpenComplaint(REF, True),)),
        # More of the same on the record's own thread: filed there, and a person reads it.
        ("escalation", False, "escalation", (FileOnCase("escalation filed on its own record"),
                                             NoteHumanMail())),
        ("complaint", False, "complaint", (FileOnCase("complaint filed on its own record"),
                                           NoteHumanMail())),
        # From someone who gives commands (the Scrutineer's "Disagree: ..."), they are run.
        ("escalation", True, "review", COMMANDS_RUN),
        ("complaint", True, "review", COMMANDS_RUN),
        # Any other reply: commands are run, and refused in the service if not authorised.
        ("case_reply", False, "review", (*COMMANDS_RUN, NoteHumanMail(commands_answered=True))),
    ],
)  # fmt: skip
def test_a_complaint_or_escalation_is_read_as_commands_only_from_a_command_giver(
    kind: str, giver: bool, case_kind: str, expected: Plan
) -> None:
    s = snap(kind, KNOWN, has_commands=True, from_command_giver=giver, case_kind=case_kind)
    assert plan(s) == expected
    # The service hands the command lines on only when they are read as commands.
    assert reads_commands(s) == (RunCommands() in expected)


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        # A post through a list, a records system's email, a subject a person typed.
        ({"automatic": "Precedence: list"}, (Triage(AUTOMATIC_SAID % "Precedence: list"),)),
        # An out-of-office its headers mark as an answer, a bounce: no one wrote news now.
        ({"automatic_answer": True}, ()),
        ({"returned_mail": True}, ()),
    ],
)
def test_automatic_mail_on_no_case(facts: Facts, expected: Plan) -> None:
    assert plan(snap("auto_reply", NO_REF, **facts)) == (*expected, CheckDeliveryReport())


def test_mail_a_machine_returned_on_a_case_is_no_ones_news() -> None:
    got = plan(snap("auto_reply", KNOWN, returned_mail=True))  # a bounce, a read receipt
    assert got == (FileOnCase("automatic message: never answered"), CheckDeliveryReport())


def test_commands_never_run_from_automatic_or_suspicious_mail() -> None:
    for kind, reused in (("auto_reply", False), ("case_reply", True)):
        assert RunCommands() not in plan(snap(kind, KNOWN, reused=reused, has_commands=True))


# --- Commands in a reply to the daily digest: carried out on no case, and never silently ---

WHY_NO_CASE = "it answers the daily digest or names several cases"
DIGEST_REPLY: Facts = {
    "has_commands": True,
    "from_command_giver": True,
    "commands_allowed": True,
    "several_cases": True,
}


def test_commands_answering_the_digest_run_nowhere_and_she_is_told() -> None:
    assert plan(snap("unclassified", **DIGEST_REPLY)) == (
        NOT_RECOGNISED,
        TellCommandsUnfiled(WHY_NO_CASE),
        Triage(f"commands not carried out ({WHY_NO_CASE}); the sender was told"),
    )
    assert describe(TellCommandsUnfiled(WHY_NO_CASE)) == (
        f"tell the sender no command was carried out ({WHY_NO_CASE}) and how to name the case"
    )


def test_commands_naming_a_case_we_do_not_hold_run_nowhere_and_she_is_told() -> None:
    one_case: Facts = {**DIGEST_REPLY, "several_cases": False}
    got = plan(snap("case_reply", (f"{REF}9", False), **one_case))
    why = f"its reference {REF}9 names no case (a mistyped reference?)"
    assert RunCommands() not in got
    assert got[-2:] == (
        TellCommandsUnfiled(why),
        Triage(f"commands not carried out ({why}); the sender was told"),
    )


def test_commands_in_mail_naming_no_case_run_nowhere_and_she_is_told() -> None:
    one_case: Facts = {**DIGEST_REPLY, "several_cases": False}
    got = plan(snap("unclassified", **one_case))
    assert TellCommandsUnfiled("it names no case") in got


@pytest.mark.parametrize(
    ("kind", "case", "facts"),
    [
        # A forger, or one who gives no commands, learns nothing of what became of them.
        ("unclassified", NO_REF, {"commands_allowed": False}),
        # A reference we do not hold, from a forger or one who gives no commands.
        ("unclassified", (f"{REF}9", False), {"several_cases": False, "commands_allowed": False}),
        ("unclassified", NO_REF, {"has_commands": False}),
        # A machine is never answered, nor a message whose Message-ID was seen before.
        ("unclassified", NO_REF, {"can_acknowledge": False, "no_ack_reason": "auto-replied"}),
        ("unclassified", NO_REF, {"reused": True}),
        ("auto_reply", NO_REF, {}),
        # On a case its commands run; a record opened for it is answered as such.
        ("case_reply", KNOWN, {}),
        ("complaint", NO_REF, {}),
    ],
)
def test_no_answer_about_commands_on_no_case_when_it_is_not_owed(
    kind: str, case: tuple[str | None, bool], facts: Facts
) -> None:
    merged: Facts = {**DIGEST_REPLY, **facts}
    got = plan(snap(kind, case, **merged))
    assert not any(isinstance(e, TellCommandsUnfiled) for e in got)


@pytest.mark.parametrize("kind", ["sin", "complaint", "escalation"])
def test_commands_in_mail_that_opens_a_record_are_not_run_and_she_is_told(kind: str) -> None:
    one_case: Facts = {**DIGEST_REPLY, "several_cases": False}
    got = plan(snap(kind, NO_REF, **one_case))
    assert RunCommands() not in got
    assert got[-2:] == (
        TellCommandsOnNewRecord(),
        Triage("commands not carried out (the email opened a new record); the sender was told"),
    )
    assert describe(TellCommandsOnNewRecord()) == (
        "tell the sender the commands were not carried out, on the new record's thread"
    )


@pytest.mark.parametrize(
    "facts",
    [{"commands_allowed": False}, {"has_commands": False}, {"reused": True}],
)
def test_no_word_about_commands_on_a_new_record_when_it_is_not_owed(
    facts: Facts,
) -> None:
    merged: Facts = {**DIGEST_REPLY, "several_cases": False, **facts}
    got = plan(snap("sin", NO_REF, **merged))
    assert not any(isinstance(e, TellCommandsOnNewRecord) for e in got)


# --- Forms on case replies: corrections, returns attached or pasted, the wrong case ---


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        # A document came, read or not: the return arrived (an unread one goes to a person).
        # Its sender is sent a receipt (tests below: when not), and what it wrote beside the
        # attached return is read as a reply is.
        ({"has_document": True}, (RecordReturn(receipt=True), NoteHumanMail(beside_form=True))),
        # Pasted into the body: what was written around it is read so too (the service
        # leaves the form's own lines out, bot.core.pasted_form).
        ({"form": COMPLETED_RETURN}, (RecordReturn(receipt=True), NoteHumanMail(beside_form=True))),
        ({}, (NO_RETURN,)),
        (
            {"has_document": True, "case_open": False},
            (
                Triage(
                    f"Appendix B return on {REF}, which is closed: nothing recorded from it; "
                    "check whether it belongs to another case"
                ),
            ),
        ),
        (
            {"has_document": True, "from_business_manager": True},
            (
                Triage(
                    "Appendix B sent on by the Business Manager: nothing recorded from it, as "
                    "the bot cannot tell whose return it is; send it on again with Return "
                    "from: <agency> at the top"
                ),
            ),
        ),
    ],
)
def test_a_return_is_recorded_only_when_it_can_be_one(facts: Facts, expected: Plan) -> None:
    assert plan(snap("appendix_b", KNOWN, **facts)) == (FileOnCase("Appendix B return"), *expected)


@pytest.mark.parametrize(
    ("form", "attached", "expected"),
    [
        # An attached return is recorded as it always was; a pasted one only when complete.
        (FormSummary("appendix_b"), True, (RecordReturn(receipt=True),)),
        (FormSummary("appendix_b"), False, ()),
        (COMPLETED_RETURN, False, (RecordReturn(receipt=True),)),
        # A corrected SIN attached to a reply updates the review case.
        (FormSummary("sin"), True, (ApplySinForm(),)),
        (FormSummary("sin"), False, ()),
        (FormSummary(None), True, ()),
    ],
)
def test_forms_on_a_case_reply(form: FormSummary, attached: bool, expected: Plan) -> None:
    got = plan(
        snap("case_reply", KNOWN, form=form, has_attachments=attached, has_document=attached)
    )
    assert tuple(e for e in got if not isinstance(e, (FileOnCase, NoteHumanMail))) == expected
    # A form being recorded is not news for "New on your cases"; a reply's own words may be.
    assert (NoteHumanMail() in got) == (not expected)


def test_a_sin_form_naming_another_child_on_a_case_is_not_applied_and_she_is_alerted() -> None:
    """A new child's SIN sent as a reply on an old case's thread: the case keeps its child,
    and the Business Manager is asked now, as a new screening clock may be running."""
    other = ("the child's name", "the child's date of birth")
    got = plan(snap("case_reply", KNOWN, form=FormSummary("sin"), has_attachments=True,
                    has_document=True, form_differs=other))  # fmt: skip
    assert ApplySinForm() not in got and NoteHumanMail() not in got
    [triage] = [e for e in got if isinstance(e, Triage)]
    [alert] = [e for e in got if isinstance(e, AlertNow)]
    assert triage.reason.startswith(
        f"a SIN form naming a different child or incident on {REF} (the child's name, the "
        "child's date of birth not the case's): a new notification or a correction?"
    )
    assert "screening clock may be running" in alert.why


def test_two_sin_forms_in_one_email_open_a_case_from_the_first_and_she_is_told_now() -> None:
    """One notification per incident: the case is opened from the first form (its clock runs,
    the panel is invited), and the Business Manager is asked now to send the second on."""
    two = ("child 1.docx", "child 2.docx")
    got = plan(snap("sin", NO_REF, form=FormSummary("sin"), has_attachments=True, sin_forms=two))
    assert OpenCase() in got and BookScreening() in got and Acknowledge() in got
    said = (
        "two SIN forms in one email (child 1.docx, child 2.docx): the case was opened from "
        "child 1.docx; if child 2.docx is another incident, run tscp-bot triage new-case N to "
        "open it as a new case, counted from the day it arrived"
    )
    assert Triage(said) in got
    # The alert says the case was opened from the first form, and asks only about the second.
    left = (
        "child 2.docx was not read. If it is another incident, run tscp-bot triage new-case N "
        "to open it as a new case, counted from the day it arrived: its 2-working-day "
        "screening clock may be running."
    )
    assert AlertNow(left, "child 1.docx", opened=True) in got
    # On a case's thread, the first form corrects the case; the second is still named.
    on_case = plan(snap("case_reply", KNOWN, form=FormSummary("sin"), has_attachments=True,
                        sin_forms=two))  # fmt: skip
    assert ApplySinForm() in on_case
    assert AlertNow(left, "child 1.docx", opened=False) in on_case
    assert any(isinstance(e, Triage) and f"only child 1.docx was read into {REF}" in e.reason
               for e in on_case)  # fmt: skip
    assert NoteHumanMail() not in on_case


def test_a_new_sin_naming_a_case_loosely_is_checked_against_it_and_still_opens() -> None:
    """ "tscp 2026 0001" in a new SIN: its case opens, clock and all, and is checked against
    TSCP-2026-0001 (flagged if that case is open), never filed on it or held."""
    got = plan(snap("sin", NO_REF, ref_like=("TSCP-2026-0001",)))
    assert CheckRepeat(("TSCP-2026-0001",)) in got
    assert OpenCase() in got and BookScreening() in got and Acknowledge() in got


def test_a_sin_that_only_mentions_a_case_in_its_text_opens_a_case_flagged_on_both() -> None:
    """ "Sibling of the child notified under TSCP-2026-001": a notification of its own, with
    its own clock; unless its form names that case's child, when it corrects the case."""
    sin = FormSummary("sin")
    got = plan(snap("sin", KNOWN, case_ref_in_body=True, form=sin, has_attachments=True))
    assert got[:1] == (OpenCase(),) and BookScreening() in got and Acknowledge() in got
    assert got[-1] == FlagMentionedCase(REF)
    same = plan(snap("sin", KNOWN, case_ref_in_body=True, form=sin, has_attachments=True,
                     form_same_child=True))  # fmt: skip
    filed = FileOnCase("further SIN form filed on the existing case")
    assert same == (ApplySinForm(), filed, NoteHumanMail(beside_form=True))
    # A case it mentions that the bot does not hold: still a notification, opened.
    assert plan(snap("sin", UNKNOWN, case_ref_in_body=True))[0] == OpenCase()


def test_a_recorded_return_s_sender_gets_a_receipt_unless_it_may_not_be_answered() -> None:
    """An agency that hears nothing may send its return again, or think it lost; but automatic
    mail and no-reply addresses are never answered, and a receipt is an answer like any."""
    sent = snap("appendix_b", KNOWN, form=COMPLETED_RETURN, has_attachments=True,
                has_document=True)  # fmt: skip
    got = plan(sent)
    beside = NoteHumanMail(beside_form=True)  # what it wrote beside the return, if anything
    assert got == (FileOnCase("Appendix B return"), RecordReturn(receipt=True), beside)
    assert describe(got[1]).endswith("; send the sender a receipt")
    quiet = plan(replace(sent, can_acknowledge=False, no_ack_reason="no-reply sender"))
    assert quiet == (FileOnCase("Appendix B return"), RecordReturn(), beside)
    assert describe(quiet[1]).endswith("; no receipt")
    # Pasted whole into a reply on the case: the same.
    pasted = plan(snap("case_reply", KNOWN, form=COMPLETED_RETURN))
    assert RecordReturn(receipt=True) in pasted


def test_a_return_whose_agency_is_in_doubt_gets_no_receipt() -> None:
    # A person settles whose it is, and answers; no receipt says it is recorded meanwhile.
    got = plan(snap("appendix_b", KNOWN, form=COMPLETED_RETURN, has_document=True,
                    request_agency="tg-icft", sender_agency="icb"))  # fmt: skip
    assert got[1] == RecordReturn("tg-icft", sure=False, receipt=False)


def test_receipts_count_in_the_loop_guard() -> None:
    """A responder answering the receipt on the case's thread with a leaflet attached reads
    like the return sent again: past the day's share its return is still recorded, unanswered,
    and no one is asked, as an agency may rightly send four returns in a day."""
    office = "safeguarding.office@example.org"
    sent = snap("appendix_b", KNOWN, form=COMPLETED_RETURN, has_document=True, answer_to=office)
    assert RecordReturn(receipt=True) in plan(replace(sent, acknowledged_today=2))
    got = plan(replace(sent, acknowledged_today=3))
    assert RecordReturn() in got
    assert not [e for e in got if isinstance(e, Triage)]


def test_a_return_replying_to_a_request_is_that_agency_s_unless_its_sender_says_another() -> None:
    def reply_from(agency: str) -> Plan:
        return plan(snap("appendix_b", KNOWN, form=COMPLETED_RETURN, has_attachments=True,
                         request_agency="tg-icft", sender_agency=agency))  # fmt: skip

    mine = RecordReturn("tg-icft", receipt=True)
    beside = NoteHumanMail(beside_form=True)
    assert reply_from("tg-icft") == (FileOnCase("Appendix B return"), mine, beside)
    nhs = reply_from("icb")
    assert nhs[:2] == (FileOnCase("Appendix B return"), RecordReturn("tg-icft", sure=False))
    [doubt] = [e for e in nhs if isinstance(e, Triage)]
    assert "in reply to the request to tg-icft, but sent from an address of icb" in doubt.reason


def test_a_sin_form_on_a_complaint_record_changes_nothing_there() -> None:
    got = plan(snap("case_reply", KNOWN, form=FormSummary("sin"), has_attachments=True,
                    case_kind="complaint"))  # fmt: skip
    assert ApplySinForm() not in got


def test_a_form_naming_another_case_is_flagged() -> None:
    form = FormSummary("appendix_b", case_ref=OTHER)
    got = plan(snap("case_reply", KNOWN, form=form, has_attachments=True))
    assert got[-1] == FlagFormCase(OTHER, REF)
    same = FormSummary("appendix_b", case_ref=REF)
    assert not any(
        isinstance(e, FlagFormCase)
        for e in plan(snap("case_reply", KNOWN, form=same, has_attachments=True))
    )


def test_oversized_attachments_are_triaged_whatever_else_happens() -> None:
    got = plan(snap("case_reply", KNOWN, too_large=("scan.pdf",)))
    assert got[-1] == Triage("attachment over the size limit, kept but not read: scan.pdf")


# --- Read before giving up: the form reader decides what no rule did ---


@pytest.mark.parametrize(
    ("form", "agency", "hits", "expected_first"),
    [
        (COMPLETED_SIN, "police", (), Reclassify("sin", FORM_READER_SIN)),
        (COMPLETED_RETURN, "police", (), Reclassify("appendix_b", FORM_READER_RETURN)),
        # Not from a configured agency: a person looks at it.
        (COMPLETED_SIN, None, (), NOT_RECOGNISED),
        # Incomplete, blank, or rules that hit and disagreed: a person looks at it.
        (FormSummary("sin"), "police", (), NOT_RECOGNISED),
        (FormSummary(None, blank=True), "police", (), NOT_RECOGNISED),
        (COMPLETED_SIN, "police", ("complaint-body", "escalation-body"), NOT_RECOGNISED),
        (None, "police", (), NOT_RECOGNISED),
    ],
)
def test_unclassified_mail_is_read_before_it_is_given_up_on(
    form: FormSummary | None, agency: str | None, hits: tuple[str, ...], expected_first: object
) -> None:
    got = plan(snap("unclassified", form=form, sender_agency=agency, rule_hits=hits))
    assert got[0] == expected_first


def test_a_completed_sin_read_by_the_form_reader_opens_a_case() -> None:
    got = plan(snap("unclassified", form=COMPLETED_SIN, sender_agency="police"))
    assert got == (
        Reclassify("sin", FORM_READER_SIN),
        OpenCase(),
        ApplySinForm(),
        CheckRepeat(),
        FileOnCase(),
        BookScreening(),
        Acknowledge(),
    )


def test_every_effect_is_said_in_words_and_json() -> None:
    got = plan(snap("unclassified", form=COMPLETED_SIN, sender_agency="police"))
    assert describe(got[0]) == f"treat as sin (rule {FORM_READER_SIN})"
    assert as_json(got[1]) == {
        "effect": "OpenCase",
        "counted_from": None,
        "doubt": None,
        "says": "open a new case",
    }
    assert describe(OpenComplaint(REF, True)) == (
        f"open a complaint record linked to {REF}; 20 working days; acknowledge"
    )


ALL = [
    snap(kind, case, can_acknowledge=ack, no_ack_reason="" if ack else "no reply wanted",
         reused=reused)
    for kind, case, ack, reused in itertools.product(
        KINDS, CASE_STATES, (True, False), (True, False)
    )
]  # fmt: skip


@pytest.mark.parametrize("s", ALL)
def test_invariants_over_every_combination(s: Snapshot) -> None:
    got = plan(s)
    kinds = [type(e) for e in got]
    opened = OpenCase in kinds
    # Only a new, un-reused SIN opens a case, and only then is the panel booked.
    assert opened == (s.kind == "sin" and s.case_ref is None and not s.message_id_reused)
    assert (BookScreening in kinds) == opened
    assert (CheckRepeat in kinds) == opened  # every new case is checked against open ones
    # Only a newly opened case is acknowledged, and only when the checks allow it.
    assert (Acknowledge in kinds) == (opened and s.can_acknowledge)
    for e in got:
        if isinstance(e, OpenComplaint | OpenEscalation):
            assert e.acknowledge == s.can_acknowledge
            assert e.linked_case == (s.case_ref if s.case_exists else None)
    # Never file on a case that does not exist.
    assert not (FileOnCase in kinds and not s.case_exists and not opened)
    if s.message_id_reused:
        assert REUSED in got and MarkReused() in got
    # Automatic mail is checked as a possible bounce; it is triaged only when its Message-ID is
    # suspicious, or when it names no case and only a label says it is automatic.
    if s.kind == "auto_reply" and not s.message_id_reused:
        assert CheckDeliveryReport() in got
        quiet = s.returned_mail or s.automatic_answer
        assert (Triage in kinds) == (not s.case_exists and not quiet)
    # Something is always done: opened, filed or triaged (or a quietly dropped out-of-office).
    acted = {
        OpenCase,
        OpenComplaint,
        OpenEscalation,
        FileOnCase,
        Triage,
        TriageComplaintNotHeld,
        TriageEscalationNotHeld,
    }
    assert acted & set(kinds) or s.automatic_answer or RecordCalendarReply() in got
    # A calendar answer is always recorded, never acknowledged, never news on the case.
    unknown_case = s.case_ref is not None and not s.case_exists  # triaged before anything
    if s.kind == "calendar_reply" and not s.message_id_reused and not unknown_case:
        assert RecordCalendarReply() in got and NoteHumanMail() not in got
        assert not {Acknowledge, OpenCase} & set(kinds)


class Crossed(TypedDict):
    """Commands in a reply whose thread answers another case than its subject names."""

    has_commands: bool
    crossed_thread: str


def test_commands_whose_subject_and_thread_name_different_cases_run_on_neither() -> None:
    why = f"its subject names {REF} while it answers an email about TSCP-2026-002"
    crossed: Crossed = {"has_commands": True, "crossed_thread": "TSCP-2026-002"}
    told = plan(snap("case_reply", KNOWN, commands_allowed=True, **crossed))
    assert RunCommands() not in told
    assert TellCommandsUnfiled(why) in told
    assert Triage(f"commands not carried out ({why}); the sender was told") in told
    # A forger is not told; a person is still asked.
    quiet = plan(snap("case_reply", KNOWN, commands_allowed=False, **crossed))
    assert RunCommands() not in quiet
    assert not any(isinstance(e, TellCommandsUnfiled) for e in quiet)
    assert Triage(f"commands not carried out ({why})") in quiet


def test_an_address_acknowledged_three_times_today_is_not_acknowledged_again() -> None:
    """A CRM answering each acknowledgement with "Thank you for your complaint": the record
    still opens, but the loop stops and a person is asked."""
    crm = "customer.services@example.org"
    for kind, answered in (
        ("complaint", OpenComplaint(None, True)),
        ("escalation", OpenEscalation(None, True)),
    ):
        assert answered in plan(snap(kind, answer_to=crm, acknowledged_today=2))
        got = plan(snap(kind, answer_to=crm, acknowledged_today=3))
        assert answered not in got
        assert got[-1] == Triage(
            f"possible mail loop with {crm}: 3 automatic acknowledgements were sent to it in the "
            "last 24 hours, so this one was not acknowledged; if a person wrote it, answer them "
            "yourself"
        )
    assert OpenComplaint(None, False) in plan(snap("complaint", acknowledged_today=5))
    # [ingest] max_acknowledgements_per_day = 1: the second of the day is held back.
    first = snap("complaint", answer_to=crm, acknowledgements_per_day=1, acknowledged_today=0)
    assert OpenComplaint(None, True) in plan(first)
    got = plan(replace(first, acknowledged_today=1))
    assert OpenComplaint(None, False) in got
    assert got[-1] == Triage(
        f"possible mail loop with {crm}: 1 automatic acknowledgement was sent to it in the last "
        "24 hours, so this one was not acknowledged; if a person wrote it, answer them yourself"
    )
    # A SIN is not limited: a referral unit may send several in a day, and none loops.
    assert Acknowledge() in plan(snap("sin", answer_to=crm, acknowledged_today=5))


def test_a_forwarded_complaint_is_opened_unanswered_and_put_before_a_person() -> None:
    sent = date(2026, 12, 14)
    writer = "chris.member@example.org"
    forward = snap(
        "complaint",
        forwarded=True,
        first_written=sent,
        can_acknowledge=False,
        forwarded_complainant=writer,
    )
    got = plan(forward)
    # Not "answer the sender another way": the forwarder is not the one owed an answer.
    assert got == (OpenComplaint(None, False, sent, None, writer), Triage(FORWARDED_COMPLAINT))
    assert "answer the complainant directly" in FORWARDED_COMPLAINT
    # No address read for sure: the record keeps none (never the forwarder's), and says so.
    got = plan(replace(forward, forwarded_complainant=""))
    unknown = forwarded_complaint(None, complainant_known=False)
    assert got == (OpenComplaint(None, False, sent, None, ""), Triage(unknown))
    assert unknown.startswith(f"{FORWARDED_COMPLAINT}; the complainant's address is not known")


WRITER = "casey.invented@gmp.police.uk"


def test_a_sin_the_business_manager_forwards_counts_from_its_sending_and_thanks_its_writer() -> (
    None
):
    sent, arrived = date(2026, 12, 11), date(2026, 12, 16)
    forward = snap(
        "sin",
        forwarded=True,
        forwarded_by_us=True,
        from_business_manager=True,
        first_written=sent,
        first_writer=WRITER,
        arrived_on=arrived,
    )
    got = plan(forward)
    assert got[0] == OpenCase(sent) and Acknowledge(WRITER) in got
    assert Acknowledge() not in got  # not the Business Manager's own forward
    [note] = [e for e in got if isinstance(e, Triage)]
    assert note.reason.startswith("forwarded SIN: its clocks count from Fri 11 Dec 2026, the day")
    # No writer the bot may answer: nobody is acknowledged, and she is asked to tell them.
    alone = plan(replace(forward, first_writer=None))
    assert not any(isinstance(e, Acknowledge) for e in alone)
    assert any("answer the referrer another way" in str(e) for e in alone)
    # A day that could be read two ways, or a year back: from the forward, and she is told.
    unsure = plan(replace(forward, first_written=None))
    assert unsure[0] == OpenCase(None)
    assert any("count from Wed 16 Dec 2026, when the forward arrived" in str(e) for e in unsure)
    # Counted from the forward perhaps later than the real ones: acknowledged without them.
    assert Acknowledge(WRITER, start_unsure=True) in unsure
    same_day = plan(replace(forward, first_written=arrived))
    assert Acknowledge(WRITER) in same_day  # sent the day it was forwarded: its days are sure
    assert OpenCase(None) == plan(replace(forward, first_written=date(2025, 12, 1)))[0]


def test_a_sin_an_agency_forwards_is_acknowledged_to_that_agency_and_its_day_checked() -> None:
    sent, arrived = date(2026, 12, 11), date(2026, 12, 16)
    forward = snap(
        "sin", forwarded=True, first_written=sent, first_writer=WRITER, arrived_on=arrived
    )
    got = plan(forward)
    assert got[0] == OpenCase(sent) and Acknowledge() in got
    assert any(isinstance(e, Triage) and e.reason.startswith("forwarded SIN") for e in got)


def test_a_new_sin_written_on_a_closed_case_is_put_before_her_now_with_its_day() -> None:
    arrived = date(2027, 2, 1)
    reply = snap("case_reply", KNOWN, case_open=False, reads_as_sin=True, arrived_on=arrived)
    got = plan(replace(reply, stored_as=7))
    [triage] = [e for e in got if isinstance(e, Triage)]
    assert "reads as a new serious incident notification; it arrived on Mon 1 Feb 2027" in (
        triage.reason
    )
    assert "run tscp-bot triage new-case 7" in triage.reason
    assert any(isinstance(e, AlertNow) for e in got)
    # On an open case it is a correction or more news: as before; so is a closed case's reply
    # that does not read as a SIN.
    assert not any(isinstance(e, AlertNow) for e in plan(replace(reply, case_open=True)))
    assert not any(isinstance(e, AlertNow) for e in plan(replace(reply, reads_as_sin=False)))


def test_a_complaint_sent_again_is_filed_on_the_open_one_for_a_person_to_read() -> None:
    got = plan(snap("complaint", KNOWN, case_kind="complaint", complaint_again=True))
    note = f"a complaint from the same person while their complaint {REF} is open"
    # No second record, no second reference; a person is asked whether it is a new one.
    assert got == (FileOnCase(note), NoteHumanMail(), FlagMaybeNewComplaint(REF))
    # Naming a reference no case has, it is flagged with it: the open complaint is a guess.
    named = snap("complaint", KNOWN, case_kind="complaint", complaint_again=True)
    got = plan(replace(named, ref_not_held="TSCP-2026-0099"))
    assert got[-1] == FlagMaybeNewComplaint(REF, "TSCP-2026-0099")
    assert "TSCP-2026-0099, which is not a known case" in str(got[0])


def test_a_forwarded_complaint_naming_no_known_case_carries_the_day_it_was_first_sent() -> None:
    """So its triage line's would-be due day, and the record `triage new-case` opens, count
    from the day the complainant wrote, as a forwarded complaint's do on arrival."""
    sent, doubt = date(2026, 12, 1), "the Sent line's time zone 'EST' may be..."
    forward = replace(snap("complaint", UNKNOWN), forwarded=True, first_written=sent)
    assert plan(forward) == (TriageComplaintNotHeld(REF, True, sent),)
    unsure = replace(forward, first_written=None, first_written_doubt=doubt)
    assert plan(unsure) == (TriageComplaintNotHeld(REF, True, None, doubt),)


def test_a_partners_challenge_whose_only_command_is_not_theirs_opens_the_escalation() -> None:
    partner = snap("escalation", KNOWN, has_commands=True, from_command_giver=True)
    assert not reads_commands(replace(partner, commands_not_theirs=True))
    assert reads_commands(partner)  # a vote of their own in it runs as always
    got = plan(replace(partner, commands_not_theirs=True))
    assert OpenEscalation(REF, True) in got and RunCommands() not in got


def test_the_complainant_writing_on_a_closed_complaint_is_put_before_the_business_manager() -> None:
    reply = snap("case_reply", KNOWN, case_kind="complaint", from_complainant=True)
    assert not any(isinstance(e, Triage) for e in plan(reply))
    closed = plan(replace(reply, case_open=False))
    assert Triage(REVIEW_ASKED) in closed and NoteHumanMail() in closed

"""Which SIN form of a message on the triage list `tscp-bot triage new-case` opens, and what it
does: the decision alone, on facts written out (bot.core.triage_new_case)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from bot.core.form_identity import recorded_of
from bot.core.forms import Extraction, Field
from bot.core.forwarded_sin import Forward
from bot.core.new_case_command import command
from bot.core.plan_effects import (
    Acknowledge,
    ApplySinForm,
    BookScreening,
    FileOnCase,
    OpenCase,
    Triage,
)
from bot.core.triage_new_case import (
    WHOLE,
    AlreadyOpened,
    Facts,
    FormRead,
    LinkCases,
    MarkOpened,
    NoteOnCase,
    Opening,
    OverdueFromStart,
    Refused,
    decide,
)

REF = "TSCP-2026-0001"
MONDAY, WEDNESDAY, THURSDAY = date(2026, 12, 21), date(2026, 12, 23), date(2026, 12, 24)


def _field(name: str, value: str | date) -> Field:
    return Field(name, value, str(value), "SIN form.docx, table 1", 1.0)


def sin(child: str, born: str = "2020-04-03", incident: str = "2026-12-18") -> Extraction:
    """A SIN form naming `child`, born and harmed on those days (invented people only)."""
    return Extraction(
        form="sin",
        fields={"incident_date": _field("incident_date", date.fromisoformat(incident))},
        children=(
            {
                "child_name": _field("child_name", child),
                "date_of_birth": _field("date_of_birth", date.fromisoformat(born)),
            },
        ),
        chronology=(),
        missing=(),
        doubtful=(),
        flags=(),
    )


QUINN, RILEY, SAM = sin("Quinn Zed Invented"), sin("Riley Yew Example", "2019-09-09"), sin(
    "Sam Vee Sample", "2018-01-02", "2026-12-19"
)  # fmt: skip


def facts(*forms: FormRead, **changes: object) -> Facts:
    """Message #2, on the triage list, filed on TSCP-2026-0001 (Quinn's case), arrived on
    Monday and looked at on Tuesday."""
    base = Facts(
        number=2,
        status="processed",
        on_triage=True,
        read=True,
        filed_on=REF,
        filed_record=recorded_of(QUINN),
        forms=forms,
        no_form="no SIN form in its text or attachments",
        opened={},
        wanted=None,
        arrived=MONDAY,
        screening_due=WEDNESDAY,
        today=date(2026, 12, 22),
        can_acknowledge=True,
        no_ack_reason="",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def opening(f: Facts) -> Opening:
    found = decide(f)
    assert isinstance(found, Opening), found
    return found


def test_another_child_s_form_on_a_case_thread_opens_a_case_as_a_new_sin_would() -> None:
    got = opening(facts(FormRead(WHOLE, RILEY)))
    assert got.documents == (WHOLE,)
    assert got.steps == (
        OpenCase(),
        ApplySinForm(),
        FileOnCase("opened as a case of its own from the triage list"),
        BookScreening(),
        Acknowledge(),
        LinkCases(REF),
        MarkOpened((WHOLE,)),
    )


def test_a_clock_run_out_before_it_is_opened_is_overdue_from_the_start() -> None:
    late = opening(facts(FormRead(WHOLE, RILEY), today=THURSDAY))
    assert OverdueFromStart(WEDNESDAY, MONDAY, THURSDAY) in late.steps
    on_the_day = opening(facts(FormRead(WHOLE, RILEY), today=WEDNESDAY))
    assert not [s for s in on_the_day.steps if isinstance(s, OverdueFromStart)]


def test_a_sender_who_cannot_be_answered_keeps_it_on_the_list_saying_so() -> None:
    got = opening(facts(FormRead(WHOLE, RILEY), can_acknowledge=False, no_ack_reason="no-reply"))
    assert Acknowledge() not in got.steps
    assert Triage("not acknowledged (no-reply): answer the sender another way") in got.steps


def test_the_second_of_two_forms_opens_and_the_email_stays_with_the_first_form_s_case() -> None:
    got = opening(facts(FormRead("child 1.docx", QUINN), FormRead("child 2.docx", RILEY)))
    assert got.documents == ("child 2.docx",)
    assert not [s for s in got.steps if isinstance(s, FileOnCase)]
    assert LinkCases(REF) in got.steps and MarkOpened(("child 2.docx",)) in got.steps


def test_one_notification_in_two_documents_is_read_together() -> None:
    two = facts(
        FormRead("child 1.docx", QUINN),
        FormRead("child 2.docx", RILEY),
        FormRead("child 2.pdf", RILEY),
    )
    assert opening(two).documents == ("child 2.docx", "child 2.pdf")


def test_several_notifications_left_are_opened_one_at_a_time_by_name() -> None:
    three = (FormRead("a.docx", QUINN), FormRead("b.docx", RILEY), FormRead("c.docx", SAM))
    assert decide(facts(*three)) == Refused(
        "message #2 holds SIN forms of 2 notifications not yet opened as a case (b.docx, "
        "c.docx): the bot cannot tell which you mean; name one, as tscp-bot triage new-case 2 "
        "--form b.docx"
    )
    got = opening(facts(*three, wanted="c.docx"))
    assert got.documents == ("c.docx",)
    # The other stays on the list, named, until it is opened too.
    assert (
        Triage(
            "SIN forms not yet opened as a case: b.docx; for each that is a new notification, run "
            "tscp-bot triage new-case 2 --form <document>"
        )
        in got.steps
    )
    then = facts(*three, opened={"c.docx": "TSCP-2026-0002"})
    assert opening(then).documents == ("b.docx",)  # the one left, without --form
    assert decide(replace(then, wanted="c.docx")) == AlreadyOpened(
        "c.docx in message #2 already opened TSCP-2026-0002: nothing done"
    )


def test_a_form_opened_before_is_not_opened_twice() -> None:
    done = facts(FormRead(WHOLE, RILEY), opened={WHOLE: "TSCP-2026-0002"}, on_triage=False)
    assert decide(done) == AlreadyOpened(
        "message #2 already opened TSCP-2026-0002: nothing more done"
    )


@pytest.mark.parametrize(
    ("f", "said"),
    [
        (
            facts(FormRead(WHOLE, QUINN)),
            "message #2's SIN form names TSCP-2026-0001's own child and incident: it is that "
            "case's notification or its correction, not a new one; nothing to open",
        ),
        (
            facts(FormRead(WHOLE, RILEY), on_triage=False),
            "message #2 is not on the triage list (filed on TSCP-2026-0001): only a SIN form a "
            "person is asked about is opened as a new case",
        ),
        (
            facts(),
            "message #2 carries no SIN form the bot can read (no SIN form in its text or "
            "attachments)",
        ),
        (
            facts(FormRead(WHOLE, RILEY), status="stored"),
            "message #2 is waiting to be processed on the next pass; if it needs a person then, "
            "it will be on the triage list",
        ),
        (
            facts(FormRead(WHOLE, RILEY), status="quarantined"),
            "message #2 is quarantined: the bot could not finish reading it. Once IT has looked, "
            "tscp-bot triage retry 2",
        ),
        (
            facts(read=False),
            "message #2 was never read from the mailbox: there is no form to open a case from",
        ),
        (
            facts(FormRead("SIN form.docx", RILEY), FormRead("SIN form.docx", SAM)),
            "message #2 holds SIN forms of different notifications in documents both named "
            "SIN form.docx: the bot cannot tell them apart; forward each on its own to open its "
            "case (its clocks then count from the forward, not from Mon 21 Dec 2026)",
        ),
        (
            facts(FormRead("a.docx", QUINN), FormRead("b.docx", RILEY), wanted="a.docx"),
            "a.docx in message #2 names TSCP-2026-0001's own child and incident: it is that "
            "case's notification or its correction, not a new one; nothing to open",
        ),
    ],
)
def test_what_it_will_not_open_is_refused_with_the_reason(f: Facts, said: str) -> None:
    assert decide(f) == Refused(said)


def test_a_message_on_no_case_opens_and_is_filed_on_the_new_case() -> None:
    # A SIN the rules would not trust (an unknown domain), read by a person who decides it is one.
    got = opening(facts(FormRead(WHOLE, RILEY), filed_on=None, filed_record=None))
    assert FileOnCase("opened as a case of its own from the triage list") in got.steps
    assert not [s for s in got.steps if isinstance(s, LinkCases)]


def test_a_document_s_name_is_given_as_it_is_typed_at_the_terminal() -> None:
    assert command(7, "child-2.docx") == "tscp-bot triage new-case 7 --form child-2.docx"
    assert command(7, "SIN child 2.docx") == "tscp-bot triage new-case 7 --form 'SIN child 2.docx'"
    assert command(7, "O'Brien.docx") == "tscp-bot triage new-case 7 --form 'O'\"'\"'Brien.docx'"


def test_a_new_notification_by_its_words_alone_is_opened_and_asked_for_its_form() -> None:
    # "A further serious incident has occurred; SIN form to follow", on a closed case's thread.
    words = facts(reads_as_sin=True)
    got = opening(words)
    assert got.documents == (WHOLE,) and got.steps[0] == OpenCase()
    assert MarkOpened((WHOLE,)) in got.steps and Acknowledge() in got.steps
    # Opened once: a second run says which case; without the SIN's words nothing is opened.
    assert isinstance(decide(replace(words, opened={WHOLE: "TSCP-2026-0002"})), AlreadyOpened)
    assert isinstance(decide(facts()), Refused)


POLICE = "casey.invented@gmp.police.uk"
FRIDAY = date(2026, 12, 18)


def test_a_form_the_business_manager_forwarded_is_opened_as_its_forward_was_on_arrival() -> None:
    # The police sent it on Friday 18th; she forwarded it on Monday 21st. Its clocks count from
    # the Friday, the police are told (not she), and a person checks the day on the new case.
    passed_on = Forward(MONDAY, FRIDAY, POLICE, by_us=True)
    got = opening(facts(FormRead(WHOLE, RILEY), forward=passed_on, today=MONDAY))
    assert got.steps[0] == OpenCase(FRIDAY)
    assert Acknowledge(POLICE) in got.steps and Acknowledge() not in got.steps
    [note] = [s for s in got.steps if isinstance(s, NoteOnCase)]
    assert note.reason.startswith("forwarded SIN: its clocks count from Fri 18 Dec 2026")
    # Due Tue 22nd counted from the Friday: run out by Wednesday, said to be from the Friday.
    tuesday = date(2026, 12, 22)
    late = facts(FormRead(WHOLE, RILEY), forward=passed_on, screening_due=tuesday, today=WEDNESDAY)
    assert OverdueFromStart(tuesday, FRIDAY, WEDNESDAY, first_sent=True) in opening(late).steps
    # A first day read two ways: from the forward, acknowledged with no key dates.
    unsure = replace(passed_on, first_written=None)
    got = opening(facts(FormRead(WHOLE, RILEY), forward=unsure))
    assert got.steps[0] == OpenCase(None) and Acknowledge(POLICE, start_unsure=True) in got.steps
    # No agency address to answer: nobody is acknowledged, and a person answers the referrer.
    silent = opening(facts(FormRead(WHOLE, RILEY), forward=replace(passed_on, first_writer=None)))
    assert not [s for s in silent.steps if isinstance(s, Acknowledge)]
    assert any("answer the referrer another way" in str(s) for s in silent.steps)


def test_a_colleague_s_forward_opened_later_says_who_was_acknowledged_and_who_was_not() -> None:
    colleague = "sam.colleague@gmp.police.uk"
    passed_on = Forward(MONDAY, FRIDAY, None, by_us=False, quoted_writer=POLICE)
    got = opening(facts(FormRead(WHOLE, RILEY), forward=passed_on, answer_to=colleague))
    assert Acknowledge() in got.steps  # to the colleague who forwarded it, by design
    [note] = [s for s in got.steps if isinstance(s, NoteOnCase)]
    assert (
        f"The acknowledgement went to {colleague}, who forwarded it, not to {POLICE}, who wrote "
        "it (named on the quoted From line)"
    ) in note.reason

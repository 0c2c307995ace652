"""The form engine's rules, one at a time, on small invented forms (the corpus in tests/forms
checks whole forms)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from bot.adapters.vocabulary_loader import load_vocabulary
from bot.config.paths import packaged
from bot.core.doctext import DocumentText, Line, Table
from bot.core.forms import DOUBTFUL_BELOW, Extraction, Field, extract, name_initials
from bot.core.vocabulary import Vocabulary

FORMS = packaged("forms")
VOCABULARY: Vocabulary = load_vocabulary(FORMS)

REFERRER = (
    ("Name of referrer", "Pat Placeholder"),
    ("Role", "Designated Safeguarding Lead"),
    ("Agency", "Example Primary School"),
    ("Email", "pat.placeholder@example.org"),
    ("Telephone", "0161 496 0001"),
    ("Approved by", "Robin Fictional"),
)


def form(*rows: tuple[str, ...], source: str = "SIN form.docx", **kw: object) -> DocumentText:
    tables = (Table(f"{source}, table 1", tuple(rows)),)
    sender = kw.get("original_sender")
    problems = kw.get("problems", ())
    assert isinstance(problems, tuple)
    return DocumentText(source, (), tables, problems, sender if isinstance(sender, str) else None)


def email(text: str) -> DocumentText:
    lines = tuple(Line(f"email body, line {n}", t) for n, t in enumerate(text.split("\n"), 1))
    return DocumentText("email body", lines, (), ())


def run(*documents: DocumentText) -> Extraction:
    return extract(documents, VOCABULARY)


def doubted_awareness(written: str) -> Field:
    """The local authority's awareness date as the form reader takes `written`, which it must
    list as doubtful for a person to check."""
    found = run(form(*REFERRER, ("Date the local authority became aware", written)))
    assert "la_aware_date" in found.doubtful
    return found.fields["la_aware_date"]


# --- Labels ---


@pytest.mark.parametrize(
    "label",
    [
        "Date of birth",
        "DATE OF BIRTH:",
        "Date of birth (if known)",
        "3. Date of Birth",
        "D.O.B.",
        "DOB:",
        "Child's date of birth",
        "Date of birth*",
    ],
)
def test_labels_are_matched_tolerantly(label: str) -> None:
    found = run(form(*REFERRER, ("Child's name", "Ann Example"), (label, "03/04/2015")))
    dob = found.children[0]["date_of_birth"]
    assert dob.value == date(2015, 4, 3)
    assert dob.confidence == 1.0


@pytest.mark.parametrize(
    "label",
    [
        "Subject child",
        "Name of subject child",
        "CYP name",
        "Child's forename and surname",
        "Baby's name",
        # Whose name said only in brackets: once the referrer's name given twice, the
        # child's unread.
        "Name (child)",
        "Name [subject child]",
    ],
)
def test_the_child_s_name_is_read_however_the_form_asks_for_it(label: str) -> None:
    """Unread, the case had no initials to carry to the outside bodies, and the resend check
    nothing to compare a second form with."""
    found = run(form(*REFERRER, (label, "Sam Invented"), ("Date of birth", "01/02/2020")))
    assert [c["child_name"].value for c in found.children] == ["Sam Invented"]
    assert found.flags == ()


@pytest.mark.parametrize(
    "label",
    [
        "When did the LA become aware?",
        "Date LA first aware",
        "Date the local authority first became aware",
        "Date Children's Services became aware",
        "Date CSC were made aware",
        "Date the LA learned of the incident",
        "Date LA was informed of the incident",
        "When was the local authority made aware?",
        "Date LA were made aware",
        "Date Tameside Children's Services became aware",
        "Date reported to Children's Social Care",
        "Date referral received by MASH",
        "Date Local Authority was first made aware of the incident",
        "Date notified to LA",
        "Date of notification to local authority",
        "Date the incident was reported to the local authority",
        "Date of LA notification",
        "Date local authority was told",
        "Date the council became aware",
        "Local authority aware (date)",
        "When did Tameside become aware?",
        # The day asked by a last "on", or whose awareness said only in brackets.
        "Local authority informed on",
        "LA notified on",
        "Date of awareness (local authority)",
        "Awareness date (LA)",
        "LA informed (date)",
        "Date information received by LA",
    ],
)
def test_the_local_authority_s_awareness_is_read_however_the_form_asks_for_it(label: str) -> None:
    """Unread, the National Panel's clock would start from the SIN's arrival, days late.
    ("Local authority aware (date)" was read as the child's local authority, "Date of
    notification to local authority" as the form's own date, each with no word to anyone.)"""
    found = run(form(*REFERRER, ("Date of incident", "20/12/2026"), (label, "21/12/2026")))
    assert found.fields["la_aware_date"].value == date(2026, 12, 21), label
    assert "la_aware_date" not in found.doubtful and found.flags == ()
    assert all(c.get("local_authority") is None for c in found.children)


@pytest.mark.parametrize(
    ("label", "field"),
    [
        ("Name of school", "school"),
        ("School attended", "school"),
        ("Name of school (or nursery)", "school"),
        ("Name of GP", "gp"),
        ("GP name", "gp"),
    ],
)
def test_the_child_s_school_and_gp_are_read_however_the_form_asks(label: str, field: str) -> None:
    """Unread, a delay reason naming them was not refused as the family's details (the check
    looks for the school and the GP the forms recorded), and the answer was only flagged."""
    found = run(form(*REFERRER, ("Child's name", "Sam Invented"), (label, "Example Place")))
    assert found.children[0][field].value == "Example Place"
    assert found.flags == ()


@pytest.mark.parametrize(
    "label",
    [
        "Date of harm",
        "Date of serious harm",
        "Date incident took place",
        "Date of death",
        "Date incident happened",
        "When did the incident take place?",
        "Date of the event",
        "Date of notifiable incident",
        "Date the child was harmed",
        "Date harm occurred",
        "Date injuries identified",
        "Date child died",
        "Date of child's death",
    ],
)
def test_the_incident_s_date_is_read_however_the_form_asks_for_it(label: str) -> None:
    """Unread, the row was only a flag; "Date of child's death" was a doubt on the death
    tick ("cannot tell Yes or No")."""
    found = run(form(*REFERRER, (label, "20/12/2026")))
    assert found.fields["incident_date"].value == date(2026, 12, 20), label
    assert found.flags == ()


@pytest.mark.parametrize(
    "label",
    [
        "Date of incident report",
        "Date of incident referral",
        "Incident date reported",
        "Date of death registration",
        "Date of the incident notification",
    ],
)
def test_a_day_something_was_done_about_the_incident_is_not_its_day(label: str) -> None:
    """Read by its first words as the incident's day, a later day made the local authority's,
    earlier, doubtful ("before the incident"): the National Panel's clock was left counting
    from the SIN's arrival, days late. Shown for a person instead."""
    found = run(form(*REFERRER, ("Date LA became aware", "12/12/2026"), (label, "14/12/2026")))
    assert "incident_date" not in found.fields
    assert found.fields["la_aware_date"].value == date(2026, 12, 12)
    assert "la_aware_date" not in found.doubtful
    assert any(f"'{label}': '14/12/2026'" in f for f in found.flags)


@pytest.mark.parametrize("label", ["Date of awareness", "Awareness date"])
def test_an_awareness_date_that_names_nobody_is_not_taken_for_the_local_authority_s(
    label: str,
) -> None:
    """The referrer's agency may have known first: its day would start the clock early."""
    found = run(form(*REFERRER, (label, "21/12/2026")))
    assert "la_aware_date" not in found.fields and "agency_aware_date" not in found.fields


def test_a_label_with_extra_words_is_fuzzy_but_not_doubtful() -> None:
    found = run(
        form(
            *REFERRER,
            ("Child's name", "Ann Example"),
            ("Date of incident causing concern", "12/11/2026"),
        )
    )
    incident = found.fields["incident_date"]
    assert incident.value == date(2026, 11, 12)
    assert DOUBTFUL_BELOW <= incident.confidence < 1.0
    assert "incident_date" not in found.doubtful


def test_a_sentence_is_not_a_label() -> None:
    found = run(
        form(
            *REFERRER,
            ("Child's name", "Ann Example"),
            ("We were told about the date of birth of the baby by the midwife", "yesterday"),
        )
    )
    assert "date_of_birth" not in found.children[0]


def test_a_value_that_looks_like_a_label_is_still_the_value() -> None:
    found = run(form(*REFERRER, ("Location of incident", "Home address")))
    assert found.fields["incident_location"].value == "Home address"


@pytest.mark.parametrize(
    ("row", "field"),
    [
        (("Current condition", "Harmed seriously"), "current_condition"),
        (("Police operation", "Involved police"), "police_operation"),
        (("Current legal status", "Looked after child"), "legal_status"),
        (("Nature of harm", "Death or serious injury"), "incident_description"),
    ],
)
def test_a_value_in_a_tick_box_s_words_is_still_the_value(row: tuple[str, str], field: str) -> None:
    """Taken for the label of a tick box left empty, it read as No ("seriously harmed: No")
    and the answer itself was lost."""
    found = run(form(*REFERRER, ("Child's name", "Ann Example"), row))
    fields = {**found.fields, **found.children[0]}
    assert fields[field].raw == row[1]
    ticks = {"serious_harm", "police_involved", "looked_after", "died_or_seriously_harmed"}
    assert not ticks & found.fields.keys()


# --- Dates ---


@pytest.mark.parametrize(
    "written",
    ["12/11/2026", "12.11.26", "12-11-2026", "12 November 2026", "12th Nov 2026", "2026-11-12"],
)
def test_date_formats(written: str) -> None:
    found = run(form(*REFERRER, ("Date of incident", written)))
    assert found.fields["incident_date"].value == date(2026, 11, 12)
    assert found.fields["incident_date"].confidence == 1.0


def test_a_date_with_a_time_is_read_with_slightly_less_confidence() -> None:
    found = run(form(*REFERRER, ("Date of incident", "12/11/2026 at 21:30 (approx.)")))
    incident = found.fields["incident_date"]
    assert incident.value == date(2026, 11, 12)
    assert incident.confidence == 0.9
    assert incident.raw == "12/11/2026 at 21:30 (approx.)"


@pytest.mark.parametrize(
    ("written", "read"),
    [
        # The weekday says Monday 21st: the earlier reading starts the clock, flagged.
        ("Monday 22 December 2026", date(2026, 12, 21)),
        ("Fri 23/12/2026", date(2026, 12, 23)),  # the date is the earlier reading
        ("22/12/2026 (Monday)", date(2026, 12, 21)),
        ("Monday 22nd December 2026, about 9pm", date(2026, 12, 21)),
        ("Monday the 22nd of December 2026", date(2026, 12, 21)),
        ("Monday December 22, 2026", date(2026, 12, 21)),
        ("Mon 22-Dec-26", date(2026, 12, 21)),
        ("Mon 2026/12/22", date(2026, 12, 21)),
        ("Wednesday the 22nd of December 2026", date(2026, 12, 22)),  # the 23rd: kept the 22nd
    ],
)
def test_a_date_its_weekday_contradicts_is_read_early_and_flagged(written: str, read: date) -> None:
    aware = doubted_awareness(written)
    assert aware.value == read
    assert aware.problem is not None and "does not add up" in aware.problem


@pytest.mark.parametrize(
    "written", ["Tuesday 22 December 2026", "Tue 22/12/2026", "22/12/2026 (Tues) at 9pm"]
)
def test_a_date_its_weekday_agrees_with_is_not_flagged(written: str) -> None:
    aware = run(form(*REFERRER, ("Date the local authority became aware", written)))
    assert aware.fields["la_aware_date"].value == date(2026, 12, 22)
    assert aware.fields["la_aware_date"].problem is None


# --- Answers no field reads ---


def unmatched(found: Extraction) -> list[str]:
    return [f for f in found.flags if f.startswith("an answer not read into any field")]


def test_an_answer_beside_a_label_no_field_has_is_flagged_for_a_person() -> None:
    """A sibling also hurt, written where the form asks for anything else: read by no field,
    it would reach nobody from the case record."""
    sibling = "A sibling, aged 4, was also injured and is in hospital."
    found = run(form(*REFERRER, ("Other relevant information", sibling)))
    assert unmatched(found) == [
        "an answer not read into any field (SIN form.docx, table 1, row 7): "
        f"'Other relevant information': {sibling!r}"
    ]


def test_a_column_no_field_has_does_not_lose_the_children_under_it() -> None:
    """[Name | Date of birth | Relationship to the subject]: read as label/value pairs, the
    date of birth would be "Relationship to the subject" and both children lost."""
    children = Table(
        "SIN form.docx, table 2",
        (
            ("Child details",),
            ("Name", "Date of birth", "Relationship to the subject"),
            ("Quinn Zed Invented", "03/04/2020", "Subject"),
            ("Kai Invented", "05/06/2018", "Sibling"),
        ),
    )  # fmt: skip
    found = run(replace(form(*REFERRER), tables=(form(*REFERRER).tables[0], children)))
    assert [(c["child_name"].value, c["date_of_birth"].value) for c in found.children] == [
        ("Quinn Zed Invented", date(2020, 4, 3)),
        ("Kai Invented", date(2018, 6, 5)),
    ]
    assert unmatched(found) == [
        "an answer not read into any field (SIN form.docx, table 2, row 3): "
        "'Relationship to the subject': 'Subject'",
        "an answer not read into any field (SIN form.docx, table 2, row 4): "
        "'Relationship to the subject': 'Sibling'",
    ]


def test_a_row_of_label_value_pairs_with_a_value_going_on_below_is_still_pairs() -> None:
    """Two labels and two short answers over a row of one value is not a row of labels over
    values: the answers stay with their labels, and the line below is flagged."""
    incident = Table(
        "SIN form.docx, table 2",
        (
            ("Incident details",),
            ("Location", "Home", "Description of the incident", "Found unresponsive"),
            ("", "", "", "Taken to hospital by ambulance"),
        ),
    )  # fmt: skip
    found = run(replace(form(*REFERRER), tables=(form(*REFERRER).tables[0], incident)))
    assert found.fields["incident_location"].value == "Home"
    assert found.fields["incident_description"].value == "Found unresponsive"
    assert unmatched(found) == [
        "an answer not read into any field (SIN form.docx, table 2, row 3): "
        "'(the row above, continued)': 'Taken to hospital by ambulance'"
    ]


def test_a_date_beside_its_label_is_never_taken_for_a_column_head() -> None:
    incident = Table(
        "SIN form.docx, table 2",
        (("Date of incident", "18/12/2026", "Location"), ("", "", "Home")),
    )
    found = run(replace(form(*REFERRER), tables=(form(*REFERRER).tables[0], incident)))
    assert found.fields["incident_date"].value == date(2026, 12, 18)


def test_cells_beside_a_value_that_no_field_reads_are_flagged() -> None:
    """An address typed across three cells: the first is the answer, the rest would be lost."""
    found = run(form(*REFERRER, ("Location", "1 Example Street", "Exampletown", "Exampletown")))
    assert found.fields["incident_location"].value == "1 Example Street"
    assert unmatched(found) == [
        "an answer not read into any field (SIN form.docx, table 1, row 7): "
        "'Location': 'Exampletown'"
    ]


def test_many_unread_answers_are_listed_five_then_counted() -> None:
    notes = [(f"Note {n}", f"Seen at clinic, visit {n}") for n in range(1, 9)]
    found = run(form(*REFERRER, *notes))
    assert len(unmatched(found)) == 5
    assert "3 more answers not read into any field: read the form for them" in found.flags


def test_a_long_unread_answer_is_cut_in_the_flag() -> None:
    found = run(form(*REFERRER, ("Anything else", "word " * 100)))
    (flag,) = unmatched(found)
    assert flag.endswith("…'") and len(flag) < 300


@pytest.mark.parametrize(
    "row",
    [
        ("Other relevant information", ""),
        ("Other relevant information", "Click or tap here to enter text."),
        ("Other relevant information", "☐"),
        ("Police", "Yes", "X"),
        ("Guidance", "Send this form within 24 hours of the incident"),
    ],
    ids=["left blank", "a placeholder", "a box", "a row of three answers", "the form's wording"],
)
def test_rows_that_are_not_a_lone_answer_are_not_flagged(row: tuple[str, ...]) -> None:
    sin = VOCABULARY.forms["sin"]
    vocabulary = Vocabulary(
        {**VOCABULARY.forms, "sin": replace(sin, not_answers=frozenset({"guidance"}))}
    )
    found = extract((form(*REFERRER, row),), vocabulary)
    assert found.form == "sin" and unmatched(found) == []


def test_a_date_that_does_not_exist_is_kept_flagged_and_doubtful() -> None:
    found = run(form(*REFERRER, ("Date of incident", "31/02/2026")))
    incident = found.fields["incident_date"]
    assert incident.value is None
    assert incident.raw == "31/02/2026"
    assert incident.problem == "31/02/2026 is not a real date"
    assert "incident_date" in found.doubtful
    assert "incident_date" not in found.missing
    assert "incident_date: 31/02/2026 is not a real date" in found.flags


def test_unreadable_date_is_doubtful_not_a_crash() -> None:
    found = run(form(*REFERRER, ("Date of incident", "the week before half term")))
    assert found.fields["incident_date"].value is None
    assert "incident_date" in found.doubtful


def test_incident_after_la_aware_is_flagged_and_both_dates_doubtful() -> None:
    found = run(
        form(
            *REFERRER,
            ("Date of incident", "14/12/2026"),
            ("Date the local authority became aware", "10/12/2026"),
        )
    )
    assert (
        "incident date Mon 14 Dec 2026 is after the date the local authority became aware "
        "Thu 10 Dec 2026" in found.flags
    )
    assert {"incident_date", "la_aware_date"} <= set(found.doubtful)


def test_date_of_birth_after_the_incident_is_flagged() -> None:
    found = run(
        form(
            *REFERRER,
            ("Child's name", "Ann Example"),
            ("Date of birth", "01/01/2027"),
            ("Date of incident", "14/12/2026"),
        )
    )
    assert "date of birth Fri 1 Jan 2027 is after the incident date Mon 14 Dec 2026" in found.flags
    assert "date_of_birth" in found.doubtful


def test_period_covered_range_fills_both_ends() -> None:
    found = run(
        form(
            ("Agency", "Example Housing"),
            ("Name of author", "Val Madeup"),
            ("Period covered", "1 January 2025 - 2 December 2026"),
            source="Agency return.docx",
        )
    )
    assert found.form == "appendix_b"
    assert found.fields["period_from"].value == date(2025, 1, 1)
    assert found.fields["period_to"].value == date(2026, 12, 2)


@pytest.mark.parametrize(
    ("answer", "involved"),
    [
        ("No", False),
        ("Not known to our service", False),
        ("Nil return", False),
        ("No record of the child or family", False),
        ("Yes", True),
        ("Known to our service", True),
    ],
)
def test_an_appendix_b_s_involvement_question_is_read_as_agencies_ask_it(
    answer: str, involved: bool
) -> None:
    """Unread, the answer would reach the Business Manager only as a row no field read, and
    the return's involvement would be counted missing."""
    found = run(
        form(
            ("Agency", "Example Housing"),
            ("Name of author", "Val Madeup"),
            ("Has your agency had involvement with the child or family?", answer),
            source="Agency return.docx",
        )
    )
    assert found.form == "appendix_b"
    assert found.fields["involved"].value is involved
    assert "involved" not in found.missing and found.flags == ()


def test_a_line_giving_two_answers_gives_both() -> None:
    """Read whole, the second label was part of the first answer, and its date lost: the
    National Panel's clock counted from the email's arrival instead."""
    found = run(
        email(
            "Serious Child Safeguarding Incident Notification\n"
            "Child's name: Sam Invented. Date the local authority became aware: 12/12/2026.\n"
            "Description of the incident: The child fell. Staff said: he was pushed."
        )
    )
    assert [c["child_name"].value for c in found.children] == ["Sam Invented"]
    assert found.fields["la_aware_date"].value == date(2026, 12, 12)
    # "Staff said" is no label: the answer is not cut there.
    assert found.fields["incident_description"].value == (
        "The child fell. Staff said: he was pushed."
    )


def test_a_table_cell_giving_two_answers_gives_both() -> None:
    """Read whole, the date of birth was part of the child's name, and counted missing."""
    found = run(form(*REFERRER, ("Child's name: Sam Invented. DOB: 01/02/2020",)))
    [child] = found.children
    assert (child["child_name"].value, child["date_of_birth"].value) == (
        "Sam Invented",
        date(2020, 2, 1),
    )


@pytest.mark.parametrize(
    "line",
    [
        "When the LA became aware, a strategy discussion was held on 15/12/2026",
        "When told, the LA held a strategy meeting 15/12/2026",
    ],
)
def test_a_sentence_about_the_local_authority_is_not_its_day(line: str) -> None:
    """With no colon to end a label, a sentence's date is another day's: the strategy
    meeting's, which would be doubted beside the form's own awareness date, or taken for it."""
    found = run(email(f"Serious Child Safeguarding Incident Notification\n{line}"))
    assert "la_aware_date" not in found.fields


@pytest.mark.parametrize(
    "label",
    [
        "Date LA notified the National Panel",
        "Date the local authority notified Ofsted",
        "Date Tameside notified the Secretary of State",
        "Date the LA informed the police",
        "Date LA informed the police",
        "When did the local authority notify the family",
        "Date your agency became aware",
        "Date of last contact with Children's Social Care",
        "Date of awareness (LA informed Ofsted)",
        "Police informed on",
        "Local authority designated officer (LADO) informed on",
    ],
)
def test_a_day_the_local_authority_told_another_is_not_the_day_it_was_told(label: str) -> None:
    """Later than the day it learned of the incident: read as that day, the National Panel's
    clock would start late ("Date LA notified the National Panel" was, by its first words)."""
    found = run(form(*REFERRER, ("Date of incident", "10/12/2026"), (label, "12/12/2026")))
    assert "la_aware_date" not in found.fields


@pytest.mark.parametrize(
    ("label", "field"),
    [
        ("Local authority placing (date)", "local_authority"),
        ("Agency", "referrer_agency"),
    ],
)
def test_a_date_given_for_a_name_is_doubted_not_taken(label: str, field: str) -> None:
    """A label the vocabulary does not know, nearly matching a field that names something,
    with a day as its answer: "14/12/2026" recorded as the child's local authority or the
    referrer's agency with no word to anyone."""
    rows = [r for r in REFERRER if r[0] != label]
    found = run(form(*rows, ("Child's name", "Sam Invented"), (label, "14/12/2026")))
    [where] = [f for f in (found.fields, *found.children) if field in f]
    assert where[field].problem == "'14/12/2026' is only a date: check what the form asked"
    assert where[field].confidence < 0.75 and field in found.doubtful


RETURN = (
    ("Agency", "Example Housing"),
    ("Name of author", "Val Madeup"),
    ("Role", "Designated Safeguarding Lead"),
    ("Date returned", "20/12/2026"),
    ("Involvement", "Yes"),
)


def _return_with(row: int, label: str) -> Extraction:
    rows = list(RETURN)
    rows[row] = (label, rows[row][1])
    return run(form(*rows, source="Agency return.docx"))


@pytest.mark.parametrize(
    ("row", "label", "field"),
    [
        (0, "Agency completing the form", "agency"),
        (0, "Service/Agency", "agency"),
        (0, "Name of service", "agency"),
        (1, "Person completing this form", "author_name"),
        (1, "Prepared by", "author_name"),
        (2, "Job role", "author_role"),
        (2, "Position held", "author_role"),
        (3, "Date of report", "date_returned"),
        (3, "Date of submission", "date_returned"),
        (3, "Date signed", "date_returned"),
    ],
)
def test_an_appendix_b_s_own_details_are_read_as_agencies_ask_them(
    row: int, label: str, field: str
) -> None:
    """Unread, each was a required field counted missing and a row flagged."""
    found = _return_with(row, label)
    assert found.fields[field].raw == RETURN[row][1]
    assert field not in found.missing and found.flags == ()


@pytest.mark.parametrize(
    ("label", "field"),
    [
        ("Manager name", "manager_name"),
        ("Authorised by", "manager_name"),
        ("Actions already taken", "immediate_actions"),
        ("View on whether criteria for CSPR are met", "cspr_criteria_view"),
    ],
)
def test_an_appendix_b_s_other_answers_are_read_as_agencies_ask_them(
    label: str, field: str
) -> None:
    """Each was listed for the Business Manager as an answer no field reads."""
    found = run(form(*RETURN, (label, "Some words"), source="Agency return.docx"))
    assert found.fields[field].value == "Some words" and found.flags == ()


def test_a_role_in_a_field_s_words_beside_a_label_no_field_has_is_shown_not_lost() -> None:
    """ "Designated Safeguarding Lead" is also the words of the manager's label: taken for
    that label, left empty, the role was lost with no word to anyone."""
    found = _return_with(2, "Responsibility")
    assert "author_role" in found.missing and "manager_name" not in found.fields
    assert any("'Responsibility': 'Designated Safeguarding Lead'" in f for f in found.flags)


def test_a_role_in_a_field_s_words_is_never_the_head_of_columns_over_the_next_row() -> None:
    """[Role | Designated Safeguarding Lead] over [Date of sign-off | 20/12/2026] was read
    as two column heads over their values: the role "Date of sign-off", the manager
    "20/12/2026", and the day never seen."""
    found = _return_with(3, "Date of sign-off")
    assert found.fields["author_role"].value == "Designated Safeguarding Lead"
    assert "manager_name" not in found.fields
    assert any("'Date of sign-off': '20/12/2026'" in f for f in found.flags)


def test_a_bare_date_is_not_the_end_of_the_period_covered() -> None:
    """ "Date to" less its "to" is "Date": any date on the form was read as the end of the
    period the return covers, unflagged."""
    found = _return_with(3, "Date")
    assert "period_to" not in found.fields
    assert any("'Date': '20/12/2026'" in f for f in found.flags)


@pytest.mark.parametrize("label", ["Involvement", "Involvement with the child or family"])
@pytest.mark.parametrize("answer", ["No", "Nil return", "Not known to our service"])
def test_a_nil_return_of_two_lines_is_an_appendix_b(label: str, answer: str) -> None:
    """The agency and its No are the whole of a nil return. Its No was taken for an unticked
    box, which says nothing, so no form was found: the agency's own short document was filed
    unread, and the agency chased for a return it had made."""
    rows = (("Agency", "Example Housing"), (label, answer))
    for found in (
        run(email("\n".join(f"{a}: {b}" for a, b in rows))),
        run(form(*rows, source="Reply.docx")),
    ):
        assert found.form == "appendix_b"
        assert found.fields["agency"].value == "Example Housing"
        assert found.fields["involved"].value is False
        assert found.flags == ()


@pytest.mark.parametrize(
    "rows",
    [
        (("Agency", "Example Housing"), ("Involvement", "☐")),
        # A blank template's boxes, each in its label's cell: words, but no answer in them
        (("☐ Child has died",), ("☐ Child seriously harmed",), ("Child has died ☐",)),
    ],
)
def test_a_blank_tick_box_is_still_no_answer(rows: tuple[tuple[str, ...], ...]) -> None:
    """A box left unticked says nothing: boxes like these, and an agency, are not a form."""
    assert run(form(*rows, source="Reply.docx")).form is None


@pytest.mark.parametrize(
    ("row", "field"),
    [
        (("Criteria", "Child has died"), "child_died"),
        (("Reason for notification", "Serious harm"), "serious_harm"),
    ],
)
def test_a_tick_box_s_words_beside_a_heading_with_no_box_are_no_answer_of_no(
    row: tuple[str, str], field: str
) -> None:
    """ "Criteria: Child has died" says the child died as likely as it leaves a box empty:
    read as No, a death would go unread. A person reads it."""
    found = run(form(*REFERRER, row))
    assert found.fields[field].value is None and field in found.doubtful
    assert any(flag.startswith(f"{field}: cannot tell Yes or No") for flag in found.flags)


# --- Tick boxes and Yes/No ---


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("☒", True),
        ("☐", False),
        ("✓", True),
        ("✔", True),
        ("X", True),
        ("x", True),
        ("Yes", True),
        ("No", False),
        ("Yes ☒ No ☐", True),
        ("Yes ☐ No ☒", False),
        ("☒ Yes ☐ No", True),
        ("☐ Yes ☒ No", False),
        ("[X]", True),
        ("[ ]", False),
        ("", False),  # an empty tick cell next to the option is an unticked box
    ],
)
def test_tick_box_cells(cell: str, expected: bool) -> None:
    found = run(form(*REFERRER, ("Child has died", cell)))
    assert found.fields["child_died"].value is expected


def test_unanswered_yes_no_is_not_a_value() -> None:
    found = run(form(*REFERRER, ("Police involved", "Yes ☐ No ☐")))
    assert "police_involved" not in found.fields


def test_both_yes_and_no_ticked_is_doubtful() -> None:
    found = run(form(*REFERRER, ("Police involved", "Yes ☒ No ☒")))
    police = found.fields["police_involved"]
    assert police.value is None
    assert police.problem is not None
    assert "police_involved" in found.doubtful


def test_yes_with_explanation() -> None:
    found = run(form(*REFERRER, ("Police involved", "Yes - Op Example, crime ref 123")))
    assert found.fields["police_involved"].value is True
    assert found.fields["police_involved"].confidence == 0.9


def test_tick_marks_in_email_lines() -> None:
    found = run(
        email(
            "Name of referrer: Pat Placeholder\n"
            "Agency: Example Primary School\n"
            "☒ Child has been seriously harmed\n"
            "Child has died ☐\n"
            "Abuse or neglect known or suspected: Yes\n"
            "Police involved Yes ☒ No ☐\n"
        )
    )
    assert found.fields["serious_harm"].value is True
    assert found.fields["child_died"].value is False
    assert found.fields["abuse_or_neglect"].value is True
    assert found.fields["police_involved"].value is True


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("Suspected", True),
        ("Known", True),
        ("Known and suspected", True),
        ("suspected neglect", True),
        ("Neglect", True),
        ("Neither", False),
        ("Not known or suspected", False),
    ],
)
def test_abuse_or_neglect_answered_in_the_question_s_own_words_is_read(
    answer: str, expected: bool
) -> None:
    """ "Abuse or neglect known or suspected: Suspected" answers it, in a table or a line of an
    email: asking the referrer again for what they answered would be the bot not reading."""
    label = "Abuse or neglect known or suspected"
    for found in (
        run(form(*REFERRER, (label, answer))),
        run(email(f"Name of referrer: Pat Placeholder\nChild has died: Yes\n{label}: {answer}\n")),
        run(email(f"Name of referrer: Pat Placeholder\nChild has died: Yes\n{label} {answer}\n")),
    ):
        field = found.fields["abuse_or_neglect"]
        assert field.value is expected and field.problem is None, answer
        assert not [f for f in found.flags if f.startswith("abuse_or_neglect")]


@pytest.mark.parametrize(
    ("answer", "expected"),
    [("Deceased", True), ("Died", True), ("Alive", False), ("Survived", False)],
)
def test_a_death_answered_in_the_question_s_own_words_is_read(answer: str, expected: bool) -> None:
    """ "Has the child died? Deceased" was a doubt for a person ("cannot tell Yes or No"), the
    form asked for again; in a table or an email's line it is the answer."""
    label = "Has the child died?"
    for found in (
        run(form(*REFERRER, (label, answer))),
        run(email(f"Name of referrer: Pat Placeholder\n{label} {answer}\n")),
    ):
        field = found.fields["child_died"]
        assert field.value is expected and field.problem is None, answer
        assert "child_died" not in found.doubtful


@pytest.mark.parametrize(
    "label",
    ["Is the child deceased?", "Did the child die?", "Has the child passed away?"],
)
@pytest.mark.parametrize(("answer", "expected"), [("Yes", True), ("No", False), ("Deceased", True)])
def test_a_death_asked_in_other_words_is_read(label: str, answer: str, expected: bool) -> None:
    """Once only flagged as an answer no field has: whether the child died decides the
    looked-after death's notice to the Secretary of State and Ofsted."""
    found = run(form(*REFERRER, (label, answer)))
    assert found.fields["child_died"].value is expected and found.flags == ()


@pytest.mark.parametrize(
    "answer",
    [
        *("Possibly", "Suspected? Police to confirm", "Known to CSC", "None known"),
        # The words beside boxes: which box is ticked is not for the words to say.
        *("\u2610 Suspected", "\u2610 Known \u2610 Suspected", "[ ] Suspected", "Suspected - yes"),
    ],
)
def test_an_answer_to_abuse_or_neglect_in_other_words_is_flagged_never_guessed(
    answer: str,
) -> None:
    """An empty box beside "Suspected" read as its Yes would tell the panel what nobody said."""
    field = run(form(*REFERRER, ("Abuse or neglect known or suspected", answer))).fields[
        "abuse_or_neglect"
    ]
    assert field.value is None and field.problem is not None, answer


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("Yes [ ] No [X]", False),
        ("Yes [X] No [ ]", True),
        ("Yes: No: X", False),
        ("Yes: X No:", True),
        ("Yes ( ) No (X)", False),
    ],
)
def test_ticks_written_with_brackets_and_colons(cell: str, expected: bool) -> None:
    found = run(form(*REFERRER, ("Child has died", cell)))
    assert found.fields["child_died"].value is expected
    assert found.fields["child_died"].confidence == 1.0


@pytest.mark.parametrize(
    "text",
    [
        "Criteria\nChild has died\nChild's name: Ann Example",  # another label follows
        "Child's name: Ann Example\nChild has died",  # the email ends
        "Child has died\nCriteria\nChild's name: Ann Example",  # a heading follows
    ],
)
def test_a_tick_box_label_on_its_own_line_with_no_answer_is_a_doubt(text: str) -> None:
    """Its box lost in pasting, "Child has died" alone may be a death: never read as a box
    left empty, and never a line no one sees."""
    found = run(email(f"Serious Child Safeguarding Incident Notification\n{text}"))
    assert found.fields["child_died"].value is None and "child_died" in found.doubtful
    assert "child_died: cannot tell Yes or No from 'Child has died'" in found.flags


def test_not_known_after_a_question_on_an_email_s_line_is_a_doubt() -> None:
    found = run(email("Child has died Yes\nIs the child looked after? Not known"))
    assert found.fields["child_died"].value is True
    assert "looked_after" in found.doubtful
    assert "looked_after: cannot tell Yes or No from 'Not known'" in found.flags


def test_a_tick_box_label_on_its_own_line_takes_the_answer_below_it() -> None:
    found = run(email("Has the child died?\n\nYes\nChild's name: Ann Example"))
    assert found.fields["child_died"].value is True and found.flags == ()


def test_a_question_and_its_ticks_in_one_cell_or_line() -> None:
    table = run(form(*REFERRER, ("Has the child died? Yes [ ] No [X]",)))
    assert table.fields["child_died"].value is False
    lines = run(
        email(
            "Name of referrer: Pat Placeholder\n"
            "Agency: Example Primary School\n"
            "Has the child died? Yes [ ] No [X]\n"
            "Child seriously harmed Yes: No: X\n"
            "Police involved Yes: X No:\n"
        )
    )
    assert lines.fields["child_died"].value is False
    assert lines.fields["serious_harm"].value is False
    assert lines.fields["police_involved"].value is True


@pytest.mark.parametrize("cell", ["Yes X No", "X Yes X No"])
def test_a_tick_that_cannot_be_tied_to_an_answer_is_doubtful_never_yes(cell: str) -> None:
    found = run(form(*REFERRER, ("Child has died", cell)))
    died = found.fields["child_died"]
    assert died.value is None
    assert died.confidence < DOUBTFUL_BELOW
    assert "child_died" in found.doubtful
    assert any(f.startswith("child_died: ") for f in found.flags)


def test_ticks_in_both_yes_and_no_columns_are_doubtful() -> None:
    found = run(form(*REFERRER, ("Criteria", "Yes", "No"), ("Child has died", "✓", "✓")))
    assert found.fields["child_died"].value is None
    assert "child_died" in found.doubtful


def test_yes_no_printed_and_left_unanswered_is_not_yes() -> None:
    found = run(form(*REFERRER, ("Police involved", "Yes / No")))
    assert "police_involved" not in found.fields


def test_a_label_and_its_value_on_one_line_without_a_colon() -> None:
    found = run(
        email(
            "Name of referrer Pat Placeholder\n"
            "Agency Example Primary School\n"
            "First name Kai\n"
            "Surname Example\n"
            "Date of birth 01/02/2016\n"
        )
    )
    child = found.children[0]
    assert child["forename"].value == "Kai"
    assert child["surname"].value == "Example"
    assert child["child_name"].value == "Kai Example"
    assert found.initials() == "K.E."
    assert found.fields["referrer_agency"].value == "Example Primary School"
    assert found.doubtful == ()


@pytest.mark.parametrize(
    "row",
    [
        "Location of incident\tHome address",
        "| Location of incident | Home address |",
        "Location of incident     Home address",
    ],
)
def test_a_table_row_pasted_as_text_is_a_label_and_its_answer(row: str) -> None:
    """A Word table copied into a plain-text email keeps a tab, a bar or spaces between its
    cells: once neither read nor flagged, the answer left for the Business Manager to find."""
    found = run(email(f"Serious Incident Notification\nName of referrer: Pat Placeholder\n{row}"))
    assert found.fields["incident_location"].value == "Home address"
    assert found.doubtful == () and found.flags == ()


@pytest.mark.parametrize(
    "row",
    [
        ("\u2612 Child in need plan",),
        ("\u2612 Child in need plan", ""),
        ("X", "Child in need plan"),
        ("Child in need plan \u2612", ""),
    ],
)
def test_a_box_ticked_beside_words_no_field_has_is_shown_not_lost(row: tuple[str, ...]) -> None:
    """A tick is an answer: dropped with no word when its words matched no field."""
    found = run(form(*REFERRER, row))
    assert found.flags == (
        "an answer not read into any field (SIN form.docx, table 1, row 7): "
        "'Child in need plan': 'ticked'",
    )


def test_a_box_left_empty_beside_words_no_field_has_is_no_answer() -> None:
    assert run(form(*REFERRER, ("\u2610 Child in need plan", ""))).flags == ()


def test_a_box_ticked_on_an_email_line_beside_words_no_field_has_is_shown_not_lost() -> None:
    found = run(
        email(
            "Name of referrer: Pat Placeholder\nDate of incident: 14/12/2026\n"
            "\u2612 Child in need plan\n\u2610 Child protection plan\nThanks, Jo x"
        )
    )
    assert found.flags == (
        "an answer not read into any field (email body, line 3): 'Child in need plan': 'ticked'",
    )


@pytest.mark.parametrize(
    "row",
    [
        "Child's name | Sam Invented | Date of birth | 01/02/2020",
        "Child's name\tSam Invented\tDate of birth\t01/02/2020",
    ],
)
def test_a_pasted_row_of_two_labels_and_answers_gives_both(row: str) -> None:
    """Read as one label's answer, the child's name held the date of birth, which was lost."""
    found = run(email(f"Name of referrer: Pat Placeholder\nDate of incident: 14/12/2026\n{row}"))
    [child] = found.children
    assert child["child_name"].value == "Sam Invented"
    assert child["date_of_birth"].value == date(2020, 2, 1)


def test_a_legal_status_ticked_among_options_is_the_option_ticked() -> None:
    """ "☐ CIN ☐ CP ☒ CLA" was read as CIN, the first written: a looked-after child's death
    then opened no clock for the Secretary of State and Ofsted."""
    in_a_cell = run(form(*REFERRER, ("Child's name", "Sam Invented"), ("Legal status", LISTED)))
    on_lines = run(
        email(
            "Name of referrer: Pat Placeholder\nChild's name: Sam Invented\nLegal status:\n"
            + LISTED.replace(" \u2610", "\n\u2610").replace(" \u2612", "\n\u2612")
        )
    )
    for found in (in_a_cell, on_lines):
        assert found.children[0]["legal_status"].value == "LAC"
        assert found.doubtful == () and found.flags == ()


LISTED = "\u2610 CIN \u2610 CP \u2612 CLA \u2610 None"


@pytest.mark.parametrize(
    ("written", "problem"),
    [
        ("\u2610 CIN \u2610 CP \u2610 CLA", "no box is ticked"),
        ("\u2612 CIN \u2610 CP \u2612 CLA", "more than one box is ticked"),
    ],
)
def test_a_legal_status_with_no_box_or_two_ticked_is_a_doubt(written: str, problem: str) -> None:
    found = run(form(*REFERRER, ("Child's name", "Sam Invented"), ("Legal status", written)))
    status = found.children[0]["legal_status"]
    assert status.problem is not None and problem in status.problem
    assert "legal_status" in found.doubtful


def test_a_one_word_label_in_a_sentence_is_doubtful() -> None:
    found = run(
        email(
            "Dear colleague, please find our notification below.\n"
            "Agency staff visited the family\n"
            "We will send the form tomorrow.\n"
        )
    )
    agency = found.fields.get("referrer_agency")
    assert agency is None or agency.confidence < DOUBTFUL_BELOW


def test_a_bare_label_does_not_take_the_next_label_as_its_value() -> None:
    found = run(email("Name of referrer: Pat Placeholder\nForename\nSurname Example\n"))
    assert "forename" not in found.children[0]
    assert found.children[0]["surname"].value == "Example"


def test_a_label_split_over_two_lines() -> None:
    found = run(
        email(
            "Name of referrer: Pat Placeholder\n"
            "Date the local authority\n"
            "became aware: 13/11/2026\n"
            "Date of\n"
            "incident 12/11/2026\n"
        )
    )
    assert found.fields["la_aware_date"].value == date(2026, 11, 13)
    assert found.fields["incident_date"].value == date(2026, 11, 12)


def test_section_headings_are_never_values() -> None:
    found = run(
        email(
            "Name of referrer: Pat Placeholder\n"
            "Agency: Example Primary School\n"
            "Description of incident\n"
            "Section 4: Criteria\n"
            "Child has died ☐\n"
        )
    )
    assert "incident_description" not in found.fields
    assert "incident_description" in found.missing
    after = run(
        email(
            "Name of referrer: Pat Placeholder\n"
            "Description of incident: Ann was hurt at home.\n"
            "Section 4: Criteria\n"
        )
    )
    assert after.fields["incident_description"].value == "Ann was hurt at home."


def test_the_chronology_heading_ends_the_summary() -> None:
    found = run(
        email(
            "Rapid Review Information Request (Appendix B)\n"
            "Agency: Example Housing\n"
            "Name of author: Val Madeup\n"
            "1. Summary of involvement\n"
            "Tenancy support only.\n"
            "2. Chronology of significant events\n"
            "None recorded.\n"
        )
    )
    assert found.fields["summary"].value == "Tenancy support only."


def test_a_date_among_several_dates_is_doubtful() -> None:
    found = run(form(*REFERRER, ("Date of incident", "between 10/11/2026 and 12/11/2026")))
    incident = found.fields["incident_date"]
    assert incident.confidence < DOUBTFUL_BELOW
    assert "incident_date" in found.doubtful


def test_a_choice_naming_two_answers_is_doubtful() -> None:
    found = run(form(*REFERRER, ("Child's name", "Ann Example"), ("Legal status", "CIN, was CPP")))
    assert found.children[0]["legal_status"].confidence < DOUBTFUL_BELOW
    assert "legal_status" in found.doubtful


# --- Values of other types ---


def test_email_and_phone_are_dug_out_of_longer_text() -> None:
    found = run(
        form(
            ("Name of referrer", "Pat Placeholder"),
            ("Agency", "Example Primary School"),
            ("Email", "Pat Placeholder <pat.placeholder@example.org>"),
            ("Telephone", "0161 496 0001 (office), mornings only"),
        )
    )
    assert found.fields["referrer_email"].value == "pat.placeholder@example.org"
    assert found.fields["referrer_phone"].value == "0161 496 0001"
    assert found.fields["referrer_phone"].confidence == 0.9


def test_no_email_in_the_email_field_is_doubtful() -> None:
    found = run(form(*REFERRER[:3], ("Email", "see signature")))
    assert found.fields["referrer_email"].value is None
    assert "referrer_email" in found.doubtful


def test_a_choice_outside_the_list_is_kept_but_doubtful() -> None:
    found = run(form(*REFERRER, ("Child's name", "Ann Example"), ("Sex", "prefers not to say")))
    sex = found.children[0]["sex"]
    assert sex.value == "prefers not to say"
    assert sex.confidence < DOUBTFUL_BELOW
    assert "sex" in found.doubtful


def test_placeholders_are_not_values() -> None:
    found = run(
        form(
            *REFERRER,
            ("Date of incident", "Click or tap to enter a date."),
            ("Location of incident", "Click or tap here to enter text."),
        )
    )
    assert "incident_date" in found.missing
    assert "incident_location" in found.missing


# --- Children ---


def test_more_than_four_children_keeps_four_and_says_so() -> None:
    rows = [("Child's name", "Date of birth")]
    rows += [(f"Child {name} Example", f"0{n}/01/2015") for n, name in enumerate("ABCDE", 1)]
    found = run(form(*REFERRER, ("Date of incident", "12/11/2026")), form(*rows))
    assert len(found.children) == 4
    assert "form names 5 children" in found.flags
    assert any(f.startswith("only the first 4 children") for f in found.flags)


def test_the_same_child_in_body_and_attachment_is_one_child() -> None:
    body = email("Child's name: Ann Example\nDate of incident: 12/11/2026\nAgency: Example School")
    found = run(body, form(*REFERRER, ("Child's name", "Ann  Example")))
    assert len(found.children) == 1
    assert "form names two children" not in found.flags


def test_a_field_given_twice_differently_is_doubtful() -> None:
    body = email("Date of incident: 11/11/2026\nAgency: Example School")
    found = run(body, form(*REFERRER, ("Date of incident", "12/11/2026")))
    assert "incident_date" in found.doubtful
    assert any(f.startswith("incident_date is given twice") for f in found.flags)
    # The flag names where, never what: values stay in the case record.
    assert not any("11/11/2026" in f for f in found.flags)


def test_child_name_as_a_heading_line() -> None:
    found = run(email("Agency: Example School\nChild 1: Ann Example\nChild 2: Ben Example\n"))
    assert [c["child_name"].value for c in found.children] == ["Ann Example", "Ben Example"]


def test_children_in_separate_tables_with_the_same_labels() -> None:
    child = [("Child's name", "Ann Example"), ("Date of birth", "01/01/2015")]
    other = [("Child's name", "Ben Example"), ("Date of birth", "02/02/2017")]
    doc = DocumentText(
        "SIN.docx",
        (),
        (
            Table("SIN.docx, table 1", REFERRER),
            Table("SIN.docx, table 2", tuple(child)),
            Table("SIN.docx, table 3", tuple(other)),
        ),
        (),
    )
    found = run(doc)
    assert [c["date_of_birth"].value for c in found.children] == [
        date(2015, 1, 1),
        date(2017, 2, 2),
    ]
    assert found.missing == (
        "incident_date",
        "incident_location",
        "la_aware_date",
        "incident_description",
    )


def test_initials() -> None:
    found = run(form(*REFERRER, ("Child's name", "Ann Bee Example")))
    assert found.initials() == "A.B.E."
    assert run(form(*REFERRER)).initials() == ""


@pytest.mark.parametrize(
    ("name", "initials"),
    [
        ("Ann Example", "A.E."),
        ("EXAMPLE, Ann", "A.E."),
        ("ann-marie o'example", "A.O."),
        ("Unborn baby Example", "E."),
        ("A.B.", "A.B."),
        ("", ""),
        # What a name field holds beside the name is no initial of it.
        ("Jamie Example (DOB 01/02/2015)", "J.E."),
        ("EXAMPLE, Jamie DOB: 01/02/2015", "J.E."),
        ("Jamie Example, aged 4", "J.E."),
        ("Jamie (known as Jay) Example", "J.E."),
        ("Master Jamie Example", "J.E."),
        ("Mx Sam Example", "S.E."),
        ("Baby Boy Example", "E."),
        ("Jamie Example Jr", "J.E."),
        ("Jamie Example Jnr.", "J.E."),
        # A field naming nobody, or two children: no initials rather than wrong ones.
        ("Not known", ""),
        ("Unknown", ""),
        ("N/A", ""),
        ("TBC", ""),
        ("Not yet named (unborn)", ""),
        ("Jamie Example and Alex Example", ""),
        ("Jamie & Alex Example", ""),
        # A baby recorded by its parent: the parent's initials are not the child's.
        ("Unborn baby of Jo Invented", ""),
        ("Baby of Jo Invented", ""),
        ("INVENTED, Baby Girl of Jo", ""),
        ("Twin 1 of Jo Invented", ""),
        ("Jo Invented\u2019s unborn baby", ""),
        ("Twin 1 Example", "E."),
        ("Twin B Example (DOB 01/02/2026)", "E."),
        # The name a referrer gives to keep the child's own off the form: its letter is no
        # initial of the child's.
        ("Child A", ""),
        ("Baby X (deceased)", ""),
        ("Young person B", ""),
        ("Sibling 1", ""),
        ("YP2", ""),
        ("Child AB", ""),
        ("Baby Jo", "J."),
        ("Baby Jo Invented", "J.I."),
        # Without accents, so that two agencies' spellings of one child agree.
        ("\u00c9lodie \u0141ukasz Nowak", "E.L.N."),
    ],
)
def test_name_initials(name: str, initials: str) -> None:
    assert name_initials(name) == initials


# --- Form recognition ---


def test_nothing_recognisable() -> None:
    found = run(email("Hello, are you free for a call on Friday?\nThanks"))
    assert found.form is None
    assert found.fields == {}
    assert found.flags == ()


def test_no_documents() -> None:
    assert run().form is None


def test_blank_template_in_an_email_body() -> None:
    found = run(
        email(
            "Name of referrer:\nRole:\nAgency:\nEmail:\nTelephone:\nChild's name:\nDate of birth:\n"
        )
    )
    assert found.form is None
    assert found.flags == ("blank template: no values filled in — not a notification",)


def test_blank_template_with_labels_over_empty_rows() -> None:
    found = run(
        form(
            ("Name of referrer", "Role", "Agency"),
            ("", "", ""),
            ("Child's name", "Date of birth", "Sex"),
            ("", "", ""),
        )
    )
    assert found.form is None
    assert "blank template: no values filled in — not a notification" in found.flags


def test_original_sender_only_when_the_form_has_no_email() -> None:
    with_email = run(form(*REFERRER, original_sender="someone.else@example.org"))
    assert with_email.fields["referrer_email"].value == "pat.placeholder@example.org"
    without = run(form(*REFERRER[:3], original_sender="pat.placeholder@example.org"))
    assert without.fields["referrer_email"].value == "pat.placeholder@example.org"
    assert without.fields["referrer_email"].where == "SIN form.docx, forwarded from"
    assert "referrer_email" not in without.missing
    # Not on the form: a fallback, kept for a person to check.
    assert without.fields["referrer_email"].confidence < DOUBTFUL_BELOW
    assert "referrer_email" in without.doubtful


def test_reader_problems_are_passed_on_as_flags_naming_the_document_once() -> None:
    found = run(form(*REFERRER, problems=("SIN form.docx: table 3 could not be read",)))
    assert "SIN form.docx: table 3 could not be read" in found.flags
    assert not any(flag.startswith("SIN form.docx: SIN form.docx") for flag in found.flags)


def test_where_names_the_table_and_row() -> None:
    found = run(form(*REFERRER))
    assert found.fields["referrer_role"].where == "SIN form.docx, table 1, row 2"
    assert found.fields["referrer_role"].raw == "Designated Safeguarding Lead"


def test_chronology_needs_a_date_column() -> None:
    rows = (
        ("Agency", "Example Housing"),
        ("Name of author", "Val Madeup"),
        ("Date returned", "09/12/2026"),
    )
    no_dates = Table(
        "B.docx, table 2", (("Contact type", "Practitioner", "Event"), ("a", "b", "c"))
    )
    found = run(DocumentText("B.docx", (), (Table("B.docx, table 1", rows), no_dates), ()))
    assert found.form == "appendix_b"
    assert found.chronology == ()


def test_a_chronology_heading_two_columns_name_goes_to_the_first_not_yet_found() -> None:
    # The columns are looked up by heading once the form is loaded: the form's order of its
    # columns must still decide, as when each column's headings were searched in turn.
    b = VOCABULARY.forms["appendix_b"]
    columns = {**b.chronology_columns, "event": ("when", *b.chronology_columns["event"])}
    forms = {**VOCABULARY.forms, "appendix_b": replace(b, chronology_columns=columns)}
    chronology = (
        ("When", "Contact type", "When", "Outcome"),
        ("01/07/2026", "Visit", "Seen", "ok"),
    )
    doc = DocumentText(
        "B.docx",
        (Line("B.docx, line 1", "Rapid Review Information Request (Appendix B)"),),
        (Table("B.docx, table 1", chronology),),
        (),
    )
    found = extract([doc], replace(VOCABULARY, forms=forms), "appendix_b")
    row = found.chronology[0]
    assert (row.date, row.contact, row.event, row.outcome) == (
        date(2026, 7, 1),
        "Visit",
        "Seen",
        "ok",
    )


def test_a_large_form_is_read_whole() -> None:
    # Its speed is measured by bench/documents.py (a large form), not by a timed test.
    rows = [*REFERRER, ("Child's name", "Ann Example"), ("Date of incident", "12/11/2026")]
    rows += [(f"Note {n}", f"Free text about visit number {n} to the home") for n in range(300)]
    chronology = [("Date", "Contact type", "Practitioner", "Event", "Outcome")]
    chronology += [(f"{n % 28 + 1}/01/2026", "Visit", "HV", f"visit {n}", "ok") for n in range(200)]
    doc = DocumentText(
        "big.docx",
        tuple(Line(f"big.docx, line {n}", f"Paragraph {n} of narrative.") for n in range(300)),
        (Table("big.docx, table 1", tuple(rows)), Table("big.docx, table 2", tuple(chronology))),
        (),
    )
    found = run(doc)
    assert found.form == "sin"
    assert found.children[0]["child_name"].value == "Ann Example"
    assert found.fields["incident_date"].value == date(2026, 11, 12)


# --- Which form ---

SIN_IN_THE_BODY = (
    "Dear TSCP,\n\nSerious Incident Notification.\nChild initials: K.L.\n"
    "Date the local authority became aware: 22/12/2026\n"
    "Criteria: child seriously harmed; abuse or neglect suspected.\n\nRegards,\nDS Casey Invented"
)


def test_a_sin_written_in_the_body_is_read_as_a_sin_with_its_awareness_date() -> None:
    found = run(email(SIN_IN_THE_BODY))
    assert found.form == "sin"
    assert found.fields["la_aware_date"].value == date(2026, 12, 22)


def test_a_sentence_that_ends_like_a_label_is_its_own_answer_not_the_sign_off() -> None:
    # "...; abuse or neglect suspected." took "Regards," two lines down as its Yes or No, and
    # the flag quoted the signature to the Business Manager.
    found = run(email(SIN_IN_THE_BODY))
    assert found.fields["abuse_or_neglect"].value is None  # not guessed: flagged
    [flag] = [f for f in found.flags if f.startswith("abuse_or_neglect: ")]
    assert "'Criteria: child seriously harmed; abuse or neglect suspected.'" in flag
    assert "Regards" not in flag


def test_between_forms_that_fit_equally_the_one_the_message_names_wins() -> None:
    # Untitled, the body fits the Appendix B (the awareness date taken by a near miss for the
    # end of the period covered, the initials as a child) as well as the SIN; the subject
    # ("Serious Incident Notification - GM SIN form") said which it is. Read as the Appendix
    # B, the awareness date was lost and panel_notification ran from receipt, a day late.
    untitled = SIN_IN_THE_BODY.replace("Serious Incident Notification.\n", "")
    found = extract([email(untitled)], VOCABULARY, expected="sin")
    assert found.form == "sin"
    assert found.fields["la_aware_date"].value == date(2026, 12, 22)


@pytest.mark.parametrize(
    "written",
    [
        "Before 14/12/2026",
        "By Monday 14/12/2026",
        "Prior to 14th December 2026",
        "On or before 14/12/2026",
        "No later than 14/12/2026",
        "14 December 2026 or earlier",
        "14/12/2026 at the latest",
    ],
)
def test_a_day_it_happened_by_is_kept_flagged_and_doubtful(written: str) -> None:
    """The local authority knew on that day or earlier: taken as the day, the National Panel's
    5 working days could start late, so a person checks it."""
    aware = doubted_awareness(written)
    assert aware.value == date(2026, 12, 14)
    assert aware.problem is not None and "a day by which it happened" in aware.problem


@pytest.mark.parametrize(
    "written",
    [
        "Approx 14/12/2026",
        "14/12/2026 (approx)",
        "On or around 14/12/2026",
        "Circa 14 December 2026",
        "w/c 14/12/2026",
        "Week commencing Monday 14 December 2026",
        "14/12/2026 or thereabouts",
        "14/12/2026 (estimated)",
    ],
)
def test_a_day_near_the_one_it_happened_is_kept_flagged_and_doubtful(written: str) -> None:
    """The day may be earlier than the one written: read as the day, with nothing to say it
    was a guess, the National Panel's 5 working days could start late."""
    aware = doubted_awareness(written)
    assert aware.value == date(2026, 12, 14)
    assert aware.problem is not None and "a day near the one it happened" in aware.problem


@pytest.mark.parametrize(
    "written",
    [
        "14/12/2026 at approx 15:30",
        "14/12/2026 (about 15:00)",
        "14/12/2026 approx. 3pm",
        "14/12/2026 approximately 02:00 hrs",
    ],
)
def test_an_approximate_time_on_a_day_is_not_an_approximate_day(written: str) -> None:
    found = run(form(*REFERRER, ("Date LA became aware", written)))
    assert (found.fields["la_aware_date"].value, found.doubtful) == (date(2026, 12, 14), ())


@pytest.mark.parametrize(
    "written", ["14/12/2026 by phone", "Told by police on 14/12/2026", "Not aware until 14/12/2026"]
)
def test_by_whom_beside_a_date_is_not_a_day_it_happened_by(written: str) -> None:
    found = run(form(*REFERRER, ("Date LA became aware", written)))
    assert (found.fields["la_aware_date"].value, found.doubtful) == (date(2026, 12, 14), ())


@pytest.mark.parametrize(
    "written",
    [
        "12th-14th December 2026",
        "12 or 14 December 2026",
        "Weekend of 12/13 December 2026",
        "Over the weekend, 12-13 Dec 2026",
    ],
)
def test_two_days_of_one_month_are_read_as_the_earlier_flagged_and_doubtful(written: str) -> None:
    """Read as the later day (the one beside the month), a clock would start up to days late
    without anyone told."""
    aware = doubted_awareness(written)
    assert aware.value == date(2026, 12, 12)
    assert aware.problem == f"more than one date in {written!r}"

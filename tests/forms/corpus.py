"""A corpus of SIN forms and Appendix B returns, as the document readers hand them over.

Each case is one message's documents (email body and/or attachment) built by hand in the
layouts agencies actually use, with the fields the engine must find. Everyone in here is
invented: the Example, Sample and Placeholder families, Pat Placeholder and friends.
Telephone numbers are in Ofcom's drama range (0161 496 0xxx); addresses use example.org.

`well_formed` cases are forms a person filled in properly: the accuracy test demands every
field of them. The others (blank template, impossible dates, missing fields) test the flags.
`fields`/`children` list every field the engine should find, so a value put in the wrong
field counts as an error too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from bot.core.doctext import DocumentText, Line, Table

Value = str | date | bool | None


@dataclass(frozen=True)
class Case:
    name: str
    documents: tuple[DocumentText, ...]
    form: str | None
    fields: dict[str, Value] = field(default_factory=dict)
    children: tuple[dict[str, Value], ...] = ()
    well_formed: bool = True
    flags: tuple[str, ...] = ()  # each must be a flag (exactly)
    missing: tuple[str, ...] | None = None  # exactly, when given
    doubtful: tuple[str, ...] | None = None  # exactly, when given
    initials: str = ""
    chronology: tuple[tuple[date | None, str], ...] = ()  # (date, event), in order


def body(text: str, source: str = "email body") -> tuple[Line, ...]:
    return tuple(
        Line(f"{source}, line {n}", raw) for n, raw in enumerate(text.split("\n"), start=1)
    )


def table(where: str, *rows: tuple[str, ...]) -> Table:
    return Table(where, tuple(rows))


def doc(
    source: str,
    lines: tuple[Line, ...] = (),
    tables: tuple[Table, ...] = (),
    original_sender: str | None = None,
) -> DocumentText:
    return DocumentText(source, lines, tables, (), original_sender)


def email(text: str, original_sender: str | None = None) -> DocumentText:
    return doc("email body", body(text), original_sender=original_sender)


# --- Values used across the corpus ---

PAT = {
    "referrer_name": "Pat Placeholder",
    "referrer_role": "Designated Safeguarding Lead",
    "referrer_agency": "Example Primary School",
    "referrer_email": "pat.placeholder@example.org",
    "referrer_phone": "0161 496 0001",
}
SAM = {
    "referrer_name": "Sam Sample",
    "referrer_role": "Named Nurse for Safeguarding",
    "referrer_agency": "Example NHS Foundation Trust",
    "referrer_email": "sam.sample@example.org",
    "referrer_phone": "0161 496 0002",
}

CASES: list[Case] = []


def case(c: Case) -> Case:
    CASES.append(c)
    return c


# 1. The usual Word form: one two-column table, section heading rows, tick boxes.
case(
    Case(
        name="sin_two_column_table_with_sections_and_tick_boxes",
        documents=(
            doc(
                "GM SIN form - A.E..docx",
                tables=(
                    table(
                        "GM SIN form - A.E..docx, table 1",
                        ("GM Serious Child Safeguarding Incident Notification Form (SIN)",),
                        ("Section 1: Referrer details",),
                        ("Name", "Pat Placeholder"),
                        ("Role", "Designated Safeguarding Lead"),
                        ("Agency", "Example Primary School"),
                        ("Email", "pat.placeholder@example.org"),
                        ("Telephone", "0161 496 0001"),
                        ("Section 2: Safeguarding lead or senior manager",),
                        ("Name", "Robin Fictional"),
                        ("Role", "Head Teacher"),
                        ("Section 3: Child details",),
                        ("Name", "Ann Example"),
                        ("Date of birth", "03/04/2015"),
                        ("Sex", "Female"),
                        ("Ethnicity", "White British"),
                        ("Address", "1 Example Street, Exampletown"),
                        ("Legal status", "Child in need"),
                        ("Section 4: Incident details",),
                        ("Date", "12/11/2026"),
                        ("Location", "Home address"),
                        ("Date the agency became aware", "12/11/2026"),
                        ("Date the local authority became aware", "13/11/2026"),
                        (
                            "Description of incident",
                            "Ann was taken to hospital with a head injury.",
                        ),
                        ("Section 5: Criteria",),
                        ("Child has died", "☐"),
                        ("Child has been seriously harmed", "☒"),
                        ("Abuse or neglect known or suspected", "☒"),
                        ("Police involved", "Yes"),
                        (
                            "Immediate actions taken",
                            "Strategy meeting held; sibling placed with grandmother.",
                        ),
                    ),
                ),
            ),
        ),
        form="sin",
        fields={
            **PAT,
            "approver_name": "Robin Fictional",
            "approver_role": "Head Teacher",
            "incident_date": date(2026, 11, 12),
            "incident_location": "Home address",
            "agency_aware_date": date(2026, 11, 12),
            "la_aware_date": date(2026, 11, 13),
            "incident_description": "Ann was taken to hospital with a head injury.",
            "child_died": False,
            "serious_harm": True,
            "abuse_or_neglect": True,
            "police_involved": True,
            "immediate_actions": "Strategy meeting held; sibling placed with grandmother.",
        },
        children=(
            {
                "child_name": "Ann Example",
                "date_of_birth": date(2015, 4, 3),
                "sex": "female",
                "ethnicity": "White British",
                "address": "1 Example Street, Exampletown",
                "legal_status": "CIN",
            },
        ),
        missing=(),
        doubtful=(),
        initials="A.E.",
    )
)

# 2. Rows of labels over rows of values; two children in one child table.
case(
    Case(
        name="sin_label_rows_above_value_rows_two_children",
        documents=(
            doc(
                "Serious Child Safeguarding Case Notification.docx",
                tables=(
                    table(
                        "Serious Child Safeguarding Case Notification.docx, table 1",
                        ("Name of referrer", "Job title", "Organisation"),
                        (SAM["referrer_name"], SAM["referrer_role"], SAM["referrer_agency"]),
                        ("Email address", "Telephone number", "Approved by"),
                        (SAM["referrer_email"], SAM["referrer_phone"], "Jo Invented"),
                    ),
                    table(
                        "Serious Child Safeguarding Case Notification.docx, table 2",
                        ("Child's name", "DOB", "Gender", "Ethnicity"),
                        ("Ben Sample", "01.02.2019", "Male", "Mixed White and Black Caribbean"),
                        ("Cara Sample", "15.08.2021", "Female", "Mixed White and Black Caribbean"),
                    ),
                    table(
                        "Serious Child Safeguarding Case Notification.docx, table 3",
                        ("Date of incident", "Location of incident", "Date LA became aware"),
                        ("5 October 2026", "Example Park, Exampletown", "6 October 2026"),
                        ("Description of incident",),
                        ("Both children were found alone at night; Ben had burns to his hand.",),
                    ),
                ),
            ),
        ),
        form="sin",
        fields={
            **SAM,
            "approver_name": "Jo Invented",
            "incident_date": date(2026, 10, 5),
            "incident_location": "Example Park, Exampletown",
            "la_aware_date": date(2026, 10, 6),
            "incident_description": (
                "Both children were found alone at night; Ben had burns to his hand."
            ),
        },
        children=(
            {
                "child_name": "Ben Sample",
                "date_of_birth": date(2019, 2, 1),
                "sex": "male",
                "ethnicity": "Mixed White and Black Caribbean",
            },
            {
                "child_name": "Cara Sample",
                "date_of_birth": date(2021, 8, 15),
                "sex": "female",
                "ethnicity": "Mixed White and Black Caribbean",
            },
        ),
        flags=("form names two children",),
        missing=(),
        initials="B.S.",
    )
)

# 3. The form pasted into an email: "Label: value" lines, short dates, multiline text.
case(
    Case(
        name="sin_email_body_label_colon_lines",
        documents=(
            email(
                "Dear TSCP,\n"
                "\n"
                "GM Serious Child Safeguarding Incident Notification\n"
                "\n"
                "Referrer name: Lee Madeup\n"
                "Role: Social Worker\n"
                "Agency: Example Children's Services\n"
                "Email: lee.madeup@example.org\n"
                "Telephone: 0161 496 0003\n"
                "Safeguarding lead consulted: Kit Testcase\n"
                "\n"
                "Child's name: Dee Placeholder\n"
                "Date of birth: 20.06.12\n"
                "Sex: F\n"
                "\n"
                "Date of incident: 01.11.26\n"
                "Location of incident: Exampletown bus station\n"
                "Date LA became aware: 02.11.26\n"
                "Description of incident: Dee was found with injuries consistent\n"
                "with an assault and disclosed that an adult had hurt her.\n"
                "\n"
                "Police involved: Yes\n"
                "Operation name: Op Example\n"
                "Media interest: No\n"
                "\n"
                "Kind regards\n"
                "Lee"
            ),
        ),
        form="sin",
        fields={
            "referrer_name": "Lee Madeup",
            "referrer_role": "Social Worker",
            "referrer_agency": "Example Children's Services",
            "referrer_email": "lee.madeup@example.org",
            "referrer_phone": "0161 496 0003",
            "approver_name": "Kit Testcase",
            "incident_date": date(2026, 11, 1),
            "incident_location": "Exampletown bus station",
            "la_aware_date": date(2026, 11, 2),
            "incident_description": (
                "Dee was found with injuries consistent\n"
                "with an assault and disclosed that an adult had hurt her."
            ),
            "police_involved": True,
            "police_operation": "Op Example",
            "media_interest": False,
        },
        children=(
            {"child_name": "Dee Placeholder", "date_of_birth": date(2012, 6, 20), "sex": "female"},
        ),
        missing=(),
        doubtful=(),
        initials="D.P.",
    )
)

# 4. A wide table: label, value, label, value on each row.
case(
    Case(
        name="sin_wide_table_values_right_of_labels",
        documents=(
            doc(
                "SIN notification.docx",
                tables=(
                    table(
                        "SIN notification.docx, table 1",
                        (
                            "Name of referrer",
                            "Pat Placeholder",
                            "Role",
                            "Designated Safeguarding Lead",
                        ),
                        ("Agency", "Example Primary School", "Approved by", "Robin Fictional"),
                        ("Email", "pat.placeholder@example.org", "Telephone", "0161 496 0001"),
                        ("Child's name", "Eli Example", "Date of birth", "9 March 2016"),
                        ("Sex", "Male", "Disability", "Autism"),
                        (
                            "Date of incident",
                            "12 November 2026",
                            "Incident location",
                            "School playground",
                        ),
                        (
                            "Date agency became aware",
                            "12 November 2026",
                            "Date local authority became aware",
                            "14 November 2026",
                        ),
                        (
                            "Description of incident",
                            "Eli disclosed that his stepfather burnt him.",
                            "",
                            "",
                        ),
                    ),
                ),
            ),
        ),
        form="sin",
        fields={
            **PAT,
            "approver_name": "Robin Fictional",
            "incident_date": date(2026, 11, 12),
            "incident_location": "School playground",
            "agency_aware_date": date(2026, 11, 12),
            "la_aware_date": date(2026, 11, 14),
            "incident_description": "Eli disclosed that his stepfather burnt him.",
        },
        children=(
            {
                "child_name": "Eli Example",
                "date_of_birth": date(2016, 3, 9),
                "sex": "male",
                "disability": "Autism",
            },
        ),
        missing=(),
        doubtful=(),
        initials="E.E.",
    )
)

_REFERRER_ROWS = (
    ("Name of referrer", "Sam Sample"),
    ("Role", "Named Nurse for Safeguarding"),
    ("Agency", "Example NHS Foundation Trust"),
    ("Email", "sam.sample@example.org"),
    ("Telephone", "0161 496 0002"),
    ("Approved by", "Jo Invented"),
)
_FIN_ROWS = (
    ("Child's name", "Fin Example"),
    ("Date of birth", "30/01/2024"),
    ("Date of incident", "02/12/2026"),
    ("Location of incident", "Exampletown General Hospital"),
    ("Date the local authority became aware", "03/12/2026"),
    ("Description of incident", "Fin (2) admitted with a fractured femur; no explanation given."),
)
_FIN_FIELDS: dict[str, Value] = {
    **SAM,
    "approver_name": "Jo Invented",
    "incident_date": date(2026, 12, 2),
    "incident_location": "Exampletown General Hospital",
    "la_aware_date": date(2026, 12, 3),
    "incident_description": "Fin (2) admitted with a fractured femur; no explanation given.",
}
_FIN: tuple[dict[str, Value], ...] = (
    {"child_name": "Fin Example", "date_of_birth": date(2024, 1, 30)},
)

# 5. "X" typed in the cell left of each criterion that applies.
case(
    Case(
        name="sin_x_in_cell_next_to_option",
        documents=(
            doc(
                "SIN form.docx",
                tables=(
                    table("SIN form.docx, table 1", *_REFERRER_ROWS, *_FIN_ROWS),
                    table(
                        "SIN form.docx, table 2",
                        ("Reason for notification (tick all that apply)",),
                        ("X", "The child has died"),
                        ("", "The child has been seriously harmed"),
                        ("X", "Abuse or neglect is known or suspected"),
                        ("", "Death of a looked after child"),
                    ),
                ),
            ),
        ),
        form="sin",
        fields={
            **_FIN_FIELDS,
            "child_died": True,
            "serious_harm": False,
            "abuse_or_neglect": True,
            "lac_death": False,
        },
        children=_FIN,
        missing=(),
        doubtful=(),
        initials="F.E.",
    )
)

# 6. Criteria as a grid with Yes and No columns.
case(
    Case(
        name="sin_yes_no_columns",
        documents=(
            doc(
                "SIN form.docx",
                tables=(
                    table("SIN form.docx, table 1", *_REFERRER_ROWS, *_FIN_ROWS),
                    table(
                        "SIN form.docx, table 2",
                        ("Criteria", "Yes", "No"),
                        ("Child has died", "", "X"),
                        ("Child has been seriously harmed", "✓", ""),
                        ("Abuse or neglect known or suspected", "✓", ""),
                        ("Police involved", "✓", ""),
                        ("Media interest", "", "✓"),
                    ),
                ),
            ),
        ),
        form="sin",
        fields={
            **_FIN_FIELDS,
            "child_died": False,
            "serious_harm": True,
            "abuse_or_neglect": True,
            "police_involved": True,
            "media_interest": False,
        },
        children=_FIN,
        missing=(),
        doubtful=(),
        initials="F.E.",
    )
)

# 7. "Yes ☒ No ☐" in the value cell, both orders of mark and word.
case(
    Case(
        name="sin_yes_no_boxes_in_value_cell",
        documents=(
            doc(
                "SIN form.docx",
                tables=(
                    table(
                        "SIN form.docx, table 1",
                        *_REFERRER_ROWS,
                        *_FIN_ROWS,
                        ("Has the child died?", "Yes ☐ No ☒"),
                        ("Has the child been seriously harmed?", "Yes ☒ No ☐"),
                        ("Police involvement", "☒ Yes ☐ No"),
                        ("Media interest", "☐ Yes ☒ No"),
                    ),
                ),
            ),
        ),
        form="sin",
        fields={
            **_FIN_FIELDS,
            "child_died": False,
            "serious_harm": True,
            "police_involved": True,
            "media_interest": False,
        },
        children=_FIN,
        missing=(),
        initials="F.E.",
    )
)

# 8. Other wordings: numbered labels, "(if known)", D.O.B., 12th Nov 2026.
case(
    Case(
        name="sin_label_wording_variants",
        documents=(
            doc(
                "Rapid Review Screening & Notification Form.docx",
                tables=(
                    table(
                        "Rapid Review Screening & Notification Form.docx, table 1",
                        ("1. Referring practitioner:", "Gil Fakename"),
                        ("2. Designation", "Police Constable"),
                        ("3. Organisation", "Example Constabulary"),
                        ("4. E-mail address", "gil.fakename@example.org"),
                        ("5. Contact telephone number", "0161 496 0004"),
                        ("6. Name of safeguarding lead or senior manager", "Kit Testcase"),
                        ("7. Name of child / young person", "Hal Placeholder"),
                        ("8. D.O.B. (if known)", "7th Jul 2010"),
                        ("9. Gender", "Boy"),
                        ("10. Ethnic origin", "Asian British - Pakistani"),
                        ("11. Local authority of residence", "Tameside"),
                        ("12. Date of the incident (dd/mm/yyyy)", "12th Nov 2026"),
                        ("13. Where did the incident happen?", "Example Road, Exampletown"),
                        ("14. Date LA awareness date", "13th Nov 2026"),
                        ("15. Nature of the incident", "Stab wound to the leg; Hal is stable."),
                        ("16. Current condition of child", "Stable, in hospital"),
                        ("17. Parallel processes", "Criminal investigation"),
                    ),
                ),
            ),
        ),
        form="sin",
        fields={
            "referrer_name": "Gil Fakename",
            "referrer_role": "Police Constable",
            "referrer_agency": "Example Constabulary",
            "referrer_email": "gil.fakename@example.org",
            "referrer_phone": "0161 496 0004",
            "approver_name": "Kit Testcase",
            "incident_date": date(2026, 11, 12),
            "incident_location": "Example Road, Exampletown",
            "la_aware_date": date(2026, 11, 13),
            "incident_description": "Stab wound to the leg; Hal is stable.",
            "current_condition": "Stable, in hospital",
            "parallel_processes": "Criminal investigation",
        },
        children=(
            {
                "child_name": "Hal Placeholder",
                "date_of_birth": date(2010, 7, 7),
                "sex": "male",
                "ethnicity": "Asian British - Pakistani",
                "local_authority": "Tameside",
            },
        ),
        missing=(),
        initials="H.P.",
    )
)

# 9. An email naming two children under "Child 1" / "Child 2" headings.
case(
    Case(
        name="sin_email_two_children_under_headings",
        documents=(
            email(
                "Please treat this as our SIN notification.\n"
                "\n"
                "Referrer name: Pat Placeholder\n"
                "Role: Designated Safeguarding Lead\n"
                "Agency: Example Primary School\n"
                "Email: pat.placeholder@example.org\n"
                "Tel: 0161 496 0001\n"
                "Approved by: Robin Fictional\n"
                "\n"
                "Child 1\n"
                "Name: Ivy Example\n"
                "DOB: 11/11/2014\n"
                "Child 2\n"
                "Name: Jay Example\n"
                "DOB: 02/05/2017\n"
                "\n"
                "Incident date: 10/11/2026\n"
                "Incident location: Family home\n"
                "Date LA became aware: 10/11/2026\n"
                "Description of incident: Both children witnessed a serious assault"
                " on their mother.\n"
            ),
        ),
        form="sin",
        fields={
            **PAT,
            "approver_name": "Robin Fictional",
            "incident_date": date(2026, 11, 10),
            "incident_location": "Family home",
            "la_aware_date": date(2026, 11, 10),
            "incident_description": "Both children witnessed a serious assault on their mother.",
        },
        children=(
            {"child_name": "Ivy Example", "date_of_birth": date(2014, 11, 11)},
            {"child_name": "Jay Example", "date_of_birth": date(2017, 5, 2)},
        ),
        flags=("form names two children",),
        missing=(),
        initials="I.E.",
    )
)

# 10. One column per child under "Child 1 | Child 2" headings.
case(
    Case(
        name="sin_one_column_per_child",
        documents=(
            doc(
                "SIN.docx",
                tables=(
                    table("SIN.docx, table 1", *_REFERRER_ROWS),
                    table(
                        "SIN.docx, table 2",
                        ("", "Child 1", "Child 2"),
                        ("Name", "Kim Sample", "Lou Sample"),
                        ("Date of birth", "01/01/2020", "02/02/2022"),
                        ("Sex", "Female", "Male"),
                        ("Legal status", "Child protection plan", "Child protection plan"),
                    ),
                    table(
                        "SIN.docx, table 3",
                        ("Date of incident", "20/11/2026"),
                        ("Location of incident", "Family home"),
                        ("Date the local authority became aware", "21/11/2026"),
                        (
                            "Description of incident",
                            "Both children were admitted with suspected poisoning.",
                        ),
                    ),
                ),
            ),
        ),
        form="sin",
        fields={
            **SAM,
            "approver_name": "Jo Invented",
            "incident_date": date(2026, 11, 20),
            "incident_location": "Family home",
            "la_aware_date": date(2026, 11, 21),
            "incident_description": "Both children were admitted with suspected poisoning.",
        },
        children=(
            {
                "child_name": "Kim Sample",
                "date_of_birth": date(2020, 1, 1),
                "sex": "female",
                "legal_status": "CP plan",
            },
            {
                "child_name": "Lou Sample",
                "date_of_birth": date(2022, 2, 2),
                "sex": "male",
                "legal_status": "CP plan",
            },
        ),
        flags=("form names two children",),
        missing=(),
        initials="K.S.",
    )
)

# 11. An unborn child: expected date of delivery instead of a date of birth.
case(
    Case(
        name="sin_unborn_child_expected_date_of_delivery",
        documents=(
            doc(
                "SIN unborn.docx",
                tables=(
                    table(
                        "SIN unborn.docx, table 1",
                        *_REFERRER_ROWS,
                        ("Child's name", "Unborn baby Example"),
                        ("Expected date of delivery", "14/03/2027"),
                        ("Sex", "Not known"),
                        ("Date of incident", "25/11/2026"),
                        ("Location of incident", "Mother's home"),
                        ("Date the local authority became aware", "26/11/2026"),
                        (
                            "Description of incident",
                            "Serious assault on the mother at 24 weeks pregnant.",
                        ),
                    ),
                ),
            ),
        ),
        form="sin",
        fields={
            **SAM,
            "approver_name": "Jo Invented",
            "incident_date": date(2026, 11, 25),
            "incident_location": "Mother's home",
            "la_aware_date": date(2026, 11, 26),
            "incident_description": "Serious assault on the mother at 24 weeks pregnant.",
        },
        children=(
            {
                "child_name": "Unborn baby Example",
                "expected_date_of_delivery": date(2027, 3, 14),
                "sex": "unknown",
            },
        ),
        missing=(),
        doubtful=(),
        initials="E.",
    )
)

# 12. The blank template (a training circular attaches one): labels, boxes, placeholders.
case(
    Case(
        name="sin_blank_template",
        documents=(
            doc(
                "GM SIN form template.docx",
                tables=(
                    table(
                        "GM SIN form template.docx, table 1",
                        ("GM Serious Child Safeguarding Incident Notification Form",),
                        ("Referrer details",),
                        ("Name", "Click or tap here to enter text."),
                        ("Role", ""),
                        ("Agency", ""),
                        ("Email", ""),
                        ("Telephone", ""),
                        ("Child details",),
                        ("Name", ""),
                        ("Date of birth", "dd/mm/yyyy"),
                        ("Incident details",),
                        ("Date of incident", "Click or tap to enter a date."),
                        ("Date the local authority became aware", ""),
                        ("Child has died", "☐"),
                        ("Child has been seriously harmed", "☐"),
                        ("Police involved", "Yes ☐ No ☐"),
                    ),
                ),
            ),
        ),
        form=None,
        well_formed=False,
        flags=("blank template: no values filled in — not a notification",),
        missing=(),
        doubtful=(),
    )
)

# 13. The incident date is after the date the LA became aware: a typo somewhere.
case(
    Case(
        name="sin_incident_after_la_aware",
        documents=(
            email(
                "Referrer name: Pat Placeholder\n"
                "Role: Designated Safeguarding Lead\n"
                "Agency: Example Primary School\n"
                "Email: pat.placeholder@example.org\n"
                "Telephone: 0161 496 0001\n"
                "Approved by: Robin Fictional\n"
                "Child's name: Max Example\n"
                "Date of birth: 05/05/2013\n"
                "Date of incident: 14/12/2026\n"
                "Location of incident: Exampletown skate park\n"
                "Date the local authority became aware: 10/12/2026\n"
                "Description of incident: Max was seriously injured in an assault.\n"
            ),
        ),
        form="sin",
        fields={
            **PAT,
            "approver_name": "Robin Fictional",
            "incident_date": date(2026, 12, 14),
            "incident_location": "Exampletown skate park",
            "la_aware_date": date(2026, 12, 10),
            "incident_description": "Max was seriously injured in an assault.",
        },
        children=({"child_name": "Max Example", "date_of_birth": date(2013, 5, 5)},),
        well_formed=False,
        flags=(
            "incident date Mon 14 Dec 2026 is after"
            " the date the local authority became aware Thu 10 Dec 2026",
        ),
        missing=(),
        doubtful=("incident_date", "la_aware_date"),
        initials="M.E.",
    )
)

# 14. A date of birth that does not exist: kept as written, flagged, not a crash.
case(
    Case(
        name="sin_non_existent_date_of_birth",
        documents=(
            doc(
                "SIN form.docx",
                tables=(
                    table(
                        "SIN form.docx, table 1",
                        *_REFERRER_ROWS,
                        ("Child's name", "Nia Example"),
                        ("Date of birth", "31/02/2026"),
                        ("Date of incident", "02/12/2026"),
                        ("Location of incident", "Family home"),
                        ("Date the local authority became aware", "03/12/2026"),
                        ("Description of incident", "Nia (9 months) has a skull fracture."),
                    ),
                ),
            ),
        ),
        form="sin",
        fields={
            **SAM,
            "approver_name": "Jo Invented",
            "incident_date": date(2026, 12, 2),
            "incident_location": "Family home",
            "la_aware_date": date(2026, 12, 3),
            "incident_description": "Nia (9 months) has a skull fracture.",
        },
        children=({"child_name": "Nia Example", "date_of_birth": None},),
        well_formed=False,
        flags=("date_of_birth: 31/02/2026 is not a real date",),
        missing=(),
        doubtful=("date_of_birth",),
        initials="N.E.",
    )
)

# 15. A hurried email with only some of the required fields.
case(
    Case(
        name="sin_missing_required_fields",
        documents=(
            email(
                "SIN notification\n"
                "Name of referrer: Pat Placeholder\n"
                "Agency: Example Primary School\n"
                "Child's name: Oli Example\n"
                "Date of incident: 19/11/2026\n"
                "Description of incident: Oli disclosed sexual abuse by a family friend.\n"
                "More details to follow.\n"
            ),
        ),
        form="sin",
        fields={
            "referrer_name": "Pat Placeholder",
            "referrer_agency": "Example Primary School",
            "incident_date": date(2026, 11, 19),
            "incident_description": (
                "Oli disclosed sexual abuse by a family friend.\nMore details to follow."
            ),
        },
        children=({"child_name": "Oli Example"},),
        well_formed=False,
        missing=(
            "referrer_role",
            "referrer_email",
            "referrer_phone",
            "approver_name",
            "incident_location",
            "la_aware_date",
            "date_of_birth",
        ),
        initials="O.E.",
    )
)

# 16. Forwarded by a colleague: the form has no email, the forwarded message's sender is it.
case(
    Case(
        name="sin_forwarded_without_referrer_email",
        documents=(
            email(
                "---------- Forwarded message ---------\n"
                "From: Sam Sample <sam.sample@example.org>\n"
                "Sent: Thursday, 3 December 2026 09:12\n"
                "Subject: SIN form\n"
                "\n"
                "Name of referrer: Sam Sample\n"
                "Role: Named Nurse for Safeguarding\n"
                "Agency: Example NHS Foundation Trust\n"
                "Phone: 0161 496 0002\n"
                "Approved by: Jo Invented\n"
                "Child's name: Fin Example\n"
                "DOB: 30/01/2024\n"
                "Date of incident: 02/12/2026\n"
                "Location of incident: Exampletown General Hospital\n"
                "Date LA became aware: 03/12/2026\n"
                "Description of incident: Fin (2) admitted with a fractured femur;"
                " no explanation given.\n",
                original_sender="sam.sample@example.org",
            ),
        ),
        form="sin",
        fields=_FIN_FIELDS,
        children=_FIN,
        missing=(),
        initials="F.E.",
    )
)

# 17. A cover note in the body, the form attached; the title is only in the file name.
case(
    Case(
        name="sin_cover_note_and_attachment",
        documents=(
            email(
                "Hello,\n"
                "Please find attached our SIN form for a child known to us.\n"
                "Many thanks,\n"
                "Sam"
            ),
            doc(
                "Serious Child Safeguarding Incident Notification.docx",
                tables=(
                    table(
                        "Serious Child Safeguarding Incident Notification.docx, table 1",
                        *_REFERRER_ROWS,
                        *_FIN_ROWS,
                    ),
                ),
            ),
        ),
        form="sin",
        fields=_FIN_FIELDS,
        children=_FIN,
        missing=(),
        doubtful=(),
        initials="F.E.",
    )
)

# 18. Forename and surname asked separately, surname in capitals.
case(
    Case(
        name="sin_forename_surname_separately",
        documents=(
            doc(
                "SIN form.docx",
                tables=(
                    table(
                        "SIN form.docx, table 1",
                        *_REFERRER_ROWS,
                        ("Forename(s)", "Pia Rose"),
                        ("Surname", "EXAMPLE"),
                        ("Date of birth", "2026-01-15"),
                        ("Date of incident", "02/12/2026"),
                        ("Location of incident", "Exampletown General Hospital"),
                        ("Date the local authority became aware", "03/12/2026"),
                        (
                            "Description of incident",
                            "Fin (2) admitted with a fractured femur; no explanation given.",
                        ),
                    ),
                ),
            ),
        ),
        form="sin",
        fields=_FIN_FIELDS,
        children=(
            {
                "child_name": "Pia Rose EXAMPLE",
                "forename": "Pia Rose",
                "surname": "EXAMPLE",
                "date_of_birth": date(2026, 1, 15),
            },
        ),
        missing=(),
        initials="P.R.E.",
    )
)

# 19. A PDF read as paragraphs: each label on its own line, the value on the next.
case(
    Case(
        name="sin_pdf_labels_with_values_on_next_line",
        documents=(
            doc(
                "SIN form.pdf",
                lines=body(
                    "Serious Child Safeguarding Incident Notification Form\n"
                    "Name of referrer\n"
                    "Sam Sample\n"
                    "Job title\n"
                    "Named Nurse for Safeguarding\n"
                    "Organisation\n"
                    "Example NHS Foundation Trust\n"
                    "Email address\n"
                    "sam.sample@example.org\n"
                    "Telephone number\n"
                    "0161 496 0002\n"
                    "Approved by\n"
                    "Jo Invented\n"
                    "Name of child\n"
                    "Fin Example\n"
                    "Date of birth\n"
                    "30/01/2024\n"
                    "Date of incident\n"
                    "02/12/2026\n"
                    "Location of incident\n"
                    "Exampletown General Hospital\n"
                    "Date the local authority became aware\n"
                    "03/12/2026\n"
                    "Description of incident\n"
                    "Fin (2) admitted with a fractured femur; no explanation given.\n"
                    "☒ Child has been seriously harmed\n"
                    "☐ Child has died",
                    source="SIN form.pdf, page 1",
                ),
            ),
        ),
        form="sin",
        fields={**_FIN_FIELDS, "serious_harm": True, "child_died": False},
        children=_FIN,
        missing=(),
        doubtful=(),
        initials="F.E.",
    )
)

# 20. Child labels numbered in the table: "Child 1 name", "Child 2 DOB".
case(
    Case(
        name="sin_numbered_child_labels",
        documents=(
            doc(
                "SIN form.docx",
                tables=(
                    table(
                        "SIN form.docx, table 1",
                        *_REFERRER_ROWS,
                        ("Child 1 name", "Quin Example"),
                        ("Child 1 DOB", "12/12/2012"),
                        ("Child 2 name", "Rae Example"),
                        ("Child 2 DOB", "13/01/2016"),
                        ("Date of incident", "02/12/2026"),
                        ("Location of incident", "Exampletown General Hospital"),
                        ("Date the local authority became aware", "03/12/2026"),
                        (
                            "Description of incident",
                            "Fin (2) admitted with a fractured femur; no explanation given.",
                        ),
                    ),
                ),
            ),
        ),
        form="sin",
        fields=_FIN_FIELDS,
        children=(
            {"child_name": "Quin Example", "date_of_birth": date(2012, 12, 12)},
            {"child_name": "Rae Example", "date_of_birth": date(2016, 1, 13)},
        ),
        flags=("form names two children",),
        missing=(),
        initials="Q.E.",
    )
)

# 21. Tick marks inside the option cells, two options to a row.
case(
    Case(
        name="sin_marks_inside_option_cells",
        documents=(
            doc(
                "SIN form.docx",
                tables=(
                    table("SIN form.docx, table 1", *_REFERRER_ROWS, *_FIN_ROWS),
                    table(
                        "SIN form.docx, table 2",
                        ("☐ Child has died", "☒ Child has been seriously harmed"),
                        (
                            "☒ Abuse or neglect known or suspected",
                            "☐ Death of a looked after child",
                        ),
                        ("☐ Death of a care leaver", "[ ] Incident outside England"),
                    ),
                ),
            ),
        ),
        form="sin",
        fields={
            **_FIN_FIELDS,
            "child_died": False,
            "serious_harm": True,
            "abuse_or_neglect": True,
            "lac_death": False,
            "care_leaver_death": False,
            "outside_england": False,
        },
        children=_FIN,
        missing=(),
        doubtful=(),
        initials="F.E.",
    )
)

_APPENDIX_B_HEAD = (
    ("Rapid Review Information Request (Appendix B)",),
    ("Agency", "Example NHS Foundation Trust"),
    ("Name of author", "Sam Sample"),
    ("Role", "Named Nurse for Safeguarding"),
    ("Email", "sam.sample@example.org"),
    ("Date returned", "10/12/2026"),
    ("Case reference", "TSCP-2026-014"),
    ("Period covered", "01/01/2025 to 02/12/2026"),
    ("Was your agency involved?", "Yes"),
)
_APPENDIX_B_FIELDS: dict[str, Value] = {
    "agency": "Example NHS Foundation Trust",
    "author_name": "Sam Sample",
    "author_role": "Named Nurse for Safeguarding",
    "author_email": "sam.sample@example.org",
    "date_returned": date(2026, 12, 10),
    "case_reference": "TSCP-2026-014",
    "period_from": date(2025, 1, 1),
    "period_to": date(2026, 12, 2),
    "involved": True,
}

# 22. Appendix B: agency details, narrative, and a chronology out of date order.
case(
    Case(
        name="appendix_b_table_with_chronology",
        documents=(
            doc(
                "Appendix B - Example NHS.docx",
                tables=(
                    table(
                        "Appendix B - Example NHS.docx, table 1",
                        *_APPENDIX_B_HEAD,
                        ("Child's name", "Fin Example"),
                        ("Date of birth", "30/01/2024"),
                        (
                            "Summary of involvement",
                            "Health visiting from birth; two A&E attendances.",
                        ),
                        (
                            "Analysis of key practice episodes",
                            "The second attendance was not shared.",
                        ),
                        ("Learning / areas for improvement", "Share A&E attendances of under-2s."),
                        ("View on whether the CSPR criteria are met", "Yes, criteria met."),
                    ),
                    table(
                        "Appendix B - Example NHS.docx, table 2",
                        ("Date", "Contact type", "Practitioner / role", "Event", "Outcome"),
                        ("14.06.26", "A&E attendance", "ED nurse", "Bruise to cheek", "Discharged"),
                        (
                            "3 February 2024",
                            "Home visit",
                            "Health visitor",
                            "New birth visit",
                            "Universal",
                        ),
                        (
                            "01/12/2026",
                            "Phone call",
                            "GP",
                            "Mother reported a fall",
                            "Advice given",
                        ),
                    ),
                ),
            ),
        ),
        form="appendix_b",
        fields={
            **_APPENDIX_B_FIELDS,
            "summary": "Health visiting from birth; two A&E attendances.",
            "analysis": "The second attendance was not shared.",
            "learning": "Share A&E attendances of under-2s.",
            "cspr_criteria_view": "Yes, criteria met.",
        },
        children=({"child_name": "Fin Example", "date_of_birth": date(2024, 1, 30)},),
        chronology=(
            (date(2024, 2, 3), "New birth visit"),
            (date(2026, 6, 14), "Bruise to cheek"),
            (date(2026, 12, 1), "Mother reported a fall"),
        ),
        missing=(),
        doubtful=(),
        initials="F.E.",
    )
)

# 23. Appendix B in an email: not involved, period as two dates.
case(
    Case(
        name="appendix_b_email_not_involved",
        documents=(
            email(
                "Rapid Review Information Request - our return\n"
                "\n"
                "Agency: Example Housing Association\n"
                "Author: Val Madeup\n"
                "Job title: Tenancy Sustainment Officer\n"
                "Telephone: 0161 496 0005\n"
                "Date completed: 9 December 2026\n"
                "Reference: TSCP-2026-014\n"
                "Period from: 01/01/2025\n"
                "Period to: 02/12/2026\n"
                "Involved: No\n"
                "Summary: The family are not tenants of ours and we hold no records.\n"
            ),
        ),
        form="appendix_b",
        fields={
            "agency": "Example Housing Association",
            "author_name": "Val Madeup",
            "author_role": "Tenancy Sustainment Officer",
            "author_phone": "0161 496 0005",
            "date_returned": date(2026, 12, 9),
            "case_reference": "TSCP-2026-014",
            "period_from": date(2025, 1, 1),
            "period_to": date(2026, 12, 2),
            "involved": False,
            "summary": "The family are not tenants of ours and we hold no records.",
        },
        missing=(),
        doubtful=(),
    )
)

# 24. A chronology split over two tables by a page break, header repeated, a bad date in it.
case(
    Case(
        name="appendix_b_chronology_over_two_tables",
        documents=(
            doc(
                "Agency chronology.docx",
                tables=(
                    table("Agency chronology.docx, table 1", *_APPENDIX_B_HEAD),
                    table(
                        "Agency chronology.docx, table 2",
                        (
                            "Date of contact",
                            "Type of contact",
                            "Practitioner",
                            "Details",
                            "Action / outcome",
                        ),
                        (
                            "05/03/2026",
                            "School nurse",
                            "School nurse",
                            "Weight check",
                            "Referred to GP",
                        ),
                        ("", "", "", "", ""),
                    ),
                    table(
                        "Agency chronology.docx, table 3",
                        ("20/02/2026", "Clinic", "Paediatrician", "Growth review", "Follow up"),
                        (
                            "Date of contact",
                            "Type of contact",
                            "Practitioner",
                            "Details",
                            "Action / outcome",
                        ),
                        ("31/02/2026", "Phone", "GP", "Missed appointment", "Letter sent"),
                    ),
                ),
            ),
        ),
        form="appendix_b",
        fields=_APPENDIX_B_FIELDS,
        chronology=(
            (date(2026, 2, 20), "Growth review"),
            (date(2026, 3, 5), "Weight check"),
            (None, "Missed appointment"),
        ),
        well_formed=False,
        flags=(
            "chronology (Agency chronology.docx, table 3, row 3): 31/02/2026 is not a real date",
        ),
        missing=(),
        doubtful=(),
    )
)

# 25. The blank Appendix B sent out at the point of instruction.
case(
    Case(
        name="appendix_b_blank_template",
        documents=(
            doc(
                "Appendix B template.docx",
                tables=(
                    table(
                        "Appendix B template.docx, table 1",
                        ("Rapid Review Information Request (Appendix B)",),
                        ("Agency", ""),
                        ("Name of author", ""),
                        ("Role", ""),
                        ("Date returned", "dd/mm/yyyy"),
                        ("Was your agency involved?", "Yes ☐ No ☐"),
                        ("Summary of involvement", "Click or tap here to enter text."),
                    ),
                    table(
                        "Appendix B template.docx, table 2",
                        ("Date", "Contact type", "Practitioner / role", "Event", "Outcome"),
                        ("", "", "", "", ""),
                    ),
                ),
            ),
        ),
        form=None,
        well_formed=False,
        flags=("blank template: no values filled in — not a completed return",),
    )
)

# 26. Not a form at all: an ordinary question to the partnership.
case(
    Case(
        name="not_a_form_meeting_room_question",
        documents=(
            email(
                "Hi,\n"
                "Is the Tame room free on Thursday for the practice review meeting?\n"
                "Thanks, Pat"
            ),
        ),
        form=None,
        well_formed=False,
        flags=(),
        missing=(),
        doubtful=(),
    )
)

# 27. Bare labels whose meaning depends on the section, in an email, with a date range.
case(
    Case(
        name="sin_email_sections_with_bare_labels",
        documents=(
            email(
                "Referrer details\n"
                "Name: Pat Placeholder\n"
                "Role: Designated Safeguarding Lead\n"
                "Agency: Example Primary School\n"
                "Email: pat.placeholder@example.org\n"
                "Phone: 0161 496 0001\n"
                "\n"
                "Safeguarding lead or senior manager\n"
                "Name: Robin Fictional\n"
                "Role: Head Teacher\n"
                "\n"
                "Child details\n"
                "Name: Sol Example\n"
                "Date of birth: 1 September 2011\n"
                "Address: 2 Example Avenue, Exampletown\n"
                "School: Example Academy\n"
                "\n"
                "Incident details\n"
                "Date: 12/11/2026 at about 21:30\n"
                "Where: Example Retail Park\n"
                "Date LA became aware: 13/11/2026\n"
                "What happened: Sol was stabbed and is in intensive care.\n"
            ),
        ),
        form="sin",
        fields={
            **PAT,
            "approver_name": "Robin Fictional",
            "approver_role": "Head Teacher",
            "incident_date": date(2026, 11, 12),
            "incident_location": "Example Retail Park",
            "la_aware_date": date(2026, 11, 13),
            "incident_description": "Sol was stabbed and is in intensive care.",
        },
        children=(
            {
                "child_name": "Sol Example",
                "date_of_birth": date(2011, 9, 1),
                "address": "2 Example Avenue, Exampletown",
                "school": "Example Academy",
            },
        ),
        missing=(),
        doubtful=(),
        initials="S.E.",
    )
)

# 28. Label and value in the same cell ("Label: value", or the value on the cell's next line).
case(
    Case(
        name="sin_label_and_value_in_one_cell",
        documents=(
            doc(
                "SIN form.docx",
                tables=(
                    table(
                        "SIN form.docx, table 1",
                        ("Name of referrer: Sam Sample", "Role: Named Nurse for Safeguarding"),
                        ("Agency\nExample NHS Foundation Trust", "Email: sam.sample@example.org"),
                        ("Telephone: 0161 496 0002", "Approved by: Jo Invented"),
                        ("Child's name: Fin Example", "DOB: 30/01/2024"),
                        ("Date of incident: 02/12/2026", "Date LA became aware: 03/12/2026"),
                        ("Location of incident: Exampletown General Hospital", ""),
                        (
                            "Description of incident:\n"
                            "Fin (2) admitted with a fractured femur; no explanation given.",
                            "",
                        ),
                    ),
                ),
            ),
        ),
        form="sin",
        fields=_FIN_FIELDS,
        children=_FIN,
        missing=(),
        doubtful=(),
        initials="F.E.",
    )
)

# --- Layouts once misread (issue 8): each read right, or flagged for a person ---

_KAI: tuple[dict[str, Value], ...] = (
    {
        "child_name": "Kai Example",
        "forename": "Kai",
        "surname": "Example",
        "date_of_birth": date(2014, 6, 9),
    },
)

# 29. A PDF's two-column table read as lines: label and value on one line with no colon,
# one-word labels ("Agency"), and a label broken over two lines.
case(
    Case(
        name="sin_pdf_labels_and_values_on_one_line_without_colons",
        documents=(
            doc(
                "Notification.pdf",
                lines=body(
                    "Serious Child Safeguarding Incident Notification Form\n"
                    "Name of referrer Sam Sample\n"
                    "Role Named Nurse for Safeguarding\n"
                    "Agency Example NHS Foundation Trust\n"
                    "Email sam.sample@example.org\n"
                    "Telephone 0161 496 0002\n"
                    "Approved by Jo Invented\n"
                    "First name Kai\n"
                    "Surname Example\n"
                    "Date of birth 09/06/2014\n"
                    "Date of incident 02/12/2026\n"
                    "Location of incident Exampletown General Hospital\n"
                    "Date the local authority\n"
                    "became aware 03/12/2026\n"
                    "Description of incident\n"
                    "Fin (2) admitted with a fractured femur; no explanation given.",
                    source="Notification.pdf, page 1",
                ),
            ),
        ),
        form="sin",
        fields=_FIN_FIELDS,
        children=_KAI,
        missing=(),
        doubtful=(),
        initials="K.E.",
    )
)

# 30. Ticks typed between brackets or after colons, in cells and in a question's own cell.
case(
    Case(
        name="sin_ticks_in_brackets_and_after_colons",
        documents=(
            doc(
                "SIN form.docx",
                tables=(
                    table("SIN form.docx, table 1", *_REFERRER_ROWS, *_FIN_ROWS),
                    table(
                        "SIN form.docx, table 2",
                        ("Section 4: Criteria",),
                        ("Has the child died? Yes [ ] No [X]",),
                        ("Child has been seriously harmed", "Yes [X] No [ ]"),
                        ("Abuse or neglect known or suspected", "Yes: X No:"),
                        ("Death of a looked after child", "Yes: No: X"),
                        ("Police involved", "Yes ( ) No (X)"),
                    ),
                ),
            ),
        ),
        form="sin",
        fields={
            **_FIN_FIELDS,
            "child_died": False,
            "serious_harm": True,
            "abuse_or_neglect": True,
            "lac_death": False,
            "police_involved": False,
        },
        children=_FIN,
        missing=(),
        doubtful=(),
        initials="F.E.",
    )
)

# 31. The same ticks pasted into an email, one question to a line.
case(
    Case(
        name="sin_email_ticks_in_brackets_and_after_colons",
        documents=(
            email(
                "Name of referrer: Sam Sample\n"
                "Role: Named Nurse for Safeguarding\n"
                "Agency: Example NHS Foundation Trust\n"
                "Email: sam.sample@example.org\n"
                "Telephone: 0161 496 0002\n"
                "Approved by: Jo Invented\n"
                "Child's name: Fin Example\n"
                "Date of birth: 30/01/2024\n"
                "Date of incident: 02/12/2026\n"
                "Location of incident: Exampletown General Hospital\n"
                "Date the local authority became aware: 03/12/2026\n"
                "Description of incident: Fin (2) admitted with a fractured femur;"
                " no explanation given.\n"
                "\n"
                "Section 4: Criteria\n"
                "Child has died Yes [ ] No [X]\n"
                "Child seriously harmed Yes: X No:\n"
                "Media interest: Yes: No: X\n"
            ),
        ),
        form="sin",
        fields={
            **_FIN_FIELDS,
            "child_died": False,
            "serious_harm": True,
            "media_interest": False,
        },
        children=_FIN,
        missing=(),
        doubtful=(),
        initials="F.E.",
    )
)

# 32. A mark that could belong to either answer: doubtful and flagged, never "died: yes".
case(
    Case(
        name="sin_tick_between_yes_and_no_is_doubtful",
        documents=(
            doc(
                "SIN form.docx",
                tables=(
                    table(
                        "SIN form.docx, table 1",
                        *_REFERRER_ROWS,
                        *_FIN_ROWS,
                        ("Child has died", "Yes X No"),
                        ("Child has been seriously harmed", "Yes [X] No [ ]"),
                    ),
                ),
            ),
        ),
        form="sin",
        fields={**_FIN_FIELDS, "child_died": None, "serious_harm": True},
        children=_FIN,
        well_formed=False,
        flags=("child_died: cannot tell which answer is ticked in 'Yes X No'",),
        missing=(),
        doubtful=("child_died",),
        initials="F.E.",
    )
)

# 33. Section headings after an empty answer: the heading is not the answer.
case(
    Case(
        name="sin_pdf_section_heading_after_an_empty_answer",
        documents=(
            doc(
                "SIN form.pdf",
                lines=body(
                    "Serious Child Safeguarding Incident Notification Form\n"
                    "Name of referrer\n"
                    "Sam Sample\n"
                    "Job title\n"
                    "Named Nurse for Safeguarding\n"
                    "Organisation\n"
                    "Example NHS Foundation Trust\n"
                    "Email address\n"
                    "sam.sample@example.org\n"
                    "Telephone number\n"
                    "0161 496 0002\n"
                    "Approved by\n"
                    "Jo Invented\n"
                    "Name of child\n"
                    "Fin Example\n"
                    "Date of birth\n"
                    "30/01/2024\n"
                    "Date of incident\n"
                    "02/12/2026\n"
                    "Location of incident\n"
                    "Exampletown General Hospital\n"
                    "Date the local authority became aware\n"
                    "03/12/2026\n"
                    "Description of incident\n"
                    "Section 4: Criteria\n"
                    "☒ Child has been seriously harmed",
                    source="SIN form.pdf, page 1",
                ),
            ),
        ),
        form="sin",
        fields={key: value for key, value in _FIN_FIELDS.items() if key != "incident_description"}
        | {"serious_harm": True},
        children=_FIN,
        well_formed=False,
        missing=("incident_description",),
        doubtful=(),
        initials="F.E.",
    )
)

# 34. A description that runs on up to the next numbered section.
case(
    Case(
        name="sin_email_description_up_to_the_next_section",
        documents=(
            email(
                "Section 1: Referrer details\n"
                "Name: Sam Sample\n"
                "Role: Named Nurse for Safeguarding\n"
                "Agency: Example NHS Foundation Trust\n"
                "Email: sam.sample@example.org\n"
                "Telephone: 0161 496 0002\n"
                "Approved by: Jo Invented\n"
                "Section 2: Child details\n"
                "Name: Fin Example\n"
                "Date of birth: 30/01/2024\n"
                "Section 3: Incident details\n"
                "Date of incident: 02/12/2026\n"
                "Location of incident: Exampletown General Hospital\n"
                "Date the local authority became aware: 03/12/2026\n"
                "Description of incident: Fin (2) admitted with a fractured femur;\n"
                "no explanation given.\n"
                "Section 4: Criteria\n"
                "☒ Child has been seriously harmed\n"
            ),
        ),
        form="sin",
        fields={
            **_FIN_FIELDS,
            "incident_description": (
                "Fin (2) admitted with a fractured femur;\nno explanation given."
            ),
            "serious_harm": True,
        },
        children=_FIN,
        missing=(),
        doubtful=(),
        initials="F.E.",
    )
)

# 35. Appendix B as a PDF: the numbered chronology heading is not part of the summary.
case(
    Case(
        name="appendix_b_pdf_summary_then_numbered_chronology_heading",
        documents=(
            doc(
                "Appendix B.pdf",
                lines=body(
                    "Rapid Review Information Request (Appendix B)\n"
                    "Agency: Example Housing Association\n"
                    "Name of author: Val Madeup\n"
                    "Role: Tenancy Sustainment Officer\n"
                    "Date returned: 09/12/2026\n"
                    "Was your agency involved? Yes\n"
                    "1. Summary of involvement\n"
                    "Tenancy support since March 2025; rent arrears plan.\n"
                    "2. Chronology of significant events\n"
                    "See the table on page 2.",
                    source="Appendix B.pdf, page 1",
                ),
            ),
        ),
        form="appendix_b",
        fields={
            "agency": "Example Housing Association",
            "author_name": "Val Madeup",
            "author_role": "Tenancy Sustainment Officer",
            "date_returned": date(2026, 12, 9),
            "involved": True,
            "summary": "Tenancy support since March 2025; rent arrears plan.",
        },
        missing=(),
        doubtful=(),
    )
)

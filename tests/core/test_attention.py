"""Which human mail on a case is surfaced and alerted, and where handled mail goes."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.core.attention import (
    Release,
    ReplyFacts,
    beyond_covering,
    first_lines,
    human_text,
    is_live,
    notice_for,
    release_for,
    says_something,
    snippet,
)

NEWS = ReplyFacts(
    kind="case_reply",
    on_case=True,
    from_business_manager=False,
    own_mail=False,
    text="The child has deteriorated, call me urgently.",
    documents=(),
    had_commands=False,
    alert_enabled=True,
)


@pytest.mark.parametrize(
    ("change", "surface", "alert"),
    [
        ({}, True, True),
        ({"alert_enabled": False}, True, False),
        # An out-of-office a person may have typed ("Out of office" in the subject only) is a
        # reply; one a mail system marked automatic waits for the digest.
        ({"kind": "auto_reply"}, True, True),
        ({"kind": "auto_reply", "labelled_by_headers": True}, True, False),
        ({"kind": "auto_reply", "text": ""}, False, False),
        # A calendar answer's note: logistics wait for the digest, news is alerted.
        (
            {"kind": "calendar_reply", "had_commands": True, "text": "Joining from Ashton."},
            True,
            False,
        ),
        (
            {"kind": "calendar_reply", "had_commands": True, "text": "Mum arrested today."},
            True,
            True,
        ),
        ({"kind": "calendar_reply", "had_commands": True, "text": "Thanks"}, False, False),
        # With a decline it is for acting on before the panel meets ("sending DS Kim instead").
        (
            {
                "kind": "calendar_reply",
                "had_commands": True,
                "text": "On leave.",
                "turned_down": True,
            },
            True,
            True,
        ),
        ({"kind": "sin"}, False, False),
        # Beside a return or a corrected SIN form, its text is news; its documents are the form.
        (
            {"kind": "appendix_b", "beside_form": True, "documents": ("Appendix B.docx",)},
            True,
            True,
        ),
        ({"kind": "sin", "beside_form": True, "text": "Kind regards\nDC Sample"}, False, False),
        ({"beside_form": True, "text": "", "documents": ("SIN form.docx",)}, False, False),
        ({"on_case": False}, False, False),
        ({"own_mail": True}, False, False),
        ({"from_business_manager": True}, False, False),
        ({"text": ""}, True, False),  # an empty reply: a stripped attachment? seen, not alerted
        ({"text": "Thanks, Jo", "had_commands": True}, False, False),
        ({"had_commands": True}, True, True),
        ({"text": "Dana"}, True, True),  # no commands: whatever a person wrote is news
        ({"text": "", "documents": ("minutes.pdf",)}, True, True),  # a document to read
        ({"text": "", "had_commands": True, "documents": ("minutes.pdf",)}, True, True),
        ({"text": "", "documents": ("minutes.pdf",), "from_business_manager": True}, False, False),
    ],
)
def test_notice_for(change: dict[str, object], surface: bool, alert: bool) -> None:
    notice = notice_for(replace(NEWS, **change))  # type: ignore[arg-type]
    assert (notice.surface, notice.alert) == (surface, alert)


@pytest.mark.parametrize(
    "text",
    [
        "Child now deceased.",
        "Child now deceased.\n\nPolice DSP",
        "Urgent",
        "CHILD DECEASED",
        "Thanks. Mum has been arrested.",
        "Call me on 0161 496 0000",
        "Thanks for this, the child has died",
        "Child Deceased",
        "Mother Arrested\n\nKind regards\nDana Whitlow",
        "Baby In ICU",
        "Passed Away Last Night",
        "Thanks, Child Deceased",
        # Headlines with no word of harm or death: someone of the family, or when it happened.
        "Child Removed",
        "Father Released On Bail",
        "Child Subject To CP Plan",
        "Mum in A&E",
        "Police Attending Now",
    ],
)
def test_beside_commands_news_is_shown_however_short(text: str) -> None:
    assert says_something(text, had_commands=True)


@pytest.mark.parametrize(
    "text",
    [
        "Thanks",
        "Thanks, Jo",
        "Many thanks all!",
        "Thanks, Police DSP",
        "Kind regards, Dana",
        "Best wishes\nSgt Dana Whitlow\nPublic Protection Investigation Unit",
        "Police DSP",
        "Designated Safeguarding Lead | Health\nTel: 0161 496 0000\ndana@nhs.net",
        "Dana Whitlow\nDetective Sergeant",
        "Named Nurse for Safeguarding Children",
        # After a sign-off, an employer's name is signature whatever its words.
        "Kind regards\nDana Whitlow\nNamed Nurse\nHartley Vale Hospital",
        # Titles that open with a word of the family, or name a shift, are still titles.
        "Kind regards\nDana Whitlow\nFamily Support Worker",
        "Dana Whitlow\nChild Protection Coordinator\nMother and Baby Unit",
        "Best wishes\nDana Whitlow\nNight Sister",
        "",
    ],
)
def test_beside_commands_courtesy_and_signature_are_not_news(text: str) -> None:
    assert not says_something(text, had_commands=True)


def test_human_text_drops_command_lines_and_greetings() -> None:
    text = "Hi all,\n\nVote: rapid review\n\nThe child has deteriorated.\nCall me."
    assert human_text(text, ["Vote: rapid review"]) == "The child has deteriorated.\nCall me."
    assert human_text("Dear Jo,\nVote: rapid review", ["Vote:  rapid review"]) == ""


@pytest.mark.parametrize(
    "greeting",
    ["Hi Jo,", "Morning all", "Dear Business Manager,", "Good afternoon Jo and Sam", "hi jo"],
)
def test_a_greeting_alone_is_not_what_a_person_wrote(greeting: str) -> None:
    assert human_text(f"{greeting}\nVote: rapid review", ["Vote: rapid review"]) == ""


@pytest.mark.parametrize(
    "line",
    [
        "Hi Jo, the child died last night.",
        "Morning all - mother arrested.",
        "Hi all, chronology attached.",
        "Dear Jo, Child Deceased",
        "Hi Jo, can you call me",
    ],
)
def test_what_follows_a_greeting_on_its_line_is_written_and_shown(line: str) -> None:
    assert human_text(f"{line}\nVote: rapid review", ["Vote: rapid review"]) == line
    assert human_text(line, []) == line
    assert says_something(line, had_commands=True)


def test_snippet_keeps_the_first_lines_short_and_says_what_it_left_out() -> None:
    assert snippet("a\n\nb\nc\nd") == "a\nb\nc\nd"
    assert snippet("a\n\nb\nc\nd\ne\nf") == "a\nb\nc\nd\n(2 more lines in the email)"
    long = snippet("word " * 200).split("\n")
    assert len(long[0]) == 300 and long[0].endswith("…")
    assert long[1:] == ["(the rest is in the email)"]


def test_snippet_keeps_a_line_of_news_past_the_first_lines() -> None:
    text = (
        "Thanks for the invitation.\nI can attend on Friday.\nI will bring the chronology.\n"
        "Please send the agenda.\nSeparately: the child's brother was arrested this morning."
    )
    assert snippet(text).split("\n") == [
        "Thanks for the invitation.",
        "I can attend on Friday.",
        "I will bring the chronology.",
        "Separately: the child's brother was arrested this morning.",
        "(1 more line in the email)",
    ]
    # A long line before it is the one shortened.
    shown = snippet(f"{'Background. ' * 40}\nMum arrested.").split("\n")
    assert shown[0].endswith("…") and shown[1:] == ["Mum arrested.", "(the rest is in the email)"]


def test_first_lines_name_the_documents_attached() -> None:
    assert first_lines("", ["minutes.pdf", "plan.docx"]) == "Attached: minutes.pdf, plan.docx"
    assert first_lines("See attached.", ["minutes.pdf"]) == "See attached.\nAttached: minutes.pdf"
    assert first_lines("See below.", []) == "See below."
    assert first_lines("", []).startswith("(nothing written and no document attached")
    # What the bot cannot show is said to be so, not just named.
    assert first_lines("", ["smime.p7m"]) == (
        "Attached: smime.p7m (encrypted or signed, open the email in Outlook)"
    )
    assert first_lines("", ["WINMAIL.DAT"]) == (
        "Attached: WINMAIL.DAT (Outlook's wrapper, open the email in Outlook)"
    )


def test_live_means_open_and_not_closed() -> None:
    assert is_live("rapid_review", "open")
    assert not is_live("closed", "open") and not is_live("screening", "closed")


@pytest.mark.parametrize(
    ("status", "needs_triage", "release"),
    [
        ("processed", False, Release.MOVE),
        ("processed", True, Release.KEEP),
        ("quarantined", True, Release.KEEP),
        ("stored", False, Release.WAIT),
    ],
)
def test_release_for(status: str, needs_triage: bool, release: Release) -> None:
    assert release_for(status, needs_triage) is release


@pytest.mark.parametrize(
    ("written", "left"),
    [
        ("Please find our Appendix B return attached.\n\nKind regards", "Kind regards"),
        ("Return attached. The sibling was admitted to hospital last night.",
         "The sibling was admitted to hospital last night."),
        # A covering sentence that tells news is kept whole.
        ("Form attached: the child died last night.", "Form attached: the child died last night."),
        ("Here is the corrected form. Mum has\nbeen arrested.", "Mum has\nbeen arrested."),
    ],
)  # fmt: skip
def test_beside_a_form_its_covering_sentences_are_not_news(written: str, left: str) -> None:
    assert beyond_covering(written) == left

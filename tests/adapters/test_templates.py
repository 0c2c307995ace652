"""Every event folder renders with a realistic context; the renderer refuses to fail quietly."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.adapters.templates import TemplateError, TemplateRenderer

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
LONDON = ZoneInfo("Europe/London")

PARTNERSHIP = {"name": "Tameside Safeguarding Children Partnership", "mailbox": "tscp@example.org"}
DEADLINES = [
    {
        "name": "screening",
        "title": "Screening Panel meets",
        "due": date(2026, 12, 29),
        "explain": "Within 2 working days of the notification.",
    },
    {
        "name": "national_panel",
        "title": "Local authority notifies the National Panel",
        "due": date(2026, 12, 31),
        "explain": "Within 5 working days of the local authority becoming aware.",
    },
]
MEETING = {
    "start": datetime(2026, 12, 29, 10, 0, tzinfo=LONDON),
    "end": datetime(2026, 12, 29, 11, 0, tzinfo=LONDON),
    "location": "Microsoft Teams (link in the calendar invitation)",
}

# One example context per event folder, written out in full so it documents what each
# template expects. Only invented people and example.org/example.net addresses.
CONTEXTS: dict[str, dict[str, Any]] = {
    "sin_acknowledgement": {
        "partnership": PARTNERSHIP,
        "case": {"ref": "TSCP-2026-0007", "initials": "A.B."},
        "received_at": datetime(2026, 12, 24, 14, 32, tzinfo=UTC),
        "screening": {"start": MEETING["start"], "end": MEETING["end"]},
        "deadlines": DEADLINES,
        "business_manager": {"name": "Pat Example", "email": "pat.example@example.org"},
    },
    "screening_invitation": {
        "partnership": PARTNERSHIP,
        "case": {"ref": "TSCP-2026-0007", "initials": ""},
        "meeting": MEETING,
        "deadlines": DEADLINES,
        "voting_hint": "Reply to this email with one line:\n"
        "DECISION: RAPID REVIEW  or  DECISION: NO RAPID REVIEW",
    },
    "daily_digest": {
        "partnership": PARTNERSHIP,
        "today": date(2026, 11, 26),
        "new_cases": [
            {
                "ref": "TSCP-2026-0007",
                "opened_at": datetime(2026, 11, 25, 9, 5, tzinfo=UTC),
                "kind": "Serious incident notification",
            }
        ],
        "upcoming": [{"ref": "TSCP-2026-0007", **DEADLINES[0]}],
        "overdue": [
            {
                "ref": "TSCP-2026-0005",
                "name": "national_panel",
                "title": "Local authority notifies the National Panel",
                "due": date(2026, 11, 23),
                "days_overdue": 3,
                "explain": "Within 5 working days of the local authority becoming aware.",
            }
        ],
        "triage": [
            {
                "id": 12,
                "received_at": datetime(2026, 11, 25, 16, 40, tzinfo=UTC),
                "from_domain": "example.net",
                "subject": "Minutes <draft> & actions",
                "reason": "No case reference in the subject",
            }
        ],
        "quarantine": [
            {
                "id": 9,
                "received_at": datetime(2026, 11, 24, 8, 0, tzinfo=UTC),
                "reason": "Could not parse the message",
                "attempts": 3,
            }
        ],
        "health": {
            "last_mailbox_check": datetime(2026, 11, 26, 6, 55, tzinfo=UTC),
            "mailbox_error": None,
            "outbox_pending": 1,
            "outbox_failed": [
                {
                    "id": 4,
                    "subject": "[TSCP-2026-0006] Screening Panel: Mon 23 Nov 2026 14:00",
                    "attempts": 5,
                    "last_error": "SMTP smtp.example.org:587: timed out",
                }
            ],
        },
    },
}

EMPTY_DIGEST: dict[str, Any] = {
    **CONTEXTS["daily_digest"],
    "new_cases": [],
    "upcoming": [],
    "overdue": [],
    "triage": [],
    "quarantine": [],
    "health": {
        "last_mailbox_check": None,
        "mailbox_error": "IMAP login failed",
        "outbox_pending": 0,
        "outbox_failed": [],
    },
}


@pytest.fixture
def renderer() -> TemplateRenderer:
    return TemplateRenderer(TEMPLATES)


def test_every_event_folder_has_an_example_context(renderer: TemplateRenderer) -> None:
    assert sorted(CONTEXTS) == renderer.events()


@pytest.mark.parametrize("event", sorted(CONTEXTS))
def test_every_event_renders(renderer: TemplateRenderer, event: str) -> None:
    out = renderer.render(event, CONTEXTS[event])
    assert out.subject and "\n" not in out.subject and out.subject == out.subject.strip()
    assert out.text.strip() and out.html.strip()
    assert "Tameside Safeguarding Children Partnership" in out.text
    case = CONTEXTS[event].get("case")
    if case is not None:
        assert out.subject.startswith(f"[{case['ref']}]")
        assert case["ref"] in out.text and case["ref"] in out.html


def test_subjects_match_the_agreed_wording(renderer: TemplateRenderer) -> None:
    subjects = {event: renderer.render(event, ctx).subject for event, ctx in CONTEXTS.items()}
    assert subjects == {
        "sin_acknowledgement": "[TSCP-2026-0007] Serious incident notification received",
        "screening_invitation": "[TSCP-2026-0007] Screening Panel: Tue 29 Dec 2026 10:00",
        "daily_digest": "TSCP daily digest for Thu 26 Nov 2026",
    }


def test_acknowledgement_explains_next_steps(renderer: TemplateRenderer) -> None:
    text = renderer.render("sin_acknowledgement", CONTEXTS["sin_acknowledgement"]).text
    assert "2 working days" in text and "5 working days" in text and "Rapid Review" in text
    assert "Tuesday 29 December 2026, 10:00 to 11:00" in text
    assert "received it at\n14:32 on Thursday 24 December 2026" in text
    assert "(child's initials: A.B.)" in text
    assert "ordinary email" in text


def test_acknowledgement_without_screening_or_initials(renderer: TemplateRenderer) -> None:
    ctx = {
        **CONTEXTS["sin_acknowledgement"],
        "case": {"ref": "TSCP-2026-0008", "initials": ""},
        "screening": None,
        "deadlines": [],
    }
    out = renderer.render("sin_acknowledgement", ctx)
    assert "will confirm the date of the panel" in out.text
    assert "initials" not in out.text and "initials" not in out.html
    assert "None" not in out.text


def test_screening_invitation_keeps_the_voting_hint_lines(renderer: TemplateRenderer) -> None:
    out = renderer.render("screening_invitation", CONTEXTS["screening_invitation"])
    assert "Reply to this email with one line:\nDECISION: RAPID REVIEW" in out.text
    assert "Reply to this email with one line:<br>\nDECISION: RAPID REVIEW" in out.html


def test_digest_text_uses_aligned_columns(renderer: TemplateRenderer) -> None:
    text = renderer.render("daily_digest", CONTEXTS["daily_digest"]).text
    assert "  TSCP-2026-0005  Mon 23 Nov 2026  3 days    Local authority notifies" in text
    assert "  TSCP-2026-0007  Wed 25 Nov 2026 09:05  Serious incident notification" in text
    assert "Minutes <draft> & actions" in text  # plain text is never HTML-escaped


def test_digest_html_is_escaped(renderer: TemplateRenderer) -> None:
    html = renderer.render("daily_digest", CONTEXTS["daily_digest"]).html
    assert "Minutes &lt;draft&gt; &amp; actions" in html
    assert "<table" in html


def test_empty_digest_says_none(renderer: TemplateRenderer) -> None:
    out = renderer.render("daily_digest", EMPTY_DIGEST)
    assert out.text.count("None.") >= 6
    assert out.html.count("<p>None.</p>") == 5
    assert "IMAP login failed" in out.text and "IMAP login failed" in out.html
    assert "never" in out.text


def test_filters_use_english_names_and_uk_time(renderer: TemplateRenderer) -> None:
    assert renderer.longdate(date(2026, 12, 29)) == "Tuesday 29 December 2026"
    assert renderer.shortdate(date(2026, 12, 29)) == "Tue 29 Dec 2026"
    assert renderer.time(datetime(2026, 12, 29, 10, 0)) == "10:00"
    # 09:30 UTC in July is 10:30 in London (BST); just before midnight UTC is the next day.
    assert renderer.time(datetime(2026, 7, 1, 9, 30, tzinfo=UTC)) == "10:30"
    assert renderer.shortdate(datetime(2026, 7, 1, 23, 30, tzinfo=UTC)) == "Thu 2 Jul 2026"


def _write(root: Path, event: str, **parts: str) -> None:
    (root / event).mkdir(parents=True)
    for name, body in parts.items():
        (root / event / name.replace("_", ".")).write_text(body)


def test_missing_event_names_the_event(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match="'nope'"):
        TemplateRenderer(tmp_path).render("nope", {})


def test_missing_part_names_the_file(tmp_path: Path) -> None:
    _write(tmp_path, "ev", subject_txt="Hello", body_txt="Body")
    with pytest.raises(TemplateError, match=r"'ev'.*ev/body\.html"):
        TemplateRenderer(tmp_path).render("ev", {})


def test_undefined_variable_is_an_error(tmp_path: Path) -> None:
    _write(tmp_path, "ev", subject_txt="{{ case.ref }}", body_txt="x", body_html="x")
    with pytest.raises(TemplateError, match=r"ev/subject\.txt"):
        TemplateRenderer(tmp_path).render("ev", {})


def test_subject_is_collapsed_to_one_line(tmp_path: Path) -> None:
    _write(tmp_path, "ev", subject_txt="  A   {{ x }}\t b \n", body_txt="x", body_html="x")
    assert TemplateRenderer(tmp_path).render("ev", {"x": "y"}).subject == "A y b"


def test_multi_line_subject_is_refused(tmp_path: Path) -> None:
    _write(tmp_path, "ev", subject_txt="A\nB", body_txt="x", body_html="x")
    with pytest.raises(TemplateError, match="more than one line"):
        TemplateRenderer(tmp_path).render("ev", {})


def test_events_skips_shared_folders(tmp_path: Path) -> None:
    _write(tmp_path, "b_event", subject_txt="s")
    _write(tmp_path, "a_event", subject_txt="s")
    (tmp_path / "_partials").mkdir()
    (tmp_path / "_base.html").write_text("")
    assert TemplateRenderer(tmp_path).events() == ["a_event", "b_event"]
    assert TemplateRenderer(tmp_path / "missing").events() == []

"""Reading forms out of documents and mail: text with provenance, and a flag for what cannot be
read. Every document is built in code (tests/fixtures/documents.py); people are invented."""

from __future__ import annotations

import io
import random
import time
from dataclasses import replace
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml

from bot.adapters.documents import DocumentText, Limits, read_attachment, read_message
from bot.adapters.parsing import ParseError, parse_message
from bot.adapters.vocabulary_loader import load_vocabulary
from bot.config.paths import packaged
from bot.core.forms import extract
from bot.core.message import AttachmentInfo, MailMessage
from tests.fixtures import documents as build
from tests.fixtures import forms_docx

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


def texts(doc: DocumentText) -> list[str]:
    return [line.text for line in doc.lines]


def only_problem(doc: DocumentText) -> str:
    assert not doc.lines and not doc.tables
    assert len(doc.problems) == 1, doc.problems
    return doc.problems[0]


# Word


@pytest.fixture(scope="module")
def sin_docx() -> DocumentText:
    return read_attachment("SIN form.docx", build.DOCX_TYPE, build.sin_form_docx())


def test_docx_paragraphs_in_order_with_provenance(sin_docx: DocumentText) -> None:
    assert sin_docx.source == "SIN form.docx"
    assert sin_docx.problems == ()
    assert sin_docx.lines[0].where == "SIN form.docx, paragraph 1"
    assert texts(sin_docx) == [
        "Serious Incident Notification Form",
        "Please complete all sections.",
        "Police involved: ☒ Yes ☐ No",  # tick characters kept as typed
        "Death of a child: ✓",
        "Female: ☒ Male: ☐",  # Wingdings symbols
        "Signed: Alex Madeup, Designated Safeguarding Lead",
    ]


def test_docx_label_value_table(sin_docx: DocumentText) -> None:
    table = sin_docx.tables[0]
    assert table.where == "SIN form.docx, table 1"
    assert table.rows[:2] == (("Child's name", "Robin Invented"), ("D.O.B.", "12/03/2015"))


def test_docx_content_control_checkboxes_render_their_state(sin_docx: DocumentText) -> None:
    # The controls show stale glyphs; their w14:checked state is what counts.
    assert sin_docx.tables[0].rows[2] == ("Serious harm", "☒ Yes ☐ No")


def test_docx_legacy_form_checkbox(sin_docx: DocumentText) -> None:
    assert sin_docx.tables[0].rows[3] == ("Abuse or neglect suspected", "☒ Suspected")


def test_docx_placeholder_text_is_not_a_value(sin_docx: DocumentText) -> None:
    assert sin_docx.tables[0].rows[4] == ("Notes", "")


def test_docx_merged_cells_repeat(sin_docx: DocumentText) -> None:
    assert sin_docx.tables[1].rows == (
        ("Agency involvement",) * 3,
        ("Police", "Yes", "X"),
    )


def test_a_border_nudged_in_one_row_moves_no_value_to_the_next_label() -> None:
    """Word keeps a 3-twip column where one row's border was dragged; counted as a column,
    each chronology row's date would repeat into it and stand as the contact type."""
    chronology = [("01/12/2026", "A&E", "Dr Invented", "Attended", "Discharged")]
    plain = forms_docx.appendix_b_docx("Tameside Hospital", chronology)
    nudged = read_attachment("B.docx", build.DOCX_TYPE, forms_docx.nudged_border(plain, 1))

    assert nudged.tables == read_attachment("B.docx", "", plain).tables
    assert nudged.tables[1].rows[-2:] == (
        ("Date", "Contact type", "Practitioner", "Event", "Outcome"),
        ("01/12/2026", "A&E", "Dr Invented", "Attended", "Discharged"),
    )
    row = extract([nudged], load_vocabulary(packaged("forms"))).chronology[0]
    assert (row.raw_date, row.contact) == ("01/12/2026", "A&E")


def test_a_row_starting_further_right_keeps_its_values_under_their_labels() -> None:
    """A row with Word's gridBefore starts in the second column: its first value is a
    contact type, not a date."""
    document = docx.Document()
    table = document.add_table(rows=2, cols=3)
    for cell, text in zip(table.rows[0].cells, ("Date", "Contact type", "Outcome"), strict=True):
        cell.text = text
    table.cell(1, 1).text, table.cell(1, 2).text = "A&E", "Discharged"
    tr = table.rows[1]._tr
    tr.remove(tr.tc_lst[0])
    tr.get_or_add_trPr().append(parse_xml(f'<w:gridBefore {build.W_NS} w:val="1"/>'))
    buffer = io.BytesIO()
    document.save(buffer)

    doc = read_attachment("B.docx", build.DOCX_TYPE, buffer.getvalue())
    assert doc.tables[0].rows == (("Date", "Contact type", "Outcome"), ("", "A&E", "Discharged"))


def test_docx_named_doc_is_read_by_content() -> None:
    doc = read_attachment("form.doc", "application/msword", build.simple_docx("Hello"))
    assert texts(doc) == ["Hello"] and doc.problems == ()


def test_encrypted_docx_is_flagged() -> None:
    problem = only_problem(read_attachment("SIN.docx", build.DOCX_TYPE, build.encrypted_docx()))
    assert problem == (
        "SIN.docx: password-protected, cannot be read; please ask for an unprotected copy"
    )


def test_docm_text_is_read_and_macros_flagged() -> None:
    doc = read_attachment("SIN.docm", "application/octet-stream", build.docm("Child: R.I."))
    assert texts(doc) == ["Child: R.I."]
    assert doc.problems == (
        "SIN.docm: macro-enabled Word file (.docm): text read, macros not run; "
        "please ask for a plain .docx next time",
    )


def test_corrupt_zip_is_flagged() -> None:
    problem = only_problem(read_attachment("SIN.docx", build.DOCX_TYPE, build.corrupt_docx()))
    assert problem.startswith("SIN.docx: damaged")


def test_broken_document_xml_is_flagged() -> None:
    problem = only_problem(read_attachment("SIN.docx", "", build.broken_xml_docx()))
    assert problem.startswith("SIN.docx: damaged")


def test_docx_entity_naming_a_file_is_not_read_into_the_text(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("CONTENT OF A SERVER FILE")
    doc = read_attachment("SIN.docx", build.DOCX_TYPE, build.external_entity_docx(secret.as_uri()))
    assert all("SERVER FILE" not in text for text in texts(doc)), texts(doc)


def test_zip_bomb_is_refused_quickly_without_inflating() -> None:
    bomb = build.zip_bomb_docx(200)
    assert len(bomb) < 500_000
    started = time.perf_counter()
    problem = only_problem(read_attachment("SIN.docx", build.DOCX_TYPE, bomb))
    assert time.perf_counter() - started < 1.0
    assert "expands past the 50,000,000-byte limit" in problem


def test_zip_bomb_that_lies_about_its_size_is_stopped_while_streaming() -> None:
    liar = build.zip_bomb_docx(200, declared=1000)
    started = time.perf_counter()
    problem = only_problem(read_attachment("SIN.docx", build.DOCX_TYPE, liar))
    assert time.perf_counter() - started < 1.0
    assert problem.startswith("SIN.docx: ")
    assert "damaged" in problem or "expands past" in problem


def test_document_over_a_configured_limit_is_refused() -> None:
    small = Limits(max_expanded_bytes=10_000)
    problem = only_problem(read_attachment("a.docx", "", build.simple_docx("x"), limits=small))
    assert "expands past the 10,000-byte limit" in problem


def test_zero_byte_attachment_is_flagged() -> None:
    problem = only_problem(read_attachment("SIN.docx", build.DOCX_TYPE, b""))
    assert problem == "SIN.docx: empty file (0 bytes); please ask for it to be re-sent"


def test_a_damaged_old_word_doc_is_flagged_for_manual_entry() -> None:
    # Only the FIB's first fields are real: its piece table lies past the table stream.
    problem = only_problem(read_attachment("SIN.doc", "application/msword", build.word97_doc()))
    assert problem == (
        "SIN.doc: damaged old Word file (.doc), not read; "
        "please re-send as .docx or PDF, or enter it by hand"
    )


def test_password_protected_old_word_doc_is_flagged() -> None:
    doc = read_attachment("SIN.doc", "", build.word97_doc(encrypted=True))
    assert "password-protected" in only_problem(doc)


# PDF


def test_pdf_text_layer_lines_in_order_with_page_and_line() -> None:
    data = build.text_pdf(["SIN form", "Child: Robin Invented"], ["Incident date: 01/12/2026"])
    doc = read_attachment("form.pdf", "application/octet-stream", data)
    assert doc.problems == ()
    assert [(line.where, line.text) for line in doc.lines] == [
        ("form.pdf, page 1, line 1", "SIN form"),
        ("form.pdf, page 1, line 2", "Child: Robin Invented"),
        ("form.pdf, page 2, line 1", "Incident date: 01/12/2026"),
    ]


def test_scanned_pdf_is_recognised_and_flagged() -> None:
    problem = only_problem(read_attachment("scan.pdf", "application/pdf", build.scanned_pdf()))
    assert problem.startswith("scan.pdf: no text layer (a scanned image)")


def test_encrypted_pdf_is_flagged() -> None:
    problem = only_problem(read_attachment("form.pdf", "application/pdf", build.encrypted_pdf()))
    assert problem == (
        "form.pdf: password-protected, cannot be read; please ask for an unprotected copy"
    )


def test_pdf_protected_only_against_editing_is_read() -> None:
    doc = read_attachment("form.pdf", "", build.encrypted_pdf(user_password=""))
    assert texts(doc) == ["Child: Robin Invented"] and doc.problems == ()


def test_pdf_past_the_page_limit_reads_the_first_pages_and_says_so() -> None:
    data = build.text_pdf(["one"], ["two"], ["three"])
    doc = read_attachment("long.pdf", "", data, limits=Limits(max_pages=2))
    assert texts(doc) == ["one", "two"]
    assert doc.problems == ("long.pdf: has 3 pages; only the first 2 were read",)


def test_damaged_pdf_is_flagged() -> None:
    doc = read_attachment("form.pdf", "application/pdf", b"%PDF-1.7\n garbage")
    assert only_problem(doc).startswith("form.pdf: ")


# RTF, text, other kinds


def test_rtf_lines_and_table() -> None:
    doc = read_attachment("SIN.rtf", "application/rtf", build.form_rtf())
    assert texts(doc) == [
        "Serious Incident Notification",
        "Referrer: Sam Fictional, Health Visitor",
        "Signed: Alex Madeup",
    ]
    assert doc.tables[0].rows == (("Child's name", "Robin Invented"), ("D.O.B.", "12/03/2015"))


@pytest.mark.parametrize(
    ("rows", "flagged"),
    [
        ([(3000, 6000, 9000), (6000, 9000)], True),
        ([(9000,), (3000, 9000), (3000, 9000)], False),
    ],
    ids=["a cell merged across", "a heading across the table"],
)
def test_rtf_rows_of_different_lengths_are_flagged_as_they_cannot_be_lined_up(
    rows: list[tuple[int, ...]], flagged: bool
) -> None:
    """striprtf gives no cell edges: in ("Health visitor and GP", "Referred") under
    ("Agency", "Contact", "Outcome"), "Referred" would stand under "Contact"."""
    texts = iter(["Agency", "Contact", "Outcome", "Health visitor and GP", "Referred", "x", "y"])
    body = b"".join(
        rb"\trowd" + b"".join(rb"\cellx%d" % edge for edge in edges)
        + b"".join(b" " + next(texts).encode() + rb"\cell" for _ in edges) + rb"\row "
        for edges in rows
    )  # fmt: skip
    doc = read_attachment("B.rtf", "application/rtf", rb"{\rtf1\ansi " + body + rb"\pard x\par }")
    problem = (
        "B.rtf: table 1: its merged cells could not be lined up: check which label each "
        "value belongs to by hand"
    )
    assert len(doc.tables[0].rows) == len(rows)
    assert doc.problems == ((problem,) if flagged else ())


def test_rtf_named_doc_is_read() -> None:
    assert read_attachment("SIN.doc", "application/msword", build.form_rtf()).lines


def test_plain_text_attachment() -> None:
    doc = read_attachment("notes.txt", "text/plain", b"Name:\tRobin\r\n\r\nDOB: 1/2/15")
    assert [(line.where, line.text) for line in doc.lines] == [
        ("notes.txt, line 1", "Name: Robin"),
        ("notes.txt, line 3", "DOB: 1/2/15"),
    ]


def test_picture_is_flagged_not_read() -> None:
    doc = read_attachment("photo.jpg", "image/jpeg", b"\xff\xd8\xff\xe0 jpeg")
    assert "a picture" in only_problem(doc)


def test_unknown_binary_is_flagged() -> None:
    doc = read_attachment("thing.bin", "application/octet-stream", bytes(range(32)) * 10)
    assert "unsupported file type" in only_problem(doc)


def test_unexpected_reader_failure_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.adapters.documents import reading
    from bot.adapters.documents.detect import Kind

    def explode(data: bytes, limits: Limits) -> None:
        raise RuntimeError("Robin Invented")  # would-be personal data must not leak

    monkeypatch.setitem(reading._READERS, Kind.PDF, explode)
    problem = only_problem(read_attachment("form.pdf", "", build.text_pdf(["x"])))
    assert problem == "form.pdf: could not be read (RuntimeError)"


@pytest.mark.parametrize("seed", range(20))
def test_random_and_mangled_bytes_never_raise(seed: int) -> None:
    rng = random.Random(seed)
    sources = [build.sin_form_docx(), build.text_pdf(["x"]), build.form_rtf(), build.word97_doc()]
    data = bytearray(sources[seed % len(sources)])
    for _ in range(rng.randint(1, 40)):
        data[rng.randrange(len(data))] = rng.randrange(256)
    for name in ("a.docx", "a.pdf", "a.rtf", "a.doc", "winmail.dat", "a"):
        doc = read_attachment(name, "", bytes(data))
        assert isinstance(doc, DocumentText)


# winmail.dat


def test_winmail_dat_carrying_a_docx_is_opened() -> None:
    data = build.winmail_dat("See form.", [("SIN.docx", build.simple_docx("Child: R.I."))])
    msg = MailMessage(
        "m1", "SIN", "a@nhs.net", "", attachments=(
            AttachmentInfo("winmail.dat", "application/ms-tnef", len(data), data),
        ),
    )  # fmt: skip
    docs = read_message(msg)
    assert [d.source for d in docs] == [
        "email body",
        "winmail.dat: email body",
        "winmail.dat: SIN.docx",
    ]
    assert texts(docs[1]) == ["See form."]
    assert docs[2].lines[0].where == "winmail.dat: SIN.docx, paragraph 1"
    assert texts(docs[2]) == ["Child: R.I."]
    assert all(d.problems == () for d in docs)


def test_damaged_winmail_dat_is_flagged() -> None:
    doc = read_attachment("winmail.dat", "application/ms-tnef", b"\x78\x9f\x3e\x22\x01")
    assert only_problem(doc).startswith("winmail.dat: ")


# Messages


def test_html_body_kept_as_lines_and_tables() -> None:
    body = read_message(parse_message(build.html_email()))[0]
    assert body.source == "email body"
    assert texts(body)[:3] == ["Dear TSCP,", "Form pasted below.", "Child's name Robin Invented"]
    assert body.lines[0].where == "email body, line 1"
    assert body.tables[0].where == "email body, table 1"
    assert body.tables[0].rows == (
        ("Child's name", "Robin Invented"),
        ("Date of birth", "12/03/2015"),
    )


def test_html_only_message_without_derived_text_still_gives_lines() -> None:
    msg = MailMessage("m1", "s", "a@b", "", html="<p>Child: R.I.</p><p>DOB: 1/2/15</p>")
    assert texts(read_message(msg)[0]) == ["Child: R.I.", "DOB: 1/2/15"]


def test_forwarded_message_with_docx_is_opened_and_sender_recorded() -> None:
    raw = build.forwarded_email(("SIN.docx", build.simple_docx("Child: R.I."), build.DOCX_TYPE))
    docs = read_message(parse_message(raw))
    inner = "forwarded message from sam.fictional@nhs.net: "
    assert [d.source for d in docs] == ["email body", inner + "email body", inner + "SIN.docx"]
    assert texts(docs[0]) == ["Forwarding the notification below."]  # not the inner body too
    assert texts(docs[1]) == ["Please see the SIN form attached."]
    assert texts(docs[2]) == ["Child: R.I."]  # once, though mail-parser also lists it outside
    assert [d.original_sender for d in docs] == [None, *["sam.fictional@nhs.net"] * 2]


def test_forwarding_nested_past_the_depth_limit_is_flagged() -> None:
    raw = build.forwarded_email(("SIN.docx", build.simple_docx("x"), build.DOCX_TYPE))
    docs = read_message(parse_message(raw), limits=Limits(max_attachment_depth=0))
    name = docs[1].source  # mail-parser's own name for the message/rfc822 part
    assert docs[1].problems == (
        f"{name}: forwarded email nested too deeply to open; please open it by hand",
    )
    # mail-parser also lists the inner attachment among the outer parts: it is still read.
    assert [d.source for d in docs[2:]] == ["SIN.docx"] and texts(docs[2]) == ["x"]


def test_unparseable_forwarded_message_is_flagged() -> None:
    def refuse(raw: bytes) -> MailMessage:
        raise ParseError("no header fields")

    att = AttachmentInfo("fwd.eml", "message/rfc822", 3, b"???")
    docs = read_message(MailMessage("m1", "s", "a@b", "", attachments=(att,)), parse=refuse)
    assert docs[1].problems == (
        "fwd.eml: damaged forwarded email; please ask for it to be re-sent",
    )


def test_too_large_attachment_is_reported_not_read() -> None:
    att = AttachmentInfo("SIN.pdf", "application/pdf", 12_000_000, b"", too_large=True)
    docs = read_message(MailMessage("m1", "s", "a@b", "", text="Hi", attachments=(att,)))
    assert texts(docs[0]) == ["Hi"]
    assert docs[1].problems[0].startswith("SIN.pdf: too large to read (12,000,000 bytes")


def test_one_bad_attachment_does_not_stop_the_others() -> None:
    good = build.simple_docx("Child: R.I.")
    msg = MailMessage(
        "m1", "s", "a@b", "", text="Forms attached",
        attachments=(
            AttachmentInfo("empty.docx", build.DOCX_TYPE, 0, b""),
            AttachmentInfo("bomb.docx", build.DOCX_TYPE, 1, build.zip_bomb_docx(200)),
            AttachmentInfo("SIN.docx", build.DOCX_TYPE, len(good), good),
        ),
    )  # fmt: skip
    docs = read_message(msg)
    assert [d.source for d in docs] == ["email body", "empty.docx", "bomb.docx", "SIN.docx"]
    assert texts(docs[3]) == ["Child: R.I."]


def test_read_attachment_flattens_a_forwarded_message() -> None:
    raw = build.forwarded_email(("SIN.docx", build.simple_docx("Child: R.I."), build.DOCX_TYPE))
    inner_raw = parse_message(raw).attachments[0].payload
    doc = read_attachment("fwd.eml", "message/rfc822", inner_raw)
    assert doc.original_sender == "sam.fictional@nhs.net"
    assert "Child: R.I." in texts(doc)


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.eml")), ids=lambda p: p.stem)
def test_corpus_messages_read_without_failures(path: Path) -> None:
    docs = read_message(parse_message(path.read_bytes()))
    assert docs[0].source == "email body"
    assert not any("could not be read" in p for d in docs for p in d.problems)


def test_typical_documents_read_quickly() -> None:
    docx_data = build.sin_form_docx()
    pdf_data = build.text_pdf([f"Line {n}" for n in range(30)])
    for name, data in (("a.docx", docx_data), ("a.pdf", pdf_data)):
        read_attachment(name, "", data)  # warm imports
        started = time.perf_counter()
        doc = read_attachment(name, "", data)
        assert time.perf_counter() - started < 0.5, name  # generous for busy CI; bench says more
        assert doc.problems == ()


def test_results_are_frozen() -> None:
    doc = read_attachment("a.txt", "text/plain", b"x")
    with pytest.raises(AttributeError):
        doc.source = "y"  # type: ignore[misc]
    assert replace(doc, source="y").source == "y"

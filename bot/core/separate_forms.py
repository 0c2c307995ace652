"""Two SIN forms in one email: one notification read, never two merged into one.

The form engine reads a message's documents (its body and attachments) as one form: a second
SIN form for another incident would become the case's second child, and its incident date and
description "given twice, differently". Guidance is one notification per incident, so when the
documents, each read alone, hold SIN forms naming different children or incidents, only the
first is read; the others are named (`Extraction.separate`), and the plan tells a person to
send them on one by one (bot.core.plan_forms). The same form twice (a .docx and its PDF) names
the same child and incident and is read as before.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from bot.core.doctext import DocumentText
from bot.core.form_identity import compare, recorded_of
from bot.core.forms import Extraction, extract
from bot.core.vocabulary import Vocabulary


def one_notification(
    found: Extraction,
    documents: Sequence[DocumentText],
    vocabulary: Vocabulary,
    expected: str | None = None,
) -> Extraction:
    """`found` (the documents read as one form), or, when they hold SIN forms of more than one
    notification, the first form alone with the documents of all of them named."""
    # Two notifications read as one always leave a second child or a value given twice
    # (in doubt): only then is each document read again on its own.
    if found.form != "sin" or len(documents) < 2:
        return found
    if len(found.children) < 2 and not found.doubtful:
        return found
    forms = [(doc, extract([doc], vocabulary, "sin")) for doc in documents]
    forms = [(doc, form) for doc, form in forms if form.form == "sin"]
    if len(forms) < 2:
        return found
    (first_doc, first), rest = forms[0], forms[1:]
    held = recorded_of(first)
    others = [doc for doc, form in rest if compare(held, form).differs]
    if not others:
        return found
    kept = [doc for doc in documents if all(doc is not other for other in others)]
    alone = extract(kept, vocabulary, expected)
    return replace(alone, separate=(first_doc.source, *(doc.source for doc in others)))

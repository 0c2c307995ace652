"""What the plan needs to know of a form: which, blank or completed, and the case it names.

"Completed" means every field forms/*.toml marks `required` was read and none of them is in
doubt: a form filled in so far that a person would act on it without asking the sender.

A form in a document that could not be read at all (too big, damaged, password-protected) is
not "complete" either: `expecting` says which of the expected form's fields are therefore
missing, so the case, the acknowledgement and the digest ask for them.
"""

from __future__ import annotations

from dataclasses import replace

from bot.core.case_refs import find_case_refs
from bot.core.forms import Extraction
from bot.core.snapshot import FormSummary
from bot.core.vocabulary import Vocabulary


def summarise(form: Extraction | None, vocabulary: Vocabulary, prefix: str) -> FormSummary | None:
    if form is None:
        return None
    blank = form.form is None and any("blank template" in f for f in form.flags)
    return FormSummary(
        form=form.form,
        blank=blank,
        complete=not blank and is_complete(form, vocabulary),
        case_ref=named_case(form, prefix),
        unread=unread_forms(form),
    )


# A form comes in these; a signature (.p7s), a photo or a logo that could not be read is not
# a form unseen, and putting every signed email on the triage list would bury the rest.
_FORM_EXTENSIONS = (".docx", ".docm", ".doc", ".dotx", ".pdf", ".rtf", ".odt", ".txt")


def unread_forms(form: Extraction) -> tuple[str, ...]:
    """The reader's words for each document of a kind a form comes in that it could not read
    at all (damaged, password-protected, too deeply nested)."""
    sources = [s for s in form.unread if s.lower().rstrip().endswith(_FORM_EXTENSIONS)]
    said = [next((f for f in form.flags if f.startswith(f"{s}: ")), s) for s in sources]
    return tuple(dict.fromkeys(said))


def required_fields(vocabulary: Vocabulary, form: str) -> frozenset[str]:
    spec = vocabulary.forms.get(form)
    if spec is None:
        return frozenset()
    return frozenset(f.name for f in (*spec.fields, *spec.child_fields) if f.required)


def expecting(form: Extraction, vocabulary: Vocabulary, expected: str) -> Extraction:
    """`form`, read as the `expected` form ("sin", "appendix_b"): when no form was recognised
    (none was sent, or a document could not be read), every required field of it is missing."""
    if form.form is not None:
        return form
    spec = vocabulary.forms.get(expected)
    if spec is None:
        return form
    names = [f.name for f in (*spec.fields, *spec.child_fields) if f.required]
    return replace(form, missing=tuple(dict.fromkeys((*form.missing, *names))))


def unreadable(form: Extraction) -> bool:
    """No form was recognised, and a document it may have been in could not be read."""
    return form.form is None and bool(form.unread)


def is_complete(form: Extraction, vocabulary: Vocabulary) -> bool:
    if form.form is None or form.missing:
        return False
    required = required_fields(vocabulary, form.form)
    # A later child's doubt is named "child 2: date_of_birth"; it is the same field.
    doubtful = {name.rpartition(": ")[2] for name in form.doubtful}
    return bool(required) and not doubtful & required


def named_case(form: Extraction, prefix: str) -> str | None:
    """The case reference written in a recognised form's own reference field."""
    field = form.fields.get("case_reference")
    if form.form is None or field is None or not isinstance(field.value, str):
        return None
    refs = find_case_refs(field.value, prefix)
    return refs[0] if refs else None

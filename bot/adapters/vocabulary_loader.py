"""Read the form vocabulary from a directory of TOML files, one form per file (forms/*.toml)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from bot.core.vocabulary import FormVocabulary, Vocabulary, VocabularyError, vocabulary_from_dict


def load_form_file(path: Path) -> FormVocabulary:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise VocabularyError(f"{path.name}: not valid TOML: {exc}") from None
    except OSError as exc:
        raise VocabularyError(f"{path.name}: cannot be read: {exc.strerror}") from None
    return vocabulary_from_dict(data, path.name)


def load_vocabulary(directory: Path) -> Vocabulary:
    """Every form in `directory`, in file-name order. Raises VocabularyError naming the file."""
    if not directory.is_dir():
        raise VocabularyError(f"{directory}: expected a directory of form vocabulary files")
    forms: dict[str, FormVocabulary] = {}
    seen: dict[str, str] = {}
    for path in sorted(directory.glob("*.toml")):
        form = load_form_file(path)
        if form.name in seen:
            raise VocabularyError(
                f"{path.name}: name: {form.name!r} is already used by {seen[form.name]}"
            )
        seen[form.name] = path.name
        forms[form.name] = form
    if not forms:
        raise VocabularyError(f"{directory}: no form vocabulary files (*.toml) found")
    return Vocabulary(forms)

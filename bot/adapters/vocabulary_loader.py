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


def load_vocabulary(directory: Path, *, installed: Path | None = None) -> Vocabulary:
    """Every form in `directory`, in file-name order. Raises VocabularyError naming the file.

    `installed`: the folder of forms the bot reads; a copy must have a file for each, as a
    form with no file would be read without its labels (a SIN's without la_aware_date)."""
    if not directory.is_dir():
        raise VocabularyError(f"{directory}: expected a directory of form vocabulary files")
    if installed is not None:
        _refuse_missing(directory, installed)
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


def _refuse_missing(directory: Path, installed: Path) -> None:
    have = {p.name for p in directory.glob("*.toml")}
    missing = sorted(p.name for p in installed.glob("*.toml") if p.name not in have)
    if missing:
        raise VocabularyError(
            f"{', '.join(missing)}: missing, and the bot reads this form; copy it from {installed}"
        )

"""Secrets named by environment variables (password_env, client_secret_env), needed only when
a connection is made.

Reading the configuration notes a secret whose variable is not set instead of refusing it, so
the commands that only read the database (`cases`, `case`, `triage list`, `classify`,
`calendar`, `status`) work in a shell that has no mail passwords. Whatever is about to connect
calls `Config.require_secrets()` first, which refuses in one line naming each variable.

A certificate's private key file (`certificate_path`) is treated the same way: under systemd it
is handed only to the service (LoadCredential), so a shell cannot read it, and a command that
never asks Microsoft for a token has no use for it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

# How environment variables are named by convention: upper-case letters, digits and _.
CONVENTIONAL_NAME = re.compile(r"[A-Z_][A-Z0-9_]*")


class SecretsEnviron(Mapping[str, str]):
    """The environment as the configuration reads it, noting the secrets it lacks."""

    def __init__(self, environ: Mapping[str, str]) -> None:
        self.environ = environ
        self.missing: dict[str, str] = {}  # where in the config -> the variable's name
        self.unreadable: dict[str, str] = {}  # where in the config -> why its file is unread

    def problems(self) -> tuple[tuple[str, str], ...]:
        """(where in the config, what is wrong) for each secret not at hand."""
        unset = {where: not_set(where, name) for where, name in self.missing.items()}
        return tuple({**unset, **self.unreadable}.items())

    def __getitem__(self, name: str) -> str:
        return self.environ[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.environ)

    def __len__(self) -> int:
        return len(self.environ)


def not_set(where: str, name: str) -> str:
    """That the variable `name` is not set, naming it only when it looks like a variable name
    (MY_PASSWORD): anything else is most likely the password itself, pasted where its name
    belongs, and must not reach the journal."""
    if CONVENTIONAL_NAME.fullmatch(name):
        return f"environment variable {name} is not set"
    return (
        f"the environment variable named in {where.rsplit('.', 1)[-1]} is not set (the name is "
        "not shown because it does not look like a variable name; did you paste the password "
        "itself?)"
    )


def is_empty(where: str, name: str) -> str:
    """That the variable `name` is set but empty, named as `not_set` names it."""
    return not_set(where, name).replace(" is not set", " is empty", 1)


def missing_message(missing: tuple[tuple[str, str], ...]) -> str:
    return "; ".join(f"{where}: {problem}" for where, problem in missing)

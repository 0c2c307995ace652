"""Secrets named by environment variables (password_env, client_secret_env), needed only when
a connection is made.

Reading the configuration notes a secret whose variable is not set instead of refusing it, so
the commands that only read the database (`cases`, `case`, `triage list`, `classify`,
`calendar`, `status`) work in a shell that has no mail passwords. Whatever is about to connect
calls `Config.require_secrets()` first, which refuses in one line naming each variable.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping


class SecretsEnviron(Mapping[str, str]):
    """The environment as the configuration reads it, noting the secrets it lacks."""

    def __init__(self, environ: Mapping[str, str]) -> None:
        self.environ = environ
        self.missing: dict[str, str] = {}  # where in the config -> the variable's name

    def __getitem__(self, name: str) -> str:
        return self.environ[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.environ)

    def __len__(self) -> int:
        return len(self.environ)


def missing_message(missing: tuple[tuple[str, str], ...]) -> str:
    return "; ".join(f"{where}: environment variable {name} is not set" for where, name in missing)

"""One line of `tscp-bot doctor`'s answer, and the exit code the lines add up to."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Status = Literal["ok", "warn", "FAIL"]
# Why a check that needs the database was skipped, when it does not answer at all.
UNREACHED = "the database cannot be reached"


@dataclass(frozen=True)
class Check:
    status: Status
    what: str
    detail: str

    @property
    def line(self) -> str:
        return f"{self.status} {self.what}: {self.detail}"

    def as_dict(self) -> dict[str, str]:
        return {"status": self.status, "check": self.what, "detail": self.detail}


def exit_code(checks: list[Check]) -> int:
    return 1 if any(c.status == "FAIL" for c in checks) else 0

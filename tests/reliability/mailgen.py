"""A seeded generator of realistic inbound mail; invented people only.

Every message carries a unique token, in its Message-ID and in its text, so a harness can
find each one again in the database and in the mailbox folders whatever happened to it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from functools import cache

from bot.adapters.db.raw import BLOB_IO_FROM
from tests.fixtures.forms_docx import DOCX, sin_docx

KINDS = ("plain", "sin", "sin_form", "reply", "auto_reply", "plain_attachment", "large_attachment")
# About one message in 40 is over a megabyte: stored and read back in pieces (blob I/O on
# SQLite, COPY on PostgreSQL), so a kill can land in the middle of one.
_WEIGHTS = (12, 8, 4, 8, 4, 4, 1)

# Invented people at the configured agencies' domains (config.example.toml).
_PEOPLE = (
    ("Robin Example", "robin.example@gmp.police.uk"),
    ("Sam Placeholder", "sam.placeholder@nhs.net"),
    ("Alex Fictional", "alex.fictional@tameside.gov.uk"),
    ("Jo Madeup", "jo.madeup@nwas.nhs.uk"),
    ("Casey Invented", "casey.invented@gmp.police.uk"),
)
_INITIALS = ("A.B.", "C.D.", "E.F.", "Q.Z.", "X.Y.")
_PLAIN_SUBJECTS = (
    "Meeting room for Thursday",
    "Training dates for the new year",
    "Question about the partnership newsletter",
    "Change of contact details",
)
_BASE_DATE = datetime(2026, 12, 23, 8, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Generated:
    token: str  # unique; in the Message-ID and the text
    kind: str
    raw: bytes

    @property
    def opens_case(self) -> bool:
        return self.kind in ("sin", "sin_form")


@cache
def _form() -> bytes:
    return sin_docx()


class MailGenerator:
    """generate(n) gives n messages; the same seed gives the same messages."""

    def __init__(self, seed: int, prefix: str = "rel") -> None:
        self.rng = random.Random(seed)
        self.prefix = f"{prefix}{seed}"
        self.count = 0
        self._sent: list[Generated] = []

    def generate(self, n: int) -> list[Generated]:
        return [self.one() for _ in range(n)]

    def one(self, kind: str | None = None) -> Generated:
        kind = kind or self.rng.choices(KINDS, _WEIGHTS)[0]
        self.count += 1
        token = f"{self.prefix}-{self.count:05d}-{kind.replace('_', '')}"
        msg = getattr(self, f"_{kind}")(token)
        made = Generated(token, kind, msg.as_bytes())
        self._sent.append(made)
        return made

    def _base(self, token: str, subject: str, body: str) -> EmailMessage:
        name, address = self.rng.choice(_PEOPLE)
        msg = EmailMessage()
        msg["From"] = f"{name} (invented) <{address}>"
        msg["To"] = "TSCP@tameside.gov.uk"
        msg["Subject"] = subject
        when = _BASE_DATE + timedelta(minutes=self.count)
        msg["Date"] = format_datetime(when)
        msg["Message-ID"] = f"<{token}@{address.partition('@')[2]}>"
        msg.set_content(f"{body}\n\nReference for the test harness: {token}\n")
        return msg

    def _plain(self, token: str) -> EmailMessage:
        return self._base(token, self.rng.choice(_PLAIN_SUBJECTS), "Hello, a quick question.")

    def _plain_attachment(self, token: str) -> EmailMessage:
        msg = self._plain(token)
        data = bytes(self.rng.randrange(256) for _ in range(self.rng.randrange(200, 2000)))
        msg.add_attachment(data, maintype="application", subtype="pdf", filename="notes.pdf")
        return msg

    def _large_attachment(self, token: str) -> EmailMessage:
        msg = self._plain(token)
        data = self.rng.randbytes(BLOB_IO_FROM + 100_000)  # past the line, whatever the encoding
        msg.add_attachment(data, maintype="application", subtype="pdf", filename="scan.pdf")
        return msg

    def _sin(self, token: str) -> EmailMessage:
        body = (
            "Please find the Serious Incident Notification (GM SIN form) for the Screening "
            f"Panel.\nChild initials: {self.rng.choice(_INITIALS)} Date the local authority "
            "became aware: 22/12/2026.\nCriteria: child seriously harmed, abuse or neglect "
            "suspected."
        )
        return self._base(token, "Serious Incident Notification - GM SIN form", body)

    def _sin_form(self, token: str) -> EmailMessage:
        msg = self._base(token, "GM SIN form attached", "Please see the attached SIN form.")
        msg.add_attachment(
            _form(), maintype=DOCX.split("/")[0], subtype=DOCX.split("/")[1],
            filename="GM SIN form.docx",
        )  # fmt: skip
        return msg

    def _reply(self, token: str) -> EmailMessage:
        msg = self._base(token, "Re: Meeting room for Thursday", "Thanks, that works for me.")
        earlier = [g for g in self._sent if g.kind != "auto_reply"]
        if earlier:
            parent = self.rng.choice(earlier)
            domain = "example"
            for line in parent.raw.split(b"\n"):
                if line.lower().startswith(b"message-id:"):
                    domain = line.split(b"@")[-1].strip(b" >\r").decode()
            msg["In-Reply-To"] = f"<{parent.token}@{domain}>"
            msg["References"] = msg["In-Reply-To"]
        return msg

    def _auto_reply(self, token: str) -> EmailMessage:
        msg = self._base(
            token,
            "Automatic reply: Screening Panel",
            "I am out of the office until 4 January with no access to email.",
        )
        msg["Auto-Submitted"] = "auto-replied"
        return msg

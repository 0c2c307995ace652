"""Render the subject, plain text and HTML of each outgoing email from Jinja2 templates.

Layout on disk: <directory>/<event>/{subject.txt, body.txt, body.html}. Folders starting with
"_" or "." hold shared pieces (base layouts) and are not events.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from datetime import time as dt_time
from pathlib import Path
from zoneinfo import ZoneInfo

import jinja2
from jinja2 import nodes
from jinja2.bccache import Bucket

PARTS = ("subject.txt", "body.txt", "body.html")
LONDON = ZoneInfo("Europe/London")

# Our own English names rather than strftime("%A"): strftime follows the process locale, and a
# server set up in another language must not send "Dienstag" to a Tameside panel.
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


class _CompiledCache(jinja2.FileSystemBytecodeCache):
    """Compiled templates kept on disk between processes: the digest's templates take a fifth of
    a second to compile, and every command or restarted daemon that renders one paid it again.

    Jinja checks each entry against the template's source, so an edited template is compiled
    afresh. A cache that cannot be written only costs that time; it never stops an email.
    """

    def dump_bytecode(self, bucket: Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def _compiled_cache() -> jinja2.BytecodeCache | None:
    try:
        # Jinja's per-user directory (mode 0700, refused if anyone else owns it). The name says
        # whose entries they are: the code depends on the Environment's options below.
        return _CompiledCache(pattern="tscp-bot-1-%s.cache")
    except (OSError, RuntimeError):
        return None


class TemplateError(Exception):
    """A template is missing or broken; the caller must not treat this as "no mail to send"."""


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


class TemplateRenderer:
    def __init__(self, directory: Path, *, tz: ZoneInfo = LONDON) -> None:
        self._directory = directory
        self._tz = tz
        self._env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(directory),
            undefined=jinja2.StrictUndefined,
            # Escape only the HTML bodies; escaping plain text would show "&amp;" to readers.
            autoescape=jinja2.select_autoescape(enabled_extensions=("html",), default=False),
            trim_blocks=True,
            lstrip_blocks=True,
            bytecode_cache=_compiled_cache(),
        )
        self._env.filters.update(longdate=self.longdate, shortdate=self.shortdate, time=self.time)

    def events(self) -> list[str]:
        if not self._directory.is_dir():
            return []
        return sorted(
            p.name for p in self._directory.iterdir() if p.is_dir() and p.name[0] not in "_."
        )

    def check(self) -> list[str]:
        """One line per template file that is missing or does not compile (syntax only: the
        variables are checked when an email is rendered), naming the file; [] when all load."""
        if not self._directory.is_dir():
            return [f"{self._directory}: expected a directory of email templates"]
        found = []
        for event in self.events():
            for part in PARTS:
                name = f"{event}/{part}"
                if not (self._directory / name).is_file():
                    found.append(f"{name}: missing")
                    continue
                found += self._compile(name)
        for shared in self._shared():
            found += self._compile(shared)
        return found

    def _shared(self) -> list[str]:
        """The shared pieces (base layouts): files starting "_" and files in "_" folders."""
        names = []
        for path in sorted(self._directory.glob("_*")):
            inside = sorted(p for p in path.iterdir() if p.is_file()) if path.is_dir() else [path]
            names += [p.relative_to(self._directory).as_posix() for p in inside]
        return names

    def _compile(self, name: str) -> list[str]:
        try:
            self._env.get_template(name)
        except jinja2.TemplateSyntaxError as exc:
            return [f"{exc.name or name} line {exc.lineno}: {exc.message}"]
        except jinja2.TemplateError as exc:
            return [f"{name}: {exc}"]
        except UnicodeDecodeError:
            # Saved in another encoding (Windows-1252 from an old editor): said, not a crash.
            return [f"{name}: not UTF-8; save it as UTF-8"]
        return []

    def parsed(self, name: str) -> nodes.Template:
        """The syntax tree of one template file, for checks that read every branch."""
        assert self._env.loader is not None
        source, filename, _ = self._env.loader.get_source(self._env, name)
        return self._env.parse(source, name, filename)

    def known_names(self) -> list[str]:
        """Names every template may use that no email's fields give (range, namespace...)."""
        return list(self._env.globals)

    def try_render(self, event: str, context: Mapping[str, object]) -> list[str]:
        """One line per part of `event` that fails to render with `context`, naming the file
        and what failed (a field the context does not have); [] when all render."""
        found = []
        for part in PARTS:
            name = f"{event}/{part}"
            try:
                self._env.get_template(name).render(context)
            except jinja2.UndefinedError as exc:
                found.append(f"{name}: {exc}, and the bot gives this email no such field")
            except jinja2.TemplateError as exc:
                found.append(f"{name}: {exc}")
            except UnicodeDecodeError:
                found.append(f"{name}: not UTF-8 (it or a shared piece it uses)")
            except (TypeError, ValueError, ArithmeticError, LookupError) as exc:
                found.append(f"{name}: {type(exc).__name__}: {exc}")
        return found

    def render(self, event: str, context: Mapping[str, object]) -> RenderedEmail:
        subject = self._render(event, "subject.txt", context)
        return RenderedEmail(
            subject=_one_line(event, subject),
            text=self._render(event, "body.txt", context),
            html=self._render(event, "body.html", context),
        )

    def _render(self, event: str, part: str, context: Mapping[str, object]) -> str:
        name = f"{event}/{part}"
        try:
            return self._env.get_template(name).render(context)
        except jinja2.TemplateNotFound as exc:
            # The event's folder is looked for only now, not before every part of every
            # email: a file system call each that said nothing new.
            if not (self._directory / event).is_dir():
                raise TemplateError(
                    f"no templates for event {event!r} in {self._directory}"
                ) from exc
            raise TemplateError(f"event {event!r}: template {exc.name} not found") from exc
        except UnicodeDecodeError as exc:
            raise TemplateError(f"event {event!r}: {name}: not UTF-8") from exc
        except jinja2.TemplateError as exc:
            # Undefined variables (StrictUndefined) and syntax errors land here; naming the file
            # lets whoever edits the templates find the problem from the log line alone.
            raise TemplateError(f"event {event!r}: {name}: {exc}") from exc

    def _local(self, value: date) -> date:
        # Stored times are UTC; readers expect UK wall-clock time. Naive values are left alone.
        if isinstance(value, datetime) and value.tzinfo is not None:
            return value.astimezone(self._tz)
        return value

    def longdate(self, value: date) -> str:
        """Tuesday 29 December 2026"""
        d = self._local(value)
        return f"{DAYS[d.weekday()]} {d.day} {MONTHS[d.month - 1]} {d.year}"

    def shortdate(self, value: date) -> str:
        """Tue 29 Dec 2026"""
        d = self._local(value)
        return f"{DAYS[d.weekday()][:3]} {d.day} {MONTHS[d.month - 1][:3]} {d.year}"

    def time(self, value: datetime | dt_time) -> str:
        """10:00 (24-hour clock)"""
        d = self._local(value) if isinstance(value, datetime) else value
        if not isinstance(d, datetime | dt_time):
            raise TypeError(f"time filter needs a datetime or time, not {type(value).__name__}")
        return f"{d.hour:02d}:{d.minute:02d}"


def _one_line(event: str, subject: str) -> str:
    stripped = subject.strip()
    # A newline inside a subject would be a header injection risk and means the template is
    # wrong, so refuse instead of silently gluing lines together.
    if "\n" in stripped or "\r" in stripped:
        raise TemplateError(f"event {event!r}: subject.txt renders to more than one line")
    return re.sub(r"\s+", " ", stripped)

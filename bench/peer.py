"""The peer: django-helpdesk's `get_email` on the same Dovecot mailbox, for the same backlog.

Installed at run time into a throwaway virtualenv under the runner's temporary folder (never
committed, gone when the run ends): `pip install django-helpdesk`, a minimal Django project
(SQLite, one IMAP queue pointing at the account the bot would read, the stock e-mail
templates so it acknowledges each new ticket through aiosmtpd as it does in service). Each run
starts from a copy of a migrated database, and `manage.py get_email` is timed as a black box,
like `tscp-bot run --once`. Any failure makes the table say "peer unavailable", with why.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from bench.harness import Servers, run_measured

SETTINGS = """\
from pathlib import Path
HERE = Path(__file__).resolve().parent
SECRET_KEY = "bench-only"
DEBUG = False
ALLOWED_HOSTS = ["*"]
USE_TZ = True
TIME_ZONE = "Europe/London"
SITE_ID = 1
INSTALLED_APPS = [
    "django.contrib.admin", "django.contrib.auth", "django.contrib.contenttypes",
    "django.contrib.sessions", "django.contrib.messages", "django.contrib.sites",
    "django.contrib.humanize", "rest_framework", "helpdesk",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
HELPDESK_TEAMS_MODE_ENABLED = False  # teams need pinax-teams, which a plain install lacks
ROOT_URLCONF = "peer_urls"
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True,
              "OPTIONS": {"context_processors": ["django.contrib.auth.context_processors.auth",
                                                 "django.contrib.messages.context_processors.messages",
                                                 "django.template.context_processors.request"]}}]
DATABASES = {
    "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(HERE / "peer.sqlite3")}
}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
MEDIA_ROOT = str(HERE / "media")
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = "{smtp_host}"
EMAIL_PORT = {smtp_port}
DEFAULT_FROM_EMAIL = "tscp@tameside.gov.uk"
LOGGING = {"version": 1, "disable_existing_loggers": True}
"""

URLS = """\
from django.urls import include, path
urlpatterns = [path("helpdesk/", include("helpdesk.urls", namespace="helpdesk"))]
"""

QUEUE = """\
from helpdesk.models import Queue
Queue.objects.all().delete()
Queue.objects.create(
    title="TSCP", slug="tscp", email_address="tscp@tameside.gov.uk",
    allow_email_submission=True, email_box_type="imap", email_box_host="{host}",
    email_box_port={port}, email_box_ssl=False, email_box_user="{user}",
    email_box_pass="{password}", email_box_imap_folder="INBOX", email_box_interval=0,
)
"""

COUNT = "from helpdesk.models import Ticket; print(Ticket.objects.count())"


class Peer:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.python = str(folder / "venv" / "bin" / "python")
        self.project = folder / "project"

    @classmethod
    def prepare(cls, work: Path, say: Callable[[str], None]) -> tuple[Peer | None, str]:
        """(the peer, "") when it installed and migrated, else (None, why not)."""
        peer = cls(work / "peer")
        try:
            say("peer: installing django-helpdesk into a throwaway virtualenv")
            peer._install()
            return peer, ""
        except (OSError, subprocess.CalledProcessError, RuntimeError) as exc:
            detail = getattr(exc, "stderr", "") or ""
            return None, f"{type(exc).__name__}: {exc} {str(detail)[-300:]}".strip()

    def _install(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [sys.executable, "-m", "venv", str(self.folder / "venv")],
            check=True,
            capture_output=True,
            text=True,
        )
        subprocess.run(
            [self.python, "-m", "pip", "install", "-q", "django-helpdesk"],
            check=True,
            capture_output=True,
            text=True,
            timeout=600,
        )
        version = subprocess.run(
            [self.python, "-m", "pip", "show", "django-helpdesk"], capture_output=True, text=True
        ).stdout
        self.version = next(
            (v.split()[-1] for v in version.splitlines() if v.startswith("Version")), "?"
        )

    def _manage(self, *args: str) -> subprocess.CompletedProcess[str]:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "peer_settings",
            "PYTHONPATH": str(self.project),
        }
        return subprocess.run(
            [self.python, "-m", "django", *args],
            env=env,
            cwd=self.project,
            capture_output=True,
            text=True,
            timeout=3600,
        )

    def _checked(self, *args: str) -> None:
        done = self._manage(*args)
        if done.returncode != 0:
            raise RuntimeError(f"django {' '.join(args)}: {done.stderr.strip()[-400:]}")

    def _template_db(self, srv: Servers) -> Path:
        """Migrated once per run of the runner; each measure starts from a copy."""
        template = self.folder / "migrated.sqlite3"
        if template.exists():
            return template
        self.project.mkdir(exist_ok=True)
        (self.project / "peer_settings.py").write_text(
            SETTINGS.replace("{smtp_host}", srv.smtp.host).replace(
                "{smtp_port}", str(srv.smtp.port)
            )
        )
        (self.project / "peer_urls.py").write_text(URLS)
        self._checked("migrate", "--noinput")
        self._checked("loaddata", "emailtemplate")  # the stock acknowledgement wording
        shutil.copy(self.project / "peer.sqlite3", template)
        return template

    def run(self, srv: Servers, count: int) -> tuple[float, float, str]:
        """Seconds for `get_email` to take in the inbox (fails loudly if it took fewer), and
        what it did: tickets opened, messages it sent through aiosmtpd."""
        shutil.copy(self._template_db(srv), self.project / "peer.sqlite3")
        d = srv.dovecot
        self._checked(
            "shell", "-c", QUEUE.format(host=d.host, port=d.port, user=d.user, password=d.password)
        )
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "peer_settings",
            "PYTHONPATH": str(self.project),
        }
        sent_before = len(srv.smtp.messages)
        done = run_measured([self.python, "-m", "django", "get_email", "--quiet"], env)
        if done.code != 0:
            raise RuntimeError(f"get_email exited {done.code}: {done.stderr.strip()[-300:]}")
        left = len(d.list_uids())
        if left:
            raise RuntimeError(f"get_email left {left} of {count} messages in the inbox")
        # The last line: Django's shell may first say what it imported automatically.
        tickets = (self._manage("shell", "-c", COUNT).stdout.strip().splitlines() or ["?"])[-1]
        sent = len(srv.smtp.messages) - sent_before
        return (
            done.seconds,
            done.cpu_seconds,
            f"tickets {tickets}, sent {sent}, peak RSS {done.max_rss_mb:.0f} MB",
        )

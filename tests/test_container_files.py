"""What the image build depends on, checked without Docker (scripts/container-smoke builds and
runs the image where an engine is available): every file the Dockerfile copies gets past
.dockerignore, and the builder's setuptools comes out of the development lock with its hashes."""

from __future__ import annotations

import fnmatch
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCKERFILE = (ROOT / "Dockerfile").read_text()


def _sent_to_docker(path: str) -> bool:
    """Docker's rule: the last .dockerignore pattern matching the path (or a parent) wins."""
    sent = True
    for line in (ROOT / ".dockerignore").read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        negate, pattern = line.startswith("!"), line.lstrip("!").rstrip("/")
        parts = path.split("/")
        prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
        if any(fnmatch.fnmatchcase(p, pattern.replace("**/", "*/")) for p in prefixes):
            sent = negate
    return sent


def test_every_file_the_dockerfile_copies_reaches_the_build() -> None:
    copied = []
    for line in DOCKERFILE.splitlines():
        if line.startswith("COPY ") and "--from=" not in line:
            copied += line.split()[1:-1]
    assert "requirements.lock" in copied and "bot" in copied
    for source in copied:
        assert (ROOT / source).exists(), source
        files = [source] if (ROOT / source).is_file() else [
            str(p.relative_to(ROOT)) for p in (ROOT / source).rglob("*") if p.is_file()
            and "__pycache__" not in p.parts
        ]  # fmt: skip
        blocked = [f for f in files if not _sent_to_docker(f)]
        assert blocked == [], f".dockerignore keeps {blocked[:3]} out of the build"
    assert not _sent_to_docker(".venv/bin/python")
    assert not _sent_to_docker("var/demo/tscp-bot.sqlite3")


def test_the_builder_takes_setuptools_from_the_development_lock_with_hashes() -> None:
    command = re.search(r"sed -n '([^']+)' requirements-dev\.lock", DOCKERFILE)
    assert command is not None
    block = subprocess.run(
        ["sed", "-n", command.group(1), str(ROOT / "requirements-dev.lock")],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    pins = [line for line in block.splitlines() if re.match(r"^[A-Za-z]", line)]
    assert len(pins) == 1 and pins[0].startswith("setuptools=="), block
    assert "--hash=sha256:" in block

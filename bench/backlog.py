"""Backlog throughput and memory: the same generated mailbox read by a bare imapclient fetch
loop, by `tscp-bot run --once` (a subprocess, black box) and by the peer, interleaved."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from imapclient import IMAPClient

from bench import harness
from bench.harness import Bot, Finished, Servers

BATCH = 200  # UIDs per FETCH in the batched loop


def fetch_loop(srv: Servers, batch: int | None) -> float:
    """Seconds for login, SELECT, SEARCH and BODY.PEEK[] of every message: one FETCH per
    message (batch None) or per `batch` UIDs. The floor any IMAP reader stands on."""
    dovecot = srv.dovecot
    started = time.perf_counter()
    with IMAPClient(dovecot.host, port=dovecot.port, ssl=False, timeout=60) as client:
        client.login(dovecot.user, dovecot.password)
        client.select_folder("INBOX", readonly=True)
        uids = sorted(client.search("ALL"))
        size = batch or 1
        for start in range(0, len(uids), size):
            chunk = uids[start : start + size]
            data = client.fetch(chunk, ["BODY.PEEK[]"])
            assert len(data) == len(chunk), "the fetch loop lost messages"
    return time.perf_counter() - started


@dataclass
class Series:
    """Every repetition of one measure: seconds per run, peak RSS, what the bot said."""

    seconds: list[float] = field(default_factory=list)
    rss_mb: list[float] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)

    def rate(self, count: int) -> float | None:
        return count / statistics.median(self.seconds) if self.seconds else None

    def cpu_rate(self, count: int) -> float | None:
        return count / statistics.median(self.cpu) if self.cpu else None

    def peak(self) -> float | None:
        return max(self.rss_mb) if self.rss_mb else None


def bot_once(srv: Servers, messages: Sequence[bytes], pg: str | None) -> Finished:
    """`run --once` over `messages` in a fresh inbox and a fresh database; init not timed."""
    harness.fill_inbox(srv.dovecot, messages)
    with harness.fresh_database(srv.work, pg) as url:
        bot = Bot(srv, url)
        bot.init()
        return bot.run("run", "--once", "--json")


def _record(series: Series, done: Finished, count: int) -> None:
    series.seconds.append(done.seconds)
    series.rss_mb.append(done.max_rss_mb)
    series.cpu.append(done.cpu_seconds)
    summary = done.json()
    processed = summary.get("processed")
    if processed != count or done.code != 0:
        errors = summary.get("step_errors") or summary.get("mailbox_errors") or done.stderr[-200:]
        series.notes.append(f"exit {done.code}, processed {processed} of {count}: {errors}")
    else:
        keys = ("stored", "processed", "released", "waiting_for_a_person", "left_in_inbox", "sent")
        series.notes.append(", ".join(f"{k} {summary.get(k)}" for k in keys))


@dataclass
class BacklogResult:
    count: int
    fetch_each: list[float] = field(default_factory=list)
    fetch_batched: list[float] = field(default_factory=list)
    runs: dict[str, Series] = field(default_factory=dict)
    peer: dict[str, Series] = field(default_factory=dict)  # by mailbox: plain, 30% SINs
    peer_error: str = ""


# (seconds to take in `count` messages, its CPU seconds, what it did)
PeerRun = Callable[[Servers, int], tuple[float, float, str]]


def throughput(
    srv: Servers,
    count: int,
    repeats: int,
    pg: str | None,
    peer: PeerRun | None,
    say: Callable[[str], None],
) -> BacklogResult:
    """Interleave every reader per repetition, so machine load hits them alike."""
    plain, sins = harness.backlog(count), harness.backlog(count, 0.3)
    result = BacklogResult(count)
    kinds: dict[str, tuple[list[bytes], str | None]] = {
        "plain, SQLite": (plain, None),
        "30% SINs, SQLite": (sins, None),
    }
    if pg:
        kinds["plain, PostgreSQL"] = (plain, pg)
    for rep in range(repeats):
        say(f"backlog repetition {rep + 1}/{repeats}: fetch loops")
        harness.fill_inbox(srv.dovecot, plain)
        result.fetch_each.append(fetch_loop(srv, None))
        result.fetch_batched.append(fetch_loop(srv, BATCH))
        for name, (messages, database) in kinds.items():
            say(f"backlog repetition {rep + 1}/{repeats}: tscp-bot, {name}")
            done = bot_once(srv, messages, database)
            _record(result.runs.setdefault(name, Series()), done, count)
            if peer is not None and database is None:
                say(f"backlog repetition {rep + 1}/{repeats}: peer, {name}")
                harness.fill_inbox(srv.dovecot, messages)
                try:
                    seconds, cpu, note = peer(srv, len(messages))
                except Exception as exc:  # reported in the table, never faked
                    result.peer_error, peer = f"{type(exc).__name__}: {exc}"[:300], None
                    continue
                peer_series = result.peer.setdefault(name, Series())
                peer_series.seconds.append(seconds)
                peer_series.cpu.append(cpu)
                peer_series.notes.append(note)
    return result


def memory(
    srv: Servers,
    sizes: Sequence[int],
    big_mb: int,
    say: Callable[[str], None],
    pg: str | None = None,
) -> dict[str, Finished]:
    """Peak RSS of one `run --once` per backlog size, and over one message of big_mb MB; with
    `pg`, the largest backlog and the large message again on PostgreSQL, whose driver holds a
    message's bytes in its own buffers as well."""
    found: dict[str, Finished] = {}
    for size in sizes:
        say(f"memory: run --once over {size:,} messages")
        found[f"{size:,} messages"] = bot_once(srv, harness.backlog(size), None)
    say(f"memory: run --once over one {big_mb} MB attachment")
    found[f"one {big_mb} MB attachment"] = bot_once(srv, harness.big_attachment(big_mb), None)
    if pg is not None:
        say(f"memory: the same on PostgreSQL, {max(sizes):,} messages and the attachment")
        found[f"{max(sizes):,} messages, PostgreSQL"] = bot_once(
            srv, harness.backlog(max(sizes)), pg
        )
        found[f"one {big_mb} MB attachment, PostgreSQL"] = bot_once(
            srv, harness.big_attachment(big_mb), pg
        )
    return found

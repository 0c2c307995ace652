"""What processing a backlog costs the database, counted (never timed), on SQLite and
PostgreSQL: a batch of plain mail takes a fixed handful of statements per message, not one
more query each, and storing a batch of new mail a handful whatever its size; a SIN form's
fields go in as one statement per part (the form's, each child's); savepoints are sent as
plain statements, not compiled afresh for every message."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event, func, select
from sqlalchemy.sql.elements import ClauseElement

from bot.adapters.db.models import (
    Case,
    CaseCounter,
    CaseEvent,
    CaseField,
    Deadline,
    Meeting,
    OutboxMessage,
    StoredMessage,
)
from bot.adapters.maildir_source import MaildirSource
from bot.app import App
from bot.services.ingest import ingest_pass
from bot.services.outbox import send_all
from bot.services.process import process_many
from bot.services.store import store_raw
from tests.fixtures.app import AppFactory
from tests.fixtures.forms_docx import sin_docx
from tests.fixtures.mail import drop_into_maildir, email
from tests.reliability.mailgen import MailGenerator

# Per message: the savepoint, writing its outcome (one UPDATE), releasing the savepoint.
PLAIN_STATEMENTS = 3
# Storing a batch's new mail, whatever its size: a savepoint, the rows (one INSERT), their
# bytes (one), its release. Storing each message in a savepoint of its own was four a message.
STORE_STATEMENTS = 4
# Per pass, over and above storing and processing: the mailbox state (read, held, written
# back), the look-ups of stuck and held messages, the junk folder's look (one more on
# PostgreSQL), the reading process's record (read once, bot.services.reading).
PASS_STATEMENTS = 16
# Per batch: the claim (an UPDATE, and a SELECT that loads the rows), one query for reused
# Message-IDs, one for the raw bytes of a run of small messages (kept in their own table,
# so listing and updating rows never loads them), and on PostgreSQL the digest's barrier
# (bot.adapters.db.digest_barrier).
BATCH_STATEMENTS = 5
# Per batch, in a transaction of its own committed before it is processed: the mark that its
# processing began, so that a message whose processing kills the bot is told apart
# (bot.services.begun).
BEGUN_STATEMENTS = 1
# The first pass on a fresh database only: the mailbox's row is made during it, so the reading
# process's record is looked for again at its end (bot.services.reading.record_reading).
FIRST_PASS_STATEMENTS = 1


def _store(app: App, raws: list[bytes]) -> list[int]:
    with app.sessions() as session:
        ids = [
            store_raw(session, raw, f"key-{i}", app.clock.now()).id for i, raw in enumerate(raws)
        ]
        session.commit()
    return ids


@contextmanager
def _counting(app: App) -> Iterator[list[object]]:
    """Every statement the engine sends while inside, as SQLAlchemy was asked to run it."""
    seen: list[object] = []

    def executed(_conn: object, clause: object, *_: object) -> None:
        seen.append(clause)

    event.listen(app.engine, "before_execute", executed)
    try:
        yield seen
    finally:
        event.remove(app.engine, "before_execute", executed)


@contextmanager
def _sent_with_params(app: App) -> Iterator[list[tuple[str, Any]]]:
    """Every statement sent to the driver while inside, with its parameters (to EXPLAIN it)."""
    seen: list[tuple[str, Any]] = []

    def executed(_c: object, _cur: object, statement: str, params: Any, *_: object) -> None:
        seen.append((statement, params))

    event.listen(app.engine, "before_cursor_execute", executed)
    try:
        yield seen
    finally:
        event.remove(app.engine, "before_cursor_execute", executed)


@contextmanager
def _counting_cursor(app: App) -> Iterator[list[str]]:
    seen: list[str] = []

    def executed(_c: object, _cur: object, statement: str, *_: object) -> None:
        seen.append(statement)

    event.listen(app.engine, "before_cursor_execute", executed)
    try:
        yield seen
    finally:
        event.remove(app.engine, "before_cursor_execute", executed)


def test_a_batch_of_plain_mail_costs_a_fixed_number_of_statements_per_message(
    make_app: AppFactory,
) -> None:
    app, _ = make_app()
    gen = MailGenerator(seed=3, prefix="cost")
    ids = _store(app, [gen.one("plain").raw for _ in range(30)])
    with _counting_cursor(app) as statements:
        done = process_many(app, ids)
    assert all(done.values()) and len(done) == 30
    assert len(statements) <= PLAIN_STATEMENTS * 30 + BATCH_STATEMENTS
    with app.sessions() as s:
        processed = s.scalar(select(func.count()).where(StoredMessage.status == "processed"))
    assert processed == 30


def test_a_pass_stores_a_batch_of_new_mail_in_a_fixed_number_of_statements(
    make_app: AppFactory, tmp_path: Path
) -> None:
    """Storing a batch of new mail takes a handful of statements, not four a message; its
    processing, a savepoint each, is as before."""
    app, _ = make_app()
    gen = MailGenerator(seed=5, prefix="cost")
    drop_into_maildir(tmp_path / "inbox", *(gen.one("plain").raw for _ in range(30)))
    with _counting_cursor(app) as statements:
        report = ingest_pass(app, MaildirSource(tmp_path / "inbox"))
    assert (report.stored, report.processed) == (30, 30)
    per_batch = BEGUN_STATEMENTS + BATCH_STATEMENTS
    first = PASS_STATEMENTS + FIRST_PASS_STATEMENTS
    most = STORE_STATEMENTS + PLAIN_STATEMENTS * 30 + per_batch + first
    assert len(statements) <= most
    with app.sessions() as s:
        stored = s.scalars(select(StoredMessage).order_by(StoredMessage.id)).all()
        raws = [row.raw for row in stored]
    assert len({row.sha256 for row in stored}) == 30
    digests = [hashlib.sha256(raw).hexdigest() for raw in raws]
    assert digests == [row.sha256 for row in stored]
    # A later pass, the mailbox's row there from its start, has no first pass's extra look.
    drop_into_maildir(tmp_path / "inbox", *(gen.one("plain").raw for _ in range(30)))
    with _counting_cursor(app) as statements:
        report = ingest_pass(app, MaildirSource(tmp_path / "inbox"))
    assert (report.stored, report.processed) == (30, 30)
    assert len(statements) <= most - FIRST_PASS_STATEMENTS


def test_a_reused_message_id_is_still_flagged_when_asked_once_for_the_batch(
    make_app: AppFactory,
) -> None:
    app, _ = make_app()
    gen = MailGenerator(seed=4, prefix="cost")
    first, other = gen.one("plain").raw, gen.one("plain").raw
    # The same Message-ID on different bytes: a second, different message reusing the id.
    header = next(line for line in first.split(b"\n") if line.lower().startswith(b"message-id:"))
    theirs = next(line for line in other.split(b"\n") if line.lower().startswith(b"message-id:"))
    reusing = other.replace(theirs, header)
    ids = _store(app, [first, other, reusing])
    process_many(app, ids)
    with app.sessions() as s:
        flags = {row.id: row.flags for row in s.scalars(select(StoredMessage))}
    assert "message_id_reused" not in flags[ids[0]]
    assert "message_id_reused" not in flags[ids[1]]
    assert "message_id_reused" in flags[ids[2]]


def test_a_new_cases_form_fields_are_written_in_one_statement(make_app: AppFactory) -> None:
    app, _ = make_app()
    gen = MailGenerator(seed=5, prefix="cost")
    ids = _store(app, [gen.one("sin_form").raw])
    with _counting_cursor(app) as statements:
        process_many(app, ids)
    with app.sessions() as s:
        case = s.scalars(select(Case)).one()
        scopes = list(s.scalars(select(CaseField.scope).where(CaseField.case_id == case.id)))
    assert len(scopes) >= 5  # the form was read: its fields are on the case
    inserts = [q for q in statements if q.startswith("INSERT INTO case_fields")]
    assert len(set(scopes)) >= 2  # the form's own fields and each child's
    assert len(inserts) == 1  # all of them, every scope, in one executemany


def test_savepoints_are_not_compiled_per_message(make_app: AppFactory) -> None:
    app, _ = make_app()
    gen = MailGenerator(seed=6, prefix="cost")
    ids = _store(app, [gen.one("plain").raw for _ in range(5)])
    with _counting(app) as clauses, _counting_cursor(app) as statements:
        process_many(app, ids)
    assert sum(q.startswith("SAVEPOINT") for q in statements) == 5
    compiled = [c for c in clauses if isinstance(c, ClauseElement)]
    assert not [c for c in compiled if "Savepoint" in type(c).__name__]


def test_another_agency_s_sin_about_the_same_child_is_looked_up_once_by_the_index(
    make_app: AppFactory,
) -> None:
    """The resend check's look for an open case about the same child (bot.services.repeats
    .same_child) is one query per new SIN, however many open cases share the date of birth."""
    app, _ = make_app()
    domains = ("gmp.police.uk", "nhs.net", "tameside.gov.uk")
    senders = [f"referrer.{n}@{domains[n % 3]}" for n in range(6)]  # no referrer twice
    raws = [
        email(
            "GM SIN form attached",
            f"Please find the notification form attached. From agency {n}.",
            sender=sender,
            message_id=f"<child-{n}@test>",
            attachment=("SIN form.docx", sin_docx()),
        )
        for n, sender in enumerate(senders)
    ]
    ids = _store(app, raws)
    with _sent_with_params(app) as sent:
        process_many(app, ids)
    looked = [(statement, params) for statement, params in sent if "'date_of_birth'" in statement]
    assert len(looked) == len(ids)
    with app.sessions() as s:
        flagged = s.scalars(select(StoredMessage.id).where(StoredMessage.needs_triage))
        assert sorted(flagged) == ids[1:]  # each after the first may repeat an open case
    if app.engine.dialect.name == "sqlite":
        statement, params = looked[-1]
        with app.engine.connect() as connection:
            plan = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", params)
            assert "USING INDEX ix_case_fields_child_dates" in str(plan.fetchall())


def _case_replies(app: App, subjects: Sequence[str]) -> tuple[list[str], list[int]]:
    """A SIN opens TSCP-2026-0001; then one reply on it per subject, answering the SIN. The
    statements the replies cost, and their stored ids."""
    sin = email(
        "Serious Incident Notification - GM SIN form",
        "Please find the SIN for the Screening Panel. Child initials: A.B. Date the local "
        "authority became aware: 22/12/2026. Criteria: child seriously harmed.",
        sender="referrer.one@gmp.police.uk",
        message_id="<sin-1@gmp.police.uk>",
    )
    process_many(app, _store(app, [sin]))
    replies = [
        email(
            subject,
            "I can attend.",
            sender="dsp.tameside@gmp.police.uk",
            message_id=f"<reply-{n}@gmp.police.uk>",
            headers={"In-Reply-To": "<sin-1@gmp.police.uk>"},
        )
        for n, subject in enumerate(subjects)
    ]
    ids = _store(app, replies)
    with _counting_cursor(app) as statements:
        process_many(app, ids)
    return statements, ids


def _asks_subjects(statement: str) -> bool:
    return re.match(r"SELECT (outbox|messages)\.subject\s+FROM", statement) is not None


def test_the_words_a_case_reply_adds_to_its_subject_are_looked_up_in_one_statement(
    make_app: AppFactory,
) -> None:
    """The subjects of the email a reply answers, sent or stored, come in one statement, and
    asking does not write the reply's case in an UPDATE of its own ahead of its outcome's."""
    app, _ = make_app()
    statements, ids = _case_replies(
        app, ["RE: [TSCP-2026-0001] Serious Incident Notification - mother arrested"]
    )
    assert len([q for q in statements if _asks_subjects(q)]) == 1
    filing = [q for q in statements if q.startswith("UPDATE messages") and "case_id=" in q]
    assert len(filing) == 1 and "status=" in filing[0]  # its case written with its outcome
    with app.sessions() as s:
        row = s.get(StoredMessage, ids[0])
        assert row is not None and row.case is not None and row.case.ref == "TSCP-2026-0001"
        news = s.scalars(select(CaseEvent.detail).where(CaseEvent.what == "new_on_case"))
        assert any("Subject: mother arrested" in (d or "") for d in news)


def test_a_case_reply_whose_subject_is_only_its_reference_asks_for_no_subjects(
    make_app: AppFactory,
) -> None:
    app, _ = make_app()
    statements, _ = _case_replies(app, ["RE: [TSCP-2026-0001]", "Re: FW: [TSCP-2026-0001]"])
    assert not [q for q in statements if _asks_subjects(q)]


def test_an_acknowledgement_s_send_time_check_reads_its_case_in_one_statement(
    make_app: AppFactory,
) -> None:
    """Each acknowledgement and invitation is looked at again as it goes (bot.core
    .stated_acks): its case, the case's deadlines and its screening meeting come in one
    statement, not three, for every one sent."""
    app, _ = make_app()
    sin = email(
        "Serious Incident Notification - GM SIN form",
        "Please find the SIN for the Screening Panel. Child initials: A.B. Date the local "
        "authority became aware: 22/12/2026. Criteria: child seriously harmed.",
        sender="referrer.one@gmp.police.uk",
        message_id="<sin-1@gmp.police.uk>",
    )
    process_many(app, _store(app, [sin]))
    with _counting_cursor(app) as statements:
        report = send_all(app, app.open_sender())
    assert report.sent == 2 and report.held == 0  # the acknowledgement and the invitation
    asked = [q for q in statements if re.match(r"SELECT (cases|deadlines|meetings)\.", q)]
    assert len(asked) == 2
    assert all("JOIN deadlines" in q and "JOIN meetings" in q for q in asked)


def _three_sins(app: App) -> None:
    sins = [
        email(
            "Serious Incident Notification - GM SIN form",
            "Please find the SIN for the Screening Panel. Child initials: A.B. Date the local "
            "authority became aware: 22/12/2026. Criteria: child seriously harmed.",
            sender=f"referrer.{n}@gmp.police.uk",
            message_id=f"<sin-{n}@gmp.police.uk>",
        )
        for n in range(3)
    ]
    process_many(app, _store(app, sins))


# Per email sent: its claim, which reads the row back (UPDATE ... RETURNING); for an
# acknowledgement or invitation, its case; the claim renewed with the attempt's start (one
# UPDATE, committed before sending); the outcome. On either database: PostgreSQL's clock is
# read by the claim and the renewal themselves (it was two statements more, one before
# each), SQLite's is this process's own.
SEND_STATEMENTS = 4
# Per drain: the newest row when it began, the ids due, and the newest again at the end of
# the walk (nothing queued by the sending, so no second walk).
DRAIN_STATEMENTS = 3


def test_an_email_sent_costs_a_fixed_handful_of_statements(make_app: AppFactory) -> None:
    app, _ = make_app()
    _three_sins(app)
    with _counting_cursor(app) as statements:
        report = send_all(app, app.open_sender())
    assert report.sent == 6 and report.held == 0  # each case's acknowledgement and invitation
    assert len(statements) == DRAIN_STATEMENTS + report.sent * SEND_STATEMENTS
    assert not [q for q in statements if "clock_timestamp" in q and q.startswith("SELECT")]


def test_sending_builds_no_statement_afresh_for_each_email(make_app: AppFactory) -> None:
    """Each email sent is claimed, its claim renewed for the attempt and, for an
    acknowledgement or invitation, its case read: the same statements for every email, built
    once, not built and compiled again per email."""
    app, _ = make_app()
    _three_sins(app)
    with _counting(app) as clauses:
        report = send_all(app, app.open_sender())
    assert report.sent == 6 and report.held == 0  # each case's acknowledgement and invitation
    built = {id(c): c for c in clauses if isinstance(c, ClauseElement)}
    # One statement object for each statement sent, however many emails sent it.
    assert len(built) == len({str(c) for c in built.values()})


def test_an_acknowledgement_s_send_time_check_loads_no_case_object(make_app: AppFactory) -> None:
    """What an acknowledgement or invitation says is checked against a few of its case's
    values as it goes: read as values, not as the ORM's case with each of its deadlines and
    its meeting made into objects, for every one sent."""
    app, _ = make_app()
    _three_sins(app)
    loaded: list[object] = []

    def load(target: object, _context: object) -> None:
        loaded.append(target)

    for model in (Case, Deadline, Meeting):
        event.listen(model, "load", load)
    try:
        report = send_all(app, app.open_sender())
    finally:
        for model in (Case, Deadline, Meeting):
            event.remove(model, "load", load)
    assert report.sent == 6 and report.held == 0  # each case's acknowledgement and invitation
    assert loaded == []


def test_an_email_sent_is_recorded_by_a_statement_built_once(make_app: AppFactory) -> None:
    """The claim, the attempt's start and the outcome of an email sent are each written by a
    statement built once, with the row told the values: the unit of work is not asked to
    look over the row and build its UPDATE for every email."""
    app, _ = make_app()
    _three_sins(app)
    flushes: list[object] = []

    def flushed(session: object, _context: object) -> None:
        flushes.append(session)

    event.listen(app.sessions, "after_flush", flushed)
    try:
        report = send_all(app, app.open_sender())
    finally:
        event.remove(app.sessions, "after_flush", flushed)
    assert report.sent == 6 and report.held == 0
    assert flushes == []
    with app.sessions() as session:
        rows = session.scalars(select(OutboxMessage)).all()
    assert {(r.status, r.last_error, r.claimed_until, r.attempt_started_at) for r in rows} == {
        ("sent", None, None, None)
    }
    assert {r.sent_at for r in rows} == {app.clock.now()}


def test_a_claimed_row_is_made_from_its_claim_s_values_not_loaded_by_a_query(
    make_app: AppFactory,
) -> None:
    """The claim's UPDATE returns the row's values, made into the session's row as they are,
    without setting up an ORM load for every email; the row is then the session's as a
    loaded one would be: what the outbox records on it is written."""
    app, _ = make_app()
    _three_sins(app)
    loaded: list[object] = []

    def load(target: object, _context: object) -> None:
        loaded.append(target)

    event.listen(OutboxMessage, "load", load)
    try:
        report = send_all(app, app.open_sender())
    finally:
        event.remove(OutboxMessage, "load", load)
    assert report.sent == 6 and loaded == []
    with app.sessions() as session:
        rows = session.scalars(select(OutboxMessage)).all()
    assert {(r.status, r.claimed_until) for r in rows} == {("sent", None)}


def test_the_repeat_check_builds_its_statements_once_for_every_sin(
    make_app: AppFactory,
) -> None:
    """Each new SIN asks for its referrer's open cases, and for the first messages of those
    whose child's initials it cannot compare: the same two statements for every SIN, not
    built again for each. Each SIN sent again is still flagged."""
    app, _ = make_app()
    words = (
        "Please find the SIN for the Screening Panel. Date the local authority became aware: "
        "22/12/2026. Criteria: child seriously harmed."
    )
    sins = [
        email(
            "Serious Incident Notification - GM SIN form",
            words,
            sender="referrer.one@gmp.police.uk",
            message_id=f"<sin-{n}@gmp.police.uk>",
        )
        for n in range(4)
    ]
    process_many(app, _store(app, sins[:1]))
    with _counting(app) as clauses:
        for sin in sins[1:]:
            process_many(app, _store(app, [sin]))
    asked = {
        id(c): c
        for c in clauses
        if isinstance(c, ClauseElement)
        and re.search(r"cases\.referrer_email = |min\(messages\.id\)", str(c))
    }
    assert len({str(c) for c in asked.values()}) == 2
    assert len(asked) == 2
    with app.sessions() as session:
        cases = session.scalar(select(func.count()).select_from(Case))
        flagged = session.scalars(
            select(CaseEvent.case_id).where(CaseEvent.what == "possible_repeat")
        ).all()
    assert cases == 4 and len(set(flagged)) == 3  # each SIN after the first


def test_a_new_case_s_rows_are_written_by_statements_built_once(make_app: AppFactory) -> None:
    """Each SIN's new case writes its deadlines, form fields, events and emails with one INSERT
    each: the same four statement objects for every SIN, not built (and their cache keys
    worked out) again for each case. Every case still has its rows."""
    app, _ = make_app()
    gen = MailGenerator(seed=8, prefix="cost")
    ids = _store(app, [gen.one("sin_form").raw for _ in range(3)])
    with _counting(app) as clauses:
        process_many(app, ids)
    inserts = {
        id(c): c
        for c in clauses
        if isinstance(c, ClauseElement)
        and re.match(r"INSERT INTO (deadlines|case_fields|case_events|outbox)", str(c))
    }
    assert len({str(c) for c in inserts.values()}) == 4
    assert len(inserts) == 4
    with app.sessions() as s:
        cases = s.scalars(select(Case.id)).all()
        events = s.scalars(select(CaseEvent.case_id)).all()
        fields = s.scalars(select(CaseField.case_id)).all()
    assert len(cases) == 3 and set(events) == set(fields) == set(cases)


def test_a_new_case_s_deadlines_are_written_in_one_statement(make_app: AppFactory) -> None:
    """A SIN's new case has two deadlines (the Screening Panel's and the panel's notification);
    they are written together with one executemany, not each by the unit of work with its own
    INSERT ... RETURNING (SQLite gives no order to a multi-row RETURNING). Every column as
    before: the dates, the explanation, and the defaults of the columns left unset."""
    app, _ = make_app()
    gen = MailGenerator(seed=10, prefix="cost")
    ids = _store(app, [gen.one("sin_form").raw for _ in range(3)])
    with _counting_cursor(app) as statements:
        process_many(app, ids)
    assert len([q for q in statements if q.startswith("INSERT INTO deadlines")]) == 3
    with app.sessions() as s:
        rows = s.scalars(select(Deadline).order_by(Deadline.id)).all()
        cases = s.scalars(select(Case.id).order_by(Case.id)).all()
    assert [r.case_id for r in rows] == [c for c in cases for _ in range(2)]
    assert [r.name for r in rows[:2]] == ["screening_meeting", "panel_notification"]
    assert all(r.start <= r.due and r.explanation for r in rows)
    assert {(r.state, r.met_at, r.met_on, r.first_due, r.extension) for r in rows} == {
        ("open", None, None, None, None)
    }


def test_the_screening_slot_search_reads_meetings_by_the_start_index(
    make_app: AppFactory,
) -> None:
    """Each new SIN's panel is booked by reading the slots other meetings hold in its window
    (bot.services.screening_booking): by the index of starts, not a scan of every meeting ever
    booked, which would grow with the cases."""
    app, _ = make_app()
    gen = MailGenerator(seed=7, prefix="cost")
    ids = _store(app, [gen.one("sin_form").raw])
    with _sent_with_params(app) as sent:
        process_many(app, ids)
    looked = [(st, params) for st, params in sent if st.startswith("SELECT meetings.start")]
    with app.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Meeting)) == 1  # the panel was booked
    statement, params = looked[-1]
    with app.engine.connect() as connection:
        if app.engine.dialect.name == "sqlite":
            explain = f"EXPLAIN QUERY PLAN {statement}"
        else:  # a handful of rows: without this the planner rightly prefers a scan
            connection.exec_driver_sql("SET enable_seqscan = off")
            explain = f"EXPLAIN {statement}"
        plan = str(connection.exec_driver_sql(explain, params).fetchall())
    assert "ix_meetings_start" in plan


def test_a_new_case_s_reference_is_taken_in_one_statement(make_app: AppFactory) -> None:
    """Each new case's number is added to and read back from the year's counter by one
    UPDATE ... RETURNING (which locks the row as the SELECT ... FOR UPDATE it replaced did),
    not read as an object and written again in the case's flush. The references still run on
    from one another, the first making the year's counter."""
    app, _ = make_app()
    gen = MailGenerator(seed=9, prefix="cost")
    ids = _store(app, [gen.one("sin_form").raw for _ in range(3)])
    with _counting_cursor(app) as statements:
        process_many(app, ids)
    counter = [q for q in statements if "case_counters" in q]
    assert len([q for q in counter if q.startswith("UPDATE")]) == 3
    assert not [q for q in counter if q.startswith("SELECT")]
    with app.sessions() as s:
        refs = sorted(s.scalars(select(Case.ref)))
        last = s.scalar(select(CaseCounter.last_number))
    assert [r.rsplit("-", 1)[1] for r in refs] == ["0001", "0002", "0003"]
    assert last == 3


def _asks_key(statement: str) -> bool:
    return statement.startswith("SELECT outbox.id") and "idempotency_key" in statement


def test_a_new_case_s_invitation_is_queued_without_asking_the_outbox(
    make_app: AppFactory,
) -> None:
    """The invitation of a case the SIN opened is keyed by the case's new reference, so no
    email can have its key yet: the outbox is asked only about the acknowledgement (keyed by
    the message, which `triage retry` may send round again). Each is still queued once."""
    app, _ = make_app()
    gen = MailGenerator(seed=11, prefix="cost")
    ids = _store(app, [gen.one("sin_form").raw for _ in range(3)])
    with _counting_cursor(app) as statements:
        process_many(app, ids)
    assert len([q for q in statements if _asks_key(q)]) == 3  # one a SIN: its acknowledgement
    with app.sessions() as s:
        events = s.scalars(select(OutboxMessage.event).order_by(OutboxMessage.id)).all()
    assert sorted(events) == sorted(["sin_acknowledgement", "screening_invitation"] * 3)

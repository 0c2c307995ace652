"""The tables as the read-only commands read them (`cases`, `case REF`, `status`), in
SQLAlchemy Core without the ORM: importing the ORM and configuring every mapper cost those
commands more than half of their start-up, for queries that only read rows.

Only the columns some reader names are listed, each with the type the model reads it as;
tests/adapters/test_read_tables.py holds every one to the models, so a renamed or retyped
column fails there rather than in a command. A Session runs the same queries.
"""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Date, Float, Integer, String, column, table

from bot.adapters.db.column_types import UtcDateTime

CASES = table(
    "cases",
    column("id", Integer),
    column("ref", String),
    column("kind", String),
    column("status", String),
    column("stage", String),
    column("opened_at", UtcDateTime()),
    column("sin_received_on", Date),
    column("la_aware_on", Date),
    column("aware_source", String),
    column("bm_aware_on", Date),
    column("bm_aware_reason", String),
    column("decision", String),
    column("decided_by", String),
    column("notifiable", Boolean),
    column("notification_sent_on", Date),
    column("rr_report_on", Date),
    column("cspr", Boolean),
    column("planned_publication", Date),
    column("published_on", Date),
)
DEADLINES = table(
    "deadlines",
    column("id", Integer),
    column("case_id", Integer),
    column("name", String),
    column("start", Date),
    column("due", Date),
    column("explanation", String),
    column("assumption", String),
    column("state", String),
    column("met_at", UtcDateTime()),
    column("met_on", Date),
    column("first_due", Date),
    column("extension", String),
)
CASE_EVENTS = table(
    "case_events",
    column("id", Integer),
    column("case_id", Integer),
    column("at", UtcDateTime()),
    column("actor", String),
    column("what", String),
    column("detail", String),
    column("why", String),
)
VOTES = table(
    "votes",
    column("id", Integer),
    column("case_id", Integer),
    column("role", String),
    column("voter", String),
    column("choice", String),
    column("at", UtcDateTime()),
    column("superseded", Boolean),
)
AGENCY_REQUESTS = table(
    "agency_requests",
    column("id", Integer),
    column("case_id", Integer),
    column("agency_key", String),
    column("requested_on", Date),
    column("return_by", Date),
    column("received_at", UtcDateTime()),
)
ACTION_ITEMS = table(
    "action_items",
    column("case_id", Integer),
    column("number", Integer),
    column("text", String),
    column("owner_key", String),
    column("due", Date),
    column("done_at", UtcDateTime()),
)
CASE_FIELDS = table(
    "case_fields",
    column("id", Integer),
    column("case_id", Integer),
    column("scope", String),
    column("name", String),
    column("value", String),
    column("where", String),
    column("confidence", Float),
    column("problem", String),
)
MEETINGS = table(
    "meetings",
    column("id", Integer),
    column("case_id", Integer),
    column("purpose", String),
    column("sequence", Integer),
    column("start", UtcDateTime()),
    column("end", UtcDateTime()),
    column("location", String),
    column("within_deadline", Boolean),
    column("cancelled_at", UtcDateTime()),
)
MEETING_RESPONSES = table(
    "meeting_responses",
    column("id", Integer),
    column("meeting_id", Integer),
    column("attendee", String),
    column("partstat", String),
    column("sequence", Integer),
    column("stale", Boolean),
    column("responded_at", UtcDateTime()),
    column("unauthenticated", String),
)
MESSAGES = table(
    "messages",
    column("id", Integer),
    column("case_id", Integer),
    column("status", String),
    column("received_at", UtcDateTime()),
    column("from_addr", String),
    column("subject", String),
    column("kind", String),
    column("rule", String),
)
OUTBOX = table(
    "outbox",
    column("id", Integer),
    column("idempotency_key", String),
    column("case_id", Integer),
    column("event", String),
    column("recipients", JSON),
    column("subject", String),
    column("status", String),
    column("created_at", UtcDateTime()),
    column("sent_at", UtcDateTime()),
    column("last_error", String),
    column("attempts", Integer),
    column("next_attempt_at", UtcDateTime()),
)
DELIVERY_FAILURES = table(
    "outbox_delivery_failures",
    column("id", Integer),
    column("outbox_id", Integer),
    column("recipient", String),
    column("status", String),
    column("diagnostic", String),
)
JOB_HEALTH = table(
    "job_health",
    column("name", String),
    column("last_started_at", UtcDateTime()),
    column("last_finished_at", UtcDateTime()),
    column("last_ok_at", UtcDateTime()),
    column("last_error", String),
    column("failures", Integer),
    column("failing_since", UtcDateTime()),
)
BOT_INSTANCES = table(
    "bot_instances",
    column("id", String),
    column("host", String),
    column("pid", Integer),
    column("started_at", UtcDateTime()),
    column("last_seen_at", UtcDateTime()),
    column("stopped_at", UtcDateTime()),
)
MAILBOX_STATE = table(
    "mailbox_state",
    column("name", String),
    column("last_success_at", UtcDateTime()),
    column("last_error", String),
    column("junk_error", String),
    column("reading_broken", String),
    column("reading_broken_since", UtcDateTime()),
)
JOB_LEASES = table(
    "job_leases",
    column("name", String),
    column("holder", String),
    column("expires_at", UtcDateTime()),
)

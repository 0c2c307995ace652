"""indexes for the periodic pass and the case list at ten thousand cases

The reminder tick reads outbox keys by case, the digest finds the last digest by event and
time, events by kind and time, open cases by status, and the case list the unmet deadlines in
due order; without these each is a scan of the whole table, on every pass.

Revision ID: 0020
Revises: 0019
"""

from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

INDEXES = (
    ("outbox", "ix_outbox_case_id", ["case_id"]),
    ("outbox", "ix_outbox_event_created", ["event", "created_at"]),
    ("deadlines", "ix_deadlines_met_due", ["met_at", "due"]),
    ("cases", "ix_cases_status_kind", ["status", "kind"]),
    ("cases", "ix_cases_opened_at", ["opened_at"]),
    ("messages", "ix_messages_case_id", ["case_id"]),
    ("case_events", "ix_case_events_what_at", ["what", "at"]),
)


def upgrade() -> None:
    for table, name, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade() -> None:
    for table, name, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)

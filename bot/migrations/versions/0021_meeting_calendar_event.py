"""the Screening Panel's meeting on the mailbox's calendar, on any backend: graph_event_id
becomes calendar_event_id (a Graph event id or an EWS item id); the ids already kept stay.

Revision ID: 0021
Revises: 0020
"""

from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A rename keeps every Graph event id already booked (SQLite: batch mode copies the table).
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.alter_column("graph_event_id", new_column_name="calendar_event_id")


def downgrade() -> None:
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.alter_column("calendar_event_id", new_column_name="graph_event_id")

"""case_events.arrived_at: when the email an event records reached the mailbox, so that the
digest's "New on your cases" shows when a message came, not when the bot read it (the two
differ by the downtime after a stop); NULL for an event that records no email, one recorded
before this revision, or one whose mailbox gave no arrival time

Revision ID: 0034
Revises: 0033
"""

import sqlalchemy as sa
from alembic import op

revision = "0034"
down_revision = "0033"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("case_events") as batch:
        batch.add_column(sa.Column("arrived_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("case_events") as batch:
        batch.drop_column("arrived_at")

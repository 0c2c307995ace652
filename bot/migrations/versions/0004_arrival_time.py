"""arrival time: when a message reached the mailbox, apart from when the bot read it

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("received_source", sa.String(length=20), nullable=True))
    # Rows stored before this release hold the time the bot read them: say so.
    op.execute("UPDATE messages SET fetched_at = received_at, received_source = 'fetch_time'")
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.alter_column(
            "fetched_at", existing_type=sa.DateTime(timezone=True), nullable=False
        )
        batch_op.alter_column("received_source", existing_type=sa.String(length=20), nullable=False)
    with op.batch_alter_table("mailbox_state", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("left_count", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("left_oldest", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("left_before", sa.Date(), nullable=True))
    with op.batch_alter_table("mailbox_state", schema=None) as batch_op:
        batch_op.alter_column("left_count", existing_type=sa.Integer(), server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("mailbox_state", schema=None) as batch_op:
        batch_op.drop_column("left_before")
        batch_op.drop_column("left_oldest")
        batch_op.drop_column("left_count")
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_column("received_source")
        batch_op.drop_column("fetched_at")

"""a backend's own sync state on the mailbox (Graph's delta link); longer message keys

Revision ID: 0017
Revises: 0016
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("mailbox_state", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sync_state", sa.Text(), nullable=True))
    # A Graph message id (~150 characters) and the Internet Message-ID kept beside it.
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.alter_column(
            "source_key",
            existing_type=sa.String(length=200),
            type_=sa.String(length=1000),
            existing_nullable=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.alter_column(
            "source_key",
            existing_type=sa.String(length=1000),
            type_=sa.String(length=200),
            existing_nullable=False,
        )
    with op.batch_alter_table("mailbox_state", schema=None) as batch_op:
        batch_op.drop_column("sync_state")

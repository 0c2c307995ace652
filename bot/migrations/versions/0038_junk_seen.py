"""junk_seen: messages seen in the mailbox's junk folder, never read, so that the Business
Manager is told of each once and the digest lists it until it leaves that folder;
mailbox_state.junk_error and junk_looked_at: why the last look failed (`status`), and when

Revision ID: 0038
Revises: 0037
"""

import sqlalchemy as sa
from alembic import op

revision = "0038"
down_revision = "0037"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "junk_seen",
        sa.Column("key", sa.String(length=1000), nullable=False),
        sa.Column("sender", sa.String(length=320), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("arrived_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    with op.batch_alter_table("mailbox_state") as batch:
        batch.add_column(sa.Column("junk_error", sa.Text(), nullable=True))
        batch.add_column(sa.Column("junk_looked_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("mailbox_state") as batch:
        batch.drop_column("junk_looked_at")
        batch.drop_column("junk_error")
    op.drop_table("junk_seen")

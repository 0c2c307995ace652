"""mailbox_state.reading_broken and reading_broken_since: why the reading process (the child
that parses mail and reads its documents within time and memory limits) does not work for the
instance reading this mailbox, and since when, so that `status` and the digest say that mail
is read without those limits for as long as it is (bot.services.reading)

Revision ID: 0041
Revises: 0040
"""

import sqlalchemy as sa
from alembic import op

revision = "0041"
down_revision = "0040"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("mailbox_state") as batch:
        batch.add_column(sa.Column("reading_broken", sa.Text(), nullable=True))
        batch.add_column(
            sa.Column("reading_broken_since", sa.DateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("mailbox_state") as batch:
        batch.drop_column("reading_broken_since")
        batch.drop_column("reading_broken")

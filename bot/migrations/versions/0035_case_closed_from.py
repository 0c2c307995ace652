"""cases.closed_from: the stage `Close:` found the case at, so that `Reopen:` returns it
there; NULL for a case never closed or closed before this revision (its record then says
which stage it goes back to, bot.core.reopening)

Revision ID: 0035
Revises: 0034
"""

import sqlalchemy as sa
from alembic import op

revision = "0035"
down_revision = "0034"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("closed_from", sa.String(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("closed_from")

"""messages.held_since: when a stored message was first among those whose shared unknown
database error stopped the mail pass (bot.core.database_trouble), so that a hold of their own
making is bounded and they are counted, not left holding up the mail behind them for ever

Revision ID: 0039
Revises: 0038
"""

import sqlalchemy as sa
from alembic import op

revision = "0039"
down_revision = "0038"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("messages") as batch:
        batch.add_column(sa.Column("held_since", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("messages") as batch:
        batch.drop_column("held_since")

"""deadline met_on: the day the event that met a deadline happened

Revision ID: 0006
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Rows met before this column existed keep met_on empty: the day the command was typed is
    # not the day the event happened, and a wrong date is worse than none.
    with op.batch_alter_table("deadlines", schema=None) as batch_op:
        batch_op.add_column(sa.Column("met_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("deadlines", schema=None) as batch_op:
        batch_op.drop_column("met_on")

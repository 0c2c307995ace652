"""meeting_responses.unauthenticated: why nothing vouched for the sender of a mailed calendar
answer (NULL when something did, when authentication is off, for an answer read back from the
mailbox's calendar, and for answers recorded before this revision)

Revision ID: 0028
Revises: 0027
"""

import sqlalchemy as sa
from alembic import op

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("meeting_responses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("unauthenticated", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("meeting_responses", schema=None) as batch_op:
        batch_op.drop_column("unauthenticated")

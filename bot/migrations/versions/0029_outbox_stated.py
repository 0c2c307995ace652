"""outbox.stated: the dates an email to an outside body states, as written (a promised day, the
working days of notice, the day a request says it was sent), looked at again just before it
is sent (bot.core.stated_dates); NULL for every other email and for emails queued before this
revision

Revision ID: 0029
Revises: 0028
"""

import sqlalchemy as sa
from alembic import op

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("stated", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("stated")

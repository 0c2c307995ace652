"""deadlines.first_due and deadlines.extension: a due day agreed later with the complainant
or the National Panel. `due` becomes the agreed day (the chase follows it); `first_due` keeps
the day the rule gave, which the timeliness report still measures against, and `extension`
says with whom and when it was agreed. Both NULL for a clock never extended.

Revision ID: 0037
Revises: 0036
"""

import sqlalchemy as sa
from alembic import op

revision = "0037"
down_revision = "0036"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("deadlines") as batch:
        batch.add_column(sa.Column("first_due", sa.Date(), nullable=True))
        batch.add_column(sa.Column("extension", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("deadlines") as batch:
        batch.drop_column("extension")
        batch.drop_column("first_due")

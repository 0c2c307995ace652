"""calendar_state: which instance counted the open deadlines (its host and configuration file),
so a second instance configured with other closure days leaves them as counted and says so,
instead of the two counting each other's dates back at every turn

Revision ID: 0033
Revises: 0032
"""

import sqlalchemy as sa
from alembic import op

revision = "0033"
down_revision = "0032"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("calendar_state") as batch:
        batch.add_column(
            sa.Column("counted_by", sa.String(length=200), nullable=False, server_default="")
        )
        batch.add_column(
            sa.Column("config_file", sa.String(length=1000), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("calendar_state") as batch:
        batch.drop_column("config_file")
        batch.drop_column("counted_by")

"""calendar_state: the closed days the open deadlines were last counted on, so a closure taken
out of the configuration or a new bank holiday table has every deadline counted again once

Revision ID: 0032
Revises: 0031
"""

import sqlalchemy as sa
from alembic import op

revision = "0032"
down_revision = "0031"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "calendar_state",
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("years", sa.JSON(), nullable=False),
        sa.Column("closed", sa.JSON(), nullable=False),
        sa.Column("local", sa.JSON(), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )


def downgrade() -> None:
    op.drop_table("calendar_state")

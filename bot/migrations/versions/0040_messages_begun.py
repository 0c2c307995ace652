"""messages.begun: processing attempts begun and not finished, written and committed before
each attempt, so that a message whose processing stops the bot itself (a crash, the kernel's
OOM killer, a hang the watchdog ends) is told apart on the next pass and set aside after
`max_attempts`, not read again for ever (bot.services.begun)

Revision ID: 0040
Revises: 0039
"""

import sqlalchemy as sa
from alembic import op

revision = "0040"
down_revision = "0039"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("messages") as batch:
        batch.add_column(sa.Column("begun", sa.Integer(), nullable=False, server_default="0"))
    with op.batch_alter_table("messages") as batch:
        batch.alter_column("begun", existing_type=sa.Integer(), server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("messages") as batch:
        batch.drop_column("begun")

"""message_raw: each incoming email's bytes in a table of their own, keyed by the message

The bytes leave `messages`, so that updating a message's status never rewrites them (SQLite
writes the whole row on every UPDATE) and no query of the rows loads them. Copied by the
database itself, byte for byte, before the column is dropped.

Revision ID: 0026
Revises: 0025
"""

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "message_raw",
        sa.Column("message_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["message_id"], ["messages.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("message_id"),
    )
    op.execute("INSERT INTO message_raw (message_id, data) SELECT id, raw FROM messages")
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_column("raw")


def downgrade() -> None:
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("raw", sa.LargeBinary(), nullable=True))
    op.execute(
        "UPDATE messages SET raw = (SELECT data FROM message_raw"
        " WHERE message_raw.message_id = messages.id)"
    )
    op.drop_table("message_raw")

"""form fields and chronology

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_fields",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=120), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("where", sa.Text(), nullable=False),
        sa.Column("confidence", sa.Double(), nullable=False),
        sa.Column("problem", sa.Text(), nullable=True),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
        ),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["messages.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("case_id", "scope", "name"),
    )
    with op.batch_alter_table("case_fields", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_fields_case_id"), ["case_id"], unique=False)

    op.create_table(
        "chronology_entries",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("agency_key", sa.String(length=100), nullable=False),
        sa.Column("on", sa.Date(), nullable=True),
        sa.Column("raw_date", sa.String(length=100), nullable=False),
        sa.Column("contact", sa.Text(), nullable=False),
        sa.Column("practitioner", sa.Text(), nullable=False),
        sa.Column("event", sa.Text(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("where", sa.Text(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
        ),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["messages.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("chronology_entries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_chronology_entries_case_id"), ["case_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("chronology_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_chronology_entries_case_id"))

    op.drop_table("chronology_entries")
    with op.batch_alter_table("case_fields", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_fields_case_id"))

    op.drop_table("case_fields")

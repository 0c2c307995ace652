"""an index of the children's dates of birth read from the forms, so that a new SIN finds an
open case about the same child sent by another agency with one indexed query

Partial (the date_of_birth rows only): an index of every field's value would also hold the
incident descriptions, which can be longer than PostgreSQL allows an index entry to be.

Revision ID: 0030
Revises: 0029
"""

import sqlalchemy as sa
from alembic import op

revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None

_BORN = sa.text("name = 'date_of_birth'")


def upgrade() -> None:
    op.create_index(
        "ix_case_fields_date_of_birth",
        "case_fields",
        ["value"],
        unique=False,
        sqlite_where=_BORN,
        postgresql_where=_BORN,
    )


def downgrade() -> None:
    op.drop_index("ix_case_fields_date_of_birth", table_name="case_fields")

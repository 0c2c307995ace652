"""the index of the children's dates read from the forms also holds an unborn child's expected
date of delivery, so that a new SIN finds an open case about the same child, born or not,
with one indexed query

Partial, as 0030's was (these two fields' rows only), and under a name that says what it now
holds.

Revision ID: 0031
Revises: 0030
"""

import sqlalchemy as sa
from alembic import op

revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None

_BORN = sa.text("name = 'date_of_birth'")
_DATES = sa.text("name IN ('date_of_birth', 'expected_date_of_delivery')")


def upgrade() -> None:
    op.drop_index("ix_case_fields_date_of_birth", table_name="case_fields")
    op.create_index(
        "ix_case_fields_child_dates",
        "case_fields",
        ["value"],
        unique=False,
        sqlite_where=_DATES,
        postgresql_where=_DATES,
    )


def downgrade() -> None:
    op.drop_index("ix_case_fields_child_dates", table_name="case_fields")
    op.create_index(
        "ix_case_fields_date_of_birth",
        "case_fields",
        ["value"],
        unique=False,
        sqlite_where=_BORN,
        postgresql_where=_BORN,
    )

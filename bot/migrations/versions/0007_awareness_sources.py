"""awareness sources: the Business Manager's Aware: date and reason, and which source won

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# Before this revision an `Aware:` command was known only from the chronology text, and the
# form could not override it; carry those dates over so an upgrade loses none of them.
_BACKFILL_BM = """
UPDATE cases SET bm_aware_on = la_aware_on, aware_source = 'business_manager'
WHERE la_aware_on IS NOT NULL AND EXISTS (
    SELECT 1 FROM case_events e WHERE e.case_id = cases.id AND e.what = 'command'
    AND (lower(e.detail) LIKE 'aware%' OR lower(e.detail) LIKE 'la aware%'
         OR lower(e.detail) LIKE 'local authority aware%')
)
"""
_BACKFILL_REST = """
UPDATE cases SET aware_source = CASE WHEN la_aware_on IS NULL THEN 'receipt' ELSE 'form' END
WHERE aware_source IS NULL AND kind = 'review'
"""


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("bm_aware_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("bm_aware_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("aware_source", sa.String(length=20), nullable=True))
    op.execute(_BACKFILL_BM)
    op.execute(_BACKFILL_REST)


def downgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("aware_source")
        batch_op.drop_column("bm_aware_reason")
        batch_op.drop_column("bm_aware_on")

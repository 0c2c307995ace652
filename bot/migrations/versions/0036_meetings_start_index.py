"""an index of meetings by start, for the screening slot search

Each new SIN's Screening Panel is booked by reading which slots other cases' meetings hold in
the window it may choose from (bot.services.screening_booking); without this index that read
is a scan of every meeting ever booked, once per SIN, and grows with the cases. The digest's
meetings to come and the calendar's answers read meetings by start too.

Revision ID: 0036
Revises: 0035
"""

from alembic import op

revision = "0036"
down_revision = "0035"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_meetings_start", "meetings", ["start"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_meetings_start", table_name="meetings")

"""review lifecycle: votes, Appendix B requests, action plan, approvals

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "action_items",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("owner_key", sa.String(length=100), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("case_id", "number"),
    )
    with op.batch_alter_table("action_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_action_items_case_id"), ["case_id"], unique=False)

    op.create_table(
        "agency_requests",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("agency_key", sa.String(length=100), nullable=False),
        sa.Column("requested_on", sa.Date(), nullable=False),
        sa.Column("return_by", sa.Date(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=True),
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
        sa.UniqueConstraint("case_id", "agency_key"),
    )
    with op.batch_alter_table("agency_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agency_requests_case_id"), ["case_id"], unique=False)

    op.create_table(
        "votes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=30), nullable=False),
        sa.Column("voter", sa.String(length=320), nullable=False),
        sa.Column("choice", sa.String(length=30), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.Column("superseded", sa.Boolean(), nullable=False),
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
    with op.batch_alter_table("votes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_votes_case_id"), ["case_id"], unique=False)

    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=20), nullable=False, server_default="review")
        )
        batch_op.add_column(sa.Column("parent_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("stage", sa.String(length=40), nullable=False, server_default="screening")
        )
        batch_op.add_column(sa.Column("decision", sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column("decided_by", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("notifiable", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("notification_sent_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("review_period", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("rr_meeting_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("rr_report_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("cspr", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("cspr_rationale", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("reviewer_name", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("family_preview_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("planned_publication", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("published_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("closed_reason", sa.Text(), nullable=True))
        batch_op.create_foreign_key("fk_cases_parent_id_cases", "cases", ["parent_id"], ["id"])

    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("requires_approval", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("approved_by", sa.String(length=320), nullable=True))
        batch_op.add_column(sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("approved_at")
        batch_op.drop_column("approved_by")
        batch_op.drop_column("requires_approval")

    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_constraint("fk_cases_parent_id_cases", type_="foreignkey")
        batch_op.drop_column("closed_reason")
        batch_op.drop_column("published_on")
        batch_op.drop_column("planned_publication")
        batch_op.drop_column("family_preview_on")
        batch_op.drop_column("reviewer_name")
        batch_op.drop_column("cspr_rationale")
        batch_op.drop_column("cspr")
        batch_op.drop_column("rr_report_on")
        batch_op.drop_column("rr_meeting_on")
        batch_op.drop_column("review_period")
        batch_op.drop_column("notification_sent_on")
        batch_op.drop_column("notifiable")
        batch_op.drop_column("decided_by")
        batch_op.drop_column("decision")
        batch_op.drop_column("stage")
        batch_op.drop_column("parent_id")
        batch_op.drop_column("kind")

    with op.batch_alter_table("votes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_votes_case_id"))

    op.drop_table("votes")
    with op.batch_alter_table("agency_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agency_requests_case_id"))

    op.drop_table("agency_requests")
    with op.batch_alter_table("action_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_action_items_case_id"))

    op.drop_table("action_items")

"""job health, job leases and the instances' heartbeat

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def _when(name: str, nullable: bool = True) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "job_health",
        sa.Column("name", sa.String(length=60), nullable=False),
        _when("last_started_at"),
        _when("last_finished_at"),
        _when("last_ok_at"),
        sa.Column("last_error", sa.Text(), nullable=True),
        _when("last_error_at"),
        sa.Column("failures", sa.Integer(), nullable=False),
        _when("failing_since"),
        sa.Column("holder", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "job_leases",
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("holder", sa.String(length=200), nullable=False),
        _when("expires_at", nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "bot_instances",
        sa.Column("id", sa.String(length=200), nullable=False),
        sa.Column("host", sa.String(length=200), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        _when("started_at", nullable=False),
        _when("last_seen_at", nullable=False),
        _when("stopped_at"),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("bot_instances")
    op.drop_table("job_leases")
    op.drop_table("job_health")

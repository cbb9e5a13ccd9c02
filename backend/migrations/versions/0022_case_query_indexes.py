"""case query indexes

The statistics' cases of a period (backend/services/statistics/cases.py) are the
handling clocks started in it, read through (kind, started_at), and the clocks that
continue one of them after a reopening, read through continues_id. Without them,
PostgreSQL read every clock to find a month's (bench/operations_board.py,
tests/backend/test_case_query_plan.py). Indexes only: the same on SQLite and PostgreSQL.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-01

"""

from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("report_clocks", schema=None) as batch_op:
        batch_op.create_index("ix_report_clocks_kind_started", ["kind", "started_at"], unique=False)
        batch_op.create_index("ix_report_clocks_continues", ["continues_id"], unique=False)


def downgrade():
    with op.batch_alter_table("report_clocks", schema=None) as batch_op:
        batch_op.drop_index("ix_report_clocks_continues")
        batch_op.drop_index("ix_report_clocks_kind_started")

"""settled case indexes: a period's settled cases from the index, the open ones apart

Two partial indexes on report_clocks by ``started_at``: the first handling clocks of
settled cases (on PostgreSQL with the stored figures as INCLUDE columns, so a year of a
country's cases is counted by an index-only scan), and the clocks not settled (open cases
and reopenings: the few the statistics still work out one by one). On PostgreSQL also
multi-column statistics of (kind, case_outcome): without them the planner multiplies
"a handling clock" by "no stored figures" (NULL on every accept and publish clock too)
and expects twenty times the open cases, then reads every report by a sequential scan.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-02

"""

import sqlalchemy as sa
from alembic import op

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None

SETTLED = "kind = 'handle' AND continues_id IS NULL AND case_outcome IS NOT NULL"
UNSETTLED = "kind = 'handle' AND case_outcome IS NULL"
SETTLED_COLUMNS = [
    "department_id",
    "report_id",
    "case_outcome",
    "case_completed",
    "case_deduction",
    "case_score",
    "case_days",
]


def upgrade():
    with op.batch_alter_table("report_clocks", schema=None) as batch_op:
        batch_op.create_index(
            "ix_report_clocks_settled",
            ["started_at"],
            unique=False,
            postgresql_include=SETTLED_COLUMNS,
            postgresql_where=sa.text(SETTLED),
            sqlite_where=sa.text(SETTLED),
        )
        batch_op.create_index(
            "ix_report_clocks_unsettled",
            ["started_at"],
            unique=False,
            postgresql_where=sa.text(UNSETTLED),
            sqlite_where=sa.text(UNSETTLED),
        )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE STATISTICS IF NOT EXISTS st_report_clocks_case (mcv) "
            "ON kind, case_outcome FROM report_clocks"
        )
        op.execute("ANALYZE report_clocks")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP STATISTICS IF EXISTS st_report_clocks_case")
    with op.batch_alter_table("report_clocks", schema=None) as batch_op:
        batch_op.drop_index("ix_report_clocks_unsettled")
        batch_op.drop_index("ix_report_clocks_settled")

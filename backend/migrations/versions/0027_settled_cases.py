"""settled cases: each case's figures stored once it has stopped

A case (a unit's handling clock and the clock that continues it after a reopening) no
longer changes once all its clocks have stopped: its outcome, completion, working days,
the reporter's score and its deduction are stored on the clock that opens it, so the
statistics count a year of a country's cases with GROUP BY instead of working each one
out again on every request. NULL means "still open, or not yet stored": the statistics
work those out as they did before, so this migration is correct without a backfill;
``flask statistics settle`` fills the columns for the cases already closed (fast reads).

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-02

"""

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None

#: The new columns' vocabularies (backend.domain.sla.Outcome, backend.domain.scoring.Deduction).
CHECKS = {
    "report_clocks": {
        "case_outcome": (
            "running",
            "paused",
            "overdue",
            "on_time",
            "late_with_extension",
            "late",
            "handed_over",
        ),
        "case_deduction": ("overdue", "reraised", "unsatisfied"),
    }
}


def _condition(column, values):
    return "{} IN ({})".format(column, ", ".join(f"'{v}'" for v in values))


def upgrade():
    with op.batch_alter_table("report_clocks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("case_outcome", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("case_completed", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("case_days", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("case_score", sa.SmallInteger(), nullable=True))
        batch_op.add_column(sa.Column("case_deduction", sa.String(length=12), nullable=True))
        for column, values in CHECKS["report_clocks"].items():
            batch_op.create_check_constraint(
                op.f(f"ck_report_clocks_{column}"), _condition(column, values)
            )


def downgrade():
    with op.batch_alter_table("report_clocks", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_report_clocks_case_deduction"), type_="check")
        batch_op.drop_constraint(op.f("ck_report_clocks_case_outcome"), type_="check")
        batch_op.drop_column("case_deduction")
        batch_op.drop_column("case_score")
        batch_op.drop_column("case_days")
        batch_op.drop_column("case_completed")
        batch_op.drop_column("case_outcome")

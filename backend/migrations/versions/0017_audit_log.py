"""audit log of staff actions

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-01

One row per staff action (a workflow action, a reading of a reporter's identity, a
change to a staff account), searched by an administrator (GET /staff/v1/audit). The
allowed actions are written out as they are today (a migration must not change when
the code does); tests/backend/test_vocabularies.py compares ``CHECKS`` with the model.
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

ACTIONS = ("report_action", "reporter_viewed", "staff_created", "staff_changed", "password_reset")

#: table -> column -> allowed values from this revision on.
CHECKS = {"audit_entries": {"action": ACTIONS}}

INDEXES = {
    "ix_audit_entries_at": ["at"],
    "ix_audit_entries_staff_at": ["staff_id", "at"],
    "ix_audit_entries_report_at": ["report_id", "at"],
    "ix_audit_entries_action_at": ["action", "at"],
}


def upgrade():
    op.create_table(
        "audit_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=True),
        sa.Column("target_staff_id", sa.Integer(), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=True),
        sa.Column("address", sa.String(length=64), nullable=True),
        sa.CheckConstraint(
            "action IN ({})".format(", ".join(f"'{v}'" for v in ACTIONS)),
            name="action",  # ck_audit_entries_action by the naming convention
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff_users.id"], name="fk_audit_entries_staff_id_staff_users"
        ),
        sa.ForeignKeyConstraint(
            ["report_id"], ["reports.id"], name="fk_audit_entries_report_id_reports"
        ),
        sa.ForeignKeyConstraint(
            ["target_staff_id"],
            ["staff_users.id"],
            name="fk_audit_entries_target_staff_id_staff_users",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_audit_entries"),
    )
    for name, columns in INDEXES.items():
        op.create_index(name, "audit_entries", columns)


def downgrade():
    for name in reversed(list(INDEXES)):
        op.drop_index(name, table_name="audit_entries")
    op.drop_table("audit_entries")

"""report assignee: the officer of the handling unit a report is given to

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-08 09:00:00.000000

``reports.assignee_id`` (nullable, indexed, a staff account) names the officer of
the handling unit who works the report; it is cleared when the report leaves the
unit. Giving a report to an officer is a new internal timeline entry
(``officer_assigned``) and tells that officer (notification kind
``officer_assigned``): the CHECK constraints of migration 0011 on
``report_events.type`` and ``notifications.kind`` are rebuilt to admit them. The
values are written out as they are today (a migration must not change when the
code does); tests/backend/test_vocabularies.py applies ``CHECKS`` here over those
of 0011 and compares the result with the models.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

EVENT_TYPES = (
    "submit",
    "assign",
    "forward",
    "accept",
    "start",
    "update",
    "resolve",
    "return",
    "reject",
    "mark_duplicate",
    "close",
    "reopen",
    "request_info",
    "provide_info",
    "sla_reminder",
    "overdue",
    "escalated",
    "apology",
    "apology_reminder",
    "promise_missed",
    "extension_requested",
    "extension_decided",
    "rated",
    "follower_feedback",
    "moderation_approved",
    "text_edited",
    "photo_hidden",
    "photo_shown",
    "merged_in",
    "reporter_locked",
    "reporter_unlocked",
)
NOTIFICATION_KINDS = (
    "received",
    "assigned",
    "started",
    "update",
    "resolved",
    "apology",
    "rejected",
    "info_requested",
    "new_assignment",
    "accept_reminder",
    "sla_reminder",
    "accept_overdue",
    "overdue",
    "accept_escalated",
    "escalated",
    "promise_escalated",
    "extension_decided",
    "resident_rated",
    "report_reopened",
)
NEW_EVENT_TYPE = "officer_assigned"
NEW_NOTIFICATION_KIND = "officer_assigned"

#: table -> column -> allowed values from this revision on (over those of 0011).
CHECKS = {
    "report_events": {"type": (*EVENT_TYPES, NEW_EVENT_TYPE)},
    "notifications": {"kind": (*NOTIFICATION_KINDS, NEW_NOTIFICATION_KIND)},
}
#: The same columns as 0011 left them (for the downgrade).
PREVIOUS = {
    "report_events": {"type": EVENT_TYPES},
    "notifications": {"kind": NOTIFICATION_KINDS},
}


def _condition(column, values):
    return "{} IN ({})".format(column, ", ".join(f"'{v}'" for v in values))


def _replace_checks(checks):
    for table, columns in checks.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column, values in columns.items():
                name = op.f(f"ck_{table}_{column}")
                batch_op.drop_constraint(name, type_="check")
                batch_op.create_check_constraint(name, _condition(column, values))


def upgrade():
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.add_column(sa.Column("assignee_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_reports_assignee_id"), ["assignee_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_reports_assignee_id_staff_users"), "staff_users", ["assignee_id"], ["id"]
        )
    _replace_checks(CHECKS)


def downgrade():
    # What only this revision could hold goes first: the assignments and their notices.
    op.execute(
        f"DELETE FROM notifications WHERE kind = '{NEW_NOTIFICATION_KIND}' OR event_id IN "
        f"(SELECT id FROM report_events WHERE type = '{NEW_EVENT_TYPE}')"
    )
    op.execute(f"DELETE FROM report_events WHERE type = '{NEW_EVENT_TYPE}'")
    _replace_checks(PREVIOUS)
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_reports_assignee_id_staff_users"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_reports_assignee_id"))
        batch_op.drop_column("assignee_id")

"""coordinator notifications: extension requests and returned reports

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-10 09:00:00.000000

The coordinators (role ``coordinator``) are told when a unit asks for a later deadline
(notification kind ``extension_requested``) and when a unit returns a report for
reassignment (``report_returned``): the CHECK constraint on ``notifications.kind``
(0011, rebuilt by 0013) is rebuilt to admit them. The values are written out as they
are today (a migration must not change when the code does);
tests/backend/test_vocabularies.py applies ``CHECKS`` here over those of the earlier
revisions and compares the result with the models.
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

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
    "officer_assigned",
)
NEW_NOTIFICATION_KINDS = ("extension_requested", "report_returned")

#: table -> column -> allowed values from this revision on (over those of 0013).
CHECKS = {"notifications": {"kind": (*NOTIFICATION_KINDS, *NEW_NOTIFICATION_KINDS)}}
#: The same column as 0013 left it (for the downgrade).
PREVIOUS = {"notifications": {"kind": NOTIFICATION_KINDS}}


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
    _replace_checks(CHECKS)


def downgrade():
    # What only this revision could hold goes first: those notifications.
    kinds = ", ".join(f"'{kind}'" for kind in NEW_NOTIFICATION_KINDS)
    op.execute(f"DELETE FROM notifications WHERE kind IN ({kinds})")
    _replace_checks(PREVIOUS)

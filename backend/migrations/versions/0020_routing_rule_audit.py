"""routing rule audit: changes to the routing rules are on the audit trail

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-01

An administrator's creation, change or deletion of a routing rule is an audit entry of
action ``routing_rule_changed`` (detail: the operation, the rule's id, its keys before
and after): the CHECK constraint on ``audit_entries.action`` (0017) is rebuilt to admit
it. The values are written out as they are today (a migration must not change when the
code does); tests/backend/test_vocabularies.py applies ``CHECKS`` here over those of the
earlier revisions and compares the result with the models.
"""

from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

ACTIONS = ("report_action", "reporter_viewed", "staff_created", "staff_changed", "password_reset")
NEW_ACTIONS = ("routing_rule_changed",)

#: table -> column -> allowed values from this revision on (over those of 0017).
CHECKS = {"audit_entries": {"action": (*ACTIONS, *NEW_ACTIONS)}}
#: The same column as 0017 left it (for the downgrade).
PREVIOUS = {"audit_entries": {"action": ACTIONS}}


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
    # What only this revision could hold goes first: those entries.
    actions = ", ".join(f"'{action}'" for action in NEW_ACTIONS)
    op.execute(f"DELETE FROM audit_entries WHERE action IN ({actions})")
    _replace_checks(PREVIOUS)

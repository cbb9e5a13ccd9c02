"""open311 clients: the API keys of third-party Open311 applications

One row per key an administrator issued (``open311_clients``): the application's name and
contact, the key's first characters and its SHA-256 (unique: the lookup; the key itself is
never stored), the province it is limited to (or none: every hosted province), who issued
and revoked it and when, and when it was last used. Issuing and revoking a key are audit
entries (``open311_key_issued``, ``open311_key_revoked``): the CHECK constraint on
``audit_entries.action`` is rebuilt to admit them, the values written out as they are
today (a migration must not change when the code does; tests/backend/test_vocabularies.py
applies ``CHECKS`` here over the earlier revisions' and compares them with the models).

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-02

"""

import sqlalchemy as sa
from alembic import op

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None

ACTIONS = (
    "report_action",
    "reporter_viewed",
    "staff_created",
    "staff_changed",
    "password_reset",
    "routing_rule_changed",
)
NEW_ACTIONS = ("open311_key_issued", "open311_key_revoked")

#: table -> column -> allowed values from this revision on (over those of 0020).
CHECKS = {"audit_entries": {"action": (*ACTIONS, *NEW_ACTIONS)}}
#: The same column as 0020 left it (for the downgrade).
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
    op.create_table(
        "open311_clients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("contact", sa.String(length=500), nullable=True),
        sa.Column("key_prefix", sa.String(length=16), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("province_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by_id", sa.Integer(), nullable=True),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["province_id"],
            ["admin_units.id"],
            name="fk_open311_clients_province_id_admin_units",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["staff_users.id"],
            name="fk_open311_clients_created_by_id_staff_users",
        ),
        sa.ForeignKeyConstraint(
            ["revoked_by_id"],
            ["staff_users.id"],
            name="fk_open311_clients_revoked_by_id_staff_users",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_open311_clients"),
        sa.UniqueConstraint("key_hash", name="uq_open311_clients_key_hash"),
    )
    op.create_index("ix_open311_clients_province_id", "open311_clients", ["province_id"])
    _replace_checks(CHECKS)


def downgrade():
    # What only this revision could hold goes first: those entries.
    actions = ", ".join(f"'{action}'" for action in NEW_ACTIONS)
    op.execute(f"DELETE FROM audit_entries WHERE action IN ({actions})")
    _replace_checks(PREVIOUS)
    op.drop_index("ix_open311_clients_province_id", table_name="open311_clients")
    op.drop_table("open311_clients")

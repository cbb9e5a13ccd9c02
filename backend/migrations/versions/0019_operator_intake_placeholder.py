"""operator intake: the channel a report came by, who entered it, the operator role

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-01

An operator (new staff role ``operator``, or the coordinator) enters a report received
by hotline, Zalo, e-mail, Facebook, a letter or at the counter on a resident's behalf:

* ``reports.channel`` (NOT NULL, server default ``'app'``, so every existing report is
  an app report) with a CHECK of the channels;
* ``reports.entered_by_id`` (nullable, indexed, a staff account): the operator who
  entered it, internal (never public, never shown to a handling unit);
* the CHECK on ``staff_users.role`` (0011) is rebuilt to admit ``operator``, the one on
  ``reports.location_source`` to admit ``map`` (an operator's click) and ``ward`` (the
  representative point of a ward the operator chose).

The values are written out as they are today (a migration must not change when the code
does); tests/backend/test_vocabularies.py applies ``CHECKS`` here over those of the
earlier revisions and compares the result with the models.
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

ROLES = ("admin", "coordinator", "moderator", "department_head", "department_officer")
NEW_ROLE = "operator"
CHANNELS = ("app", "hotline", "zalo", "email", "facebook", "letter", "counter", "open311")
LOCATION_SOURCES = ("device", "photo_exif")
NEW_LOCATION_SOURCES = ("map", "ward")

#: table -> column -> allowed values from this revision on (over those of 0011).
CHECKS = {
    "staff_users": {"role": (*ROLES, NEW_ROLE)},
    "reports": {
        "channel": CHANNELS,
        "location_source": (*LOCATION_SOURCES, *NEW_LOCATION_SOURCES),
    },
}
#: The columns as 0011 left them (for the downgrade).
PREVIOUS = {"staff_users": {"role": ROLES}, "reports": {"location_source": LOCATION_SOURCES}}


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
        batch_op.add_column(
            sa.Column("channel", sa.String(length=16), server_default="app", nullable=False)
        )
        batch_op.add_column(sa.Column("entered_by_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_reports_entered_by_id"), ["entered_by_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_reports_entered_by_id_staff_users"),
            "staff_users",
            ["entered_by_id"],
            ["id"],
        )
        batch_op.create_check_constraint(
            op.f("ck_reports_channel"), _condition("channel", CHANNELS)
        )
    _replace_checks(
        {
            "staff_users": CHECKS["staff_users"],
            "reports": {"location_source": CHECKS["reports"]["location_source"]},
        }
    )


def downgrade():
    # What only this revision could hold goes first. Operators' accounts stay (sessions,
    # audit entries and reports name them) but no longer sign in: deactivated, and given a
    # role the older CHECK admits.
    op.execute(
        "UPDATE staff_users SET role = 'coordinator', active = false WHERE role = 'operator'"
    )
    sources = ", ".join(f"'{v}'" for v in NEW_LOCATION_SOURCES)
    op.execute(
        f"UPDATE reports SET location_source = 'device' WHERE location_source IN ({sources})"
    )
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_reports_channel"), type_="check")
        batch_op.drop_constraint(
            batch_op.f("fk_reports_entered_by_id_staff_users"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_reports_entered_by_id"))
        batch_op.drop_column("entered_by_id")
        batch_op.drop_column("channel")
    _replace_checks(PREVIOUS)

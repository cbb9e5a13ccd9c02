"""residents' app sessions (refresh tokens), account deletion, devices per session

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-01

A resident's sign-in opens a session holding the SHA-256 of its refresh token (and of the
one it replaced); access tokens name their session, so signing out ends exactly one
phone. ``residents.deleted_at`` marks an account whose identity was erased. A push device
remembers the session it was registered in, so that signing out stops its pushes.
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

ENDS = ("signed_out", "everywhere", "reused", "deleted", "locked")
#: table -> column -> allowed values from this revision on.
CHECKS = {"resident_sessions": {"revoked_reason": ENDS}}


def upgrade():
    op.create_table(
        "resident_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("account_version", sa.Integer(), nullable=False),
        sa.Column("refresh_hash", sa.String(length=64), nullable=False),
        sa.Column("previous_hash", sa.String(length=64), nullable=True),
        sa.Column("dropped_hash", sa.String(length=64), nullable=True),
        sa.Column("rotated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_reason", sa.String(length=16), nullable=True),
        sa.Column("user_agent", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["resident_id"],
            ["residents.id"],
            name="fk_resident_sessions_resident_id_residents",
            ondelete="CASCADE",
        ),
        sa.CheckConstraint(
            "revoked_reason IN ({})".format(", ".join(f"'{v}'" for v in ENDS)),
            name="revoked_reason",  # ck_resident_sessions_revoked_reason
        ),
        sa.PrimaryKeyConstraint("id", name="pk_resident_sessions"),
        sa.UniqueConstraint("refresh_hash", name="uq_resident_sessions_refresh_hash"),
    )
    op.create_index(
        "ix_resident_sessions_resident", "resident_sessions", ["resident_id", "revoked_at"]
    )
    op.create_index("ix_resident_sessions_previous_hash", "resident_sessions", ["previous_hash"])
    op.create_index("ix_resident_sessions_dropped_hash", "resident_sessions", ["dropped_hash"])
    with op.batch_alter_table("residents") as batch:
        batch.add_column(sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("devices") as batch:
        batch.add_column(sa.Column("session_id", sa.Integer(), nullable=True))
        batch.create_index("ix_devices_session_id", ["session_id"])


def downgrade():
    with op.batch_alter_table("devices") as batch:
        batch.drop_index("ix_devices_session_id")
        batch.drop_column("session_id")
    with op.batch_alter_table("residents") as batch:
        batch.drop_column("deleted_at")
    op.drop_index("ix_resident_sessions_dropped_hash", table_name="resident_sessions")
    op.drop_index("ix_resident_sessions_previous_hash", table_name="resident_sessions")
    op.drop_index("ix_resident_sessions_resident", table_name="resident_sessions")
    op.drop_table("resident_sessions")

"""media deletions (photos in object storage)

The stored files a withdrawal must delete (a hidden photo's, a refused report's public
renditions), recorded in the transaction that withdraws them and deleted by a job after
its commit: a bucket or disk that is down at that moment leaves the row, and the next
pass (every minute) deletes the file then. The files themselves are not in the database.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-01

"""

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "media_deletions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_media_deletions"),
    )


def downgrade():
    op.drop_table("media_deletions")

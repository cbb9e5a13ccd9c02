"""operator intake (placeholder, filled by the operator-intake work)

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-01
"""

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass

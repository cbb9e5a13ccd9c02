"""public read indexes: every filter of the public board, newest first

The board (backend/services/queries.py ``public_reports``) filters by status, category,
handling unit, administrative unit, province, date range, map box and words, newest
first, and counts up to 10,000 matching rows. (category_id, created_at) and
(admin_unit_id, created_at) let a filtered first page be read from an index in the
board's order and stop; the others had one already (status, department, province,
created_at, lat/lng). On PostgreSQL the word search (``search_text LIKE 'word%' OR
LIKE '% word%'``) gets a pg_trgm GIN index (the extension is created if missing; it is
a trusted extension since PostgreSQL 13); SQLite has no such index and scans.
Checked with query plans at 1,000,000 reports: tests/backend/test_board_query_plan.py.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-01

"""

from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.create_index(
            "ix_reports_category_created", ["category_id", "created_at"], unique=False
        )
        batch_op.create_index(
            "ix_reports_admin_unit_created", ["admin_unit_id", "created_at"], unique=False
        )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute(
            "CREATE INDEX ix_reports_search_trgm ON reports USING gin (search_text gin_trgm_ops)"
        )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_reports_search_trgm")
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.drop_index("ix_reports_admin_unit_created")
        batch_op.drop_index("ix_reports_category_created")

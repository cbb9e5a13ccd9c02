"""backfill the public text and search text of reports filed before masking

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22

Reports filed before 0005 have no public text and a search text built from the
raw description: a phone number in it would still be found by public search.
"""

import sqlalchemy as sa
from alembic import op

from backend.domain.privacy import mask_personal_data
from backend.domain.text import fold

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

reports = sa.table(
    "reports",
    sa.column("id", sa.Integer),
    sa.column("code", sa.String),
    sa.column("description", sa.Text),
    sa.column("address", sa.String),
    sa.column("public_description", sa.Text),
    sa.column("search_text", sa.Text),
)


def upgrade():
    conn = op.get_bind()
    rows = conn.execute(
        sa.select(reports.c.id, reports.c.code, reports.c.description, reports.c.address).where(
            reports.c.public_description.is_(None)
        )
    ).all()
    for row in rows:
        public = mask_personal_data(row.description)
        address = mask_personal_data(row.address) if row.address else None
        conn.execute(
            reports.update()
            .where(reports.c.id == row.id)
            .values(
                public_description=public,
                search_text=fold(" ".join(filter(None, [row.code, public, address]))),
            )
        )


def downgrade():
    pass  # the masked text is what the public should have seen all along

"""re-mask the public text and search text with the stricter masking

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01

The masking of personal data learnt to read phone numbers glued to letters, split by
``/ , _`` or new lines, zero-width characters, digits typed one by one or full-width,
and e-mails with a full-width ``＠``. Reports stored before that keep a public text and
a folded search text built with the old masking, so such a number would still be shown
and found by public search. This rebuilds both: the description masked anew (or, where
a moderator edited the public text, that text masked again), in batches by id.
"""

import sqlalchemy as sa
from alembic import op

from backend.domain.privacy import mask_personal_data
from backend.domain.text import fold

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

BATCH = 1000

reports = sa.table(
    "reports",
    sa.column("id", sa.Integer),
    sa.column("code", sa.String),
    sa.column("description", sa.Text),
    sa.column("address", sa.String),
    sa.column("public_description", sa.Text),
    sa.column("search_text", sa.Text),
)
events = sa.table("report_events", sa.column("report_id", sa.Integer), sa.column("type", sa.String))


def upgrade():
    conn = op.get_bind()
    edited = sa.select(events.c.report_id).where(events.c.type == "text_edited")
    after = 0
    while True:
        rows = conn.execute(
            sa.select(
                reports.c.id,
                reports.c.code,
                reports.c.description,
                reports.c.address,
                reports.c.public_description,
                reports.c.search_text,
                reports.c.id.in_(edited).label("edited"),
            )
            .where(reports.c.id > after)
            .order_by(reports.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        for row in rows:
            edited_text = row.public_description if row.edited else None
            source = edited_text if edited_text is not None else row.description
            public = mask_personal_data(source or "")
            address = mask_personal_data(row.address) if row.address else None
            search = fold(" ".join(filter(None, [row.code, public, address])))
            if (public, search) != (row.public_description, row.search_text):
                conn.execute(
                    reports.update()
                    .where(reports.c.id == row.id)
                    .values(public_description=public, search_text=search)
                )
        after = rows[-1].id


def downgrade():
    pass  # the stricter masking is what the public should have seen all along

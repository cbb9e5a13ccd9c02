"""open311 form nonce: a key issued from the console remembers the form that issued it

``open311_clients.form_nonce``: the SHA-256 of the issue form's one-time nonce (unique;
NULL for the keys issued with ``flask open311 issue-key`` and those issued before). The
same form sent again (a reload of the page that showed the key, a double click) finds the
row and issues no second key. A nullable column and a unique index on an empty-ish table:
nothing rewritten on PostgreSQL.

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-02

"""

import sqlalchemy as sa
from alembic import op

revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("open311_clients", schema=None) as batch_op:
        batch_op.add_column(sa.Column("form_nonce", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint("uq_open311_clients_form_nonce", ["form_nonce"])


def downgrade():
    with op.batch_alter_table("open311_clients", schema=None) as batch_op:
        batch_op.drop_constraint("uq_open311_clients_form_nonce", type_="unique")
        batch_op.drop_column("form_nonce")

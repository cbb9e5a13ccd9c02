"""open311 requests: tokens of reports filed through Open311, and answers to questions

``open311_requests``: one row per report an Open311 client application filed (the client,
the random token the client follows the request by until it is published, the poster's
account id as the client sent it). ``reports.answers``: the answers to the category's
extra questions (``{code: value}``, checked at intake), NULL where none were asked.
Adding a nullable column rewrites nothing on PostgreSQL (no lock beyond an instant).

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-02

"""

import sqlalchemy as sa
from alembic import op

revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.add_column(sa.Column("answers", sa.JSON(), nullable=True))
    op.create_table(
        "open311_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["open311_clients.id"],
            name="fk_open311_requests_client_id_open311_clients",
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["reports.id"],
            name="fk_open311_requests_report_id_reports",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_open311_requests"),
        sa.UniqueConstraint("report_id", name="uq_open311_requests_report_id"),
        sa.UniqueConstraint("token", name="uq_open311_requests_token"),
    )
    with op.batch_alter_table("open311_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_open311_requests_client_id"), ["client_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("open311_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_open311_requests_client_id"))
    op.drop_table("open311_requests")
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.drop_column("answers")

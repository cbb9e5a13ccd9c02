"""category questions

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-01

The extra questions a category asks (``category_questions``), modelled as Open311
service definition attributes. The datatypes are written out as they are today (a
migration must not change when the code does); tests/backend/test_vocabularies.py
compares ``CHECKS`` with the model. A new table only: the same on SQLite and PostgreSQL.
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

DATATYPES = ("string", "text", "number", "datetime", "singlevaluelist", "multivaluelist")

#: table -> column -> allowed values from this revision on.
CHECKS = {"category_questions": {"datatype": DATATYPES}}


def upgrade():
    op.create_table(
        "category_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("datatype", sa.String(length=24), nullable=False),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("description_vi", sa.String(length=500), nullable=False),
        sa.Column("description_en", sa.String(length=500), nullable=False),
        sa.Column("values", sa.JSON(), nullable=True),
        sa.CheckConstraint(
            "datatype IN ({})".format(", ".join(f"'{v}'" for v in DATATYPES)),
            name="datatype",  # ck_category_questions_datatype by the naming convention
        ),
        sa.ForeignKeyConstraint(
            ["category_id"], ["categories.id"], name="fk_category_questions_category_id_categories"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_category_questions"),
        sa.UniqueConstraint("category_id", "code", name="uq_category_questions_category_id"),
    )


def downgrade():
    op.drop_table("category_questions")

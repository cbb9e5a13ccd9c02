"""provinces as tenants

One deployment serves several provinces (issue 14). A province is a depth-0
admin unit; ``hosted`` marks those this deployment serves, ``slug`` is its URL name.
Departments, staff, reports, categories, SLA policies and calendar exceptions get a
``province_id`` (NULL for staff = national staff; for categories, SLA policies and
calendar exceptions = the national list that applies everywhere). Calendar exceptions
get a surrogate ``id`` key: the same day may be an exception nationally and in a
province; one per (province, day), one national per day (a partial unique index,
since NULLs are distinct in a unique constraint).

Backfill: every existing depth-0 unit in use (units under it, or a department
covering it; else the first) is hosted, with a slug from its name. Reports
take the province of their admin unit (its root); departments the province of their
areas (else of the units they supervise, or of their supervisor); staff the province
of their department; where a row says nothing and the database holds exactly one
province in use, that one (the old single-province data).
Categories, SLA policies and calendar exceptions stay national (NULL).

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-01

"""

import sqlalchemy as sa
from alembic import op

from backend.domain.provinces import province_slug

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

units = sa.table(
    "admin_units",
    sa.column("id", sa.Integer),
    sa.column("name", sa.String),
    sa.column("parent_id", sa.Integer),
    sa.column("depth", sa.Integer),
    sa.column("hosted", sa.Boolean),
    sa.column("slug", sa.String),
)
areas = sa.table(
    "department_areas",
    sa.column("department_id", sa.Integer),
    sa.column("admin_unit_id", sa.Integer),
)
departments = sa.table(
    "departments", sa.column("id", sa.Integer), sa.column("province_id", sa.Integer)
)
dept_links = sa.table(
    "departments", sa.column("id", sa.Integer), sa.column("supervisor_id", sa.Integer)
)
staff = sa.table(
    "staff_users",
    sa.column("id", sa.Integer),
    sa.column("department_id", sa.Integer),
    sa.column("province_id", sa.Integer),
)
reports = sa.table(
    "reports",
    sa.column("id", sa.Integer),
    sa.column("admin_unit_id", sa.Integer),
    sa.column("province_id", sa.Integer),
)

CALENDAR_KINDS = "'day_off', 'working_day', 'ignore_holiday'"


def _province_column(batch_op, table: str, *, index: bool = False) -> None:
    batch_op.add_column(sa.Column("province_id", sa.Integer(), nullable=True))
    batch_op.create_foreign_key(
        f"fk_{table}_province_id_admin_units", "admin_units", ["province_id"], ["id"]
    )
    if index:
        batch_op.create_index(f"ix_{table}_province_id", ["province_id"], unique=False)


def _calendar_table(*, with_province: bool) -> None:
    columns = [
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("note", sa.String(length=300), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(f"kind IN ({CALENDAR_KINDS})", name=op.f("ck_calendar_exceptions_kind")),
    ]
    if with_province:
        columns = [
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("province_id", sa.Integer(), nullable=True),
            *columns,
            sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_exceptions")),
            sa.ForeignKeyConstraint(
                ["province_id"],
                ["admin_units.id"],
                name=op.f("fk_calendar_exceptions_province_id_admin_units"),
            ),
            sa.UniqueConstraint(
                "province_id", "day", name=op.f("uq_calendar_exceptions_province_id")
            ),
        ]
    else:
        columns.append(sa.PrimaryKeyConstraint("day", name=op.f("pk_calendar_exceptions")))
    op.create_table("calendar_exceptions", *columns)
    if with_province:
        op.create_index(
            "uq_calendar_exceptions_national_day",
            "calendar_exceptions",
            ["day"],
            unique=True,
            postgresql_where=sa.text("province_id IS NULL"),
            sqlite_where=sa.text("province_id IS NULL"),
        )


def _rebuild_calendar(*, with_province: bool) -> None:
    conn = op.get_bind()
    where = "" if with_province else " WHERE province_id IS NULL"
    rows = [
        dict(row._mapping)
        for row in conn.execute(
            sa.text(f"SELECT day, kind, note, updated_at FROM calendar_exceptions{where}")
        )
    ]
    op.drop_table("calendar_exceptions")
    _calendar_table(with_province=with_province)
    if rows:  # raw values, as read (SQLite gives the dates back as text)
        conn.execute(
            sa.text(
                "INSERT INTO calendar_exceptions (day, kind, note, updated_at) "
                "VALUES (:day, :kind, :note, :updated_at)"
            ),
            rows,
        )


def upgrade():
    with op.batch_alter_table("admin_units", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("hosted", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("slug", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint("uq_admin_units_slug", ["slug"])
    with op.batch_alter_table("departments", schema=None) as batch_op:
        _province_column(batch_op, "departments", index=True)
    with op.batch_alter_table("staff_users", schema=None) as batch_op:
        _province_column(batch_op, "staff_users", index=True)
    with op.batch_alter_table("categories", schema=None) as batch_op:
        _province_column(batch_op, "categories", index=True)
    with op.batch_alter_table("sla_policies", schema=None) as batch_op:
        _province_column(batch_op, "sla_policies")
    with op.batch_alter_table("reports", schema=None) as batch_op:
        _province_column(batch_op, "reports")
        batch_op.create_index(
            "ix_reports_province_created", ["province_id", "created_at"], unique=False
        )
    _rebuild_calendar(with_province=True)
    _backfill()


def _backfill() -> None:
    conn = op.get_bind()
    rows = conn.execute(sa.select(units.c.id, units.c.name, units.c.parent_id, units.c.depth)).all()
    parent = {row.id: row.parent_id for row in rows}

    def root(unit_id):
        seen = set()
        while unit_id in parent and parent[unit_id] is not None and unit_id not in seen:
            seen.add(unit_id)
            unit_id = parent[unit_id]
        return unit_id if unit_id in parent else None

    provinces = [row for row in rows if row.parent_id is None and row.depth == 0]
    # In use (hence served): it has units under it, or a department covers it.
    covered = {root(unit) for (unit,) in conn.execute(sa.select(areas.c.admin_unit_id))}
    used = {root(row.id) for row in rows if row.parent_id is not None} | covered
    hosted = [row for row in provinces if row.id in used] or provinces[:1]
    taken: set[str] = set()
    for row in hosted:
        slug = province_slug(row.name)[:64] or f"p{row.id}"
        if slug in taken:
            slug = f"{slug[:56]}-{row.id}"
        taken.add(slug)
        conn.execute(units.update().where(units.c.id == row.id).values(hosted=True, slug=slug))
    only = hosted[0].id if len(hosted) == 1 else None

    # Reports, by the root of their admin unit.
    for unit_id in parent:
        province = root(unit_id)
        if province is not None:
            conn.execute(
                reports.update()
                .where(reports.c.admin_unit_id == unit_id)
                .values(province_id=province)
            )
    if only is not None:
        conn.execute(
            reports.update().where(reports.c.province_id.is_(None)).values(province_id=only)
        )
    # Departments: by their areas; else by the units they supervise or their supervisor
    # (a coordinator or a provincial department serves no area of its own).
    found: dict[int, int | None] = {}
    for department_id, unit_id in conn.execute(
        sa.select(areas.c.department_id, sa.func.min(areas.c.admin_unit_id)).group_by(
            areas.c.department_id
        )
    ).all():
        found[department_id] = root(unit_id)
    links = conn.execute(sa.select(dept_links.c.id, dept_links.c.supervisor_id)).all()
    changed = True
    while changed:
        changed = False
        for department_id, supervisor_id in links:
            if supervisor_id is None:
                continue
            if found.get(department_id) is None and found.get(supervisor_id) is not None:
                found[department_id], changed = found[supervisor_id], True
            if found.get(supervisor_id) is None and found.get(department_id) is not None:
                found[supervisor_id], changed = found[department_id], True
    for department_id, province in found.items():
        if province is not None:
            conn.execute(
                departments.update()
                .where(departments.c.id == department_id)
                .values(province_id=province)
            )
    if only is not None:
        conn.execute(
            departments.update().where(departments.c.province_id.is_(None)).values(province_id=only)
        )
    # Staff, by their department; the rest to the one province (none was national before).
    conn.execute(
        staff.update()
        .where(staff.c.department_id.is_not(None))
        .values(
            province_id=sa.select(departments.c.province_id)
            .where(departments.c.id == staff.c.department_id)
            .scalar_subquery()
        )
    )
    if only is not None:
        conn.execute(staff.update().where(staff.c.province_id.is_(None)).values(province_id=only))


def downgrade():
    _rebuild_calendar(with_province=False)
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.drop_index("ix_reports_province_created")
        batch_op.drop_constraint("fk_reports_province_id_admin_units", type_="foreignkey")
        batch_op.drop_column("province_id")
    for table, indexed in (
        ("sla_policies", False),
        ("categories", True),
        ("staff_users", True),
        ("departments", True),
    ):
        with op.batch_alter_table(table, schema=None) as batch_op:
            if indexed:
                batch_op.drop_index(f"ix_{table}_province_id")
            batch_op.drop_constraint(f"fk_{table}_province_id_admin_units", type_="foreignkey")
            batch_op.drop_column("province_id")
    with op.batch_alter_table("admin_units", schema=None) as batch_op:
        batch_op.drop_constraint("uq_admin_units_slug", type_="unique")
        batch_op.drop_column("slug")
        batch_op.drop_column("hosted")

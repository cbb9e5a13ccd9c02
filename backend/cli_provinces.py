"""``flask --app wsgi provinces ...``: the 34 provinces of the 2025 map as tenants.

``load`` creates or updates them (depth-0 units with their real boundaries) from the
bundled data set; ``host``/``unhost`` mark which of them this deployment serves (only
hosted provinces get reports); ``list`` shows them.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from backend.db import commit, db, rollback
from backend.errors import DomainError
from backend.models import AdminUnit
from backend.services import provinces

provinces_cli = AppGroup("provinces", help="Provinces as tenants (the 2025 map).")


@provinces_cli.command("load")
@click.option(
    "--file",
    "file",
    type=click.Path(exists=True, dir_okay=False),
    help="A GeoJSON with ten_tinh/code properties (default: the bundled 2025 map).",
)
@click.option("--host", "host", multiple=True, help="Slug or code of a province to serve.")
def load_command(file, host):
    """Create or update the provinces (their boundaries), optionally hosting some."""
    data = Path(file).read_bytes() if file else None
    result = provinces.load_provinces(data, host=host)
    commit()
    click.echo(f"provinces: {result.created} created, {result.updated} boundaries updated")


@provinces_cli.command("host")
@click.argument("refs", nargs=-1, required=True)
@click.option("--off", is_flag=True, help="Stop serving them instead.")
def host_command(refs, off):
    """Serve (or with --off stop serving) the provinces named by slug or code."""
    try:
        units = [provinces.set_hosted(ref, not off) for ref in refs]
    except DomainError as exc:
        rollback()
        raise click.ClickException(exc.message_en) from exc
    commit()
    for unit in units:
        click.echo(f"{unit.code} {unit.slug}: {'hosted' if unit.hosted else 'not hosted'}")


@provinces_cli.command("list")
def list_command():
    """Every province: code, slug, hosted, name."""
    for unit in db.session.scalars(
        select(AdminUnit).where(AdminUnit.parent_id.is_(None)).order_by(AdminUnit.code)
    ):
        mark = "*" if unit.hosted else " "
        click.echo(f"{mark} {unit.code:6} {unit.slug or '-':20} {unit.name}")

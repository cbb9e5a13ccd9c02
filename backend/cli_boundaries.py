"""``flask --app wsgi boundaries import FILE --province CODE``: a province's communes and
wards from GeoJSON (``backend.services.boundary_import``), one transaction: a file with
any problem is refused, every problem listed, and nothing is changed."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask.cli import AppGroup

from backend.db import commit, rollback, utcnow
from backend.geo.unit_file import Properties
from backend.services import boundary_import

boundaries_cli = AppGroup("boundaries", help="Communes and wards of a province (GeoJSON).")
_DEFAULTS = Properties()


@boundaries_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--province", required=True, help="Code of the province (e.g. 92).")
@click.option("--code-prop", default=_DEFAULTS.code, show_default=True)
@click.option("--name-prop", default=_DEFAULTS.name, show_default=True)
@click.option("--kind-prop", default=_DEFAULTS.kind, show_default=True)
@click.option(
    "--legacy-prop",
    default=_DEFAULTS.legacy,
    show_default=True,
    help="Property with the old codes of the merged units.",
)
@click.option(
    "--replace",
    is_flag=True,
    help="The province's units not in the file lose their boundary (they stay).",
)
def import_command(file, province, code_prop, name_prop, kind_prop, legacy_prop, replace):
    """Import the communes and wards of a province from FILE."""
    options = boundary_import.ImportOptions(
        province=province,
        props=Properties(code=code_prop, name=name_prop, kind=kind_prop, legacy=legacy_prop),
        replace=replace,
    )
    try:
        result = boundary_import.import_units(None, Path(file).read_bytes(), options, utcnow())
    except boundary_import.BoundaryFileRefused as exc:
        rollback()
        for problem in exc.problems:
            where = "file" if problem.feature is None else f"feature {problem.feature}"
            code = f" ({problem.code})" if problem.code else ""
            text = boundary_import.problem_text(problem, "en")
            click.echo(f"{where}{code}: {text}", err=True)
        raise click.ClickException(f"{file}: {exc.message_en}") from exc
    except boundary_import.UnknownProvince as exc:
        rollback()
        raise click.ClickException(exc.message_en) from exc
    commit()
    summary = {
        "province": result.province.code,
        "created": len(result.created),
        "updated": len(result.updated),
        "legacy_codes": result.legacy_codes,
        "cleared": len(result.cleared),
    }
    click.echo(json.dumps(summary, ensure_ascii=False))

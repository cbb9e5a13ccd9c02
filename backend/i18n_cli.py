"""``flask --app wsgi i18n extract|update|compile|check``: the gettext catalogues."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from backend import i18n_catalogues as catalogues

i18n_cli = AppGroup("i18n", help="Translations (gettext catalogues in backend/translations).")


@i18n_cli.command("extract")
@click.option(
    "--output",
    default=str(catalogues.TRANSLATIONS / "messages.pot"),
    show_default=True,
    type=click.Path(dir_okay=False),
)
def extract_command(output):
    """Write the template catalogue (.pot) of every msgid in the code and templates."""
    from pathlib import Path

    template = catalogues.extract()
    catalogues.write_catalogue(template, Path(output))
    click.echo(f"{len(template)} msgids -> {output}")


@i18n_cli.command("update")
def update_command():
    """Merge the current msgids into the vi and en catalogues (English filled from the
    source text); lists what is left to translate."""
    for locale, todo in catalogues.update().items():
        click.echo(f"{locale}: {len(todo)} to translate")
        for label in todo:
            click.echo(f"  {label}")


@i18n_cli.command("compile")
def compile_command():
    """Compile every .po into its .mo (the app also does it at start when one is stale)."""
    done = catalogues.compile_catalogues(force=True)
    click.echo(f"compiled: {', '.join(done) or 'nothing'}")


@i18n_cli.command("check")
def check_command():
    """Fail if a msgid is missing, empty or fuzzy in a catalogue, or its placeholders differ."""
    found = catalogues.problems()
    for problem in found:
        click.echo(problem, err=True)
    if found:
        raise click.ClickException(f"{len(found)} translation problem(s)")
    click.echo("catalogues complete: " + ", ".join(catalogues.LOCALES))

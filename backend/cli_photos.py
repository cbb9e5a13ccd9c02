"""``flask --app wsgi photos ...``: the photo store."""

from __future__ import annotations

import json

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from backend.db import db
from backend.models import Photo
from backend.storage import LocalStorage, copy_all, get_storage

photos_cli = AppGroup("photos", help="The photo store.")


@photos_cli.command("migrate-to-s3")
@click.option(
    "--from",
    "source",
    type=click.Path(file_okay=False, exists=True),
    help="The local photo folder to copy (default: MEDIA_ROOT).",
)
@click.option("--dry-run", is_flag=True, help="Count what would be copied, copy nothing.")
def migrate_to_s3_command(source, dry_run):
    """Copy the photos on local disk (originals and renditions, same keys) into the bucket
    configured by S3_BUCKET; resumable (keys already in the bucket are skipped), deletes
    nothing. Then every photo's original is checked in the bucket."""
    target = get_storage()
    if isinstance(target, LocalStorage):
        raise click.ClickException("S3_BUCKET is not set: the photos are on local disk already")
    local = LocalStorage(source or current_app.config["MEDIA_ROOT"])
    result = copy_all(local, target, dry_run=dry_run)
    if not dry_run:
        originals = db.session.scalars(select(Photo.original_key).order_by(Photo.id))
        result["originals_missing"] = sum(1 for key in originals if not target.exists(key))
    click.echo(json.dumps(result))
    if result.get("originals_missing"):
        raise click.ClickException("some originals are in neither store: see the count above")

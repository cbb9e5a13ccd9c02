"""``flask --app wsgi statistics ...``: the statistics' stored figures."""

from __future__ import annotations

import json
import time

import click
from flask.cli import AppGroup
from sqlalchemy import text

from backend.db import db
from backend.services.statistics import settled

statistics_cli = AppGroup("statistics", help="The statistics' stored figures.")


@statistics_cli.command("settle")
@click.option("--batch", default=5000, show_default=True, help="Reports per transaction.")
def settle_command(batch):
    """Store the figures of every closed case (after migration 0027, or a bulk load):
    resumable and safe to run again while the app serves (each batch commits on its own,
    and a case is always recomputed from what the database holds)."""
    started, after, cases = time.monotonic(), 0, 0
    while (done := _batch(after, batch)) is not None:
        db.session.commit()
        after, cases = done[0], cases + done[1]
    seconds = round(time.monotonic() - started, 1)
    click.echo(json.dumps({"cases": cases, "last_report_id": after, "seconds": seconds}))


def _batch(after: int, batch: int):
    """One batch in its own transaction, without the per-request statement timeout
    (``REQUEST_TIME_BUDGET_SECONDS``): a backfill on a busy database may take longer than
    a request may, and was cancelled in the middle of a 1,000,000-report load."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL statement_timeout = 0"))
    return settled.settle_batch(after, batch)

"""Operator commands: ``flask --app wsgi <group> <command>``."""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from flask_migrate import upgrade
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.serving import run_simple

from backend import tasks
from backend.cli_boundaries import boundaries_cli
from backend.cli_open311 import open311_cli
from backend.cli_photos import photos_cli
from backend.cli_provinces import provinces_cli
from backend.cli_statistics import statistics_cli
from backend.db import commit, db, rollback
from backend.errors import DomainError
from backend.firebase import emulator_id_token, enable_demo_emulator
from backend.i18n_cli import i18n_cli
from backend.jobs import redis_connection, run_scheduler, worker
from backend.models import Report, Resident
from backend.seed import seed_demo
from backend.services.boundaries import BoundaryImport, import_boundaries

geo_cli = AppGroup("geo", help="Administrative boundaries.")
seed_cli = AppGroup("seed", help="Demo and reference data.")
dev_cli = AppGroup("dev", help="Local development helpers (emulator tokens).")


@geo_cli.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--name-prop",
    default="ten_tinh",
    show_default=True,
    help="Feature property holding the unit's name.",
)
@click.option(
    "--code-prop",
    default="code",
    show_default=True,
    help="Feature property holding the unit's code.",
)
@click.option(
    "--kind",
    default="auto",
    show_default=True,
    type=click.Choice(["auto", "province", "city", "district", "commune", "ward", "special_zone"]),
    help="Unit kind; auto: 'TP ...' is a city, anything else a province.",
)
@click.option("--parent", "parent_code", default=None, help="Code of the enclosing unit.")
@click.option(
    "--match-by",
    default="code",
    type=click.Choice(["code", "name"]),
    show_default=True,
    help="Update existing units found by code, or by name (keeps official codes).",
)
@click.option("--only", "only_names", multiple=True, help="Import only features with this name.")
def geo_import(files, name_prop, code_prop, kind, parent_code, match_by, only_names):
    """Import or update unit boundaries from GeoJSON FILES."""
    options = BoundaryImport(
        name_prop=name_prop,
        code_prop=code_prop,
        kind=kind,
        parent_code=parent_code,
        match_by=match_by,
        only_names=frozenset(only_names),
    )
    total = {"created": 0, "updated": 0, "skipped": 0}
    for path in files:
        try:
            result = import_boundaries(Path(path).read_bytes(), options)
        except DomainError as exc:
            rollback()
            raise click.ClickException(f"{path}: {exc.message_en}") from exc
        for key in total:
            total[key] += result[key]
    commit()
    click.echo(json.dumps(total, ensure_ascii=False))


@seed_cli.command("demo")
@click.option("--reports", default=50, show_default=True, help="How many demo reports.")
def seed_demo_command(reports):
    """Build the TP Cần Thơ demo deployment (idempotent: does nothing if already seeded)."""
    if current_app.config.get("APP_ENV") == "production":
        raise click.ClickException("the demo seed (passwords 'demo') never runs in production")
    click.echo(seed_demo(reports=reports))


@dev_cli.command("id-token")
@click.option("--phone", default=None, help="Sign in as the resident with this phone.")
@click.option("--uid", default=None, help="Firebase uid (default: the resident's, or new).")
def dev_id_token(phone, uid):
    """Print an emulator-style Firebase ID token (accepted only where the emulator mode is
    on, as in the quickstart demo). Without --phone: how to sign in as each demo resident."""
    if current_app.config.get("APP_ENV") == "production":
        raise click.ClickException("emulator tokens are never accepted in production")
    if phone is None and uid is None:
        _print_residents()
        return
    phone = phone or "+84901234567"
    if uid is None:
        # The resident who already has this phone (a demo resident): sign in as them, not
        # as a second resident with the same number.
        existing = _resident_with_phone(phone)
        uid = existing.firebase_uid if existing else "phone-" + phone.lstrip("+")
    if not current_app.config.get("FIREBASE_AUTH_EMULATOR_HOST"):
        click.echo(
            "note: only a server in emulator mode accepts this token (the quickstart demo, "
            "or FIREBASE_AUTH_EMULATOR_HOST set)",
            err=True,
        )
    click.echo(emulator_id_token(uid, phone, current_app.config["FIREBASE_PROJECT_ID"]))


@dev_cli.command("residents")
def dev_residents():
    """How to sign in as each demo resident."""
    _print_residents()


def _resident_with_phone(phone: str) -> Resident | None:
    try:
        return db.session.scalars(
            select(Resident).where(Resident.phone == phone).order_by(Resident.id).limit(1)
        ).first()
    except SQLAlchemyError:  # no schema yet: nobody has this phone
        rollback()
        return None


def _print_residents() -> None:
    try:
        residents = db.session.scalars(
            select(Resident)
            .where(Resident.firebase_uid.like("demo-resident-%"))
            .order_by(Resident.id)
        ).all()
    except SQLAlchemyError:
        rollback()
        residents = []
    if not residents:
        click.echo("No demo residents (run: flask --app wsgi quickstart). Any phone signs in:")
        click.echo("  flask --app wsgi dev id-token --phone +84901234567")
        return
    counts = dict(
        db.session.execute(
            select(Report.reporter_id, func.count(Report.id)).group_by(Report.reporter_id)
        ).all()
    )
    click.echo(
        "Demo residents (sign in with the token as id_token at POST /mobile/v1/auth/firebase):"
    )
    for resident in residents:
        click.echo(
            f"  {resident.display_name or '-':<18} {resident.phone or '-':<14} "
            f"{counts.get(resident.id, 0):>2} reports   "
            f"flask --app wsgi dev id-token --phone {resident.phone}"
        )


sla_cli = AppGroup("sla", help="SLA clocks.")
jobs_cli = AppGroup("jobs", help="Background jobs.")

#: The core's periodic jobs and their intervals in seconds; plugins add theirs to
#: ``app.extensions["phananh_periodic"]``.
PERIODIC = (
    ("backend.tasks:sla_sweep", 60),
    ("backend.tasks:redispatch_renditions", 30),  # with REDISPATCH_AFTER: within a minute
    ("backend.tasks:delete_withdrawn_files", 60),  # what a storage outage left behind
    ("backend.tasks:purge_idempotency_keys", 3600),
    ("backend.tasks:purge_ended_sessions", 24 * 3600),
)


@sla_cli.command("sweep")
def sla_sweep_command():
    """Send due reminders, mark overdue reports, escalate, check apologies (idempotent)."""
    click.echo(json.dumps(tasks.sla_sweep()))


@jobs_cli.command("redispatch")
def redispatch_command():
    """Enqueue again the photo renditions whose job was lost."""
    click.echo(json.dumps({"redispatched": tasks.redispatch_renditions()}))


@jobs_cli.command("purge-idempotency-keys")
def purge_idempotency_keys_command():
    """Delete the residents' idempotency keys older than a day."""
    click.echo(json.dumps({"purged": tasks.purge_idempotency_keys()}))


@jobs_cli.command("purge-sessions")
def purge_sessions_command():
    """Delete the residents' and staff sessions that ended more than 30 days ago."""
    click.echo(json.dumps({"purged": tasks.purge_ended_sessions()}))


@jobs_cli.command("rebuild-renditions")
def rebuild_renditions_command():
    """Make again the public files of every photo whose renditions are missing (after the
    photo store was restored from its originals); idempotent."""
    click.echo(json.dumps({"rebuilt": tasks.rebuild_missing_renditions()}))


@click.command("scheduler")
def scheduler_command():
    """Run RQ's cron scheduler for the periodic jobs (needs REDIS_URL; one or more)."""
    if redis_connection() is None:
        raise click.ClickException("REDIS_URL is not set; without it, run the CLI jobs from cron")
    run_scheduler(current_app.extensions["phananh_periodic"])  # outlives Redis outages


@click.command("worker")
@click.option("--burst", is_flag=True, help="Exit when the queue is empty.")
def worker_command(burst):
    """Run an RQ worker for the app's queue (needs REDIS_URL)."""
    preload_for_jobs(current_app)
    worker(wait_for_redis=not burst).work(burst=burst)  # a burst with no Redis fails


#: Modules a worker imports before its first job, named by plugins in
#: ``app.extensions["phananh_worker_preload"]``: RQ forks a process for each job, so a
#: library a job imports lazily (firebase-admin for a push) would be imported again by
#: every job; imported once in the worker, every job's fork has it already.
def preload_for_jobs(app: Flask) -> list[str]:
    names = list(app.extensions.get("phananh_worker_preload", ()))
    for name in names:
        importlib.import_module(name)
    return names


@click.command("quickstart")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True)
@click.option("--no-serve", is_flag=True, help="Prepare the database and stop.")
def quickstart_command(host, port, no_serve):
    """Migrate the database, seed the demo if it is empty, and serve."""
    if current_app.config.get("APP_ENV") == "production":
        raise click.ClickException("quickstart is the demo; in production use gunicorn")
    emulator = enable_demo_emulator(current_app)
    if emulator:
        click.echo(
            f"Emulator sign-in is ON for this demo ({emulator}): unsigned ID tokens are "
            "accepted for any phone. Never expose this server."
        )
    upgrade(directory=current_app.extensions["migrate"].directory)
    if not db.session.scalar(select(func.count(Report.id))):
        click.echo(seed_demo())
    db.session.remove()
    if no_serve:
        return
    click.echo(
        f"phananh demo: portal http://{host}:{port}/  API docs http://{host}:{port}/docs"
        "  (staff logins in README.md; residents: flask --app wsgi dev residents)"
    )
    run_simple(host, port, current_app._get_current_object(), threaded=True)


def register(app: Flask) -> None:
    app.extensions["phananh_periodic"] = list(PERIODIC)
    app.extensions["phananh_worker_preload"] = []
    for command in (
        geo_cli,
        seed_cli,
        dev_cli,
        sla_cli,
        jobs_cli,
        worker_command,
        scheduler_command,
        quickstart_command,
        i18n_cli,
        boundaries_cli,
        provinces_cli,
        photos_cli,
        statistics_cli,
        open311_cli,
    ):
        app.cli.add_command(command)

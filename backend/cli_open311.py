"""``flask --app wsgi open311 ...``: the API keys of Open311 client applications.

``issue-key`` prints a new key once (it is never stored, only its hash); ``revoke-key``
ends one at once; ``keys`` lists them. Times are ISO 8601 in the deployment's time zone
with its offset. The same service as the console's page
(:mod:`backend.services.open311_clients`), run as the deployment's operator (no staff
account: the key's "issued by" stays empty and no audit entry is written).
"""

from __future__ import annotations

import click
from flask.cli import AppGroup

from backend.db import commit, rollback, utcnow
from backend.errors import DomainError
from backend.localtime import local_tz
from backend.services import open311_clients

open311_cli = AppGroup("open311", help="Open311 client applications and their API keys.")


def _refused(exc: DomainError) -> click.ClickException:
    rollback()
    problems = "; ".join(
        f"{field}: {', '.join(msgs)}" for field, msgs in (exc.fields or {}).items()
    )
    return click.ClickException(f"{exc.message_en}{f' ({problems})' if problems else ''}")


def _when(at) -> str:
    """ISO 8601 in the deployment's time zone, with its offset (``2026-12-02T13:05:09+07:00``)."""
    return at.astimezone(local_tz()).isoformat(timespec="seconds") if at is not None else "-"


@open311_cli.command("issue-key")
@click.option("--name", required=True, help="The client application, e.g. 'Cổng DVC quốc gia'.")
@click.option("--contact", default=None, help="Who to call about it (free text).")
@click.option(
    "--province", default=None, help="Limit the key to this hosted province (slug or code)."
)
def issue_key_command(name, contact, province):
    """Issue a key for a client application and print it (once: it is not stored)."""
    try:
        client, raw = open311_clients.issue(
            None, name, utcnow(), contact=contact, province=province
        )
    except DomainError as exc:
        raise _refused(exc) from exc
    commit()
    click.echo(f"id: {client.id}")
    click.echo(f"prefix: {client.key_prefix}")
    click.echo(f"province: {client.province.code if client.province else 'all hosted'}")
    click.echo(f"key: {raw}")
    click.echo("The key is shown only now: give it to the application's operator.", err=True)


@open311_cli.command("revoke-key")
@click.argument("client_id", type=int)
def revoke_key_command(client_id):
    """Revoke a client application's key (at once; revoking twice changes nothing)."""
    try:
        client = open311_clients.revoke(None, client_id, utcnow())
    except DomainError as exc:
        raise _refused(exc) from exc
    commit()
    click.echo(f"{client.id} {client.key_prefix} revoked at {_when(client.revoked_at)}")


@open311_cli.command("keys")
def keys_command():
    """Every client application: id, name, prefix, province, created, last used, revoked."""
    click.echo("id\tname\tprefix\tprovince\tcreated\tlast used\trevoked")
    for client in open311_clients.listing():
        province = (client.province.slug or client.province.code) if client.province else "*"
        row = (
            str(client.id),
            client.name,
            client.key_prefix,
            province,
            _when(client.created_at),
            _when(client.last_used_at),
            _when(client.revoked_at),
        )
        click.echo("\t".join(row))

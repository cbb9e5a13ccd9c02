"""``flask open311 issue-key / revoke-key / keys``: a key printed once, its hash kept,
revoked at once, listed with its prefix (never the key)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlalchemy import select

from backend.db import db
from backend.models import Open311Client
from backend.services import open311_clients

_KEY = re.compile(r"^key: (o311_[A-Za-z0-9_-]{43})$", re.M)


def _run(app, *args):
    return app.test_cli_runner().invoke(args=["open311", *args])


def test_issue_revoke_and_list(app, city):
    issued = _run(app, "issue-key", "--name", "Cổng DVC quốc gia", "--contact", "dvc@gov.vn")
    assert issued.exit_code == 0, issued.output
    raw = _KEY.search(issued.output).group(1)
    client = open311_clients.by_key(raw)
    assert client is not None and client.name == "Cổng DVC quốc gia"
    assert f"id: {client.id}" in issued.output and f"prefix: {client.key_prefix}" in issued.output
    assert client.created_by_id is None and client.key_hash != raw

    listed = _run(app, "keys")
    assert listed.exit_code == 0
    (row,) = [line for line in listed.output.splitlines() if line.startswith(f"{client.id}\t")]
    fields = row.split("\t")
    assert fields[1:4] == ["Cổng DVC quốc gia", client.key_prefix, "*"]
    assert fields[5] == "-" and fields[6] == "-"  # never used, not revoked
    assert raw not in listed.output

    revoked = _run(app, "revoke-key", str(client.id))
    assert revoked.exit_code == 0, revoked.output
    assert open311_clients.by_key(raw) is None
    again = _run(app, "revoke-key", str(client.id))
    assert again.exit_code == 0 and again.output == revoked.output  # the first time stays
    row = [
        line for line in _run(app, "keys").output.splitlines() if line.startswith(f"{client.id}\t")
    ]
    assert row[0].split("\t")[6] != "-"


def test_a_key_for_one_province(app, city):
    issued = _run(app, "issue-key", "--name", "App", "--province", "can-tho")
    assert issued.exit_code == 0, issued.output
    client = open311_clients.by_key(_KEY.search(issued.output).group(1))
    assert client.province.slug == "can-tho"
    assert "\tcan-tho\t" in _run(app, "keys").output


def test_refusals_exit_non_zero_and_change_nothing(app, city):
    for args in (
        ("issue-key", "--name", " "),
        ("issue-key", "--name", "App", "--province", "atlantis"),
        ("issue-key", "--name", "x" * 201),
    ):
        result = _run(app, *args)
        assert result.exit_code != 0, args
        assert "o311_" not in result.output
    assert db.session.scalar(select(Open311Client)) is None
    unknown = _run(app, "revoke-key", "987654")
    assert unknown.exit_code != 0 and "No such Open311 client" in unknown.output


def test_keys_prints_iso_8601_times_with_their_offset(app, city):
    issued = datetime(2026, 12, 2, 5, 30, 9, 123456, tzinfo=UTC)
    client, _ = open311_clients.issue(None, "Cổng DVC quốc gia", issued, province="can-tho")
    client.last_used_at = datetime(2026, 12, 2, 17, 1, tzinfo=UTC)  # the next local day
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["open311", "keys"])
    assert result.exit_code == 0, result.output
    header, row = result.output.splitlines()[:2]
    assert header.split("\t")[4:] == ["created", "last used", "revoked"]
    fields = row.split("\t")
    assert fields[1:4] == ["Cổng DVC quốc gia", client.key_prefix, "can-tho"]
    assert fields[4:] == ["2026-12-02T12:30:09+07:00", "2026-12-03T00:01:00+07:00", "-"]
    for at in fields[4:6]:
        assert datetime.fromisoformat(at).utcoffset() is not None

    revoked = app.test_cli_runner().invoke(args=["open311", "revoke-key", str(client.id)])
    assert revoked.exit_code == 0, revoked.output
    when = revoked.output.split(" revoked at ")[1].strip()
    assert datetime.fromisoformat(when).utcoffset().total_seconds() == 7 * 3600

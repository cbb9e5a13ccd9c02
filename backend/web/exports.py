"""Open data: the public fields of reports as CSV and GeoJSON, streamed."""

from __future__ import annotations

import csv
import functools
import io
import json
from collections.abc import Iterable, Iterator

from backend.db import commit
from backend.domain.workflow import STATUS_NAMES, Status
from backend.i18n import translate
from backend.services.read_model import public_address, public_text

FIELDS = (
    "code",
    "created_at",
    "status",
    "status_vi",
    "category",
    "category_name",
    "department",
    "department_name",
    "admin_unit",
    "admin_unit_name",
    "address",
    "description",
    "lat",
    "lng",
    "resolved_at",
    "channel",
    "url",
)
#: A spreadsheet would run a cell starting with these as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@functools.cache
def _status_vi(status: str) -> str:
    """A status's Vietnamese name, from the catalogue (the open data's ``status_vi``)."""
    return translate(STATUS_NAMES[Status(status)], "vi")


def record(row, base_url: str) -> dict:
    """One report's public fields: personal data masked, as the board shows them."""
    return {
        "code": row.code,
        "created_at": row.created_at.isoformat(),
        "status": row.status,
        "status_vi": _status_vi(row.status),
        "category": row.category,
        "category_name": row.category_name,
        "department": row.department,
        "department_name": row.department_name,
        "admin_unit": row.admin_unit,
        "admin_unit_name": row.admin_unit_name,
        "address": public_address(row.address),
        "description": public_text(row),
        "lat": round(row.lat, 6),
        "lng": round(row.lng, 6),
        "resolved_at": row.resolved_at.isoformat() if row.resolved_at else None,
        "channel": row.channel,
        "url": f"{base_url}/r/{row.code}",
    }


def _cell(value) -> str:
    if value is None:
        return ""
    text = str(value)
    if isinstance(value, str) and text.startswith(_FORMULA_START):
        return "'" + text
    return text


def csv_lines(rows: Iterable, base_url: str) -> Iterator[str]:
    """UTF-8 with a byte-order mark, so that spreadsheets read Vietnamese correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(FIELDS)
    yield "\ufeff" + buffer.getvalue()
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        data = record(row, base_url)
        writer.writerow([_cell(data[name]) for name in FIELDS])
        yield buffer.getvalue()


def geojson_chunks(rows: Iterable, base_url: str) -> Iterator[str]:
    """A FeatureCollection of points (lng, lat), one feature per report."""
    yield '{"type":"FeatureCollection","features":['
    first = True
    for row in rows:
        data = record(row, base_url)
        feature = {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [data.pop("lng"), data.pop("lat")]},
            "properties": data,
        }
        yield ("" if first else ",") + json.dumps(feature, ensure_ascii=False)
        first = False
    yield "]}"


def released(batches: Iterable[list]) -> Iterator:
    """The rows of each batch, the read transaction ended once the batch is fetched.

    Streamed by the response after the view returned (inside ``stream_with_context``):
    while the client reads a batch no transaction stays open and no connection is
    checked out, so a slow or vanished client holds nothing of the database.
    """
    for batch in batches:
        commit()
        yield from batch

"""The framework floor of the national benchmark: a bare Flask JSON endpoint.

Served by the same gunicorn settings as the app (``gunicorn bench.national_floor:app``),
it answers a small JSON document of about the size of a short list page's head: what a
Flask request costs with no database, no templates and no extensions.
"""

from __future__ import annotations

from flask import Flask, jsonify

app = Flask(__name__)


@app.get("/")
def floor():
    return jsonify({"items": [], "page": 1, "page_size": 20, "total": 0, "ok": True})

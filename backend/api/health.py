"""``GET /healthz``: database and queue status, for load balancers and operators."""

from __future__ import annotations

from flask import Blueprint, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from backend.db import db
from backend.jobs import queue_status

blp = Blueprint("health", __name__)


@blp.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
        database = {"ok": True, "backend": db.engine.dialect.name}
    except SQLAlchemyError as exc:
        database = {"ok": False, "backend": db.engine.dialect.name, "error": type(exc).__name__}
    queue = queue_status()
    ok = database["ok"] and queue["ok"]
    return jsonify({"status": "ok" if ok else "degraded", "database": database, "queue": queue}), (
        200 if ok else 503
    )

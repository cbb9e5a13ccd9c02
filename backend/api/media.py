"""Public photo renditions (metadata-free JPEGs). Originals are never served here."""

from __future__ import annotations

from flask import Blueprint, Response, abort

from backend.storage import get_storage

blp = Blueprint("media", __name__)


@blp.get("/media/public/<path:key>")
def public_file(key: str):
    storage = get_storage()
    full_key = f"public/{key}"
    try:
        if ".." in key or not storage.exists(full_key):
            abort(404)
        data = storage.get(full_key)
    except ValueError:
        abort(404)
    response = Response(data, mimetype="image/jpeg")
    # Keys are unguessable, but a moderator may withdraw a photo: caches keep it an hour.
    response.headers["Cache-Control"] = "public, max-age=3600"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response

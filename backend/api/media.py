"""Public photo renditions (metadata-free JPEGs). Originals are never served here.

With the photos in a bucket (or MEDIA_PUBLIC_BASE_URL set) the renditions are served by
the bucket or the CDN, never through the app: a link to this route (an older answer, a
copied URL) is redirected there."""

from __future__ import annotations

from flask import Blueprint, Response, abort, redirect

from backend.services.photos import StorageUnavailable
from backend.storage import get_storage

blp = Blueprint("media", __name__)


@blp.get("/media/public/<path:key>")
def public_file(key: str):
    storage = get_storage()
    full_key = f"public/{key}"
    try:
        if ".." in key:
            abort(404)
        elsewhere = storage.url(full_key)
        if elsewhere:
            response = redirect(elsewhere, 301)
            response.headers["Cache-Control"] = "public, max-age=3600"
            return response
        if not storage.exists(full_key):
            abort(404)
        data = storage.get(full_key)
    except FileNotFoundError:
        abort(404)
    except ValueError:
        abort(404)
    except OSError as exc:
        raise StorageUnavailable() from exc
    response = Response(data, mimetype="image/jpeg")
    # Keys are unguessable, but a moderator may withdraw a photo: caches keep it an hour.
    response.headers["Cache-Control"] = "public, max-age=3600"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response

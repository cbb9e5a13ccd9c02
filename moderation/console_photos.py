"""Every photo of a report for the moderators, hidden ones too, without making any public.

A public rendition lives under ``public/`` and is served to anyone who has its URL
(``backend.api.media``, cached for an hour). Hiding a photo deletes those files
(``photos.withdraw_public_files``), so a hidden photo has no public copy left, and must not
get one back just because a moderator looks at it. Here the private original is rendered
again on each request exactly as the rendition job renders it (a metadata-free JPEG: no
EXIF, no GPS, no device data) and answered only:

- inside the console (a signed-in session; CSRF does not apply to a GET that changes
  nothing), to the moderation roles (anyone else gets the console's 404 page, as for a
  photo that is not one of the report's);
- with ``Cache-Control: no-store`` (the console's guard), ``Cross-Origin-Resource-Policy:
  same-origin`` (another site cannot embed it) and ``nosniff``.

Nothing is written to the storage: the URL names the report and the photo, not a key, and
gives nothing without a moderator's session. A photo whose original cannot be rendered (its
rendition failed at intake) answers 404.
"""

from __future__ import annotations

import logging

from flask import Response

from backend.console.guard import error_page
from backend.media.images import RENDITIONS
from backend.media.images import make_rendition as render
from backend.models import Report
from backend.storage import get_storage

log = logging.getLogger(__name__)


def photo_response(report: Report, photo_id: int, size: str) -> Response:
    photo = next((p for p in report.photos if p.id == photo_id), None)
    if photo is None or size not in RENDITIONS:
        return error_page(404, "photo_not_found")
    try:
        data, _width, _height = render(get_storage().get(photo.original_key), RENDITIONS[size])
    except Exception:  # a missing file, a decoder's error, a limit: as the rendition job
        log.exception("moderator's copy of photo %s could not be rendered", photo.id)
        return error_page(404, "photo_not_found")
    response = Response(data, mimetype="image/jpeg")
    response.headers["Cache-Control"] = "no-store, private"
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    response.headers["Content-Disposition"] = f'inline; filename="photo-{photo.id}-{size}.jpg"'
    return response
